// A member's passes as the app shows them.
import type { Address } from "viem";

export type PassInfo = {
  id: bigint;
  holder: Address;
  resourceId: number;
  unit: number;
  start: number;
  end: number;
  currency: Address;
  amount: bigint;
  policyId: number;
  releaseTime: number;
  settled: boolean;
  /** Current guest (ERC-4907 user) or null. */
  guest: Address | null;
  guestExpires: number;
  /** True when the viewer is the guest, not the holder. */
  asGuest: boolean;
};

export type PassPhase = "current" | "upcoming" | "past";

/** Doors open in `[start − grace, end)`: that is "current". */
export function passPhase(p: { start: number; end: number }, graceSeconds: number, now: number): PassPhase {
  if (now >= p.end) return "past";
  if (now >= p.start - graceSeconds) return "current";
  return "upcoming";
}

export function groupPasses<T extends { start: number; end: number }>(
  passes: readonly T[],
  graceOf: (p: T) => number,
  now: number,
): Record<PassPhase, T[]> {
  const groups: Record<PassPhase, T[]> = { current: [], upcoming: [], past: [] };
  for (const p of passes) groups[passPhase(p, graceOf(p), now)].push(p);
  groups.current.sort((a, b) => a.end - b.end);
  groups.upcoming.sort((a, b) => a.start - b.start);
  groups.past.sort((a, b) => b.end - a.end);
  return groups;
}
