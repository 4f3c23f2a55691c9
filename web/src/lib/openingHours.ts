// Opening hours in the dApp: which hours the chain lets a resource be booked (its `openHours` view,
// so the calendar and occupancy use the very rule `book` enforces), and the operator's editor input
// (weekly hours and dated exceptions as text, the time-zone rule derived from an IANA zone name).
import { readContract } from "viem/actions";
import { tzOffset } from "../../../protocol/timeZone.ts";
import { closedFromBits } from "../../../protocol/openingHours.ts";
export { closedFromBits } from "../../../protocol/openingHours.ts";
export { zoneRule, type DstTransition, type TimeZoneRule } from "../../../protocol/timeZone.ts";
import type { TextKey } from "../i18n/messages.ts";
import type { Protocol } from "./protocol.ts";

const HOUR = 3600;
/** Hours asked per `openHours` call: four weeks, well within an eth_call's gas. */
const CHUNK = 672;

/** The hours of `[start, start + count h)` a booking of the resource may not cover (start on the grid). */
export async function readClosedHours(p: Protocol, resourceId: number, start: number, count: number) {
  const chunks = Array.from({ length: Math.ceil(count / CHUNK) }, (_, i) => i * CHUNK);
  const parts = await Promise.all(
    chunks.map(async (from) => {
      const n = Math.min(CHUNK, count - from);
      const at = start + from * HOUR;
      const words = await readContract(p.client, {
        ...p.contract,
        functionName: "openHours",
        args: [resourceId, BigInt(at), BigInt(n)],
      });
      return closedFromBits(words, at, n);
    }),
  );
  return new Set(parts.flatMap((s) => [...s]));
}

/**
 * The first hour of `[start, end)` that keeps a booking of a resource following the hours from being
 * made, or null — the contract's rule: under a day every hour must be open; a day or 30-day pass (24 h
 * or more) covers the open hours of its days and must start at one.
 */
export function firstClosedHour(start: number, end: number, closed: ReadonlySet<number>): number | null {
  const last = end - start < 24 * HOUR ? end : start + HOUR;
  for (let t = start; t < last; t += HOUR) if (closed.has(t)) return t;
  return null;
}

/** Open unit-hours of `[from, to)`: every hour for a resource not following the hours. */
export function openUnitHours(units: number, from: number, to: number, closed: ReadonlySet<number>): number {
  let open = 0;
  for (let t = from; t < to; t += HOUR) if (!closed.has(t)) open++;
  return open * units;
}

/*//////////////////////////////////////////////////////////////
                          OPERATOR INPUT
//////////////////////////////////////////////////////////////*/

export type OpeningInterval = { day: number; opens: number; closes: number };
export type OpeningException = { date: number; opens: number; closes: number };
export type InputError = { key: TextKey; vars: Record<string, string> };
export type Parsed<T> = { ok: true; value: T } | { ok: false; error: InputError };
/** Input of several fields: every invalid one reported (`errors`), `error` the first of them. */
export type ParsedAll<T> = { ok: true; value: T } | { ok: false; error: InputError; errors: InputError[] };

function collect<T>(value: T, errors: InputError[]): ParsedAll<T> {
  return errors.length === 0 ? { ok: true, value } : { ok: false, error: errors[0], errors };
}

const fail = (key: TextKey, vars: Record<string, string>): { ok: false; error: InputError } => ({
  ok: false,
  error: { key, vars },
});

/**
 * One day's hours as typed: "8-18", "8–12, 13–18" (whole hours, 0–24), empty for closed. Checks what
 * the contract checks (inverted, past 24:00, overlapping) so the operator sees it before signing.
 */
export function parseDayHours(text: string, label: string): Parsed<[opens: number, closes: number][]> {
  const parts = text
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const ranges: [number, number][] = [];
  let mask = 0;
  for (const part of parts) {
    const m = /^(\d{1,2})(?:[:h]00)?\s*[-–]\s*(\d{1,2})(?:[:h]00)?$/.exec(part);
    if (!m) return fail("hours.syntax", { day: label, text: part });
    const [opens, closes] = [Number(m[1]), Number(m[2])];
    if (opens > 24 || closes > 24) return fail("hours.outOfDay", { day: label, text: part });
    if (opens >= closes) return fail("hours.inverted", { day: label, text: part });
    const bits = (2 ** closes - 1) ^ (2 ** opens - 1);
    if ((mask & bits) !== 0) return fail("hours.overlap", { day: label, text: part });
    mask |= bits;
    ranges.push([opens, closes]);
  }
  return { ok: true, value: ranges };
}

