// Shared by the receipts tests: a model of the contract's billing events (TaxLib's rounding, the
// refund of a cancellation and its taxes, settlement) that generates ledgers in chain order, and a
// small RFC 4180 reader for the CSV export.
import type { LedgerEntry } from "../../server/index/chainIndex.ts";
import type { Hex } from "../../protocol/types.ts";

export const CAD: Hex = "0x00000000000000000000000000000000000000ca";
export const ETH: Hex = "0x0000000000000000000000000000000000000000";
export const DECIMALS: Record<string, number> = { [CAD]: 6, [ETH]: 18 };
export const GST_RATE = 5_000n; // parts per 100,000
export const QST_RATE = 9_975n;
const RATE_SCALE = 100_000n;

/** TaxLib.tax: `price × rate`, rounded half-up to a whole number of cents. */
export function tax(price: bigint, rate: bigint, decimals: number): bigint {
  const cent = 10n ** BigInt(Math.max(0, decimals - 2));
  const d = RATE_SCALE * cent;
  return ((price * rate + d / 2n) / d) * cent;
}

export type Op =
  | { op: "profile"; venue: number; taxable: boolean }
  | { op: "book"; resource: number; currency: Hex; cents: number; member: number }
  | { op: "cancel"; pick: number; refundBps: number; byOperator: boolean }
  | { op: "settle"; pick: number };

/** Resource r belongs to venue ((r − 1) mod 3) + 1. */
export const venueOfResource = (r: number): number => ((r - 1) % 3) + 1;
export const member = (i: number): Hex => `0x${(0xa0 + i).toString(16).padStart(40, "0")}`;
const txHash = (n: number): Hex => `0x${n.toString(16).padStart(64, "0")}`;

/** What the chain holds after the ops: its events, and per venue:currency the tax pool's content. */
export type Chain = {
  ledger: LedgerEntry[];
  /** GST and QST that Settled and Cancelled moved to the venues' tax pools, by `venue:currency`. */
  pooled: Map<string, { gst: bigint; qst: bigint }>;
  /** GST and QST still in escrow with open passes, by `venue:currency`. */
  escrowed: Map<string, { gst: bigint; qst: bigint }>;
  /** Passes booked while their venue's profile was taxable. */
  taxablePasses: Set<bigint>;
};

/** Applies `ops` as the contract would and returns its events in chain order. */
export function runChain(ops: readonly Op[], startTime = 1_800_000_000): Chain {
  const ledger: LedgerEntry[] = [];
  const taxable = new Map<number, boolean>();
  const taxablePasses = new Set<bigint>();
  const open: Extract<LedgerEntry, { kind: "booked" }>[] = [];
  const pooled = new Map<string, { gst: bigint; qst: bigint }>();
  const add = (m: Map<string, { gst: bigint; qst: bigint }>, key: string, gst: bigint, qst: bigint) => {
    const v = m.get(key) ?? { gst: 0n, qst: 0n };
    m.set(key, { gst: v.gst + gst, qst: v.qst + qst });
  };
  let block = 10;
  let logIndex = 0;
  let passId = 0n;
  const at = () => {
    // Two events in a block now and then, so the log index matters to the order.
    if (ledger.length % 3 === 0) {
      block += 1 + (ledger.length % 5);
      logIndex = 0;
    } else logIndex += 2;
    return { block, logIndex, txHash: txHash(ledger.length + 1), time: startTime + block * 12 };
  };
  for (const o of ops) {
    switch (o.op) {
      case "profile":
        taxable.set(o.venue, o.taxable);
        ledger.push({
          ...at(),
          kind: "taxProfile",
          venueId: o.venue,
          legalName: `Lab ${o.venue} inc.`,
          postalAddress: `${o.venue} rue Principale, Québec`,
          gstNumber: o.taxable ? "123456789RT0001" : "",
          qstNumber: o.taxable ? "1234567890TQ0001" : "",
          taxPayee: member(50),
          taxable: o.taxable,
        });
        break;
      case "book": {
        const venueId = venueOfResource(o.resource);
        const decimals = DECIMALS[o.currency];
        const amount = BigInt(o.cents) * 10n ** BigInt(decimals - 2);
        const t = taxable.get(venueId) ?? false;
        const e: Extract<LedgerEntry, { kind: "booked" }> = {
          ...at(),
          kind: "booked",
          passId: ++passId,
          resourceId: o.resource,
          venueId,
          resourceName: `Bureau ${o.resource}`,
          holder: member(o.member),
          payer: member(o.member),
          unit: 0,
          start: startTime + 86_400,
          end: startTime + 90_000,
          currency: o.currency,
          amount,
          gst: t ? tax(amount, GST_RATE, decimals) : 0n,
          qst: t ? tax(amount, QST_RATE, decimals) : 0n,
        };
        ledger.push(e);
        open.push(e);
        if (t) taxablePasses.add(e.passId);
        break;
      }
      case "cancel": {
        if (open.length === 0) break;
        const [b] = open.splice(o.pick % open.length, 1);
        const decimals = DECIMALS[b.currency];
        const refund = o.byOperator ? b.amount : (b.amount * BigInt(o.refundBps)) / 10_000n;
        const taxed = b.gst + b.qst > 0n;
        const gstRefund = o.byOperator ? b.gst : taxed ? tax(refund, GST_RATE, decimals) : 0n;
        const qstRefund = o.byOperator ? b.qst : taxed ? tax(refund, QST_RATE, decimals) : 0n;
        add(pooled, `${b.venueId}:${b.currency}`, b.gst - gstRefund, b.qst - qstRefund);
        ledger.push({
          ...at(),
          kind: "cancelled",
          passId: b.passId,
          by: b.holder,
          byOperator: o.byOperator,
          refundTo: b.holder,
          refund,
          retained: b.amount - refund,
          gstRefund,
          qstRefund,
        });
        break;
      }
      case "settle": {
        if (open.length === 0) break;
        const [b] = open.splice(o.pick % open.length, 1);
        add(pooled, `${b.venueId}:${b.currency}`, b.gst, b.qst);
        ledger.push({ ...at(), kind: "settled", passId: b.passId, fee: b.amount / 100n, gst: b.gst, qst: b.qst });
        break;
      }
    }
  }
  const escrowed = new Map<string, { gst: bigint; qst: bigint }>();
  for (const b of open) add(escrowed, `${b.venueId}:${b.currency}`, b.gst, b.qst);
  return { ledger, pooled, escrowed, taxablePasses };
}

/** RFC 4180 rows (quoted fields with doubled quotes, CRLF line ends). */
export function readCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      row.push(cell);
      cell = "";
    } else if (ch === "\r" && text[i + 1] === "\n") {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = "";
      i++;
    } else cell += ch;
  }
  if (cell || row.length) throw new Error("CSV does not end with CRLF");
  return rows;
}

/** A CSV decimal back to units of `decimals`. */
export function units(decimal: string, decimals: number): bigint {
  const m = /^(-?)(\d+)\.(\d+)$/.exec(decimal);
  if (!m) throw new Error(`not a decimal: ${decimal}`);
  if (m[3].length > decimals) throw new Error(`${decimal} has more than ${decimals} decimals`);
  const v = BigInt(m[2] + m[3].padEnd(decimals, "0"));
  return m[1] ? -v : v;
}
