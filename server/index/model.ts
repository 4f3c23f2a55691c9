// The event index's records: what the projection (server/index/handlers.ts) keeps per entity, as the
// read API, the door decisions and the receipts read them. Plain data, no behaviour beyond the
// protocol's own rules (the loan rule, the release time).
import type { Hex } from "../../protocol/types.ts";

export const ZERO: Hex = "0x0000000000000000000000000000000000000000";
export const lower = (a: string) => a.toLowerCase() as Hex;

export type IndexedVenue = {
  id: number;
  operator: Hex;
  /** Proposed by the operator, not yet accepted (zero address when none). */
  pendingOperator: Hex;
  /** The payee split new bookings settle into (its latest SplitCreated). */
  splitId: number;
  paused: boolean;
  name: string;
  metadataURI: string;
  /** Who claimTaxes pays (its latest VenueTaxProfileSet; zero address before any). */
  taxPayee: Hex;
  /** The longest offline DoorPass its operator set (DoorPassMaxHoursSet, 1–24 h); null before any. */
  doorPassMaxHours: number | null;
};
export type IndexedResource = {
  id: number;
  venueId: number;
  name: string;
  kind: number;
  units: number;
  currency: Hex;
  pricePerHour: string;
  pricePerDay: string;
  pricePerMonth: string;
  minHours: number;
  maxHours: number;
  horizonHours: number;
  graceSeconds: number;
  policyId: number;
  transferable: boolean;
  followsOpeningHours: boolean;
  metadataURI: string;
};
export type IndexedDoor = { id: number; venueId: number; allResources: boolean; active: boolean; lockKey: Hex };
export type IndexedPass = {
  id: bigint;
  holder: Hex;
  resourceId: number;
  unit: number;
  start: number;
  end: number;
  currency: Hex;
  /** Pre-tax price in escrow (Booked.amount); the member paid amount + gst + qst. */
  amount: bigint;
  gst: bigint;
  qst: bigint;
  /**
   * The sponsor's fee the member paid on top with a gasless booking (SponsorFeePaid), 0 for any
   * other: the member paid amount + gst + qst + serviceFee, the venue amount + gst + qst.
   */
  serviceFee: bigint;
  /** The refund policy the booking pinned (the resource's at booking time). */
  policyId: number;
  /** The payee split (and tax pool) its escrow settles into (Booked.splitId). */
  splitId: number;
  /** First second no refund can be owed: from then on the pass may be settled. */
  releaseTime: number;
  settled: boolean;
  guest: Hex | null;
  guestExpires: number;
  block: number;
};
/** Whether `who` holds `pass` on loan at `time` (ERC-4907 user, until its expiry): the one loan rule. */
export function onLoanTo(pass: IndexedPass, who: Hex, time: number): boolean {
  return who !== ZERO && pass.guest === who && time < pass.guestExpires;
}

/** A cancelled booking: its Booked terms and its Cancelled refund (the pass itself is burned). */
export type IndexedCancellation = Pick<IndexedPass, BookedTerms> & {
  /** The holder when it was cancelled, who got the refund. */
  refundTo: Hex;
  byOperator: boolean;
  refund: bigint;
  retained: bigint;
  gstRefund: bigint;
  qstRefund: bigint;
  /**
   * The sponsor's fee of a gasless cancellation, taken from the refund (SponsorFeePaid): the holder
   * received refund + gstRefund + qstRefund − refundServiceFee.
   */
  refundServiceFee: bigint;
  /** Block of the cancellation. */
  block: number;
};
/** What a cancellation keeps of its pass. */
type BookedTerms =
  "id" | "resourceId" | "unit" | "start" | "end" | "currency" | "amount" | "gst" | "qst" | "serviceFee";
export type IndexedPolicy = { id: number; tiers: { secondsBeforeStart: number; refundBps: number }[] };
export type IndexedSplit = { id: number; venueId: number; payees: Hex[]; sharesBps: number[] };
export type IndexedCurrency = { address: Hex; allowed: boolean };
export type VenueMoney = {
  venueId: number;
  currency: Hex;
  bookings: number;
  booked: bigint;
  refunded: bigint;
  retained: bigint;
  settled: bigint;
  fees: bigint;
};

/**
 * A split's taxes in one currency, GST and QST apart: charged on bookings (collected), given back
 * with refunds (refunded), moved into the split's tax pool by settlement or a cancellation's retained
 * part (settled: the contract's `taxPool`), and paid to the venue's tax payee (claimed: `claimTaxes`
 * pays the whole pool, so after a claim each tax's claimed part is its settled part).
 */
