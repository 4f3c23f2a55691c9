// A simulated door lock, one instance serving any number of doors. It behaves as a real lock
// should (PROTOCOL.md, "Door protocol"):
// - issues fresh challenges `(door, nonce, time)` signed under EIP-712 with the door's own lock key;
// - accepts an OpenCommand only if it is signed by a relayer key the door's venue trusts on chain,
//   is not expired, names this door and a challenge this lock issued and has not yet used — once;
// - keeps its own log of every "opened"/"refused" with a reason. The log is a hash chain and each
//   entry is signed by the door's lock key, so a test (or an auditor) can verify it independently of
//   the relayer (see `verifyLockLog`).
import { appendFileSync, mkdirSync } from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { keccak256, stringToBytes } from "viem";
import { privateKeyToAddress } from "viem/accounts";
import type { Challenge, OpenCommand } from "../../protocol/eip712.ts";
import {
  createDoorHasher,
  recoverSigner,
  sameAddress,
  signDigest,
  hexToBuf,
  type DoorHasher,
  type Hex,
} from "../door/doorCrypto.ts";
import { systemClock, type Clock } from "../clock.ts";
import type { AgentRefusal } from "../../protocol/doorMqtt.ts";

/** What the lock needs to know from the chain (a real lock would cache it for a short time). */
export type LockTrust = {
  /** The venue of a door; throws when the chain cannot be read. */
  doorVenue(doorId: number): Promise<number>;
  isRelayerTrusted(venueId: number, relayer: Hex): Promise<boolean>;
};

/** The checks of a command, as the door agent makes them (protocol/doorMqtt.ts); no hardware here to fail. */
export type LockRefusal = Exclude<AgentRefusal, "lock_unreachable" | "jammed">;

export type LockResult = { result: "opened"; reason: "opened" } | { result: "refused"; reason: LockRefusal };

export type LockLogEntry = {
  seq: number;
  time: number;
  door: number;
  result: "opened" | "refused";
  reason: string;
  challenge: Hex | null;
  relayer: Hex | null;
  command: OpenCommand | null;
  prev: Hex;
  hash: Hex;
  /** The door's lock key over `hash` (raw secp256k1 over the 32-byte hash). */
  signature: Hex;
};

export type LockSimulatorOptions = {
  chainId: number;
  contract: Hex;
  /** Door id → the lock's private key (its address is the door's on-chain `lockKey`). */
  doorKeys: Map<number, Hex>;
  trust: LockTrust;
  clock?: Clock;
  /** How long an issued challenge can be answered. */
  challengeTtlS?: number;
  /** How long the lock trusts its last on-chain trust reading. */
  trustCacheMs?: number;
  /** Optional JSON-lines file receiving every log entry. */
  logFile?: string;
};

const ZERO_HASH: Hex = `0x${"00".repeat(32)}`;

function entryHash(e: Omit<LockLogEntry, "hash" | "signature">): Hex {
  return keccak256(stringToBytes(JSON.stringify(e)));
}

export class LockSimulator {
  readonly chainId: number;
  readonly contract: Hex;
  private readonly hasher: DoorHasher;
  private readonly doorKeys: Map<number, Hex>;
  private readonly trust: LockTrust;
  private readonly clock: Clock;
  private readonly challengeTtlS: number;
  private readonly trustCacheMs: number;
  private readonly logFile?: string;
  private readonly outstanding = new Map<Hex, { door: number; time: number }>();
  private readonly used = new Map<Hex, number>();
  private readonly venues = new Map<number, number>();
  private readonly trustCache = new Map<string, { trusted: boolean; at: number }>();
  private readonly entries: LockLogEntry[] = [];

  constructor(opts: LockSimulatorOptions) {
    this.chainId = opts.chainId;
    this.contract = opts.contract;
    this.hasher = createDoorHasher(opts.chainId, opts.contract);
    this.doorKeys = new Map(opts.doorKeys);
    this.trust = opts.trust;
    this.clock = opts.clock ?? systemClock;
    this.challengeTtlS = opts.challengeTtlS ?? 120;
    this.trustCacheMs = opts.trustCacheMs ?? 2000;
    this.logFile = opts.logFile;
    if (this.logFile) mkdirSync(path.dirname(this.logFile), { recursive: true });
  }

