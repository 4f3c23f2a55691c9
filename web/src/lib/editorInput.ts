// What the operator types in the venue editor, turned into contract arguments. Each form's check
// reports every invalid field at once (not only the first), with a message key per field.
import { isAddress, parseUnits, type Address } from "viem";
import type { TextKey } from "../i18n/messages.ts";
import type { RefundTier } from "./policy.ts";
import { formatBps } from "./money.ts";

export type PayeeRow = { address: string; percent: string };
export type FieldError = { key: TextKey; vars?: Record<string, string | number> };
/** A form's input: its contract arguments, or every invalid field. */
export type Checked<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };

const checked = <T>(value: T, errors: FieldError[]): Checked<T> =>
  errors.length === 0 ? { ok: true, value } : { ok: false, errors };

// The contract's limits (PassepartoutStorage).
const NAME_MAX_BYTES = 32;
const MAX_UNITS = 255;
const MAX_BOOKING_HOURS = 8_784;
const MAX_HORIZON_HOURS = 17_568;
const MAX_GRACE_MINUTES = 1_440;

let platformZones: ReadonlySet<string> | null = null;
/** The IANA zone names this platform knows (`Intl.supportedValuesOf`), and UTC. */
export function platformTimeZones(): ReadonlySet<string> {
  platformZones ??= new Set([...Intl.supportedValuesOf("timeZone"), "UTC"]);
  return platformZones;
}

/** The platform's own name of a zone typed by the operator (an alias or another case resolved, e.g.
 * "america/montreal" → "America/Toronto"), or null if it is not in the platform's IANA list. */
export function knownTimeZone(text: string, zones: ReadonlySet<string> = platformTimeZones()): string | null {
  const zone = text.trim();
  if (zones.has(zone)) return zone;
  try {
    const resolved = new Intl.DateTimeFormat("en", { timeZone: zone }).resolvedOptions().timeZone;
    return zones.has(resolved) ? resolved : null;
  } catch {
    return null; // RangeError: not a time zone at all
  }
}

function nameErrors(name: string): FieldError[] {
  const bytes = new TextEncoder().encode(name).length;
  return bytes === 0 || bytes > NAME_MAX_BYTES ? [{ key: "form.err.name", vars: { max: NAME_MAX_BYTES } }] : [];
}

/** Payee rows as `(payees, sharesBps)`: valid addresses, positive shares adding up to 100 %. */
export function payeesInput(rows: readonly PayeeRow[]): Checked<[Address[], number[]]> {
  const errors: FieldError[] = [];
  const payees: Address[] = [];
  const shares = rows.map((r) => Math.round(Number(r.percent.replace(",", ".")) * 100));
  rows.forEach((r, i) => {
    if (isAddress(r.address)) payees.push(r.address);
    else errors.push({ key: "form.err.payeeAddress", vars: { n: i + 1 } });
    if (!(shares[i] > 0)) errors.push({ key: "form.err.payeeShare", vars: { n: i + 1 } });
  });
  const total = shares.reduce((a, b) => a + (b > 0 ? b : 0), 0);
  if (total !== 10_000) errors.push({ key: "form.err.sharesTotal", vars: { total: total / 100 } });
  return checked([payees, shares], errors);
}

/** A venue's name and time zone (checked against the platform's IANA list) and, when creating it,
 * its payees. */
export function venueInput(
  v: { name: string; timezone: string },
  rows: readonly PayeeRow[] | null,
  zones: ReadonlySet<string> = platformTimeZones(),
): Checked<{ timezone: string; payees: [Address[], number[]] | null }> {
  const errors = nameErrors(v.name);
  const timezone = knownTimeZone(v.timezone, zones);
  if (timezone === null) errors.push({ key: "form.err.timezone", vars: { zone: v.timezone } });
  const p = rows ? payeesInput(rows) : null;
  if (p && !p.ok) errors.push(...p.errors);
  return checked({ timezone: timezone ?? "", payees: p?.ok ? p.value : null }, errors);
}

/** A decimal amount typed in either locale ("12.5" or "12,5") in the currency's units; null if invalid. */
export function decimal(text: string, decimals: number): bigint | null {
  const s = text
    .trim()
    .replace(/[\s\u00a0\u202f]/g, "")
    .replace(",", ".");
  if (!/^\d+(\.\d+)?$/.test(s)) return null;
  try {
    return parseUnits(s, decimals);
  } catch {
    return null;
  }
}

/** Refund tiers typed as "hours before start = % refunded", comma-separated: "24=100, 0=50". */
export function parseTiers(text: string): RefundTier[] | null {
  const parts = text
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const tiers = parts.map((p) => {
    const [h, pct] = p.split("=").map((x) => Number(x.trim().replace(",", ".")));
    return { secondsBeforeStart: Math.round(h * 3600), refundBps: Math.round(pct * 100) };
  });
  if (tiers.some((x) => !Number.isFinite(x.secondsBeforeStart) || !(x.refundBps >= 0) || x.refundBps > 10_000))
    return null;
  return tiers;
}

