// A venue's revenue, the one rule the relayer answers (GET /api/venues/:id/revenue) and the
// operator's page draws: totals per currency from the index's money counters, and a series per
// local day of use (the venue's time zone) of the bookings starting that day — a standing booking
// counts its pre-tax amount, a cancelled one the pre-tax amount its payees retained.
import { localDayStart } from "../../protocol/timeZone.ts";
import type { Hex } from "../../protocol/types.ts";
import type { ChainIndex } from "../index/chainIndex.ts";
import { localDateAndTime } from "./localTime.ts";
import { venueFacts } from "./receiptsService.ts";

export type VenueRevenue = {
  timeZone: string;
  totals: {
    currency: Hex;
    bookings: number;
    booked: bigint;
    refunded: bigint;
    retained: bigint;
    net: bigint;
    settled: bigint;
    fees: bigint;
  }[];
  daily: { day: string; dayStart: number; currency: Hex; amount: bigint }[];
};

export function venueRevenue(index: ChainIndex, venueId: number): VenueRevenue {
  const timeZone = venueFacts(index.venues.get(venueId)).timeZone;
  const totals = [...index.money.values()]
    .filter((m) => m.venueId === venueId)
    .map((m) => ({
      currency: m.currency,
      bookings: m.bookings,
      booked: m.booked,
      refunded: m.refunded,
      retained: m.retained,
      net: m.booked - m.refunded,
      settled: m.settled,
      fees: m.fees,
    }));
  const daily = new Map<string, { day: string; dayStart: number; currency: Hex; amount: bigint }>();
  for (const { pass: p, cancellation: c } of index.bookingsOfVenue(venueId)) {
    const b = p ?? c!;
    const amount = p ? p.amount : c!.retained;
    const dayStart = localDayStart(b.start, timeZone);
    const key = `${dayStart}|${b.currency}`;
    const entry = daily.get(key);
    if (entry) entry.amount += amount;
    else daily.set(key, { day: localDateAndTime(b.start, timeZone)[0], dayStart, currency: b.currency, amount });
  }
  return {
    timeZone,
    totals,
    daily: [...daily.values()].sort((a, b) => a.dayStart - b.dayStart || a.currency.localeCompare(b.currency)),
  };
}
