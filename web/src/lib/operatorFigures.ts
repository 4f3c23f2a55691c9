// The operator dashboard's decisions: which balances the claims table lists, the day's booked
// unit-hours from the relayer's public availability, and the lines of "Taxes to remit".
import type { Address } from "viem";
import { sameAddress } from "../../../protocol/address.ts";
import type { VenueTaxes } from "./protocol.ts";

type TaxFigures = VenueTaxes["gst"];

/** What a claims row needs for the decision: its split, its currency and its balance. */
export type ClaimCandidate = { current: boolean; currency: { address: Address }; amount: bigint };

/**
 * The rows the claims table lists: every payee of the current split in each currency the venue's
 * resources are priced in, and any row (an older split, another currency) that holds a balance.
 * A currency the venue does not use and that holds nothing gets no row: no "0 ETH" for a
 * stablecoin-only venue.
 */
export function listedClaims<R extends ClaimCandidate>(rows: readonly R[], usedCurrencies: readonly Address[]): R[] {
  const used = (c: Address) => usedCurrencies.some((u) => sameAddress(u, c));
  return rows.filter((r) => r.amount > 0n || (r.current && used(r.currency.address)));
}

/**
 * Booked unit-hours in `[from, to)`: the booked units of every hour slot of every resource, as the
 * relayer's public availability gives them (slot start → booked units).
 */
export function bookedUnitHours(occupancy: readonly ReadonlyMap<number, number>[], from: number, to: number): number {
  let sum = 0;
  for (const slots of occupancy) for (const [slot, booked] of slots) if (slot >= from && slot < to) sum += booked;
  return sum;
}

/** One line of "Taxes to remit": a tax in a currency. */
export type TaxLine = {
  tax: "gst" | "qst";
  collected: bigint;
  refunded: bigint;
  /** Collected, not refunded, not settled yet: still in escrow with its booking. */
  inEscrow: bigint;
  /** Paid to the venue's tax payee (claimTaxes). */
  claimed: bigint;
  /** Settled into the tax pools, not claimed yet. */
  toClaim: bigint;
};

function line(tax: TaxLine["tax"], f: TaxFigures): TaxLine {
  return {
    tax,
    collected: f.collected,
    refunded: f.refunded,
    inEscrow: f.collected - f.refunded - f.settled,
    claimed: f.claimed,
    toClaim: f.settled - f.claimed,
  };
}

/** GST and QST apart, then their sum. */
export function taxLines(t: VenueTaxes): { gst: TaxLine; qst: TaxLine; total: Omit<TaxLine, "tax"> } {
  const gst = line("gst", t.gst);
  const qst = line("qst", t.qst);
  return {
    gst,
    qst,
    total: {
      collected: gst.collected + qst.collected,
      refunded: gst.refunded + qst.refunded,
      inEscrow: gst.inEscrow + qst.inEscrow,
      claimed: gst.claimed + qst.claimed,
      toClaim: gst.toClaim + qst.toClaim,
    },
  };
}
