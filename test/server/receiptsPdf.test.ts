// The receipt and credit note PDFs (server/receipts/pdf.ts) parsed back with PDF.js (pdfjs-dist):
// the text shows the right lines and totals in French (accents included) and in English, and the
// fonts are embedded.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { pdfText } from "./pdfText.ts";
import { renderPdf } from "../../server/receipts/pdf.ts";
import { deriveDocuments, type BillingDocument } from "../../server/receipts/derive.ts";
import { CAD, runChain } from "./receiptsLedger.ts";

const TZ = "America/Toronto";
const TCAD = { address: CAD, symbol: "CAD", decimals: 6 };

function documents(): { receipt: BillingDocument; note: BillingDocument } {
  const chain = runChain([
    { op: "profile", venue: 1, taxable: true },
    { op: "book", resource: 1, currency: CAD, cents: 123_456, member: 0 },
    { op: "cancel", pick: 0, refundBps: 5_000, byOperator: false },
  ]);
  for (const e of chain.ledger) {
    if (e.kind === "booked") {
      e.resourceName = "Bureau fermé — Salle Élise";
      e.start = Date.parse("2027-06-01T13:00:00Z") / 1000;
      e.end = Date.parse("2027-06-01T15:00:00Z") / 1000;
    }
    if (e.kind === "taxProfile") {
      e.legalName = "Café-Atelier Le Lab inc.";
      e.postalAddress = "12, rue Principale, Saint-Germain (Québec) J0C 1K0";
    }
  }
  const [receipt, note] = deriveDocuments(chain.ledger);
  return { receipt, note };
}

const render = (doc: BillingDocument, lang: "fr" | "en") =>
  renderPdf({ doc, lang, currency: TCAD, timeZone: TZ, createdAt: new Date(0) });

describe("receipt PDF", () => {
  it("reads back in French: seller, accents, window in the venue's time, pre-tax, TPS, TVQ, total", async () => {
    const { receipt } = documents();
    const bytes = await render(receipt, "fr");
    assert.equal(bytes.subarray(0, 5).toString(), "%PDF-");
    const { lines, fonts } = await pdfText(bytes);
    const has = (line: string) =>
      assert.ok(lines.includes(line), `missing line ${JSON.stringify(line)} in\n${lines.join("\n")}`);
    has("Reçu 1-R-000001");
    has("Café-Atelier Le Lab inc.");
    has("12, rue Principale, Saint-Germain (Québec) J0C 1K0");
    has("N° TPS/TVH 123456789RT0001");
    has("N° TVQ 1234567890TQ0001");
    has("Ressource | Bureau fermé — Salle Élise");
    has("Période réservée | 2027-06-01 09:00–11:00");
    has("Fuseau horaire | America/Toronto");
    has(`Membre | ${receipt.member}`);
    has(`Transaction | ${receipt.txHash}`);
    has("Laissez-passer | #1");
    // 1 234,56 + 61,73 (5 % of 1 234,56 = 61,728 → 61,73) + 123,15 (9,975 % = 123,1487… → 123,15) = 1 419,44
    has("Montant avant taxes | 1 234,56 CAD");
    has("TPS | 61,73 CAD");
    has("TVQ | 123,15 CAD");
    has("Total | 1 419,44 CAD");
    assert.ok(fonts.length > 0);
  });

  it("reads back in English, and a credit note shows what it refunds and what was retained", async () => {
    const { receipt, note } = documents();
    const en = (await pdfText(await render(receipt, "en"))).lines;
    for (const line of [
      "Receipt 1-R-000001",
      "Amount before tax | 1,234.56 CAD",
      "GST | 61.73 CAD",
      "QST | 123.15 CAD",
      "Total | 1,419.44 CAD",
      "Booked window | 2027-06-01 09:00–11:00",
    ])
      assert.ok(en.includes(line), `missing ${line} in\n${en.join("\n")}`);
    const fr = (await pdfText(await render(note, "fr"))).lines;
    // 617,28 refunded: TPS 30,864 → 30,86; TVQ 61,5736… → 61,57; total 709,71; 617,28 retained.
    for (const line of [
      "Note de crédit 1-CN-000001",
      "Reçu d'origine | 1-R-000001",
      "Montant avant taxes | 617,28 CAD",
      "TPS | 30,86 CAD",
      "TVQ | 61,57 CAD",
      "Total remboursé | 709,71 CAD",
      "Retenu avant taxes | 617,28 CAD",
    ])
      assert.ok(fr.includes(line), `missing ${line} in\n${fr.join("\n")}`);
  });

  it("states a sponsor's service fee apart from the total, paid (receipt) or deducted (credit note)", async () => {
    const { receipt, note } = documents();
    const en = (await pdfText(await render({ ...receipt, serviceFee: 250_000n }, "en"))).lines;
    for (const line of ["Total | 1,419.44 CAD", "Service fee paid | 0.25 CAD"])
      assert.ok(en.includes(line), `missing ${line} in\n${en.join("\n")}`);
    const fr = (await pdfText(await render({ ...note, serviceFee: 250_000n }, "fr"))).lines;
    assert.ok(fr.includes("Frais de service déduits | 0,25 CAD"), fr.join("\n"));
    const none = (await pdfText(await render(receipt, "en"))).lines;
    assert.ok(!none.some((l) => l.startsWith("Service fee")), "no fee, no line");
  });

  it("embeds its fonts (no font is left to the viewer)", async () => {
    const bytes = (await render(documents().receipt, "fr")).toString("latin1");
    assert.match(bytes, /\/FontFile2/);
    assert.doesNotMatch(bytes, /\/BaseFont \/Helvetica/);
  });
});
