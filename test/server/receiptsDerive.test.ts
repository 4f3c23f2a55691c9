// Receipts and credit notes derived from chain events (server/receipts/derive.ts) and the
// operator's CSV (server/receipts/csv.ts), against a model of the contract's billing events:
// over thousands of random bookings, cancellations and settlements the CSV's totals equal the
// on-chain amounts to the unit, every document adds up, and the numbering is sequential per venue.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { deriveDocuments, LedgerOrderError, type BillingDocument } from "../../server/receipts/derive.ts";
import {
  documentsIn,
  receiptsCsv,
  taxClaimsIn,
  UndatedDocumentError,
  type TaxClaim,
} from "../../server/receipts/csv.ts";
import { decimalText } from "../../server/receipts/money.ts";
import type { Hex } from "../../protocol/types.ts";
import type { LedgerEntry } from "../../server/index/model.ts";
import {
  CAD,
  DECIMALS,
  ETH,
  readCsv,
  runChain,
  tax,
  GST_RATE,
  QST_RATE,
  units,
  venueOfResource,
  type Op,
} from "./receiptsLedger.ts";

const TZ = "America/Toronto";
const currencyOf = (a: Hex) => ({ address: a, symbol: a === CAD ? "CAD" : "ETH", decimals: DECIMALS[a] });

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 1,
    arbitrary: fc.record({ op: fc.constant("profile"), venue: fc.integer({ min: 1, max: 3 }), taxable: fc.boolean() }),
  },
  {
    weight: 6,
    arbitrary: fc.record({
      op: fc.constant("book"),
      resource: fc.integer({ min: 1, max: 6 }),
      currency: fc.constantFrom(CAD, ETH),
      cents: fc.integer({ min: 1, max: 5_000_000 }),
      member: fc.integer({ min: 0, max: 4 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant("cancel"),
      pick: fc.nat(),
      refundBps: fc.constantFrom(0, 2_500, 5_000, 10_000, 3_333),
      byOperator: fc.boolean(),
    }),
  },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("settle"), pick: fc.nat() }) },
);

/** The CSV's `total` rows as { "label|symbol": [preTax, gst, qst, total] } in units. */
function csvTotals(csv: string): Map<string, bigint[]> {
  const rows = readCsv(csv);
  const head = rows[0];
  const col = (name: string) => head.indexOf(name);
  const out = new Map<string, bigint[]>();
  for (const r of rows.slice(1)) {
    const decimals = r[col("currency")] === "CAD" ? 6 : 18;
    const v = ["pre_tax", "gst", "qst", "total"].map((c) => units(r[col(c)], decimals));
    assert.equal(v[0] + v[1] + v[2], v[3], `row ${r[col("number")]}: pre-tax + GST + QST = total`);
    if (r[col("type")] === "total") out.set(`${r[col("number")]}|${r[col("currency")]}`, v);
  }
  return out;
}

