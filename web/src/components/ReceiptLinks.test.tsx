import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import type { Address } from "viem";
import { I18nProvider } from "../i18n/i18n.tsx";
import { RelayerRequestError, type BillingDocumentJson } from "../lib/relayer.ts";
import { ReceiptLinks } from "./ReceiptLinks.tsx";
import { CalendarFeed } from "./CalendarFeed.tsx";
import { ReceiptsExport } from "./ReceiptsExport.tsx";
import { monthPeriod } from "../lib/monthPeriod.ts";

const CAD = { address: "0x5FbDB2315678afecb367f032d93F642f64180aa3" as Address, symbol: "tCAD", decimals: 6 };

const doc = (over: Partial<BillingDocumentJson>): BillingDocumentJson => ({
  id: "1-R-000001",
  kind: "receipt",
  venueId: 1,
  passId: "7",
  resourceName: "Salle Élise",
  start: Date.UTC(2027, 5, 1, 13) / 1000,
  end: Date.UTC(2027, 5, 1, 15) / 1000,
  timeZone: "America/Toronto",
  currency: CAD,
  preTax: "100000000",
  gst: "5000000",
  qst: "9980000",
  total: "114980000",
  serviceFee: "0",
  time: Date.UTC(2027, 4, 20, 16) / 1000,
  ...over,
});

let saved: { name: string; blob: Blob }[] = [];
beforeEach(() => {
  saved = [];
  URL.createObjectURL = vi.fn(() => "blob:x");
  URL.revokeObjectURL = vi.fn();
  vi.spyOn(HTMLAnchorElement.prototype, "click").mockImplementation(function (this: HTMLAnchorElement) {
    saved.push({ name: this.download, blob: new Blob() });
  });
});
afterEach(() => vi.restoreAllMocks());

const inLang = (lang: "en" | "fr", ui: React.ReactNode) => render(<I18nProvider lang={lang}>{ui}</I18nProvider>);

describe("ReceiptLinks", () => {
  it("lists the member's receipts and credit notes, newest first, with totals, in French", async () => {
    const relayer = {
      get: vi.fn(() =>
        Promise.resolve({
          documents: [
            doc({}),
            doc({ id: "1-CN-000001", kind: "credit_note", total: "57490000", time: Date.UTC(2027, 4, 21) / 1000 }),
          ],
        }),
      ),
      file: vi.fn(() => Promise.resolve(new Blob(["%PDF-"]))),
    };
    inLang("fr", <ReceiptLinks relayer={relayer as never} />);
    await screen.findByText("Reçu 1-R-000001");
    const items = [...document.querySelectorAll("li[data-document-id]")].map((li) =>
      li.getAttribute("data-document-id"),
    );
    expect(items).toEqual(["1-CN-000001", "1-R-000001"]);
    const receipt = document.querySelector('li[data-document-id="1-R-000001"]') as HTMLElement;
    expect(receipt.querySelector(".total")!.textContent).toBe("Total 114,98\u00a0tCAD");
    expect(
      within(document.querySelector('li[data-document-id="1-CN-000001"]') as HTMLElement).getByText(
        "Note de crédit 1-CN-000001",
      ),
    ).toBeTruthy();
    expect(relayer.get).toHaveBeenCalledWith("/api/receipts");
  });

  it("shows a gasless call's service fee beside the total: paid on a receipt, taken from a credit note", async () => {
    const relayer = {
      get: vi.fn(() =>
        Promise.resolve({
          documents: [
            doc({ serviceFee: "250000" }),
            doc({ id: "1-CN-000001", kind: "credit_note", total: "57490000", serviceFee: "250000" }),
            doc({ id: "1-R-000002" }),
          ],
        }),
      ),
      file: vi.fn(() => Promise.resolve(new Blob(["%PDF-"]))),
    };
    inLang("en", <ReceiptLinks relayer={relayer as never} />);
    await screen.findByText("Receipt 1-R-000001");
    const fee = (id: string) => document.querySelector(`li[data-document-id="${id}"] .service-fee`)?.textContent;
    expect(fee("1-R-000001")).toBe(" + 0.25\u00a0tCAD service fee");
    expect(fee("1-CN-000001")).toBe(" − 0.25\u00a0tCAD service fee");
    expect(fee("1-R-000002")).toBeUndefined();
  });

  it("downloads the PDF in the language asked for", async () => {
    const relayer = {
      get: vi.fn(() => Promise.resolve({ documents: [doc({})] })),
      file: vi.fn(() => Promise.resolve(new Blob(["%PDF-"]))),
    };
    inLang("en", <ReceiptLinks relayer={relayer as never} />);
    fireEvent.click(await screen.findByRole("button", { name: "PDF in English" }));
    await waitFor(() => expect(saved.map((s) => s.name)).toEqual(["1-R-000001-en.pdf"]));
    expect(relayer.file).toHaveBeenCalledWith("/api/receipts/1-R-000001/pdf?lang=en");
    fireEvent.click(screen.getByRole("button", { name: "PDF in French" }));
    await waitFor(() => expect(relayer.file).toHaveBeenLastCalledWith("/api/receipts/1-R-000001/pdf?lang=fr"));
  });

  it("asks to sign in when the relayer has no session, and says when a download is refused", async () => {
    const signedOut = { get: vi.fn(() => Promise.reject(new RelayerRequestError("unauthorized", 401))), file: vi.fn() };
    inLang("en", <ReceiptLinks relayer={signedOut as never} />);
    await screen.findByText("Sign in with Ethereum to see your receipts.");

    const refusing = {
      get: vi.fn(() => Promise.resolve({ documents: [doc({})] })),
      file: vi.fn(() =>
        Promise.reject(new RelayerRequestError("forbidden", 403, "members see only their own receipts")),
      ),
    };
    inLang("en", <ReceiptLinks relayer={refusing as never} />);
    fireEvent.click(await screen.findByRole("button", { name: "PDF in French" }));
    expect((await screen.findByRole("alert")).textContent).toBe("This document is not yours.");
    expect(saved).toEqual([]);
  });
});

