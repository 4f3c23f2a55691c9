// What the operator types in the venue editor, turned into contract arguments (null when invalid).
import { isAddress, parseUnits, type Address } from "viem";
import type { RefundTier } from "./policy.ts";
import { formatBps } from "./money.ts";

export type PayeeRow = { address: string; percent: string };

/** Payee rows as `(payees, sharesBps)`: valid addresses, positive shares adding up to 100 %. */
export function payeesArgs(rows: readonly PayeeRow[]): [Address[], number[]] | null {
  const payees: Address[] = [];
  for (const r of rows) {
    if (!isAddress(r.address)) return null;
    payees.push(r.address);
  }
  const shares = rows.map((r) => Math.round(Number(r.percent) * 100));
  if (shares.some((s) => !(s > 0)) || shares.reduce((a, b) => a + b, 0) !== 10_000) return null;
  return [payees, shares];
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
