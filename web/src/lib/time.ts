// Time helpers. The protocol works in UTC on an hour grid (a slot is one hour); the app displays
// every instant in the venue's time zone.
export const HOUR = 3600;
export const DAY = 24 * HOUR;

export const nowSeconds = (): number => Math.floor(Date.now() / 1000);
export const slotStart = (t: number): number => t - (t % HOUR);

export { localDayStart, tzOffset } from "../../../protocol/timeZone.ts";
import { localDayStart } from "../../../protocol/timeZone.ts";

/** Keeps "10 h 00" and "10:00 a.m." on one line (no break inside a time). */
function unbreakable(text: string): string {
  return text.replace(/(\d)[ \u202f](h|a\.m\.|p\.m\.|AM|PM)/g, "$1\u00a0$2").replace(/\bh (\d)/g, "h\u00a0$1");
}

export function formatDateTime(t: number, locale: string, timeZone: string): string {
  return unbreakable(
    new Intl.DateTimeFormat(locale, {
      timeZone,
      weekday: "short",
      day: "numeric",
      month: "short",
      hour: "2-digit",
      minute: "2-digit",
    }).format(new Date(t * 1000)),
  );
}

export function formatTime(t: number, locale: string, timeZone: string): string {
  return unbreakable(
    new Intl.DateTimeFormat(locale, { timeZone, hour: "2-digit", minute: "2-digit" }).format(new Date(t * 1000)),
  );
}

/** Compact hour label for the calendar: "9 a.m." / "9 h". */
export function formatHour(t: number, locale: string, timeZone: string): string {
  return new Intl.DateTimeFormat(locale, { timeZone, hour: "numeric" }).format(new Date(t * 1000));
}

export function formatDay(t: number, locale: string, timeZone: string): string {
  return new Intl.DateTimeFormat(locale, { timeZone, weekday: "short", day: "numeric", month: "short" }).format(
    new Date(t * 1000),
  );
}

/** "mar. 3 déc., 09:00 – 11:00" or across days "… 09:00 – mer. 4 déc., 09:00". */
export function formatWindow(start: number, end: number, locale: string, timeZone: string): string {
  const sameDay = localDayStart(start, timeZone) === localDayStart(end - 1, timeZone);
  const right = sameDay ? formatTime(end, locale, timeZone) : formatDateTime(end, locale, timeZone);
  return `${formatDateTime(start, locale, timeZone)} – ${right}`;
}

/** Short zone name for a label, e.g. "HAE" / "EDT". */
export function zoneName(t: number, locale: string, timeZone: string): string {
  const part = new Intl.DateTimeFormat(locale, { timeZone, timeZoneName: "short" })
    .formatToParts(new Date(t * 1000))
    .find((p) => p.type === "timeZoneName");
  return part?.value ?? timeZone;
}
