// Cancellation policies: tiers ordered by strictly decreasing `secondsBeforeStart`; cancelling at
// least that long before the start refunds `refundBps`; past every tier nothing is refunded.
import type { RefundTier } from "../../../protocol/types.ts";

export type { RefundTier };

export type PolicyStep =
  | { kind: "tier"; refundBps: number; secondsBeforeStart: number; deadline: number | null }
  | { kind: "none"; from: number | null };

/** The policy as ordered steps, with absolute deadlines when the booking start is known. */
export function policySteps(tiers: readonly RefundTier[], start: number | null): PolicyStep[] {
  const steps: PolicyStep[] = tiers.map((t) => ({
    kind: "tier",
    refundBps: t.refundBps,
    secondsBeforeStart: t.secondsBeforeStart,
    deadline: start === null ? null : start - t.secondsBeforeStart,
  }));
  const last = tiers.at(-1);
  if (!last || last.refundBps > 0)
    steps.push({ kind: "none", from: last && start !== null ? start - last.secondsBeforeStart : null });
  return steps;
}
