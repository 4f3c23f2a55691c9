// Opening hours in the dApp: which hours the chain lets a resource be booked (its `openHours` view,
// so the calendar and occupancy use the very rule `book` enforces), and the operator's editor input
// (weekly hours and dated exceptions as text, the time-zone rule derived from an IANA zone name).
import { readContract } from "viem/actions";
import { offsetChanges, tzOffset } from "../../../protocol/timeZone.ts";
import type { TextKey } from "../i18n/messages.ts";
import type { Protocol } from "./protocol.ts";

const HOUR = 3600;
/** Hours asked per `openHours` call: four weeks, well within an eth_call's gas. */
const CHUNK = 672;

/** Slot starts among `count` hours from `start` whose bit is clear in `openHours`' words. */
export function closedFromBits(words: readonly bigint[], start: number, count: number): Set<number> {
  const closed = new Set<number>();
  for (let i = 0; i < count; i++) {
    if (((words[i >> 8] >> BigInt(i & 255)) & 1n) === 0n) closed.add(start + i * HOUR);
  }
  return closed;
}

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
export type DstTransition = { month: number; week: number; weekday: number; hour: number };
export type TimeZoneRule = {
  standardOffset: number;
  daylightOffset: number;
  dstStart: DstTransition;
  dstEnd: DstTransition;
};
export type InputError = { key: TextKey; vars: Record<string, string> };
export type Parsed<T> = { ok: true; value: T } | { ok: false; error: InputError };

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

/** The week as the contract takes it, from one text per day (Monday first). */
export function parseWeek(days: readonly string[], labels: readonly string[]): Parsed<OpeningInterval[]> {
  const weekly: OpeningInterval[] = [];
  for (let day = 0; day < 7; day++) {
    const r = parseDayHours(days[day] ?? "", labels[day]);
    if (!r.ok) return r;
    for (const [opens, closes] of r.value) weekly.push({ day, opens, closes });
  }
  return { ok: true, value: weekly };
}

/** A day's text back from the contract's weekly mask (bit 24 × day + hour). */
export function dayText(mask: bigint, day: number): string {
  const runs: string[] = [];
  let opens = -1;
  for (let h = 0; h <= 24; h++) {
    const open = h < 24 && ((mask >> BigInt(day * 24 + h)) & 1n) === 1n;
    if (open && opens < 0) opens = h;
    if (!open && opens >= 0) {
      runs.push(`${opens}-${h}`);
      opens = -1;
    }
  }
  return runs.join(", ");
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
export function parseExceptions(text: string): Parsed<OpeningException[]> {
  const out: OpeningException[] = [];
  const seen = new Set<number>();
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (!line) continue;
    const [dateText, ...rest] = line.split(/\s+/);
    const date = dateNumber(dateText);
    if (date === null) return fail("hours.badDate", { day: dateText, text: line });
    if (seen.has(date)) return fail("hours.duplicateDate", { day: dateText, text: line });
    seen.add(date);
    const hours = rest.join(" ");
    if (/^(closed|fermé|ferme)$/i.test(hours)) {
      out.push({ date, opens: 0, closes: 0 });
      continue;
    }
    const r = parseDayHours(hours, dateText);
    if (!r.ok) return r;
    if (r.value.length === 0) return fail("hours.syntax", { day: dateText, text: line });
    for (const [opens, closes] of r.value) out.push({ date, opens, closes });
  }
  return { ok: true, value: out.sort((a, b) => a.date - b.date) };
}

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
