// RFC 5545 calendars of passes: one VEVENT per pass, in the venue's time zone (TZID with a
// VTIMEZONE built from the platform's time-zone database for the span the events cover, so a
// booking across a daylight-saving change lands on the right instants in any calendar app).
import { offsetChanges, tzOffset } from "./timeZone.ts";

export type CalendarPass = {
  passId: bigint | string;
  chainId: number;
  start: number; // UNIX seconds
  end: number;
  title: string; // e.g. "Bureau — Le Lab"
  venueAddress?: string;
  doors: string[];
  url?: string;
  cancelled?: boolean;
};

const CRLF = "\r\n";
const utf8 = new TextEncoder();

/** TEXT value escaping (RFC 5545 §3.3.11). */
function text(s: string): string {
  return s.replace(/\\/g, "\\\\").replace(/;/g, "\\;").replace(/,/g, "\\,").replace(/\r?\n/g, "\\n");
}

/** Folds a content line at 75 octets (RFC 5545 §3.1), never inside a UTF-8 sequence. */
function fold(line: string): string {
  const out: string[] = [];
  let current = "";
  let octets = 0;
  for (const ch of line) {
    const n = utf8.encode(ch).length;
    if (octets + n > (out.length === 0 ? 75 : 74)) {
      out.push(current);
      current = "";
      octets = 0;
    }
    current += ch;
    octets += n;
  }
  out.push(current);
  return out.join(`${CRLF} `);
}

const pad = (n: number, w = 2) => String(n).padStart(w, "0");

/** A wall-clock reading (seconds since the epoch of that clock) as YYYYMMDDTHHMMSS. */
function wall(seconds: number): string {
  const d = new Date(seconds * 1000);
  return `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}T${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}`;
}

/** Local date-time in `timeZone`, form 2 of RFC 5545 DATE-TIME. */
function localDateTime(t: number, timeZone: string): string {
  return wall(t + tzOffset(t, timeZone));
}

function utcDateTime(t: number): string {
  return `${wall(t)}Z`;
}

/**
 * A DATE-TIME property at instant `t`: local time with TZID, except in the hour a fall-back change
 * repeats. RFC 5545 §3.3.5 reads such a local time as its first occurrence, but calendar
 * libraries differ (ical.js takes the second), so both occurrences are written in UTC.
 */
function dateTimeProperty(name: string, t: number, timeZone: string): string {
  const local = localDateTime(t, timeZone);
  const repeated = [-3600, -1800, 1800, 3600].some((d) => localDateTime(t + d, timeZone) === local);
  return repeated ? `${name}:${utcDateTime(t)}` : `${name};TZID=${timeZone}:${local}`;
}

function utcOffset(seconds: number): string {
  const sign = seconds < 0 ? "-" : "+";
  const a = Math.abs(seconds);
  return `${sign}${pad(Math.floor(a / 3600))}${pad(Math.floor((a % 3600) / 60))}`;
}

/** VTIMEZONE for [from, to): the offset in force at `from`, then each change as an observance. */
function vtimezone(timeZone: string, from: number, to: number): string[] {
  const first = tzOffset(from, timeZone);
  const lines = ["BEGIN:VTIMEZONE", `TZID:${timeZone}`];
  const observance = (at: number, before: number, after: number) => {
    const kind = after > before ? "DAYLIGHT" : "STANDARD";
    // DTSTART of an observance is local time in the offset that was in force before it.
    lines.push(
      `BEGIN:${kind}`,
      `DTSTART:${wall(at + before)}`,
      `TZOFFSETFROM:${utcOffset(before)}`,
      `TZOFFSETTO:${utcOffset(after)}`,
      `END:${kind}`,
    );
  };
  // The offset at the start of the span, as an observance starting a year before it.
  const changes = offsetChanges(timeZone, from - 366 * 86_400, to);
  const before = changes.filter((c) => c.at <= from);
  const last = before[before.length - 1];
  if (last) observance(last.at, last.before, last.after);
  else
    lines.push(
      "BEGIN:STANDARD",
      `DTSTART:${localDateTime(from, timeZone)}`,
      `TZOFFSETFROM:${utcOffset(first)}`,
      `TZOFFSETTO:${utcOffset(first)}`,
      "END:STANDARD",
    );
  for (const c of changes) if (c.at > from) observance(c.at, c.before, c.after);
  lines.push("END:VTIMEZONE");
  return lines;
}

/** A VCALENDAR of `passes` in `timeZone`; `now` stamps DTSTAMP. */
export function passesCalendar(passes: readonly CalendarPass[], timeZone: string, now: number, name?: string): string {
  const lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Passepartout//Passes//EN", "CALSCALE:GREGORIAN"];
  if (name) lines.push(`X-WR-CALNAME:${text(name)}`);
  if (passes.length > 0) {
    const from = Math.min(...passes.map((p) => p.start));
    const to = Math.max(...passes.map((p) => p.end));
    lines.push(...vtimezone(timeZone, from, to + 1));
  }
  for (const p of passes) {
    const description = [p.doors.length ? `Doors: ${p.doors.join(", ")}` : "", `Pass #${String(p.passId)}`]
      .filter(Boolean)
      .join("\n");
    lines.push(
      "BEGIN:VEVENT",
      `UID:pass-${String(p.passId)}-chain-${p.chainId}@passepartout`,
      `DTSTAMP:${utcDateTime(now)}`,
      dateTimeProperty("DTSTART", p.start, timeZone),
      dateTimeProperty("DTEND", p.end, timeZone),
      `SUMMARY:${text(p.title)}`,
      ...(p.venueAddress ? [`LOCATION:${text(p.venueAddress)}`] : []),
      `DESCRIPTION:${text(description)}`,
      ...(p.url ? [`URL:${p.url}`] : []),
      `STATUS:${p.cancelled ? "CANCELLED" : "CONFIRMED"}`,
      "END:VEVENT",
    );
  }
  lines.push("END:VCALENDAR");
  return lines.map(fold).join(CRLF) + CRLF;
}