  doors(): number[] {
    return [...this.doorKeys.keys()].sort((a, b) => a - b);
  }

  lockAddress(doorId: number): Hex {
    const key = this.doorKeys.get(doorId);
    if (!key) throw new Error(`door ${doorId} is not simulated here`);
    return privateKeyToAddress(key);
  }

  /** A fresh challenge for `doorId`, or null if this simulator does not serve that door. */
  issueChallenge(doorId: number): Challenge | null {
    const key = this.doorKeys.get(doorId);
    if (!key) return null;
    this.prune();
    const nonce: Hex = `0x${randomBytes(16).toString("hex")}`;
    const time = this.clock();
    const digest = this.hasher.challengeDigest({ door: doorId, nonce, time });
    const id: Hex = `0x${Buffer.from(digest).toString("hex")}`;
    this.outstanding.set(id, { door: doorId, time });
    return { door: doorId, nonce, time, signature: signDigest(digest, key) };
  }

  /** The challenge id (EIP-712 digest) of a challenge, as relayers and members compute it. */
  challengeId(c: { door: number; nonce: Hex; time: number }): Hex {
    return `0x${Buffer.from(this.hasher.challengeDigest(c)).toString("hex")}`;
  }

  /** Tries an open command; logs and returns the outcome. */
  async submit(doorId: number, input: unknown): Promise<LockResult> {
    const cmd = parseCommand(input);
    if (!this.doorKeys.has(doorId)) return this.record(doorId, "refused", "unknown_door", cmd);
    if (!cmd || cmd.door !== doorId) return this.record(doorId, "refused", "malformed_command", cmd);
    const now = this.clock();
    const early = this.precheck(cmd, now);
    if (early) return this.record(doorId, "refused", early, cmd);
    const digest = this.hasher.openCommandDigest(cmd);
    const signer = recoverSigner(digest, cmd.signature);
    if (!signer || !sameAddress(signer, cmd.relayer)) return this.record(doorId, "refused", "bad_signature", cmd);
    let trusted: boolean;
    try {
      trusted = await this.isTrusted(doorId, signer);
    } catch {
      return this.record(doorId, "refused", "trust_unavailable", cmd);
    }
    if (!trusted) return this.record(doorId, "refused", "relayer_not_trusted", cmd);
    // Re-check after the await: another command may have used the challenge meanwhile.
    const late = this.precheck(cmd, this.clock());
    if (late) return this.record(doorId, "refused", late, cmd);
    this.outstanding.delete(cmd.challenge);
    this.used.set(cmd.challenge, now + this.challengeTtlS);
    return this.record(doorId, "opened", "opened", cmd);
  }

  /** The lock's own log, optionally for one door. */
  log(doorId?: number): LockLogEntry[] {
    return doorId === undefined ? [...this.entries] : this.entries.filter((e) => e.door === doorId);
  }

  private precheck(cmd: OpenCommand, now: number): LockRefusal | null {
    const challengeId = cmd.challenge.toLowerCase() as Hex;
    if (this.used.has(challengeId)) return "challenge_used";
    const issued = this.outstanding.get(challengeId);
    if (!issued || issued.door !== cmd.door) return "unknown_challenge";
    if (now > issued.time + this.challengeTtlS) return "challenge_expired";
    if (cmd.expires < now) return "command_expired";
    return null;
  }

  private async isTrusted(doorId: number, relayer: Hex): Promise<boolean> {
    let venue = this.venues.get(doorId);
    if (venue === undefined) {
      venue = await this.trust.doorVenue(doorId);
      this.venues.set(doorId, venue); // a door never changes venue
    }
    const key = `${venue}:${relayer.toLowerCase()}`;
    const cached = this.trustCache.get(key);
    if (cached && Date.now() - cached.at < this.trustCacheMs) return cached.trusted;
    const trusted = await this.trust.isRelayerTrusted(venue, relayer);
    this.trustCache.set(key, { trusted, at: Date.now() });
    return trusted;
  }