export function describeTiers(tiers: readonly RefundTier[], locale: string): string {
  if (tiers.length === 0) return "0 %";
  return tiers.map((x) => `${x.secondsBeforeStart / 3600} h → ${formatBps(x.refundBps, locale)}`).join(", ");
}

export type ResourceFields = {
  name: string;
  units: string;
  hour: string;
  day: string;
  month: string;
  minHours: string;
  maxHours: string;
  horizonHours: string;
  grace: string;
  /** The new policy's tiers, or null when an existing policy is chosen. */
  tiers: string | null;
};

export type ResourceNumbers = {
  units: number;
  pricePerHour: bigint;
  pricePerDay: bigint;
  pricePerMonth: bigint;
  minHours: number;
  maxHours: number;
  horizonHours: number;
  graceSeconds: number;
  tiers: RefundTier[] | null;
};

/** A resource's terms as the contract takes them, each field checked against the contract's rules. */
export function resourceInput(f: ResourceFields, decimals: number): Checked<ResourceNumbers> {
  const errors = nameErrors(f.name);
  const int = (text: string, min: number, max: number, key: TextKey) => {
    const n = Number(text.trim());
    if (!Number.isInteger(n) || n < min || n > max) {
      errors.push({ key, vars: { min, max } });
      return min;
    }
    return n;
  };
  const units = int(f.units, 1, MAX_UNITS, "form.err.units");
  const [pricePerHour, pricePerDay, pricePerMonth] = (
    [
      [f.hour, "form.err.priceHour"],
      [f.day, "form.err.priceDay"],
      [f.month, "form.err.priceMonth"],
    ] as const
  ).map(([text, key]) => {
    const v = decimal(text, decimals);
    if (v === null || v === 0n) {
      errors.push({ key });
      return 0n;
    }
    return v;
  });
  const minHours = int(f.minHours, 1, MAX_BOOKING_HOURS, "form.err.minHours");
  const maxHours = int(f.maxHours, Math.max(1, minHours), MAX_BOOKING_HOURS, "form.err.maxHours");
  const horizonHours = int(f.horizonHours, 0, MAX_HORIZON_HOURS, "form.err.horizon");
  const graceMinutes = Number(f.grace.trim().replace(",", "."));
  if (!(graceMinutes >= 0 && graceMinutes <= MAX_GRACE_MINUTES))
    errors.push({ key: "form.err.grace", vars: { max: MAX_GRACE_MINUTES } });
  let tiers: RefundTier[] | null = null;
  if (f.tiers !== null) {
    tiers = parseTiers(f.tiers);
    if (!tiers) errors.push({ key: "form.err.tiers" });
  }
  return checked(
    {
      units,
      pricePerHour,
      pricePerDay,
      pricePerMonth,
      minHours,
      maxHours,
      horizonHours,
      graceSeconds: Math.round(graceMinutes * 60),
      tiers,
    },
    errors,
  );
}

/**
 * What ticking "follows opening hours" would make unbookable, given the venue's weekly hours (bit
 * `24 × day + hour`) and the resource's durations. Bookings under a day must fit in consecutive open
 * hours; day and 30-day passes must start at an open hour (docs/opening-hours.md).
 */
export function followWarnings(weekly: bigint, minHours: number, maxHours: number): FieldError[] {
  if (weekly === 0n) return [{ key: "form.warn.noHours" }];
  const warnings: FieldError[] = [];
  // Longest run of open hours, the week wrapping around (Sunday night into Monday).
  let longest = 0;
  let run = 0;
  for (let h = 0; h < 2 * 168; h++) {
    run = (weekly >> BigInt(h % 168)) & 1n ? run + 1 : 0;
    longest = Math.max(longest, Math.min(run, 168));
  }
  if (minHours < 24 && longest < minHours) warnings.push({ key: "form.warn.tooShort", vars: { longest, minHours } });
  if (maxHours < 24) warnings.push({ key: "form.warn.noDay", vars: { maxHours } });
  else if (maxHours < 720) warnings.push({ key: "form.warn.noMonth", vars: { maxHours } });
  return warnings;
}

/** The venue's longest offline door pass as typed: whole hours from 1 to 24 (the contract reverts
 * DoorPassMaxHoursOutOfRange outside them), or null. */
export function parseDoorPassHours(raw: string): number | null {
  const s = raw.trim();
  if (!/^\d{1,2}$/.test(s)) return null;
  const n = Number(s);
  return n >= 1 && n <= 24 ? n : null;
}
