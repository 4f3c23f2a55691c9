// Which windows the booking form offers: the durations a resource allows and the first hour that
// can be booked from now on (open, with a free unit, within the horizon).
import { HOUR, slotStart } from "./time.ts";

/** Hours of a 30-day month (the protocol's month). */
export const MONTH_HOURS = 720;
/** The shorter steps offered below a month; every whole month up to the maximum follows. */
const STEPS = [1, 2, 3, 4, 6, 8, 10, 12, 24, 48, 72, 168, 336];

/**
 * The durations offered for a resource booked from `minHours` to `maxHours` (0 = the default
 * maximum of one month): the usual steps within the range, every whole 30-day month up to the
 * maximum, and the minimum and the maximum themselves.
 */
export function durationChoices(minHours: number, maxHours: number): number[] {
  const min = Math.max(1, minHours);
  const max = Math.max(min, maxHours || MONTH_HOURS);
  const out = new Set<number>([min, max]);
  for (const h of STEPS) if (h >= min && h <= max) out.add(h);
  for (let h = MONTH_HOURS; h <= max; h += MONTH_HOURS) if (h >= min) out.add(h);
  return [...out].sort((a, b) => a - b);
}

/**
 * The first hour from the current one on that is open and has a free unit, within the booking
 * horizon; null when none is, or `undefined` while the closed hours are not known yet.
 */
export function firstBookableHour(o: {
  now: number;
  horizonHours: number;
  units: number;
  booked: ReadonlyMap<number, number>;
  /** Closed hours; undefined while they load. */
  closed: ReadonlySet<number> | undefined;
}): number | null | undefined {
  if (o.closed === undefined) return undefined;
  const first = slotStart(o.now);
  const last = first + o.horizonHours * HOUR;
  for (let t = first; t <= last; t += HOUR) {
    if (!o.closed.has(t) && (o.booked.get(t) ?? 0) < o.units) return t;
  }
  return null;
}