/** The week as the contract takes it, from one text per day (Monday first); every bad day reported. */
export function parseWeek(days: readonly string[], labels: readonly string[]): ParsedAll<OpeningInterval[]> {
  const weekly: OpeningInterval[] = [];
  const errors: InputError[] = [];
  for (let day = 0; day < 7; day++) {
    const r = parseDayHours(days[day] ?? "", labels[day]);
    if (!r.ok) errors.push(r.error);
    else for (const [opens, closes] of r.value) weekly.push({ day, opens, closes });
  }
  return collect(weekly, errors);
}

/** The open intervals `[opens, closes)` of a 24-bit day mask (bit = hour). */
function runsOf(dayMask: number): [number, number][] {
  const runs: [number, number][] = [];
  let opens = -1;
  for (let h = 0; h <= 24; h++) {
    const open = h < 24 && ((dayMask >> h) & 1) === 1;
    if (open && opens < 0) opens = h;
    if (!open && opens >= 0) {
      runs.push([opens, h]);
      opens = -1;
    }
  }
  return runs;
}

/** Day `day` (0 Monday) of the contract's weekly mask (bit 24 × day + hour), as a 24-bit mask. */
export function dayMaskOf(mask: bigint, day: number): number {
  return Number((mask >> BigInt(24 * day)) & 0xffffffn);
}

/** The contract's weekly mask of a list of intervals (bit 24 × day + hour). */
export function weeklyMaskOf(intervals: readonly OpeningInterval[]): bigint {
  return intervals.reduce((m, w) => m | (BigInt((2 ** w.closes - 1) ^ (2 ** w.opens - 1)) << BigInt(24 * w.day)), 0n);
}

/** A day's text back from the contract's weekly mask (bit 24 × day + hour). */
export function dayText(mask: bigint, day: number): string {
  return runsOf(dayMaskOf(mask, day))
    .map(([o, c]) => `${o}-${c}`)
    .join(", ");
}

/** Weekday names, Monday first, in the user's language (2024-01-01 was a Monday). */
export function weekdayNames(locale: string): string[] {
  const fmt = new Intl.DateTimeFormat(locale, { weekday: "long", timeZone: "UTC" });
  return Array.from({ length: 7 }, (_, d) => fmt.format(new Date(Date.UTC(2024, 0, 1 + d))));
}

/** "8:00" in English, "8 h" in French. */
function hourText(h: number, locale: string): string {
  return locale.startsWith("fr") ? `${h} h` : `${h}:00`;
}

/**
 * The weekly hours stored on chain as the venue page shows them: consecutive days with the same hours
 * grouped ("Monday – Friday", "8:00–18:00"), day names in the user's language, `hours` null for a
 * closed day. Empty when the venue set no hours.
 */
export function weekSummary(mask: bigint, locale: string): { days: string; hours: string | null }[] {
  if (mask === 0n) return [];
  const names = weekdayNames(locale);
  const rows: { days: string; hours: string | null }[] = [];
  for (let first = 0; first < 7;) {
    const m = dayMaskOf(mask, first);
    let last = first;
    while (last + 1 < 7 && dayMaskOf(mask, last + 1) === m) last++;
    const runs = runsOf(m);
    rows.push({
      days: first === last ? names[first] : `${names[first]} – ${names[last]}`,
      hours:
        runs.length === 0 ? null : runs.map(([o, c]) => `${hourText(o, locale)}–${hourText(c, locale)}`).join(", "),
    });
    first = last + 1;
  }
  return rows;
}

/** `YYYYMMDD` of a real calendar date written `YYYY-MM-DD`, else null. */
export function dateNumber(text: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (y < 1970 || y > 2105 || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return null;
  return y * 10_000 + mo * 100 + d;
}

/**
 * Exceptions, one date per line: "2027-12-25 closed" (or "fermé"), "2027-12-24 10-14, 15-17". Sorted
 * by date, as the contract requires; a date given twice is refused.
 */
export function parseExceptions(text: string): ParsedAll<OpeningException[]> {
  const out: OpeningException[] = [];
  const errors: InputError[] = [];
  const seen = new Set<number>();
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (!line) continue;
    const [dateText, ...rest] = line.split(/\s+/);
    const date = dateNumber(dateText);
    if (date === null) {
      errors.push({ key: "hours.badDate", vars: { day: dateText, text: line } });
      continue;
    }
    if (seen.has(date)) {
      errors.push({ key: "hours.duplicateDate", vars: { day: dateText, text: line } });
      continue;
    }
    seen.add(date);
    const hours = rest.join(" ");
    if (/^(closed|fermé|ferme)$/i.test(hours)) {
      out.push({ date, opens: 0, closes: 0 });
      continue;
    }
    const r = parseDayHours(hours, dateText);
    if (!r.ok) errors.push(r.error);
    else if (r.value.length === 0) errors.push({ key: "hours.syntax", vars: { day: dateText, text: line } });
    else for (const [opens, closes] of r.value) out.push({ date, opens, closes });
  }
  return collect(
    out.sort((a, b) => a.date - b.date),
    errors,
  );
}

