// The operator's export for the accountant: a period's receipts and credit notes of one venue as
// CSV (RFC 4180), followed by total rows per currency: sales, taxable sales, GST and QST collected,
// refunds (with the GST and QST refunded) and the net. Amounts are exact decimals of the currency.
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

/** Totals per currency (in order of first appearance). */
export function periodTotals(docs: readonly BillingDocument[]): PeriodTotals[] {
  const byCurrency = new Map<Hex, PeriodTotals>();
  for (const d of docs) {
    let t = byCurrency.get(d.currency);
    if (!t) {
      t = {
        currency: d.currency,
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
      };
      byCurrency.set(d.currency, t);
    }
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
 * The CSV: one row per document, then per currency the rows `total` × {sales, taxable_sales,
 * refunds, taxable_refunds, net} whose pre_tax, gst, qst and total columns hold the sums.
 * Dates and windows are local times of `timeZone` with their UTC offset.
 */
export function receiptsCsv(
  docs: readonly BillingDocument[],
  timeZone: string,
  currencyOf: (address: Hex) => CurrencyInfo,
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
  for (const t of periodTotals(docs)) {
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
  }
  return rows.map((r) => r.map(field).join(",")).join("\r\n") + "\r\n";
}