describe("receipts derived from chain events", () => {
  it("CSV totals equal the on-chain amounts over 1,000+ random bookings, cancellations and settlements", () => {
    let bookings = 0;
    let cancels = 0;
    let settlements = 0;
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 20, maxLength: 120 }), (ops) => {
        const chain = runChain(ops);
        bookings += chain.ledger.filter((e) => e.kind === "booked").length;
        cancels += chain.ledger.filter((e) => e.kind === "cancelled").length;
        settlements += chain.ledger.filter((e) => e.kind === "settled").length;
        const docs = deriveDocuments(chain.ledger);
        for (const d of docs) assert.equal(d.preTax + d.gst + d.qst, d.total, `${d.id} adds up`);
        for (const venueId of [1, 2, 3]) {
          const mine = docs.filter((d) => d.venueId === venueId);
          for (const kind of ["receipt", "credit_note"] as const)
            assert.deepEqual(
              mine.filter((d) => d.kind === kind).map((d) => d.number),
              mine.filter((d) => d.kind === kind).map((_, i) => i + 1),
              `venue ${venueId} ${kind}s numbered 1..n in chain order`,
            );
          const all = documentsIn(docs, venueId, { from: 0, to: 2 ** 40 });
          const totals = csvTotals(receiptsCsv(all, TZ, currencyOf));
          for (const currency of [CAD, ETH]) {
            const sym = currency === CAD ? "CAD" : "ETH";
            // The chain's own amounts: the Booked and Cancelled events of the venue's resources.
            const booked = chain.ledger.filter(
              (e) => e.kind === "booked" && e.venueId === venueId && e.currency === currency,
            ) as Extract<(typeof chain.ledger)[number], { kind: "booked" }>[];
            const ids = new Map(booked.map((b) => [b.passId, b]));
            const cancelled = chain.ledger.filter((e) => e.kind === "cancelled" && ids.has(e.passId)) as Extract<
              (typeof chain.ledger)[number],
              { kind: "cancelled" }
            >[];
            const sum = (xs: bigint[]) => xs.reduce((a, b) => a + b, 0n);
            const sales = [
              sum(booked.map((b) => b.amount)),
              sum(booked.map((b) => b.gst)),
              sum(booked.map((b) => b.qst)),
            ];
            const refunds = [
              sum(cancelled.map((c) => c.refund)),
              sum(cancelled.map((c) => c.gstRefund)),
              sum(cancelled.map((c) => c.qstRefund)),
            ];
            if (booked.length === 0) {
              assert.equal(totals.has(`sales|${sym}`), false);
              continue;
            }
            assert.deepEqual(totals.get(`sales|${sym}`)!.slice(0, 3), sales);
            assert.deepEqual(totals.get(`refunds|${sym}`)!.slice(0, 3), refunds);
            const net = totals.get(`net|${sym}`)!;
            assert.deepEqual(net.slice(0, 3), [sales[0] - refunds[0], sales[1] - refunds[1], sales[2] - refunds[2]]);
            // Net taxes collected = what settlements and cancellations put in the tax pool + what is still in escrow.
            const pooled = chain.pooled.get(`${venueId}:${currency}`) ?? { gst: 0n, qst: 0n };
            const escrowed = chain.escrowed.get(`${venueId}:${currency}`) ?? { gst: 0n, qst: 0n };
            assert.equal(net[1], pooled.gst + escrowed.gst, "net GST = pooled + escrowed");
            assert.equal(net[2], pooled.qst + escrowed.qst, "net QST = pooled + escrowed");
            const taxable = (passId: bigint) => chain.taxablePasses.has(passId);
            assert.equal(
              totals.get(`taxable_sales|${sym}`)![0],
              sum(booked.filter((b) => taxable(b.passId)).map((b) => b.amount)),
            );
            assert.equal(
              totals.get(`taxable_refunds|${sym}`)![0],
              sum(cancelled.filter((c) => taxable(c.passId)).map((c) => c.refund)),
            );
          }
        }
      }),
      { numRuns: 100, seed: 20271114 },
    );
    assert.ok(bookings >= 1_000, `${bookings} bookings`);
    assert.ok(cancels >= 200, `${cancels} cancellations`);
    assert.ok(settlements >= 200, `${settlements} settlements`);
  });

  it("a period's totals split exactly into the totals of its halves", () => {
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 20, maxLength: 60 }), fc.nat({ max: 1000 }), (ops, cut) => {
        const docs = deriveDocuments(runChain(ops).ledger);
        const times = docs.map((d) => d.time!);
        if (times.length === 0) return;
        const from = Math.min(...times);
        const to = Math.max(...times) + 1;
        const mid = from + Math.floor(((to - from) * cut) / 1000);
        for (const venueId of [1, 2, 3]) {
          const whole = csvTotals(receiptsCsv(documentsIn(docs, venueId, { from, to }), TZ, currencyOf));
          const a = csvTotals(receiptsCsv(documentsIn(docs, venueId, { from, to: mid }), TZ, currencyOf));
          const b = csvTotals(receiptsCsv(documentsIn(docs, venueId, { from: mid, to }), TZ, currencyOf));
          for (const [k, v] of whole) {
            const x = a.get(k) ?? [0n, 0n, 0n, 0n];
            const y = b.get(k) ?? [0n, 0n, 0n, 0n];
            assert.deepEqual(
              v,
              v.map((_, i) => x[i] + y[i]),
              k,
            );
          }
        }
      }),
      { numRuns: 40, seed: 7 },
    );
  });

  it("bills a taxable booking of 100.00 CAD as 100.00 + 5.00 GST + 9.98 QST = 114.98, and its half refund", () => {
    const chain = runChain([
      { op: "profile", venue: 1, taxable: true },
      { op: "book", resource: 1, currency: CAD, cents: 10_000, member: 0 },
      { op: "cancel", pick: 0, refundBps: 5_000, byOperator: false },
    ]);
    const [receipt, note] = deriveDocuments(chain.ledger);
    const cad = (d: BillingDocument) => [d.preTax, d.gst, d.qst, d.total].map((x) => decimalText(x, 6));
    assert.equal(receipt.id, "1-R-000001");
    assert.deepEqual(cad(receipt), ["100.00", "5.00", "9.98", "114.98"]);
    assert.equal(receipt.seller?.legalName, "Lab 1 inc.");
    assert.equal(receipt.taxable, true);
    assert.equal(note.id, "1-CN-000001");
    assert.equal(note.refersTo, "1-R-000001");
    // 50.00 refunded: GST 2.50, QST 4.9875 → 4.99 (half-up to the cent).
    assert.deepEqual(cad(note), ["50.00", "2.50", "4.99", "57.49"]);
    assert.equal(note.retained, 50_000_000n);
    assert.equal(tax(50_000_000n, QST_RATE, 6), 4_990_000n);
    assert.equal(tax(100_000_000n, GST_RATE, 6), 5_000_000n);
  });

  it("lists the period's tax claims (GST and QST paid to the tax payee) and totals them apart", () => {
    const payee: Hex = "0x00000000000000000000000000000000000000fe";
    const claim = (time: number | null, gst: bigint, qst: bigint, venueId = 1): TaxClaim => ({
      venueId,
      splitId: 1,
      currency: CAD,
      taxPayee: payee,
      gst,
      qst,
      txHash: `0x${"ab".repeat(32)}`,
      time,
    });
    const claims = [claim(1_000, 250_000n, 500_000n), claim(2_000, 5_000_000n, 9_980_000n), claim(2_500, 1n, 1n, 2)];
    const inPeriod = taxClaimsIn(claims, 1, { from: 0, to: 3_000 });
    assert.equal(inPeriod.length, 2, "venue 1's claims only");
    assert.deepEqual(taxClaimsIn(claims, 1, { from: 1_500, to: 3_000 }), [claims[1]]);
    assert.throws(() => taxClaimsIn([claim(null, 1n, 1n)], 1, { from: 0, to: 1 }), UndatedDocumentError);
    const csv = receiptsCsv([], TZ, currencyOf, inPeriod);
    const rows = readCsv(csv).filter((r) => r[0] === "tax_claim");
    assert.equal(rows.length, 2);
    assert.deepEqual(rows[0].slice(9, 14), ["CAD", "0.00", "0.25", "0.50", "0.75"]);
    assert.equal(rows[0][4], payee, "the member column names the tax payee paid");
    assert.deepEqual(csvTotals(csv).get("taxes_claimed|CAD"), [0n, 5_250_000n, 10_480_000n, 15_730_000n]);
  });

  it("makes no credit note for a cancellation that refunds nothing, nor for a settled pass", () => {
    const chain = runChain([
      { op: "book", resource: 1, currency: CAD, cents: 10_000, member: 0 },
      { op: "cancel", pick: 0, refundBps: 0, byOperator: false },
      { op: "book", resource: 4, currency: ETH, cents: 500, member: 1 },
      { op: "settle", pick: 0 },
    ]);
    const docs = deriveDocuments(chain.ledger);
    assert.deepEqual(
      docs.map((d) => d.id),
      ["1-R-000001", "1-R-000002"],
    );
    assert.equal(venueOfResource(4), 1);
    assert.equal(docs[0].seller, null, "no tax profile yet: no seller block");
    assert.equal(docs[0].taxable, false);
  });

  it("states a gasless call's sponsor fee apart: on top of the receipt's total, taken from the credit note's", () => {
    const chain = runChain([
      { op: "profile", venue: 1, taxable: true },
      { op: "book", resource: 1, currency: CAD, cents: 575, member: 0 },
      { op: "cancel", pick: 0, refundBps: 10_000, byOperator: false },
      { op: "book", resource: 1, currency: CAD, cents: 575, member: 1 },
    ]);
    // Each SponsorFeePaid right after its Booked or Cancelled, in the same transaction.
    const withFees = chain.ledger.flatMap((e): LedgerEntry[] =>
      e.kind === "booked" || e.kind === "cancelled"
        ? [
            e,
            {
              block: e.block,
              logIndex: e.logIndex + 1,
              txHash: e.txHash,
              time: e.time,
              kind: "sponsorFee",
              passId: e.passId,
              sponsor: "0x00000000000000000000000000000000000000bb",
              fee: e.kind === "booked" ? 250_000n : 200_000n,
              onCancel: e.kind === "cancelled",
            },
          ]
        : [e],
    );
    const [receipt, note, plain] = deriveDocuments(
      withFees.filter((e) => !(e.kind === "sponsorFee" && e.passId === 2n)),
    );
    assert.equal(receipt.kind, "receipt");
    assert.equal(receipt.serviceFee, 250_000n);
    assert.equal(receipt.total, receipt.preTax + receipt.gst + receipt.qst, "the fee is not part of the sale");
    assert.equal(note.kind, "credit_note");
    assert.equal(note.serviceFee, 200_000n);
    assert.equal(plain.serviceFee, 0n, "a booking paid with the member's own gas has no fee");
  });

  it("refuses events out of chain order, and a period export with an undated document", () => {
    const chain = runChain([
      { op: "book", resource: 1, currency: CAD, cents: 100, member: 0 },
      { op: "book", resource: 2, currency: CAD, cents: 100, member: 0 },
    ]);
    assert.throws(() => deriveDocuments([...chain.ledger].reverse()), LedgerOrderError);
    assert.throws(() => deriveDocuments([chain.ledger[0], chain.ledger[0]]), LedgerOrderError);
    const docs = deriveDocuments(chain.ledger.map((e) => ({ ...e, time: null })));
    assert.throws(() => documentsIn(docs, 1, { from: 0, to: 2 ** 40 }), UndatedDocumentError);
  });

  it("writes local times with their offset and defuses formula-like resource names", () => {
    const chain = runChain([{ op: "book", resource: 1, currency: CAD, cents: 1234, member: 0 }]);
    const booked = chain.ledger[0] as Extract<(typeof chain.ledger)[number], { kind: "booked" }>;
    booked.resourceName = '=HYPERLINK("x"), "Salle"';
    booked.start = Date.parse("2027-03-14T06:00:00Z") / 1000; // 01:00 EST
    booked.end = Date.parse("2027-03-14T08:00:00Z") / 1000; // 04:00 EDT
    const rows = readCsv(receiptsCsv(deriveDocuments(chain.ledger), TZ, currencyOf));
    const r = rows[1];
    assert.equal(r[rows[0].indexOf("resource")], `'=HYPERLINK("x"), "Salle"`);
    assert.equal(r[rows[0].indexOf("start")], "2027-03-14T01:00:00-05:00");
    assert.equal(r[rows[0].indexOf("end")], "2027-03-14T04:00:00-04:00");
    assert.equal(r[rows[0].indexOf("pre_tax")], "12.34");
  });
});