export type SplitTaxes = {
  splitId: number;
  venueId: number;
  currency: Hex;
  gstCollected: bigint;
  qstCollected: bigint;
  gstRefunded: bigint;
  qstRefunded: bigint;
  gstSettled: bigint;
  qstSettled: bigint;
  gstClaimed: bigint;
  qstClaimed: bigint;
};
/** The amounts of a SplitTaxes. */
export const TAX_FIGURES = [
  "gstCollected",
  "qstCollected",
  "gstRefunded",
  "qstRefunded",
  "gstSettled",
  "qstSettled",
  "gstClaimed",
  "qstClaimed",
] as const satisfies readonly (keyof SplitTaxes)[];
export const splitTaxesKey = (splitId: number, currency: Hex): string => `${splitId}:${currency}`;

/** A booking as the read API lists it: a standing pass or a cancellation, never both. */
export type IndexedBooking = {
  start: number;
  id: bigint;
  pass: IndexedPass | null;
  cancellation: IndexedCancellation | null;
};

/** The read API's order of bookings: by start, then pass id. */
export const byStartThenId = (a: { start: number; id: bigint }, b: { start: number; id: bigint }) =>
  a.start - b.start || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
/** The lookups' total order: the read API's, then a standing pass before a cancellation of the same id. */
export const bookingOrder = (a: IndexedBooking, b: IndexedBooking) =>
  byStartThenId(a, b) || (a.pass ? 0 : 1) - (b.pass ? 0 : 1);
/** Where a log sits in the chain and when its block was made: the order receipts are numbered in. */
export type LedgerPosition = {
  block: number;
  logIndex: number;
  txHash: Hex;
  /** The block's timestamp when the log carried it (eth_getLogs `blockTimestamp`), else null. */
  time: number | null;
};
/** A tax profile as a venue set it (VenueTaxProfileSet). */
export type IndexedTaxProfile = {
  legalName: string;
  postalAddress: string;
  gstNumber: string;
  qstNumber: string;
  taxPayee: Hex;
  taxable: boolean;
};
/**
 * The events receipts and credit notes are derived from (server/receipts/), kept in chain order:
 * tax profiles, bookings (with the resource's name at the time), cancellations, sponsor fees,
 * settlements and tax claims.
 */
export type LedgerEntry = LedgerPosition &
  (
    | ({ kind: "taxProfile"; venueId: number } & IndexedTaxProfile)
    | {
        kind: "booked";
        passId: bigint;
        resourceId: number;
        venueId: number | null;
        resourceName: string;
        holder: Hex;
        payer: Hex;
        unit: number;
        start: number;
        end: number;
        currency: Hex;
        amount: bigint;
        gst: bigint;
        qst: bigint;
      }
    | {
        kind: "cancelled";
        passId: bigint;
        by: Hex;
        byOperator: boolean;
        refundTo: Hex;
        refund: bigint;
        retained: bigint;
        gstRefund: bigint;
        qstRefund: bigint;
      }
    | { kind: "settled"; passId: bigint; fee: bigint; gst: bigint; qst: bigint }
    | {
        /** A gasless booking's (or, `onCancel`, cancellation's) fee to its sponsor, not the venue's. */
        kind: "sponsorFee";
        passId: bigint;
        sponsor: Hex;
        fee: bigint;
        onCancel: boolean;
      }
    | {
        /** claimTaxes paid a split's tax pool (`gst + qst`, the part of each tax not claimed before). */
        kind: "taxesClaimed";
        splitId: number;
        venueId: number | null;
        currency: Hex;
        taxPayee: Hex;
        gst: bigint;
        qst: bigint;
      }
  );

/** Key of a ledger entry: sorts as chain order, (block, log index). */
export const ledgerKey = (block: number, logIndex: number): string =>
  `${String(block).padStart(12, "0")}:${String(logIndex).padStart(6, "0")}`;

/**
 * The pass's release time as `_book` computes it: the first second after the last refunding tier
 * of its policy (thresholds decrease, so the last tier with a refund wins); the start itself with
 * no refunding tier; 0 when that tier reaches back before the epoch.
 */
export function releaseTimeOf(start: number, policy: IndexedPolicy | undefined): number {
  let offset = 0;
  for (const t of policy?.tiers ?? []) if (t.refundBps > 0) offset = t.secondsBeforeStart;
  if (offset === 0) return start;
  return start >= offset ? start - offset + 1 : 0;
}
