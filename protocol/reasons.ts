// One list of access decisions shared by the contracts, the relayer and the dApp.
// Codes 0–6 are the Solidity enum `IPassepartout.AccessCode`, in the same order (a test checks it);
// the rest are decided off chain by the relayer. Never reorder: append.

export const REASONS = [
  "granted",
  "pass_not_found",
  "not_holder_or_guest",
  "too_early",
  "expired",
  "unknown_door",
  "wrong_door",
  // Off-chain reasons (relayer).
  "malformed_request",
  "wrong_chain",
  "wrong_contract",
  "bad_signature",
  "challenge_forged",
  "challenge_stale",
  "challenge_used",
  "deadline_expired",
  "chain_unavailable",
  "rate_limited",
  // Granted by the relayer, but the door's lock (its agent, through the broker) did not open:
  // no answer within LOCK_TIMEOUT_MS, the lock jammed, or the agent refused the command.
  "lock_unreachable",
  "lock_jammed",
  "lock_refused",
  // The pass is valid, but its resource follows the venue's opening hours and the venue is closed
  // now (nor opening within the resource's early-access grace).
  "venue_closed",
] as const;

export type Reason = (typeof REASONS)[number];

/** Number of codes that come from the contract's `AccessCode` enum. */
export const ON_CHAIN_REASON_COUNT = 7;

export function reasonFromAccessCode(code: number): Reason {
  if (!Number.isInteger(code) || code < 0 || code >= ON_CHAIN_REASON_COUNT) {
    throw new RangeError(`unknown access code ${code}`);
  }
  return REASONS[code];
}