/** Dates to return to their weekday's hours, "YYYY-MM-DD" separated by spaces or commas. */
export function parseDates(text: string): ParsedAll<number[]> {
  const dates: number[] = [];
  const errors: InputError[] = [];
  for (const part of text.split(/[\s,]+/).filter(Boolean)) {
    const date = dateNumber(part);
    if (date === null) errors.push({ key: "hours.badDate", vars: { day: part, text: part } });
    else dates.push(date);
  }
  return collect(
    dates.sort((a, b) => a - b),
    errors,
  );
}

/*//////////////////////////////////////////////////////////////
                  BOOKINGS CAUGHT BY A CLOSURE
//////////////////////////////////////////////////////////////*/

/** `YYYYMMDD` and hour of a local hour (hours since 1970-01-01 local). */
function localDateAndHour(localHour: number): [date: number, hour: number] {
  const d = new Date(localHour * HOUR * 1000);
  return [d.getUTCFullYear() * 10_000 + (d.getUTCMonth() + 1) * 100 + d.getUTCDate(), d.getUTCHours()];
}

/** Local hours the UTC hour starting at `t` covers (two in a :30 zone; both sides of a change). */
function localHoursOf(t: number, timeZone: string): number[] {
  const hours = new Set<number>();
  for (let q = t; q < t + HOUR; q += 900) hours.add(Math.floor((q + tzOffset(q, timeZone)) / HOUR));
  return [...hours];
}

/** A date's hours as a 24-bit mask from its exception intervals. */
function exceptionMask(list: readonly OpeningException[], date: number): number {
  return list.filter((e) => e.date === date).reduce((m, e) => m | ((2 ** e.closes - 1) ^ (2 ** e.opens - 1)), 0);
}

type BookingLike = { resourceId: number; start: number; end: number; status: "active" | "cancelled" };

/**
 * The standing bookings of resources following the hours that the change would leave in closed
 * hours — the contract's rule ({OpeningClosureHasBookings}): an hour not yet over, open before (by the
 * weekly hours; a cleared date counts as open) and closed after. `weekly` is the stored mask.
 */
export function bookingsInClosure<B extends BookingLike>(
  bookings: readonly B[],
  following: ReadonlySet<number>,
  change: { weekly: bigint; exceptions: readonly OpeningException[]; cleared: readonly number[] },
  timeZone: string,
  now: number,
): B[] {
  const changed = new Set([...change.exceptions.map((e) => e.date), ...change.cleared]);
  if (changed.size === 0) return [];
  const weekdayOf = (date: number) =>
    (new Date(Date.UTC(Math.floor(date / 10_000), (Math.floor(date / 100) % 100) - 1, date % 100)).getUTCDay() + 6) % 7;
  const openBefore = (date: number, hour: number) =>
    change.cleared.includes(date) ? true : ((dayMaskOf(change.weekly, weekdayOf(date)) >> hour) & 1) === 1;
  const openAfter = (date: number, hour: number) => {
    const mask = change.cleared.includes(date)
      ? dayMaskOf(change.weekly, weekdayOf(date))
      : exceptionMask(change.exceptions, date);
    return ((mask >> hour) & 1) === 1;
  };
  const open = (t: number, rule: (date: number, hour: number) => boolean) =>
    localHoursOf(t, timeZone).every((h) => {
      const [date, hour] = localDateAndHour(h);
      return changed.has(date) ? rule(date, hour) : true;
    });
  // UTC instants that can fall on a changed local date (offsets are within −12 h and +14 h).
  const spans = [...changed].map((date) => {
    const midnight = Date.UTC(Math.floor(date / 10_000), (Math.floor(date / 100) % 100) - 1, date % 100) / 1000;
    return [midnight - 15 * HOUR, midnight + 37 * HOUR] as const;
  });
  return bookings.filter((b) => {
    if (b.status === "cancelled" || !following.has(b.resourceId)) return false;
    for (let t = b.start; t < b.end; t += HOUR) {
      if (t + HOUR <= now || !spans.some(([a, z]) => t >= a && t < z)) continue;
      const touched = localHoursOf(t, timeZone).some((h) => changed.has(localDateAndHour(h)[0]));
      if (touched && open(t, openBefore) && !open(t, openAfter)) return true;
    }
    return false;
  });
}
