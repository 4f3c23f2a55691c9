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

/*//////////////////////////////////////////////////////////////
              THE CONTRACT'S TIME-ZONE RULE (IOpeningHours)
//////////////////////////////////////////////////////////////*/

export type DstTransition = { month: number; week: number; weekday: number; hour: number };
export type TimeZoneRule = {
  standardOffset: number;
  daylightOffset: number;
  dstStart: DstTransition;
  dstEnd: DstTransition;
};

const HOUR = 3600;

const NO_DST: DstTransition = { month: 0, week: 0, weekday: 0, hour: 0 };

/** The POSIX `Mm.w.d/h` rule of a change, read on the wall clock before it; null past whole hours. */
function ruleOf(at: number, wallOffset: number): DstTransition | null {
  const wall = new Date((at + wallOffset) * 1000);
  if (wall.getUTCMinutes() !== 0 || wall.getUTCSeconds() !== 0) return null;
  const day = wall.getUTCDate();
  const daysInMonth = new Date(Date.UTC(wall.getUTCFullYear(), wall.getUTCMonth() + 1, 0)).getUTCDate();
  return {
    month: wall.getUTCMonth() + 1,
    week: day + 7 > daysInMonth ? 5 : Math.ceil(day / 7),
    weekday: wall.getUTCDay(),
    hour: wall.getUTCHours(),
  };
}

/** The UTC instant of `rule` in `year`, its hour read at `offset` seconds (the contract's rule). */
function ruleInstant(rule: DstTransition, year: number, offset: number): number {
  const first = Date.UTC(year, rule.month - 1, 1) / 1000;
  const firstWeekday = new Date(first * 1000).getUTCDay();
  let day = 1 + ((rule.weekday - firstWeekday + 7) % 7) + (rule.week - 1) * 7;
  const daysInMonth = new Date(Date.UTC(year, rule.month, 0)).getUTCDate();
  if (day > daysInMonth) day -= 7;
  return first + (day - 1) * 86_400 + rule.hour * HOUR - offset;
}

/**
 * The contract's time-zone rule for an IANA zone, read from the platform's database for `year` and
 * checked against its next three years; null when the zone's changes follow no such yearly rule.
 */
export function zoneRule(timeZone: string, year: number): TimeZoneRule | null {
  const from = Date.UTC(year, 0, 1) / 1000;
  const yearChanges = (y: number) => offsetChanges(timeZone, Date.UTC(y, 0, 1) / 1000, Date.UTC(y + 1, 0, 1) / 1000);
  const changes = yearChanges(year);
  if (changes.length === 0) {
    const offset = tzOffset(from, timeZone) / 60;
    return { standardOffset: offset, daylightOffset: offset, dstStart: NO_DST, dstEnd: NO_DST };
  }
  if (changes.length !== 2) return null;
  const start = changes.find((c) => c.after > c.before);
  const end = changes.find((c) => c.after < c.before);
  if (!start || !end) return null;
  const dstStart = ruleOf(start.at, start.before);
  const dstEnd = ruleOf(end.at, end.before);
  if (!dstStart || !dstEnd) return null;
  const rule = { standardOffset: start.before / 60, daylightOffset: start.after / 60, dstStart, dstEnd };
  for (let y = year + 1; y <= year + 3; y++) {
    const expected = yearChanges(y)
      .map((c) => c.at)
      .sort((a, b) => a - b);
    const computed = [ruleInstant(dstStart, y, start.before), ruleInstant(dstEnd, y, end.before)].sort((a, b) => a - b);
    if (expected.join() !== computed.join()) return null;
  }
  return rule;
}
