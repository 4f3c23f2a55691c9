// A member's passes as the app shows them.
import type { Address } from "viem";
import type { Pass } from "../../../protocol/types.ts";

/** A pass as the app shows it: the contract's `Pass` fields it uses, times as seconds, the guest. */
export type PassInfo = Pick<Pass, "holder" | "resourceId" | "unit" | "currency" | "amount" | "policyId" | "settled"> & {
  id: bigint;
  start: number;
  end: number;
  releaseTime: number;
  /** Current guest (ERC-4907 user) or null. */
  guest: Address | null;
  guestExpires: number;
  /** True when the viewer is the guest, not the holder. */
  asGuest: boolean;
  /** Set when the booking was cancelled (the pass burned): what came back to the member. */
  cancelled: { refund: bigint; byOperator: boolean } | null;
};

export type PassPhase = "current" | "upcoming" | "past" | "cancelled";

/** Doors open in `[start − grace, end)`: that is "current". */
export function passPhase(
  p: { start: number; end: number; cancelled?: unknown },
  graceSeconds: number,
  now: number,
): PassPhase {
  if (p.cancelled) return "cancelled";
  if (now >= p.end) return "past";
  if (now >= p.start - graceSeconds) return "current";
  return "upcoming";
}

export function groupPasses<T extends { start: number; end: number; cancelled?: unknown }>(
  passes: readonly T[],
  graceOf: (p: T) => number,
  now: number,
): Record<PassPhase, T[]> {
  const groups: Record<PassPhase, T[]> = { current: [], upcoming: [], past: [], cancelled: [] };
  for (const p of passes) groups[passPhase(p, graceOf(p), now)].push(p);
  groups.current.sort((a, b) => a.end - b.end);
  groups.upcoming.sort((a, b) => a.start - b.start);
  groups.past.sort((a, b) => b.end - a.end);
  groups.cancelled.sort((a, b) => b.start - a.start);
  return groups;
}
