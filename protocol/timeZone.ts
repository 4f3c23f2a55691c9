// Time-zone offsets from the platform's IANA database (Intl), shared by the dApp and the relayer.

/** Offset of `timeZone` from UTC at instant `t` (seconds), e.g. -14400 for EDT. */
export function tzOffset(t: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).formatToParts(new Date(t * 1000));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const asUtc = Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute"), get("second")) / 1000;
  return asUtc - t;
}

/** The instants in [from, to) where the offset of `timeZone` changes, with the offsets around them. */
export function offsetChanges(
  timeZone: string,
  from: number,
  to: number,
): { at: number; before: number; after: number }[] {
  const changes: { at: number; before: number; after: number }[] = [];
  const step = 7 * 86_400; // offsets change at most once a week in any real zone
  let t = from;
  let offset = tzOffset(t, timeZone);
  while (t < to) {
    const next = Math.min(t + step, to);
    const nextOffset = tzOffset(next, timeZone);
    if (nextOffset !== offset) {
      // Bisect to the second: the first instant with the new offset.
      let lo = t;
      let hi = next;
      while (hi - lo > 1) {
        const mid = Math.floor((lo + hi) / 2);
        if (tzOffset(mid, timeZone) === offset) lo = mid;
        else hi = mid;
      }
      changes.push({ at: hi, before: offset, after: nextOffset });
    }
    t = next;
    offset = nextOffset;
  }
  return changes;
}

/** Start of the local day (in `timeZone`) that contains `t` (UNIX seconds). */
export function localDayStart(t: number, timeZone: string): number {
  const DAY = 86_400;
  const local = t + tzOffset(t, timeZone);
  const midnightLocal = local - (((local % DAY) + DAY) % DAY);
  const guess = midnightLocal - tzOffset(t, timeZone);
  // Across a DST change the offset at midnight differs from the offset at t.
  return midnightLocal - tzOffset(guess, timeZone);
}
