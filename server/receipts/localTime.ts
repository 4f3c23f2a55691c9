// Instants as local date-times of a venue's time zone, with their UTC offset (ISO 8601).
import { tzOffset } from "../../protocol/timeZone.ts";

const pad = (n: number) => String(n).padStart(2, "0");

/** `t` (UNIX seconds) in `timeZone`, e.g. "2027-06-01T09:00:00-04:00". */
export function localIso(t: number, timeZone: string): string {
  const offset = tzOffset(t, timeZone);
  const d = new Date((t + offset) * 1000);
  const a = Math.abs(offset);
  const sign = offset < 0 ? "-" : "+";
  return (
    `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}` +
    `${sign}${pad(Math.floor(a / 3600))}:${pad(Math.floor((a % 3600) / 60))}`
  );
}

/** The date and the time of `t` in `timeZone`, for documents: ["2027-06-01", "09:00"]. */
export function localDateAndTime(t: number, timeZone: string): [string, string] {
  const iso = localIso(t, timeZone);
  return [iso.slice(0, 10), iso.slice(11, 16)];
}