describe("CalendarFeed", () => {
  it("shows the private link, then revokes it", async () => {
    const send = vi.fn((path: string, method: string) =>
      Promise.resolve(
        method === "POST"
          ? { url: "https://relayer.example/api/calendar/abc.def/passes.ics", expiresAt: Date.UTC(2027, 8, 1) / 1000 }
          : { revokedAt: 1 },
      ),
    );
    inLang("fr", <CalendarFeed relayer={{ send } as never} />);
    fireEvent.click(screen.getByRole("button", { name: "Obtenir mon lien de calendrier privé" }));
    const input = await screen.findByLabelText<HTMLInputElement>("Lien du calendrier");
    expect(input.value).toBe("https://relayer.example/api/calendar/abc.def/passes.ics");
    expect(send).toHaveBeenCalledWith("/api/calendar/feed", "POST");
    fireEvent.click(screen.getByRole("button", { name: "Révoquer tous mes liens de calendrier" }));
    expect((await screen.findByRole("status")).textContent).toMatch(/révoqués/);
    expect(send).toHaveBeenLastCalledWith("/api/calendar/feed", "DELETE");
    expect(screen.queryByLabelText("Lien du calendrier")).toBeNull();
  });
});

describe("ReceiptsExport", () => {
  it("says in French when the relayer cannot read the chain", async () => {
    const file = vi.fn(() =>
      Promise.reject(new RelayerRequestError("chain_unavailable", 503, "the chain cannot be read now")),
    );
    inLang("fr", <ReceiptsExport relayer={{ file }} venueId={3} initialMonth="2027-12" />);
    fireEvent.click(screen.getByRole("button", { name: "Exporter les reçus du mois (CSV)" }));
    expect((await screen.findByRole("alert")).textContent).toBe(
      "Le relais ne peut pas lire la chaîne pour l’instant : réessayez dans un moment.",
    );
    expect(saved).toEqual([]);
  });

  it("exports the chosen month of the venue as CSV", async () => {
    const file = vi.fn(() => Promise.resolve(new Blob(["type,number\r\n"])));
    inLang("en", <ReceiptsExport relayer={{ file }} venueId={3} initialMonth="2027-12" />);
    fireEvent.click(screen.getByRole("button", { name: "Export the month’s receipts (CSV)" }));
    await waitFor(() => expect(saved.map((s) => s.name)).toEqual(["receipts-venue-3-2027-12.csv"]));
    expect(file).toHaveBeenCalledWith("/api/venues/3/receipts.csv?from=2027-12-01&to=2028-01-01");
    expect(monthPeriod("2027-02")).toEqual(["2027-02-01", "2027-03-01"]);
  });
});
