// The door decision: checks a parsed UnlockRequest in a fixed order, each failure with its own
// reason from protocol/reasons.ts, and on success signs the OpenCommand.
//
// Order: chain → contract → challenge/door binding → deadline → challenge age → challenge reuse (this
// relayer's memory; the lock enforces single use across relayers) → door and lock key (index, or a
// direct read) → challenge authenticity → member signature (EOA recovery, else ERC-1271 on its own
// lane, server/door/contractSignatures.ts) → per-signer rate limit (only now is the signer proven) → the
// on-chain access rule (index, or `canEnter`) → the venue's opening hours, for a pass of a resource
// that follows them (server/door/openingHoursGate.ts: the contract's `openHours`). Any failure to
// read the chain when it is needed, or the chain part taking longer than `chainBudgetMs`, denies
// with `chain_unavailable` (fail closed).
//
// A decision names its signer only once the signature verified: the audit log files every earlier
// denial as unauthenticated, so junk naming a member never enters that member's history.
import type { OpenCommand } from "../../protocol/eip712.ts";
import { reasonFromAccessCode, type Reason } from "../../protocol/reasons.ts";
import type { ChainIndex } from "../index/chainIndex.ts";
import type { ChainReader } from "../index/chain.ts";
import type { ContractSignatureChecker } from "./contractSignatures.ts";
import { recoverSigner, sameAddress, signDigest, toHex, type DoorHasher, type Hex } from "./doorCrypto.ts";
import type { ParsedUnlockRequest } from "../../protocol/api/door.ts";
import { HoursUnknown, venueOpenForPass, type OpenHoursCache } from "./openingHoursGate.ts";

export type UnlockPolicy = {
  chainId: number;
  contract: Hex;
  challengeMaxAgeS: number;
  clockSkewS: number;
  openCommandTtlS: number;
  maxDeadlineAheadS: number;
  /** How old the index's view may be for a decision (0: a poll started after the request). */
  indexMaxStalenessMs: number;
  /** Time the chain part of one decision may take (ms) before it denies with chain_unavailable. */
  chainBudgetMs: number;
};

export type UnlockDeps = {
  policy: UnlockPolicy;
  hasher: DoorHasher;
  index: ChainIndex;
  reader: ChainReader;
  relayerKey: Hex;
  relayerAddress: Hex;
  challenges: ChallengeMemory;
  contractSignatures: ContractSignatureChecker;
  /** The venues' open hours read for door decisions, per index block. */
  openHours: OpenHoursCache;
  /** Counts a request of a verified signer; when that signer is over its limit, the seconds until
   * it may retry, else 0. */
  signerLimited(signer: Hex): number | Promise<number>;
  /** Optional: seconds spent waiting for the index to be fresh. */
  onFreshWait?: (seconds: number) => void;
};

export type Decision = {
  reason: Reason;
  challengeId: Hex | null;
  venue: number | null;
  block: number | null;
  source: "index" | "contract" | null;
  /** The signer, once its signature verified (absent: the request is unauthenticated). */
  signer?: Hex;
  /** rate_limited only: seconds after which a retry may succeed (the answer's Retry-After). */
  retryAfterS?: number;
  openCommand?: OpenCommand;
};

/** Challenges this relayer already granted (until they could no longer be fresh anyway). */
export class ChallengeMemory {
  private readonly used = new Map<string, number>();
  has(id: Hex): boolean {
    return this.used.has(id);
  }
  add(id: Hex, until: number): void {
    this.used.set(id, until);
  }
  prune(now: number): void {
    for (const [id, until] of this.used) if (until < now) this.used.delete(id);
  }
  get size(): number {
    return this.used.size;
  }
}

class ChainUnavailable extends Error {}

