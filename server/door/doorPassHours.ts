// The offline door follows the opening hours by the DoorPass's window alone: the agent cannot read
// the contract, so the relayer clamps the window at issue time to one open interval of the venue
// (with the resource's early-access grace before the opening, as the online door's gate,
// openingHoursGate.ts, lets a member in), read from the contract's `openHours` view. The dApp renews
// the DoorPass for the next interval.
import { HOUR, isOpenBit } from "../../protocol/openingHours.ts";

/** How far ahead an opening is looked for: none within this → the venue is closed (venue_closed). */
export const OPENING_LOOKAHEAD_S = 24 * HOUR;
/** The longest DoorPass (its validity is at most 24 h, whatever the venue set). */
const MAX_VALIDITY_S = 24 * HOUR;

/**
 * The hours to ask `openHours` about for a window starting no earlier than `from`: from the hour
 * containing `from`, the lookahead, plus the longest DoorPass an opening near its end could last.
 */
export function doorPassHoursQuery(from: number): { start: number; count: number } {
  const start = Math.floor(from / HOUR) * HOUR;
  return { start, count: (OPENING_LOOKAHEAD_S + MAX_VALIDITY_S) / HOUR + 1 };
}

/**
 * The open interval a DoorPass starting no earlier than `from` may cover: `[validFrom, until)`,
 * `validFrom` = max(`from`, opening − grace), `until` the interval's closing (or the end of the hours
 * read, past any DoorPass's end). Null when no hour opens within the lookahead of `from`.
 * `words` is `openHours`' answer for `doorPassHoursQuery(from)`.
 */
export function openIntervalFrom(
  words: readonly bigint[],
  from: number,
  graceSeconds: number,
): { validFrom: number; until: number } | null {
  const { start, count } = doorPassHoursQuery(from);
  let first = -1;
  for (let i = 0; i < count && start + i * HOUR < from + OPENING_LOOKAHEAD_S; i++) {
    if (isOpenBit(words, i)) {
      first = i;
      break;
    }
  }
  if (first < 0) return null;
  let last = first;
  while (last + 1 < count && isOpenBit(words, last + 1)) last++;
  const opens = start + first * HOUR;
  return { validFrom: Math.max(from, opens - Math.max(0, graceSeconds)), until: start + (last + 1) * HOUR };
}
