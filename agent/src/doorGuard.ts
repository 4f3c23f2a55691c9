// The lock's rules, for every door an agent serves (PROTOCOL.md, "Door protocol"):
// - it issues fresh challenges (door, nonce, time) signed under EIP-712 with the door's own lock key;
// - it accepts an open command only if signed by a relayer key the door's venue trusts on chain,
//   not expired by the agent's clock, naming this door and a challenge this agent issued and has not
//   used yet — once, whichever relayer sends it and however often the broker redelivers it.
// No I/O of its own: the trust source and the clock are given.
import { randomBytes } from "node:crypto";
import type { AgentRefusal } from "../../protocol/doorMqtt.ts";
import type { Clock } from "./clock.ts";
import {
  addressOf,
  recoverSigner,
  sameAddress,
  signDigest,
  type Challenge,
  type Hex,
  type LockCrypto,
  type OpenCommand,
} from "./lockCrypto.ts";

/** What the agent needs to know from the chain. */
export type TrustSource = {
  /** True when `relayer` may open `door` (the door's venue trusts it); throws when unknown now. */
  isRelayerTrusted(door: number, relayer: Hex): Promise<boolean>;
};

export type GuardVerdict = { ok: true } | { ok: false; reason: AgentRefusal };

export type DoorGuardOptions = {
  crypto: LockCrypto;
  /** Door id → the lock's private key (its address is the door's on-chain lockKey). */
  keys: Map<number, Hex>;
  trust: TrustSource;
  clock: Clock;
  /** How long an issued challenge can be answered, seconds. */
  challengeTtlS: number;
  /** Most challenges outstanding per door (older ones are forgotten first). */
  maxOutstanding?: number;
};

export class DoorGuard {
  private readonly o: DoorGuardOptions;
  private readonly outstanding = new Map<string, { door: number; time: number }>();
  private readonly used = new Map<string, number>();
  private readonly maxOutstanding: number;

  constructor(o: DoorGuardOptions) {
    this.o = o;
    this.maxOutstanding = (o.maxOutstanding ?? 1024) * Math.max(1, o.keys.size);
  }

  doors(): number[] {
    return [...this.o.keys.keys()].sort((a, b) => a - b);
  }

  serves(door: number): boolean {
    return this.o.keys.has(door);
  }

  lockAddress(door: number): Hex {
    const key = this.o.keys.get(door);
    if (!key) throw new Error(`door ${door} is not served here`);
    return addressOf(key);
  }

  /** A fresh challenge signed by the door's lock key, or null for a door not served here. */
  async issueChallenge(door: number): Promise<Challenge | null> {
    const key = this.o.keys.get(door);
    if (!key) return null;
    this.prune();
    const nonce: Hex = `0x${randomBytes(16).toString("hex")}`;
    const time = this.o.clock();
    const digest = this.o.crypto.challengeDigest({ door, nonce, time });
    this.outstanding.set(digest.toLowerCase(), { door, time });
    if (this.outstanding.size > this.maxOutstanding) this.outstanding.delete(this.outstanding.keys().next().value!);
    return { door, nonce, time, signature: await signDigest(digest, key) };
  }

  /**
   * Checks a command and, when it passes, marks its challenge used before returning: the caller
   * then drives the lock. A second delivery of the same command gets `challenge_used`.
   */
  async admit(door: number, cmd: OpenCommand): Promise<GuardVerdict> {
    if (!this.o.keys.has(door)) return { ok: false, reason: "unknown_door" };
    if (cmd.door !== door) return { ok: false, reason: "malformed_command" };
    const early = this.precheck(cmd);
    if (early) return { ok: false, reason: early };
    const signer = await recoverSigner(this.o.crypto.openCommandDigest(cmd), cmd.signature);
    if (!signer || !sameAddress(signer, cmd.relayer)) return { ok: false, reason: "bad_signature" };
    let trusted: boolean;
    try {
      trusted = await this.o.trust.isRelayerTrusted(door, signer);
    } catch {
      return { ok: false, reason: "trust_unavailable" };
    }
    if (!trusted) return { ok: false, reason: "relayer_not_trusted" };
    // Again after the awaits: the same command may have been admitted meanwhile, or expired.
    const late = this.precheck(cmd);
    if (late) return { ok: false, reason: late };
    const id = cmd.challenge.toLowerCase();
    const issued = this.outstanding.get(id)!;
    this.outstanding.delete(id);
    this.used.set(id, issued.time + this.o.challengeTtlS);
    return { ok: true };
  }

  /** Signs with the door's lock key (answers, status). */
  sign(door: number, digest: Hex): Promise<Hex> {
    const key = this.o.keys.get(door);
    if (!key) throw new Error(`door ${door} is not served here`);
    return signDigest(digest, key);
  }

  private precheck(cmd: OpenCommand): AgentRefusal | null {
    const now = this.o.clock();
    const id = cmd.challenge.toLowerCase();
    if (this.used.has(id)) return "challenge_used";
    const issued = this.outstanding.get(id);
    if (!issued || issued.door !== cmd.door) return "unknown_challenge";
    if (now > issued.time + this.o.challengeTtlS) return "challenge_expired";
    if (cmd.expires < now) return "command_expired";
    return null;
  }

  private prune(): void {
    const now = this.o.clock();
    for (const [id, c] of this.outstanding) if (now > c.time + this.o.challengeTtlS) this.outstanding.delete(id);
    for (const [id, until] of this.used) if (now > until) this.used.delete(id);
  }
}
