// A member's passes as the app shows them.
import type { MemberPass } from "../../../protocol/api/read.ts";

/** A member's pass as the read API lists it (protocol/api/read.ts): standing, lent, or cancelled. */
export type PassInfo = MemberPass;

/** What the member paid for it, taxes included. */
export const paidFor = (p: PassInfo): bigint => p.amount + p.gst + p.qst;

/** What came back to the member of a cancelled booking, taxes included. */
export const refundedFor = (p: Extract<PassInfo, { status: "cancelled" }>): bigint =>
  p.refund + p.gstRefund + p.qstRefund;

export type PassPhase = "current" | "upcoming" | "past" | "cancelled";

/** Doors open in `[start − grace, end)`: that is "current". */
export function passPhase(
  p: { start: number; end: number; status?: "active" | "cancelled" },
  graceSeconds: number,
  now: number,
): PassPhase {
  if (p.status === "cancelled") return "cancelled";
  if (now >= p.end) return "past";
  if (now >= p.start - graceSeconds) return "current";
  return "upcoming";
}

export function groupPasses<T extends { start: number; end: number; status?: "active" | "cancelled" }>(
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
