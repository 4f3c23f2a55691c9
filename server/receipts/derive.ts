// Receipts and credit notes derived from the chain's events alone, so anyone holding the same
// events computes the same documents (docs/receipts.md states the rule).
//
// The events are read in chain order, (block, log index). Per venue:
// - each Booked event is a receipt, numbered 1, 2, 3… in that order (series "R");
// - each Cancelled event that refunds something (refund + GST + QST > 0) is a credit note,
//   numbered 1, 2, 3… in that order (series "CN"), and refers to the booking's receipt;
// - the seller is the venue's tax profile in force at the event (the latest VenueTaxProfileSet
//   before it), and the booking is taxable when that profile says so.
// Settled events make no document: they move the escrow (and its taxes) to the payees' pools.
// A SponsorFeePaid event adds no amount to the sale: the member paid the gasless call's sponsor, not
// the venue. It is stated apart on the receipt (booking) or credit note (cancellation) of its pass,
// so that the document shows everything that left or reached the member's wallet.
import type { Hex } from "../../protocol/types.ts";
import type { IndexedTaxProfile, LedgerEntry } from "../index/chainIndex.ts";

export type DocumentKind = "receipt" | "credit_note";

/** The seller block of a document: the venue's tax profile at the event (null before any was set). */
export type Seller = Omit<IndexedTaxProfile, "taxPayee" | "taxable"> | null;

export type BillingDocument = {
  /** `<venueId>-R-<number>` or `<venueId>-CN-<number>`: unique per chain deployment. */
  id: string;
  kind: DocumentKind;
  venueId: number;
  /** Sequential per venue and kind, from 1, in chain order. */
  number: number;
  seller: Seller;
  /** Whether the venue's profile made the booking taxable. */
  taxable: boolean;
  /** The member billed: who paid the booking for a receipt, the refund's recipient for a credit note. */
  member: Hex;
  passId: bigint;
  resourceId: number;
  resourceName: string;
  start: number;
  end: number;
  currency: Hex;
  preTax: bigint;
  gst: bigint;
  qst: bigint;
  total: bigint;
  /** Credit notes: the pre-tax amount the venue kept (cancellation penalty). */
  retained: bigint;
  /**
   * The sponsor's fee of a gasless booking (receipt: paid on top of `total`) or cancellation (credit
   * note: taken from `total` before it reached the member); not part of the sale, untaxed; 0 if none.
   */
  serviceFee: bigint;
  /** Credit notes: the id of the receipt it refunds. */
  refersTo: string | null;
  txHash: Hex;
  block: number;
  logIndex: number;
  /** The block's timestamp (UNIX seconds), null when unknown. */
  time: number | null;
};

/** Names a document id for humans and URLs. */
export function documentId(venueId: number, kind: DocumentKind, number: number): string {
  return `${venueId}-${kind === "receipt" ? "R" : "CN"}-${String(number).padStart(6, "0")}`;
}

/** Raised when the events are not in chain order (the numbering would not be reproducible). */
export class LedgerOrderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "LedgerOrderError";
  }
}

/** Every receipt and credit note of `entries` (any venue), in chain order. */
export function deriveDocuments(entries: Iterable<LedgerEntry>): BillingDocument[] {
  const profiles = new Map<number, IndexedTaxProfile>();
  const receipts = new Map<bigint, BillingDocument>();
  /** The documents a SponsorFeePaid may follow, by pass: its booking's receipt, its cancellation's note. */
  const lastOf = { book: new Map<bigint, BillingDocument>(), cancel: new Map<bigint, BillingDocument>() };
  const counters = new Map<string, number>();
  const out: BillingDocument[] = [];
  let last: [number, number] = [-1, -1];
  const next = (venueId: number, kind: DocumentKind) => {
    const k = `${venueId}:${kind}`;
    const n = (counters.get(k) ?? 0) + 1;
    counters.set(k, n);
    return n;
  };
  for (const e of entries) {
    if (e.block < last[0] || (e.block === last[0] && e.logIndex <= last[1]))
      throw new LedgerOrderError(`event ${e.block}:${e.logIndex} comes after ${last[0]}:${last[1]}`);
    last = [e.block, e.logIndex];
    const at = { txHash: e.txHash, block: e.block, logIndex: e.logIndex, time: e.time };
    switch (e.kind) {
      case "taxProfile": {
        const { venueId, legalName, postalAddress, gstNumber, qstNumber, taxPayee, taxable } = e;
        profiles.set(venueId, { legalName, postalAddress, gstNumber, qstNumber, taxPayee, taxable });
        break;
      }
      case "booked": {
        if (e.venueId === null) break; // a resource the index never saw created: no venue to bill for
        const profile = profiles.get(e.venueId);
        const number = next(e.venueId, "receipt");
        const doc: BillingDocument = {
          id: documentId(e.venueId, "receipt", number),
          kind: "receipt",
          venueId: e.venueId,
          number,
          seller: sellerOf(profile),
          taxable: profile?.taxable ?? false,
          member: e.payer,
          passId: e.passId,
          resourceId: e.resourceId,
          resourceName: e.resourceName,
          start: e.start,
          end: e.end,
          currency: e.currency,
          preTax: e.amount,
          gst: e.gst,
          qst: e.qst,
          total: e.amount + e.gst + e.qst,
          serviceFee: 0n,
          retained: 0n,
          refersTo: null,
          ...at,
        };
        receipts.set(e.passId, doc);
        lastOf.book.set(e.passId, doc);
        out.push(doc);
        break;
      }
      case "cancelled": {
        const receipt = receipts.get(e.passId);
        receipts.delete(e.passId);
        if (!receipt || e.refund + e.gstRefund + e.qstRefund === 0n) break;
        const number = next(receipt.venueId, "credit_note");
        const note: BillingDocument = {
          ...receipt,
          id: documentId(receipt.venueId, "credit_note", number),
          kind: "credit_note",
          number,
          seller: sellerOf(profiles.get(receipt.venueId)),
          member: e.refundTo,
          preTax: e.refund,
          gst: e.gstRefund,
          qst: e.qstRefund,
          total: e.refund + e.gstRefund + e.qstRefund,
          serviceFee: 0n,
          retained: e.retained,
          refersTo: receipt.id,
          ...at,
        };
        out.push(note);
        lastOf.cancel.set(e.passId, note);
        break;
      }
      case "sponsorFee": {
        // Follows its Booked or Cancelled event in the same transaction; the document is already out.
        const doc = (e.onCancel ? lastOf.cancel : lastOf.book).get(e.passId);
        if (doc) doc.serviceFee += e.fee;
        break;
      }
      case "settled":
        receipts.delete(e.passId); // a settled pass can no longer be cancelled
        break;
    }
  }
  return out;
}

function sellerOf(p: IndexedTaxProfile | undefined): Seller {
  if (!p) return null;
  return { legalName: p.legalName, postalAddress: p.postalAddress, gstNumber: p.gstNumber, qstNumber: p.qstNumber };
}