export async function verifyUnlockRequest(req: ParsedUnlockRequest, now: number, deps: UnlockDeps): Promise<Decision> {
  const { policy, hasher, index, reader } = deps;
  const deny = (reason: Reason, extra: Partial<Decision> = {}): Decision => ({
    reason,
    challengeId: null,
    venue: null,
    block: null,
    source: null,
    ...extra,
  });

  if (req.chainId !== policy.chainId) return deny("wrong_chain");
  if (!sameAddress(req.contract, policy.contract)) return deny("wrong_contract");
  if (req.challenge.door !== req.door) return deny("challenge_forged");
  if (req.deadline < now) return deny("deadline_expired");
  if (req.deadline > now + policy.maxDeadlineAheadS) return deny("malformed_request");
  const c = req.challenge;
  if (now - c.time > policy.challengeMaxAgeS || c.time > now + policy.clockSkewS) return deny("challenge_stale");
  const challengeDigest = hasher.challengeDigest(c);
  const challengeId = toHex(challengeDigest);
  if (deps.challenges.has(challengeId)) return deny("challenge_used", { challengeId });

  const waitStart = performance.now();
  const deadlineAt = waitStart + policy.chainBudgetMs;
  let signer: Hex | undefined; // set once the signature verified
  try {
    // Past the deadline the index counts as not fresh, and the direct reads below fail at once.
    const fresh = await beforeDeadline(index.ensureFresh(policy.indexMaxStalenessMs), deadlineAt, false);
    deps.onFreshWait?.((performance.now() - waitStart) / 1000);
    const source = fresh ? "index" : "contract";
    const block = fresh ? index.tip : null;
    const base = { challengeId, block, source } as const;

    // The door and its lock key.
    let door: { venueId: number; active: boolean; lockKey: Hex } | null | undefined;
    if (fresh) door = index.doors.get(req.door);
    else door = await readChain(() => reader.door(req.door), deadlineAt);
    if (!door || !door.active) return deny("unknown_door", base);
    const withVenue = { ...base, venue: door.venueId };

    // The challenge must be signed by that door's lock.
    const lock = recoverSigner(challengeDigest, c.signature);
    if (!lock || !sameAddress(lock, door.lockKey)) return deny("challenge_forged", withVenue);

    // The member's signature: EOA, else ERC-1271 contract wallet.
    const digest = hasher.unlockDigest({
      door: req.door,
      challenge: challengeId,
      passId: req.passId,
      deadline: req.deadline,
    });
    const recovered = req.signature.length === 132 ? recoverSigner(digest, req.signature) : null;
    if (!recovered || !sameAddress(recovered, req.signer)) {
      const check = await readChain(
        () => deps.contractSignatures.check(req.signer, toHex(digest), req.signature, deadlineAt),
        deadlineAt,
      );
      // The contract-wallet lane is busy: a retry a second later may find room.
      if (check === "busy") return deny("rate_limited", { ...withVenue, retryAfterS: 1 });
      if (check !== "valid") return deny("bad_signature", withVenue);
    }
    signer = req.signer;
    const proven = { ...withVenue, signer };
    const retryAfterS = await deps.signerLimited(req.signer);
    if (retryAfterS > 0) return deny("rate_limited", { ...proven, retryAfterS });

    // The on-chain rule.
    const access = fresh
      ? index.canEnter(req.signer, req.door, req.passId, now)
      : reasonFromAccessCode(await readChain(() => reader.canEnter(req.signer, req.door, req.passId, now), deadlineAt));
    if (access !== "granted") return deny(access, proven);

    // A pass of a resource that follows the opening hours opens only while the venue is open (or
    // within the grace before an opening): a day or 30-day pass spans closed nights.
    const open = await venueOpenForPass(req.passId, now, {
      index,
      reader,
      cache: deps.openHours,
      block,
      read: (f) => readChain(f, deadlineAt),
    });
    if (!open) return deny("venue_closed", proven);

    // Re-check reuse after the awaits (another request may have won the race), then sign.
    if (deps.challenges.has(challengeId)) return deny("challenge_used", proven);
    deps.challenges.add(challengeId, c.time + policy.challengeMaxAgeS + policy.clockSkewS);
    const expires = now + policy.openCommandTtlS;
    const signature = signDigest(
      hasher.openCommandDigest({ door: req.door, challenge: challengeId, expires }),
      deps.relayerKey,
    );
    return {
      reason: "granted",
      ...proven,
      openCommand: { door: req.door, challenge: challengeId, expires, relayer: deps.relayerAddress, signature },
    };
  } catch (err) {
    if (err instanceof ChainUnavailable || err instanceof HoursUnknown)
      return deny("chain_unavailable", { challengeId, ...(signer ? { signer } : {}) });
    throw err;
  }
}

const LATE = Symbol("late");

/** `p`'s value, or `late` when `p` has not settled by `deadlineAt` (performance.now() ms). */
function beforeDeadline<T, L>(p: Promise<T>, deadlineAt: number, late: L): Promise<T | L> {
  const wait = deadlineAt - performance.now();
  if (wait <= 0) {
    p.catch(() => undefined); // too late to matter, but its failure must not go unhandled
    return Promise.resolve(late);
  }
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<L>((resolve) => (timer = setTimeout(() => resolve(late), wait)));
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/** A chain read within the decision's deadline; any failure or lateness is ChainUnavailable. */
async function readChain<T>(f: () => Promise<T>, deadlineAt: number): Promise<T> {
  if (performance.now() >= deadlineAt) throw new ChainUnavailable("no decision budget left for a chain read");
  let v: T | typeof LATE;
  try {
    v = await beforeDeadline(f(), deadlineAt, LATE);
  } catch (err) {
    throw new ChainUnavailable((err as Error).message);
  }
  if (v === LATE) throw new ChainUnavailable("chain read exceeded the decision budget");
  return v;
}