  private record(door: number, result: "opened" | "refused", reason: string, cmd: OpenCommand | null): LockResult {
    const prev = this.entries.length ? this.entries[this.entries.length - 1].hash : ZERO_HASH;
    const body = {
      seq: this.entries.length,
      time: this.clock(),
      door,
      result,
      reason,
      challenge: cmd ? (cmd.challenge.toLowerCase() as Hex) : null,
      relayer: cmd ? (cmd.relayer.toLowerCase() as Hex) : null,
      command: cmd,
      prev,
    };
    const hash = entryHash(body);
    const key = this.doorKeys.get(door);
    const signature: Hex = key ? signDigest(hexToBuf(hash), key) : `0x${"00".repeat(65)}`;
    const entry: LockLogEntry = { ...body, hash, signature };
    this.entries.push(entry);
    if (this.logFile) appendFileSync(this.logFile, `${JSON.stringify(entry)}\n`);
    return { result, reason } as LockResult;
  }

  private prune(): void {
    const now = this.clock();
    for (const [id, c] of this.outstanding) if (now > c.time + this.challengeTtlS) this.outstanding.delete(id);
    for (const [id, until] of this.used) if (now > until) this.used.delete(id);
  }
}

function isHex(v: unknown, bytes: number): v is Hex {
  return typeof v === "string" && v.length === 2 + 2 * bytes && /^0x[0-9a-fA-F]*$/.test(v);
}

function parseCommand(input: unknown): OpenCommand | null {
  if (!input || typeof input !== "object") return null;
  const c = input as Record<string, unknown>;
  const uint = (v: unknown, max: number) => typeof v === "number" && Number.isSafeInteger(v) && v >= 0 && v <= max;
  if (!uint(c.door, 2 ** 32 - 1) || !uint(c.expires, Number.MAX_SAFE_INTEGER)) return null;
  if (!isHex(c.challenge, 32) || !isHex(c.relayer, 20) || !isHex(c.signature, 65)) return null;
  return {
    door: c.door as number,
    challenge: (c.challenge as string).toLowerCase() as Hex,
    expires: c.expires as number,
    relayer: c.relayer,
    signature: c.signature,
  };
}

/**
 * Verifies a lock log: hash chain intact, every entry's hash recomputes, and every entry is signed
 * by the lock key registered for its door (`lockKeys`: door → lock address, e.g. from the chain);
 * every "opened" entry carries a command signed by the relayer it names.
 */
export function verifyLockLog(
  entries: LockLogEntry[],
  lockKeys: Map<number, Hex>,
  hasher: DoorHasher,
): { ok: true } | { ok: false; seq: number; problem: string } {
  let prev: Hex = ZERO_HASH;
  for (const e of entries) {
    const { hash, signature, ...body } = e;
    if (body.prev !== prev) return { ok: false, seq: e.seq, problem: "chain broken" };
    if (entryHash(body) !== hash) return { ok: false, seq: e.seq, problem: "hash mismatch" };
    const lock = lockKeys.get(e.door);
    const signer = recoverSigner(hexToBuf(hash), signature);
    if (!lock || !signer || !sameAddress(lock, signer))
      return { ok: false, seq: e.seq, problem: "not signed by the door's lock" };
    if (e.result === "opened") {
      const cmd = e.command;
      if (!cmd) return { ok: false, seq: e.seq, problem: "opened without command" };
      const relayer = recoverSigner(hasher.openCommandDigest(cmd), cmd.signature);
      if (!relayer || !sameAddress(relayer, cmd.relayer))
        return { ok: false, seq: e.seq, problem: "command not signed by its relayer" };
    }
    prev = hash;
  }
  return { ok: true };
}
