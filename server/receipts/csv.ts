// The operator's export for the accountant: a period's receipts and credit notes of one venue as
// CSV (RFC 4180), then the payments of its tax pools to its tax payee (claimTaxes), followed by
// total rows per currency: sales, taxable sales, GST and QST collected, refunds (with the GST and
// QST refunded), the net, and the GST and QST claimed. Amounts are exact decimals of the currency.
import type { Hex } from "../../protocol/types.ts";
import type { BillingDocument } from "./derive.ts";
import { decimalText, type CurrencyInfo } from "./money.ts";
import { localIso } from "./localTime.ts";

/** A half-open period [from, to) in UNIX seconds. */
export type Period = { from: number; to: number };

export type PeriodTotals = {
  currency: Hex;
  receipts: number;
  creditNotes: number;
  /** Pre-tax of all receipts, and of the taxable ones. */
  sales: bigint;
  taxableSales: bigint;
  gstCollected: bigint;
  qstCollected: bigint;
  /** Pre-tax refunded by credit notes, and of those refunding taxable receipts. */
  refunds: bigint;
  taxableRefunds: bigint;
  gstRefunded: bigint;
  qstRefunded: bigint;
  /** Paid to the venue's tax payee by claimTaxes. */
  taxClaims: number;
  gstClaimed: bigint;
  qstClaimed: bigint;
};

/** A claimTaxes payment: the part of each tax of a split's pool not claimed before, to the tax payee. */
export type TaxClaim = {
  venueId: number;
  splitId: number;
  currency: Hex;
  taxPayee: Hex;
  gst: bigint;
  qst: bigint;
  txHash: Hex;
  /** The block's time (null until read). */
  time: number | null;
};

/** Raised when a document has no date (its block's time could not be read): the export would be wrong. */
export class UndatedDocumentError extends Error {
  constructor(id: string) {
    super(`document ${id} has no date`);
    this.name = "UndatedDocumentError";
  }
}

/** The venue's documents dated within `period`, in chain order. */
export function documentsIn(docs: readonly BillingDocument[], venueId: number, period: Period): BillingDocument[] {
  return docs.filter((d) => {
    if (d.venueId !== venueId) return false;
    if (d.time === null) throw new UndatedDocumentError(d.id);
    return d.time >= period.from && d.time < period.to;
  });
}

/** The venue's tax claims dated within `period`. */
export function taxClaimsIn(claims: readonly TaxClaim[], venueId: number, period: Period): TaxClaim[] {
  return claims.filter((c) => {
    if (c.venueId !== venueId) return false;
    if (c.time === null) throw new UndatedDocumentError(`tax claim ${c.txHash}`);
    return c.time >= period.from && c.time < period.to;
  });
}

/** Totals per currency (in order of first appearance, documents first). */
export function periodTotals(docs: readonly BillingDocument[], claims: readonly TaxClaim[] = []): PeriodTotals[] {
  const byCurrency = new Map<Hex, PeriodTotals>();
  const totalsOf = (currency: Hex) => {
    let t = byCurrency.get(currency);
    if (!t) {
      t = {
        currency,
        receipts: 0,
        creditNotes: 0,
        sales: 0n,
        taxableSales: 0n,
        gstCollected: 0n,
        qstCollected: 0n,
        refunds: 0n,
        taxableRefunds: 0n,
        gstRefunded: 0n,
        qstRefunded: 0n,
        taxClaims: 0,
        gstClaimed: 0n,
        qstClaimed: 0n,
      };
      byCurrency.set(currency, t);
    }
    return t;
  };
  for (const d of docs) {
    const t = totalsOf(d.currency);
    if (d.kind === "receipt") {
      t.receipts++;
      t.sales += d.preTax;
      if (d.taxable) t.taxableSales += d.preTax;
      t.gstCollected += d.gst;
      t.qstCollected += d.qst;
    } else {
      t.creditNotes++;
      t.refunds += d.preTax;
      if (d.taxable) t.taxableRefunds += d.preTax;
      t.gstRefunded += d.gst;
      t.qstRefunded += d.qst;
    }
  }
  for (const c of claims) {
    const t = totalsOf(c.currency);
    t.taxClaims++;
    t.gstClaimed += c.gst;
    t.qstClaimed += c.qst;
  }
  return [...byCurrency.values()];
}

export const CSV_COLUMNS = [
  "type",
  "number",
  "date",
  "pass_id",
  "member",
  "resource",
  "start",
  "end",
  "taxable",
  "currency",
  "pre_tax",
  "gst",
  "qst",
  "total",
  "refers_to",
  "tx_hash",
] as const;

/** One CSV field, quoted when needed. */
function field(v: string): string {
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/** Free text (a resource's name, set by its operator): what a spreadsheet would run as a formula is defused. */
function textCell(v: string): string {
  return /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
}

/**
 * The CSV: one row per document, one `tax_claim` row per tax claim (its `member` column holds the
 * tax payee paid, pre_tax is 0), then per currency the rows `total` × {sales, taxable_sales,
 * refunds, taxable_refunds, net, taxes_claimed} whose pre_tax, gst, qst and total columns hold the
 * sums. Dates and windows are local times of `timeZone` with their UTC offset.
 */
export function receiptsCsv(
  docs: readonly BillingDocument[],
  timeZone: string,
  currencyOf: (address: Hex) => CurrencyInfo,
  claims: readonly TaxClaim[] = [],
): string {
  const rows: string[][] = [[...CSV_COLUMNS]];
  for (const d of docs) {
    const c = currencyOf(d.currency);
    const amount = (x: bigint) => decimalText(x, c.decimals);
    rows.push([
      d.kind,
      d.id,
      d.time === null ? "" : localIso(d.time, timeZone),
      d.passId.toString(),
      d.member,
      textCell(d.resourceName),
      localIso(d.start, timeZone),
      localIso(d.end, timeZone),
      d.taxable ? "yes" : "no",
      c.symbol,
      amount(d.preTax),
      amount(d.gst),
      amount(d.qst),
      amount(d.total),
      d.refersTo ?? "",
      d.txHash,
    ]);
  }
  for (const t of claims) {
    const c = currencyOf(t.currency);
    const amount = (x: bigint) => decimalText(x, c.decimals);
    const cells = ["tax_claim", "", t.time === null ? "" : localIso(t.time, timeZone), "", t.taxPayee, "", "", "", ""];
    rows.push([...cells, c.symbol, amount(0n), amount(t.gst), amount(t.qst), amount(t.gst + t.qst), "", t.txHash]);
  }
  for (const t of periodTotals(docs, claims)) {
    const c = currencyOf(t.currency);
    const amount = (x: bigint) => decimalText(x, c.decimals);
    const total = (label: string, preTax: bigint, gst: bigint, qst: bigint) =>
      rows.push([
        "total",
        label,
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        c.symbol,
        amount(preTax),
        amount(gst),
        amount(qst),
        amount(preTax + gst + qst),
        "",
        "",
      ]);
    total("sales", t.sales, t.gstCollected, t.qstCollected);
    total("taxable_sales", t.taxableSales, t.gstCollected, t.qstCollected);
    total("refunds", t.refunds, t.gstRefunded, t.qstRefunded);
    total("taxable_refunds", t.taxableRefunds, t.gstRefunded, t.qstRefunded);
    total("net", t.sales - t.refunds, t.gstCollected - t.gstRefunded, t.qstCollected - t.qstRefunded);
    total("taxes_claimed", 0n, t.gstClaimed, t.qstClaimed);
  }
  return rows.map((r) => r.map(field).join(",")).join("\r\n") + "\r\n";
}
