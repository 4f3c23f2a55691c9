// The event index: an in-memory view of the Passepartout contract rebuilt from its events.
//
// It applies each block's logs as the block arrives and keeps the hash of every block it applied
// (within the reorg depth) with an undo journal. When the chain's block at our tip no longer has
// the hash we applied, the index walks back to the newest block whose hash still matches, undoes
// everything after it and re-reads from there; a reorg deeper than the journal triggers a full
// rebuild. So a cancel or transfer counts from the block it is in, and disappears with it.
//
// Persistence (server/index/indexStore.ts): every sync step (a page of logs, a rollback) writes
// the entries it changed, the block-hash journal, the per-block undo rows and the checkpoint (last
// applied block and its hash) in one SQLite transaction. At start `restore()` loads all of it back,
// so the in-memory index is exactly the one that stopped, journal included: the first poll then
// checks the checkpoint's hash against the chain like any poll checks its tip, and a reorg that
// happened while the relayer was down is undone from the stored journal (deeper than the journal,
// or a file of another chain instance: rebuilt from the deployment block). Decisions never touch
// the file: they read the maps.
//
// Decisions ask for freshness with `ensureFresh(maxAgeMs)`: the answer comes from a poll that
// started at most `maxAgeMs` before the request (0 = a poll that started after the request
// arrived; concurrent requests share one poll). When that is impossible, or while the index is
// catching up (a cold sync: the relayer already listens), the caller falls back to a direct
// contract read, then fails closed.
import { deserialize, serialize } from "node:v8";
import { decodeEventLog, type Log, type PublicClient } from "viem";
import { passepartoutAbi } from "../../protocol/abis.ts";
import type { Hex } from "../../protocol/types.ts";
import type { Reason } from "../../protocol/reasons.ts";
import { decodeValue, encodeValue, IndexFileError, type IndexStore, type UndoRow } from "./indexStore.ts";

export type IndexedVenue = {
  id: number;
  operator: Hex;
  /** Proposed by the operator, not yet accepted (zero address when none). */
  pendingOperator: Hex;
  /** The payee split new bookings settle into (its latest SplitCreated). */
  splitId: number;
  paused: boolean;
  name: string;
  metadataURI: string;
  /** Who claimTaxes pays (its latest VenueTaxProfileSet; zero address before any). */
  taxPayee: Hex;
};
export type IndexedResource = {
  id: number;
  venueId: number;
  name: string;
  kind: number;
  units: number;
  currency: Hex;
  pricePerHour: string;
  pricePerDay: string;
  pricePerMonth: string;
  minHours: number;
  maxHours: number;
  horizonHours: number;
  graceSeconds: number;
  policyId: number;
  transferable: boolean;
  followsOpeningHours: boolean;
  metadataURI: string;
};
export type IndexedDoor = { id: number; venueId: number; allResources: boolean; active: boolean; lockKey: Hex };
export type IndexedPass = {
  id: bigint;
  holder: Hex;
  resourceId: number;
  unit: number;
  start: number;
  end: number;
  currency: Hex;
  /** Pre-tax price in escrow (Booked.amount); the member paid amount + gst + qst. */
  amount: bigint;
  gst: bigint;
  qst: bigint;
  /** The refund policy the booking pinned (the resource's at booking time). */
  policyId: number;
  /** The payee split (and tax pool) its escrow settles into (Booked.splitId). */
  splitId: number;
  /** First second no refund can be owed: from then on the pass may be settled. */
  releaseTime: number;
  settled: boolean;
  guest: Hex | null;
  guestExpires: number;
  block: number;
};
/** Whether `who` holds `pass` on loan at `time` (ERC-4907 user, until its expiry): the one loan rule. */
export function onLoanTo(pass: IndexedPass, who: Hex, time: number): boolean {
  return who !== ZERO && pass.guest === who && time < pass.guestExpires;
}

/** A cancelled booking: its Booked terms and its Cancelled refund (the pass itself is burned). */
export type IndexedCancellation = Pick<IndexedPass, BookedTerms> & {
  /** The holder when it was cancelled, who got the refund. */
  refundTo: Hex;
  byOperator: boolean;
  refund: bigint;
  retained: bigint;
  gstRefund: bigint;
  qstRefund: bigint;
  /** Block of the cancellation. */
  block: number;
};
/** What a cancellation keeps of its pass. */
type BookedTerms = "id" | "resourceId" | "unit" | "start" | "end" | "currency" | "amount" | "gst" | "qst";
export type IndexedPolicy = { id: number; tiers: { secondsBeforeStart: number; refundBps: number }[] };
export type IndexedSplit = { id: number; venueId: number; payees: Hex[]; sharesBps: number[] };
export type IndexedCurrency = { address: Hex; allowed: boolean };
export type VenueMoney = {
  venueId: number;
  currency: Hex;
  bookings: number;
  booked: bigint;
  refunded: bigint;
  retained: bigint;
  settled: bigint;
  fees: bigint;
};

/**
 * A split's taxes in one currency, GST and QST apart: charged on bookings (collected), given back
 * with refunds (refunded), moved into the split's tax pool by settlement or a cancellation's retained
 * part (settled: the contract's `taxPool`), and paid to the venue's tax payee (claimed: `claimTaxes`
 * pays the whole pool, so after a claim each tax's claimed part is its settled part).
 */
export type SplitTaxes = {
  splitId: number;
  venueId: number;
  currency: Hex;
  gstCollected: bigint;
  qstCollected: bigint;
  gstRefunded: bigint;
  qstRefunded: bigint;
  gstSettled: bigint;
  qstSettled: bigint;
  gstClaimed: bigint;
  qstClaimed: bigint;
};
/** The amounts of a SplitTaxes. */
export const TAX_FIGURES = [
  "gstCollected",
  "qstCollected",
  "gstRefunded",
  "qstRefunded",
  "gstSettled",
  "qstSettled",
  "gstClaimed",
  "qstClaimed",
] as const satisfies readonly (keyof SplitTaxes)[];
export const splitTaxesKey = (splitId: number, currency: Hex): string => `${splitId}:${currency}`;

/** A booking as the read API lists it: a standing pass or a cancellation, never both. */
export type IndexedBooking = {
  start: number;
  id: bigint;
  pass: IndexedPass | null;
  cancellation: IndexedCancellation | null;
};
export type IndexLookups = {
  version: string;
  byMember: Map<Hex, IndexedBooking[]>;
  byVenue: Map<number, IndexedBooking[]>;
};

/** The read API's order of bookings: by start, then pass id. */
export const byStartThenId = (a: { start: number; id: bigint }, b: { start: number; id: bigint }) =>
  a.start - b.start || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
/** Where a log sits in the chain and when its block was made: the order receipts are numbered in. */
export type LedgerPosition = {
  block: number;
  logIndex: number;
  txHash: Hex;
  /** The block's timestamp when the log carried it (eth_getLogs `blockTimestamp`), else null. */
  time: number | null;
};
/** A tax profile as a venue set it (VenueTaxProfileSet). */
export type IndexedTaxProfile = {
  legalName: string;
  postalAddress: string;
  gstNumber: string;
  qstNumber: string;
  taxPayee: Hex;
  taxable: boolean;
};
/**
 * The events receipts and credit notes are derived from (server/receipts/), kept in chain order:
 * tax profiles, bookings (with the resource's name at the time), cancellations and settlements.
 */
export type LedgerEntry = LedgerPosition &
  (
    | ({ kind: "taxProfile"; venueId: number } & IndexedTaxProfile)
    | {
        kind: "booked";
        passId: bigint;
        resourceId: number;
        venueId: number | null;
        resourceName: string;
        holder: Hex;
        payer: Hex;
        unit: number;
        start: number;
        end: number;
        currency: Hex;
        amount: bigint;
        gst: bigint;
        qst: bigint;
      }
    | {
        kind: "cancelled";
        passId: bigint;
        by: Hex;
        byOperator: boolean;
        refundTo: Hex;
        refund: bigint;
        retained: bigint;
        gstRefund: bigint;
        qstRefund: bigint;
      }
    | { kind: "settled"; passId: bigint; fee: bigint; gst: bigint; qst: bigint }
    | {
        /** claimTaxes paid a split's tax pool (`gst + qst`, the part of each tax not claimed before). */
        kind: "taxesClaimed";
        splitId: number;
        venueId: number | null;
        currency: Hex;
        taxPayee: Hex;
        gst: bigint;
        qst: bigint;
      }
  );

/** Key of a ledger entry: sorts as chain order, (block, log index). */
export const ledgerKey = (block: number, logIndex: number): string =>
  `${String(block).padStart(12, "0")}:${String(logIndex).padStart(6, "0")}`;

/** One undo step: the entry `key` of `map` had `old` (or nothing) before the block changed it. */
type Undo = { map: JournaledMap<unknown, unknown>; key: unknown; had: boolean; old: unknown };

/** A Map whose writes are recorded in the index's current block journal, and remembered as dirty until persisted. */
class JournaledMap<K, V> {
  readonly name: string;
  readonly map = new Map<K, V>();
  /** Keys changed since the last commit to the index file. */
  readonly dirty = new Set<K>();
  /** Bumped by every change: derived views (ChainIndex.lookups) rebuild when it moved. */
  version = 0;
  private readonly journal: () => Undo[] | null;
  constructor(name: string, journal: () => Undo[] | null) {
    this.name = name;
    this.journal = journal;
  }
  get(k: K): V | undefined {
    return this.map.get(k);
  }
  has(k: K): boolean {
    return this.map.has(k);
  }
  set(k: K, v: V): void {
    this.record(k);
    this.map.set(k, v);
  }
  delete(k: K): void {
    if (!this.map.has(k)) return;
    this.record(k);
    this.map.delete(k);
  }
  values(): IterableIterator<V> {
    return this.map.values();
  }
  keys(): IterableIterator<K> {
    return this.map.keys();
  }
  clear(): void {
    this.version++;
    this.map.clear();
    this.dirty.clear();
  }
  /** Puts back what an undo step recorded. */
  restore(k: K, had: boolean, old: V | undefined): void {
    this.version++;
    this.dirty.add(k);
    if (had) this.map.set(k, old as V);
    else this.map.delete(k);
  }
  private record(k: K): void {
    this.version++;
    this.dirty.add(k);
    const j = this.journal();
    if (!j) return;
    j.push({ map: this, key: k, had: this.map.has(k), old: this.map.get(k) });
  }
}

/** Where the index reads the chain during a sync (server/index/logPager.ts and rpc.ts in the relayer). */
export type ChainSource = {
  /** Logs of the protocol from `from` up to at most `maxTo`, and the last block they cover. */
  readLogs(from: number, maxTo: number): Promise<{ to: number; logs: Log[] }>;
  /** Hash of block `n`, or null when the chain has no such block. */
  blockHash(n: number): Promise<Hex | null>;
};

export type SyncProgress = {
  done: number;
  total: number;
  logs: number;
  seconds: number;
  logsPerSecond: number;
  etaSeconds: number | null;
  final: boolean;
};

export type IndexOptions = {
  client: PublicClient;
  contract: Hex;
  deployBlock: number;
  reorgDepth?: number;
  /** Largest getLogs range while catching up (the default source only). */
  maxRange?: number;
  /** Chain reads of the sync (default: the client, in pages of `maxRange`). */
  source?: ChainSource;
  /** The index file: restored by `restore()`, written at every sync step. */
  store?: IndexStore;
  /** A catch-up longer than this many blocks reports its progress (default 10,000). */
  progressBlocks?: number;
  progressEveryMs?: number;
  onProgress?: (p: SyncProgress) => void;
  onReorg?: (info: { from: number; to: number; ancestor: number }) => void;
  onError?: (err: unknown) => void;
  /** Reads the latest block's number and hash (default: the client's getBlock). */
  latestBlock?: () => Promise<{ number: bigint; hash: Hex }>;
};

const ZERO: Hex = "0x0000000000000000000000000000000000000000";
const lower = (a: string) => a.toLowerCase() as Hex;

/** The sync's reads through a viem client, in pages of at most `maxRange` blocks. */
function clientSource(client: PublicClient, contract: Hex, maxRange: number): ChainSource {
  return {
    async readLogs(from, maxTo) {
      const to = Math.min(maxTo, from + maxRange - 1);
      const logs = await client.getLogs({ address: contract, fromBlock: BigInt(from), toBlock: BigInt(to) });
      return { to, logs };
    },
    async blockHash(n) {
      const b = await client.getBlock({ blockNumber: BigInt(n) }).catch((err) => {
        if ((err as { name?: string }).name === "BlockNotFoundError") return null;
        throw err;
      });
      return b?.hash ?? null;
    },
  };
}

/** Blocks done / total, logs/s and ETA of one catch-up. */
class ProgressMeter {
  private readonly from: number;
  private readonly total: number;
  private readonly startedAt = Date.now();
  private done = 0;
  private logs = 0;
  constructor(tip: number, head: number) {
    this.from = tip;
    this.total = head - tip;
  }
  add(to: number, logs: number): void {
    this.done = to - this.from;
    this.logs += logs;
  }
  report(final: boolean): SyncProgress {
    const seconds = (Date.now() - this.startedAt) / 1000;
    const rate = seconds > 0 ? this.done / seconds : 0;
    return {
      done: this.done,
      total: this.total,
      logs: this.logs,
      seconds: Math.round(seconds * 10) / 10,
      logsPerSecond: seconds > 0 ? Math.round(this.logs / seconds) : 0,
      etaSeconds: final ? 0 : rate > 0 ? Math.round((this.total - this.done) / rate) : null,
      final,
    };
  }
}

/**
 * The pass's release time as `_book` computes it: the first second after the last refunding tier
 * of its policy (thresholds decrease, so the last tier with a refund wins); the start itself with
 * no refunding tier; 0 when that tier reaches back before the epoch.
 */
export function releaseTimeOf(start: number, policy: IndexedPolicy | undefined): number {
  let offset = 0;
  for (const t of policy?.tiers ?? []) if (t.refundBps > 0) offset = t.secondsBeforeStart;
  if (offset === 0) return start;
  return start >= offset ? start - offset + 1 : 0;
}

/** A log of the Passepartout address decoded with the generated ABI, or null if it is none of its events. */
function decodePassepartoutLog(log: Log) {
  try {
    return decodeEventLog({ abi: passepartoutAbi, data: log.data, topics: log.topics, strict: true });
  } catch {
    return null;
  }
}

export class ChainIndex {
  readonly venues: JournaledMap<number, IndexedVenue>;
  readonly resources: JournaledMap<number, IndexedResource>;
  readonly doors: JournaledMap<number, IndexedDoor>;
  readonly doorResources: JournaledMap<string, true>;
  readonly trustedRelayers: JournaledMap<string, true>;
  readonly passes: JournaledMap<bigint, IndexedPass>;
  readonly money: JournaledMap<string, VenueMoney>;
  /** Taxes by `splitTaxesKey(split, currency)`. */
  readonly taxes: JournaledMap<string, SplitTaxes>;
  readonly cancellations: JournaledMap<bigint, IndexedCancellation>;
  readonly policies: JournaledMap<number, IndexedPolicy>;
  readonly splits: JournaledMap<number, IndexedSplit>;
  readonly currencies: JournaledMap<Hex, IndexedCurrency>;
  /** Receipt-relevant events by `ledgerKey` (chain order). */
  readonly ledger: JournaledMap<string, LedgerEntry>;

  private readonly source: ChainSource;
  private readonly store?: IndexStore;
  private readonly deployBlock: number;
  private readonly reorgDepth: number;
  private readonly progressBlocks: number;
  private readonly progressEveryMs: number;
  private readonly onProgress?: IndexOptions["onProgress"];
  private readonly onReorg?: IndexOptions["onReorg"];
  private readonly onError?: IndexOptions["onError"];
  private readonly latestBlock: () => Promise<{ number: bigint; hash: Hex }>;

  /** Block number → hash of every block we hold a hash for (tips and blocks with logs). */
  private readonly hashes = new Map<number, Hex>();
  /** Block number → undo steps of the changes applied in that block. */
  private readonly journals = new Map<number, Undo[]>();
  private currentJournal: Undo[] | null = null;
  /** Blocks journaled since the last commit (their undo rows are not in the file yet). */
  private readonly unsavedJournals = new Set<number>();
  private readonly maps: JournaledMap<unknown, unknown>[];

  /** Last block applied. */
  tip: number;
  /** Head block number seen at the last successful poll. */
  head = -1;
  /** Wall-clock ms when the last successful poll started (its view is at least that fresh). */
  lastOkStartedAt = 0;
  lastOkAt = 0;
  /**
   * True from construction until a poll reaches the head, and again while a poll has more than
   * `progressBlocks` blocks to apply (a cold sync, a long outage). Meanwhile `ensureFresh` answers
   * false at once: decisions read the contract directly instead of waiting for the sync.
   */
  catchingUp = true;
  reorgs = 0;
  /** Polls started (one serves every decision waiting for it). */
  polls = 0;
  /** Logs that could not be applied (unexpected event shape); logged as errors. */
  applyErrors = 0;
  private inflight: { startedAt: number; promise: Promise<void> } | null = null;
  /** Set once `restore()` loaded the file (a snapshot of an unrestored index would be empty). */
  private restored = false;
  private queued: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(opts: IndexOptions) {
    const j = () => this.currentJournal;
    this.venues = new JournaledMap("venues", j);
    this.resources = new JournaledMap("resources", j);
    this.doors = new JournaledMap("doors", j);
    this.doorResources = new JournaledMap("doorResources", j);
    this.trustedRelayers = new JournaledMap("trustedRelayers", j);
    this.passes = new JournaledMap("passes", j);
    this.money = new JournaledMap("money", j);
    this.taxes = new JournaledMap("taxes", j);
    this.cancellations = new JournaledMap("cancellations", j);
    this.policies = new JournaledMap("policies", j);
    this.splits = new JournaledMap("splits", j);
    this.currencies = new JournaledMap("currencies", j);
    this.ledger = new JournaledMap("ledger", j);
    this.maps = [
      this.venues,
      this.resources,
      this.doors,
      this.doorResources,
      this.trustedRelayers,
      this.passes,
      this.money,
      this.taxes,
      this.cancellations,
      this.policies,
      this.splits,
      this.currencies,
      this.ledger,
    ] as JournaledMap<unknown, unknown>[];
    const client = opts.client;
    this.source = opts.source ?? clientSource(client, lower(opts.contract), opts.maxRange ?? 2000);
    this.store = opts.store;
    this.deployBlock = opts.deployBlock;
    this.reorgDepth = opts.reorgDepth ?? 128;
    this.progressBlocks = opts.progressBlocks ?? 10_000;
    this.progressEveryMs = opts.progressEveryMs ?? 5_000;
    this.onProgress = opts.onProgress;
    this.onReorg = opts.onReorg;
    this.latestBlock =
      opts.latestBlock ??
      (async () => {
        const b = await client.getBlock({ blockTag: "latest" });
        return { number: b.number, hash: b.hash };
      });
    this.onError = opts.onError;
    this.tip = opts.deployBlock - 1;
  }

  /** Background polling (keeps the lag metric meaningful when no request arrives). */
  start(intervalMs: number): void {
    const loop = () => {
      this.poll()
        .catch((err) => this.onError?.(err))
        .finally(() => {
          if (this.timer) this.timer = setTimeout(loop, intervalMs);
        });
    };
    this.timer = setTimeout(loop, 0);
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Resolves once no poll is running (each one commits its steps to the index file). */
  async idle(): Promise<void> {
    while (this.inflight || this.queued) await (this.queued ?? this.inflight!.promise).catch(() => undefined);
  }

  /** Blocks between the chain head (last seen) and the index tip. */
  lagBlocks(): number {
    return this.head < 0 ? Number.POSITIVE_INFINITY : Math.max(0, this.head - this.tip);
  }

  /** True when the index has applied everything up to the head it last saw. */
  synced(): boolean {
    return this.head >= 0 && this.tip >= this.head;
  }

  /**
   * Resolves true when the index reflects a poll that started at most `maxAgeMs` ago and reached
   * the head; false when the chain cannot be read or the index is still catching up.
   */
  async ensureFresh(maxAgeMs: number): Promise<boolean> {
    if (this.catchingUp) return false;
    const arrived = Date.now();
    if (this.synced() && arrived - this.lastOkStartedAt <= maxAgeMs && this.lastOkStartedAt > 0) return true;
    try {
      await this.pollStartedAfter(arrived - maxAgeMs);
    } catch {
      return false;
    }
    return this.synced() && this.lastOkStartedAt >= arrived - maxAgeMs;
  }

  /** Runs (or joins) a poll that started at or after `t`. */
  private pollStartedAfter(t: number): Promise<void> {
    if (this.inflight && this.inflight.startedAt >= t) return this.inflight.promise;
    if (!this.inflight) return this.poll();
    // A poll is running but started too early: queue exactly one follower.
    if (!this.queued) {
      this.queued = this.inflight.promise
        .catch(() => undefined)
        .then(() => {
          this.queued = null;
          return this.poll();
        });
    }
    return this.queued;
  }

  /** One poll: detect reorgs, then apply every new block up to the head. Coalesced. */
  poll(): Promise<void> {
    if (this.inflight) return this.inflight.promise;
    const startedAt = Date.now();
    this.polls++;
    const promise = this.doPoll(startedAt).finally(() => {
      this.inflight = null;
    });
    this.inflight = { startedAt, promise };
    return promise;
  }

  private async doPoll(startedAt: number): Promise<void> {
    const latest = await this.latestBlock();
    const headNumber = Number(latest.number);
    const headHash = lower(latest.hash);
    // Fast path: nothing new.
    if (headNumber === this.tip && this.hashes.get(this.tip) === headHash) {
      return this.markOk(startedAt, headNumber);
    }
    // Our tip must still be on the chain, else roll back first.
    if (this.tip >= this.deployBlock) {
      const ours = this.hashes.get(this.tip);
      const onChain = headNumber === this.tip ? headHash : headNumber > this.tip ? await this.hashAt(this.tip) : null;
      if (!ours || onChain !== ours) await this.rollBack(headNumber);
    }
    const progress = this.tip + this.progressBlocks < headNumber ? new ProgressMeter(this.tip, headNumber) : null;
    if (progress) this.catchingUp = true;
    let lastReport = Date.now();
    while (this.tip < headNumber) {
      const from = this.tip + 1;
      const { to, logs } = await this.source.readLogs(from, headNumber);
      const deep = to < headNumber - this.reorgDepth;
      const toHash = to === headNumber ? headHash : await this.hashAt(to);
      if (!toHash) throw new Error(`block ${to} vanished while indexing`);
      if (!deep) {
        // Near the head, make sure the logs belong to the chain whose tip we record: each log's
        // block must still be an ancestor of `to` (checked by hash at its height).
        const byBlock = new Map<number, Hex>();
        for (const log of logs) byBlock.set(Number(log.blockNumber), lower(log.blockHash!));
        for (const [n, h] of byBlock) {
          const onChain = n === to ? toHash : await this.hashAt(n);
          if (onChain !== h) throw new Error(`reorg while indexing block ${n}; retrying`);
        }
      }
      this.applyRange(logs, to, toHash, deep);
      if (progress) {
        progress.add(to, logs.length);
        if (Date.now() - lastReport >= this.progressEveryMs) {
          lastReport = Date.now();
          this.onProgress?.(progress.report(false));
        }
      }
    }
    if (progress) this.onProgress?.(progress.report(true));
    this.markOk(startedAt, headNumber);
  }

  private markOk(startedAt: number, head: number): void {
    this.head = head;
    this.catchingUp = false;
    this.lastOkStartedAt = Math.max(this.lastOkStartedAt, startedAt);
    this.lastOkAt = Date.now();
  }

  private async hashAt(n: number): Promise<Hex | null> {
    const h = await this.source.blockHash(n);
    return h ? lower(h) : null;
  }

  /** Walks back to the newest block whose hash still matches and undoes everything above it. */
  private async rollBack(headNumber: number): Promise<void> {
    const known = [...this.hashes.keys()].sort((a, b) => b - a);
    const oldTip = this.tip;
    let ancestor: number | null = null;
    for (const n of known) {
      if (n > headNumber) continue;
      if ((await this.hashAt(n)) === this.hashes.get(n)) {
        ancestor = n;
        break;
      }
    }
    this.reorgs++;
    if (ancestor === null) {
      // Deeper than our journal: rebuild from the deployment block.
      this.reset();
    } else {
      for (const n of [...this.journals.keys()].sort((a, b) => b - a)) {
        if (n <= ancestor) break;
        const undo = this.journals.get(n)!;
        for (let i = undo.length - 1; i >= 0; i--) undo[i].map.restore(undo[i].key, undo[i].had, undo[i].old);
        this.journals.delete(n);
        this.unsavedJournals.delete(n);
      }
      for (const n of known) if (n > ancestor) this.hashes.delete(n);
      this.tip = ancestor;
      this.commit();
    }
    this.onReorg?.({ from: oldTip, to: headNumber, ancestor: ancestor ?? this.deployBlock - 1 });
  }

  private reset(): void {
    for (const m of this.maps) m.clear();
    this.hashes.clear();
    this.journals.clear();
    this.unsavedJournals.clear();
    this.tip = this.deployBlock - 1;
    this.store?.clearState();
  }

  /**
   * Loads the index file into memory (call once, before the first poll). A file of another chain
   * instance (its deployment block has another hash) or with unreadable content is rebuilt.
   */
  async restore(): Promise<void> {
    const store = this.store;
    if (!store) return;
    const anchor = await this.hashAt(this.deployBlock);
    if (!anchor) throw new Error(`the chain has no block ${this.deployBlock} (the deployment block)`);
    const stored = store.anchorHash();
    if (stored && stored !== anchor) {
      store.rebuild(
        `written for another chain instance (block ${this.deployBlock} has hash ${stored} there, ${anchor} here)`,
      );
    } else {
      try {
        this.load(store);
      } catch (err) {
        if (!(err instanceof IndexFileError || err instanceof SyntaxError || err instanceof TypeError)) throw err;
        store.rebuild(`content unreadable (${err.message})`);
        this.reset();
      }
    }
    if (!store.anchorHash()) store.setAnchorHash(anchor);
    this.restored = true;
  }

  private load(store: IndexStore): void {
    const cp = store.checkpoint();
    if (!cp) return;
    const byName = new Map(this.maps.map((m) => [m.name, m]));
    const mapOf = (name: string) => {
      const m = byName.get(name);
      if (!m) throw new IndexFileError(`unknown map ${name}`);
      return m;
    };
    if (!this.loadSnapshot(store.snapshot(cp), mapOf))
      for (const r of store.state()) mapOf(r.map).map.set(decodeValue(r.key), decodeValue(r.value));
    for (const [n, h] of store.blocks()) this.hashes.set(n, h);
    for (const u of store.undo()) {
      let j = this.journals.get(u.block);
      if (!j) this.journals.set(u.block, (j = []));
      j.push({
        map: mapOf(u.map),
        key: decodeValue(u.key),
        had: u.old !== null,
        old: u.old === null ? undefined : decodeValue(u.old),
      });
    }
    if (this.hashes.get(cp.tip) !== cp.tipHash) throw new IndexFileError(`checkpoint ${cp.tip} has no journal entry`);
    this.tip = cp.tip;
    for (const m of this.maps) m.dirty.clear();
  }

  /** Fills the maps from a clean stop's snapshot; false (maps left empty) when there is none or it is unusable. */
  private loadSnapshot(body: Uint8Array | null, mapOf: (name: string) => JournaledMap<unknown, unknown>): boolean {
    if (!body) return false;
    try {
      const entries = deserialize(body) as unknown;
      if (!Array.isArray(entries)) throw new IndexFileError("snapshot is not a list of maps");
      for (const e of entries as unknown[]) {
        if (!Array.isArray(e) || typeof e[0] !== "string" || !(e[1] instanceof Map))
          throw new IndexFileError("snapshot entry is not [name, Map]");
        const target = mapOf(e[0]).map;
        for (const [k, v] of e[1] as Map<unknown, unknown>) target.set(k, v);
      }
      return true;
    } catch {
      for (const m of this.maps) m.map.clear(); // the rows are the truth: read them instead
      return false;
    }
  }

  /**
   * At a clean stop (no poll running): stores the whole projection in one blob, so the next start
   * loads it at once instead of decoding every row (server/index/indexStore.ts, `snapshot`).
   */
  saveSnapshot(): void {
    const tipHash = this.hashes.get(this.tip);
    if (!this.store || !this.restored || this.inflight || !tipHash) return;
    this.commit(); // nothing should be pending; if it were, the rows must have it before the snapshot
    this.store.writeSnapshot({ tip: this.tip, tipHash }, serialize(this.maps.map((m) => [m.name, m.map])));
  }

  /** Writes what changed since the last commit, with the checkpoint, in one transaction. */
  private commit(): void {
    const store = this.store;
    if (!store) return;
    const upserts = [];
    const deletes = [];
    for (const m of this.maps) {
      for (const k of m.dirty) {
        const key = encodeValue(k);
        if (m.map.has(k)) upserts.push({ map: m.name, key, value: encodeValue(m.map.get(k)) });
        else deletes.push({ map: m.name, key });
      }
    }
    const undo: UndoRow[] = [];
    for (const n of this.unsavedJournals) {
      const j = this.journals.get(n);
      j?.forEach((u, seq) =>
        undo.push({
          block: n,
          seq,
          map: u.map.name,
          key: encodeValue(u.key),
          old: u.had ? encodeValue(u.old) : null,
        }),
      );
    }
    const tipHash = this.hashes.get(this.tip);
    store.commit({
      upserts,
      deletes,
      blocks: [...this.hashes],
      undo,
      checkpoint: tipHash ? { tip: this.tip, tipHash } : null,
    });
    for (const m of this.maps) m.dirty.clear();
    this.unsavedJournals.clear();
  }

  private applyRange(logs: Log[], to: number, toHash: Hex, deep: boolean): void {
    // Logs arrive ordered by (block, logIndex). Group by block and journal each block.
    let i = 0;
    while (i < logs.length) {
      const n = Number(logs[i].blockNumber);
      const journal: Undo[] = [];
      this.currentJournal = deep ? null : journal;
      try {
        for (; i < logs.length && Number(logs[i].blockNumber) === n; i++) {
          try {
            this.applyLog(logs[i], n);
          } catch (err) {
            // An event whose shape this index does not expect must not stall the index.
            this.applyErrors++;
            this.onError?.(
              new Error(`cannot apply log ${logs[i].transactionHash}:${logs[i].logIndex}: ${(err as Error).message}`),
            );
          }
        }
      } finally {
        this.currentJournal = null;
      }
      if (!deep) {
        this.journals.set(n, journal);
        this.unsavedJournals.add(n);
        this.hashes.set(n, lower(logs[i - 1].blockHash!));
      }
    }
    this.hashes.set(to, toHash);
    this.tip = to;
    // Forget journals and hashes below the reorg window (keep the newest hash as anchor).
    const floor = to - this.reorgDepth;
    for (const n of this.journals.keys()) if (n < floor) this.journals.delete(n);
    for (const n of this.hashes.keys()) if (n < floor && n !== to) this.hashes.delete(n);
    this.commit();
  }

  private applyLog(log: Log, block: number): void {
    const ev = decodePassepartoutLog(log);
    if (!ev) return; // not an event we know
    const stamp = (log as { blockTimestamp?: bigint | string | number | null }).blockTimestamp;
    const at: LedgerPosition = {
      block,
      logIndex: Number(log.logIndex),
      txHash: lower(log.transactionHash!),
      time: stamp === undefined || stamp === null ? null : Number(stamp),
    };
    const key = ledgerKey(block, at.logIndex);
    // `ev` is a union discriminated by eventName: each case reads its event's arguments as the
    // generated ABI types them, so a field the contract drops fails the type check here.
    switch (ev.eventName) {
      case "VenueCreated": {
        const a = ev.args;
        this.venues.set(a.venueId, {
          id: a.venueId,
          operator: lower(a.operator),
          pendingOperator: ZERO,
          splitId: 0,
          paused: false,
          name: a.name,
          metadataURI: a.metadataURI,
          taxPayee: ZERO,
        });
        break;
      }
      case "VenueUpdated": {
        const a = ev.args;
        const v = this.venues.get(a.venueId);
        if (v) this.venues.set(v.id, { ...v, name: a.name, metadataURI: a.metadataURI });
        break;
      }
      case "VenueOperatorChanged": {
        const a = ev.args;
        const v = this.venues.get(a.venueId);
        if (v) this.venues.set(v.id, { ...v, operator: lower(a.newOperator), pendingOperator: ZERO });
        break;
      }
      case "VenueOperatorProposed": {
        const a = ev.args;
        const v = this.venues.get(a.venueId);
        if (v) this.venues.set(v.id, { ...v, pendingOperator: lower(a.pendingOperator) });
        break;
      }
      case "VenuePauseChanged": {
        const a = ev.args;
        const v = this.venues.get(a.venueId);
        if (v) this.venues.set(v.id, { ...v, paused: a.paused });
        break;
      }
      case "SplitCreated": {
        const a = ev.args;
        this.splits.set(a.splitId, {
          id: a.splitId,
          venueId: a.venueId,
          payees: a.payees.map(lower),
          sharesBps: [...a.sharesBps],
        });
        const v = this.venues.get(a.venueId);
        if (v) this.venues.set(v.id, { ...v, splitId: a.splitId });
        break;
      }
      case "PolicyCreated": {
        const a = ev.args;
        this.policies.set(a.policyId, {
          id: a.policyId,
          tiers: a.tiers.map((t) => ({ secondsBeforeStart: t.secondsBeforeStart, refundBps: t.refundBps })),
        });
        break;
      }
      case "CurrencyAllowed": {
        const a = ev.args;
        const address = lower(a.currency);
        this.currencies.set(address, { address, allowed: a.allowed });
        break;
      }
      case "VenueTaxProfileSet": {
        const { venueId, profile: t } = ev.args;
        this.ledger.set(key, {
          ...at,
          kind: "taxProfile",
          venueId,
          legalName: t.legalName,
          postalAddress: t.postalAddress,
          gstNumber: t.gstNumber,
          qstNumber: t.qstNumber,
          taxPayee: lower(t.taxPayee),
          taxable: t.taxable,
        });
        const v = this.venues.get(venueId);
        if (v) this.venues.set(v.id, { ...v, taxPayee: lower(t.taxPayee) });
        break;
      }
      case "ResourceCreated":
      case "ResourceUpdated": {
        const { resourceId: id, venueId, params: p } = ev.args;
        this.resources.set(id, {
          id,
          venueId,
          name: p.name,
          kind: p.kind,
          units: p.units,
          currency: lower(p.currency),
          pricePerHour: String(p.pricePerHour),
          pricePerDay: String(p.pricePerDay),
          pricePerMonth: String(p.pricePerMonth),
          minHours: p.minHours,
          maxHours: p.maxHours,
          horizonHours: p.horizonHours,
          graceSeconds: p.graceSeconds,
          policyId: p.policyId,
          transferable: p.transferable,
          followsOpeningHours: p.followsOpeningHours,
          metadataURI: p.metadataURI,
        });
        break;
      }
      case "Booked": {
        const a = ev.args;
        const currency = lower(a.currency);
        const policyId = this.resources.get(a.resourceId)?.policyId ?? 0;
        this.passes.set(a.passId, {
          id: a.passId,
          holder: lower(a.holder),
          resourceId: a.resourceId,
          unit: a.unit,
          start: Number(a.start),
          end: Number(a.end),
          currency,
          amount: a.amount,
          gst: a.gst,
          qst: a.qst,
          policyId,
          splitId: a.splitId,
          releaseTime: releaseTimeOf(Number(a.start), this.policies.get(policyId)),
          settled: false,
          guest: null,
          guestExpires: 0,
          block,
        });
        const venueId = this.resources.get(a.resourceId)?.venueId;
        this.ledger.set(key, {
          ...at,
          kind: "booked",
          passId: a.passId,
          resourceId: a.resourceId,
          venueId: venueId ?? null,
          resourceName: this.resources.get(a.resourceId)?.name ?? "",
          holder: lower(a.holder),
          payer: lower(a.payer),
          unit: a.unit,
          start: Number(a.start),
          end: Number(a.end),
          currency,
          amount: a.amount,
          gst: a.gst,
          qst: a.qst,
        });
        // Pre-tax amounts throughout: the GST and QST of Booked, Cancelled and Settled are the venue's
        // tax pool, not its revenue.
        if (venueId !== undefined) this.addMoney(venueId, currency, { bookings: 1, booked: a.amount });
        this.addTaxes(a.splitId, currency, { gstCollected: a.gst, qstCollected: a.qst });
        break;
      }
      case "Cancelled": {
        const a = ev.args;
        this.ledger.set(key, {
          ...at,
          kind: "cancelled",
          passId: a.passId,
          by: lower(a.by),
          byOperator: a.byOperator,
          refundTo: lower(a.refundTo),
          refund: a.refund,
          retained: a.retained,
          gstRefund: a.gstRefund,
          qstRefund: a.qstRefund,
        });
        const p = this.passes.get(a.passId);
        if (p) {
          const venueId = this.resources.get(p.resourceId)?.venueId;
          if (venueId !== undefined) this.addMoney(venueId, p.currency, { refunded: a.refund, retained: a.retained });
          // As the contract: the taxes of the refund go back, those of a retained part go to the pool.
          this.addTaxes(p.splitId, p.currency, {
            gstRefunded: a.gstRefund,
            qstRefunded: a.qstRefund,
            ...(a.retained !== 0n ? { gstSettled: p.gst - a.gstRefund, qstSettled: p.qst - a.qstRefund } : {}),
          });
          this.passes.delete(p.id);
          const { id, resourceId, unit, start, end, currency, amount, gst, qst } = p;
          this.cancellations.set(p.id, {
            id,
            resourceId,
            unit,
            start,
            end,
            currency,
            amount,
            gst,
            qst,
            refundTo: lower(a.refundTo),
            byOperator: a.byOperator,
            refund: a.refund,
            retained: a.retained,
            gstRefund: a.gstRefund,
            qstRefund: a.qstRefund,
            block,
          });
        }
        break;
      }
      case "Settled": {
        const a = ev.args;
        this.ledger.set(key, { ...at, kind: "settled", passId: a.passId, fee: a.fee, gst: a.gst, qst: a.qst });
        const p = this.passes.get(a.passId);
        if (p) {
          this.passes.set(p.id, { ...p, settled: true });
          const venueId = this.resources.get(p.resourceId)?.venueId;
          // Settled(passId, fee): the whole escrow (the Booked amount) moves to the payees' pool.
          if (venueId !== undefined) this.addMoney(venueId, p.currency, { settled: p.amount, fees: a.fee });
          this.addTaxes(p.splitId, p.currency, { gstSettled: a.gst, qstSettled: a.qst });
        }
        break;
      }
      case "TaxesClaimed": {
        const a = ev.args;
        const currency = lower(a.currency);
        const t = this.taxesOf(a.splitId, currency);
        // claimTaxes pays everything settled and not yet claimed: GST and QST alike.
        this.taxes.set(splitTaxesKey(a.splitId, currency), {
          ...t,
          gstClaimed: t.gstSettled,
          qstClaimed: t.qstSettled,
        });
        this.ledger.set(key, {
          ...at,
          kind: "taxesClaimed",
          splitId: a.splitId,
          venueId: this.splits.get(a.splitId)?.venueId ?? null,
          currency,
          taxPayee: lower(a.taxPayee),
          gst: t.gstSettled - t.gstClaimed,
          qst: t.qstSettled - t.qstClaimed,
        });
        break;
      }
      case "Transfer": {
        const a = ev.args;
        const to = lower(a.to);
        const p = this.passes.get(a.tokenId);
        if (!p) break; // a mint: Booked follows in the same transaction
        // A burn is a cancellation: `cancel` burns, then emits Cancelled, which retires the pass
        // (and needs its terms), so the burn itself only takes the pass from its holder.
        if (to === ZERO) this.passes.set(a.tokenId, { ...p, holder: ZERO, guest: null, guestExpires: 0 });
        else if (to !== p.holder) this.passes.set(a.tokenId, { ...p, holder: to, guest: null, guestExpires: 0 });
        break;
      }
      case "UpdateUser": {
        const a = ev.args;
        const p = this.passes.get(a.tokenId);
        if (p) {
          const user = lower(a.user);
          this.passes.set(p.id, { ...p, guest: user === ZERO ? null : user, guestExpires: Number(a.expires) });
        }
        break;
      }
      case "DoorSet": {
        const a = ev.args;
        this.doors.set(a.doorId, {
          id: a.doorId,
          venueId: a.venueId,
          allResources: a.allResources,
          active: a.active,
          lockKey: lower(a.lockKey),
        });
        break;
      }
      case "DoorResourceSet": {
        const a = ev.args;
        const key = `${a.doorId}:${a.resourceId}`;
        if (a.admitted) this.doorResources.set(key, true);
        else this.doorResources.delete(key);
        break;
      }
      case "RelayerTrustSet": {
        const a = ev.args;
        const key = `${a.venueId}:${lower(a.relayer)}`;
        if (a.trusted) this.trustedRelayers.set(key, true);
        else this.trustedRelayers.delete(key);
        break;
      }
    }
  }

  private addMoney(venueId: number, currency: Hex, d: Partial<Omit<VenueMoney, "venueId" | "currency">>): void {
    const key = `${venueId}:${currency}`;
    const m = this.money.get(key) ?? {
      venueId,
      currency,
      bookings: 0,
      booked: 0n,
      refunded: 0n,
      retained: 0n,
      settled: 0n,
      fees: 0n,
    };
    this.money.set(key, {
      ...m,
      bookings: m.bookings + (d.bookings ?? 0),
      booked: m.booked + (d.booked ?? 0n),
      refunded: m.refunded + (d.refunded ?? 0n),
      retained: m.retained + (d.retained ?? 0n),
      settled: m.settled + (d.settled ?? 0n),
      fees: m.fees + (d.fees ?? 0n),
    });
  }

  private taxesOf(splitId: number, currency: Hex): SplitTaxes {
    const zero = Object.fromEntries(TAX_FIGURES.map((k) => [k, 0n])) as Record<(typeof TAX_FIGURES)[number], bigint>;
    return (
      this.taxes.get(splitTaxesKey(splitId, currency)) ?? {
        splitId,
        venueId: this.splits.get(splitId)?.venueId ?? -1,
        currency,
        ...zero,
      }
    );
  }

  private addTaxes(splitId: number, currency: Hex, d: Partial<Record<(typeof TAX_FIGURES)[number], bigint>>): void {
    if (!Object.values(d).some((v) => v !== 0n)) return; // an untaxed booking leaves no entry
    const t = { ...this.taxesOf(splitId, currency) };
    for (const k of TAX_FIGURES) t[k] += d[k] ?? 0n;
    this.taxes.set(splitTaxesKey(splitId, currency), t);
  }

  /** Same rules, same order as the contract's `canEnter`. */
  canEnter(who: Hex, doorId: number, passId: bigint, time: number): Reason {
    const door = this.doors.get(doorId);
    if (!door || !door.active) return "unknown_door";
    const pass = this.passes.get(passId);
    if (!pass) return "pass_not_found";
    if (!this.doorAdmits(door, pass.resourceId)) return "wrong_door";
    const w = lower(who);
    if (w !== pass.holder && !onLoanTo(pass, w, time)) return "not_holder_or_guest";
    const grace = this.resources.get(pass.resourceId)?.graceSeconds ?? 0;
    if (time + grace < pass.start) return "too_early";
    if (time >= pass.end) return "expired";
    return "granted";
  }

  doorAdmits(door: IndexedDoor, resourceId: number): boolean {
    if (!door.active) return false;
    return door.allResources
      ? this.resources.get(resourceId)?.venueId === door.venueId
      : this.doorResources.has(`${door.id}:${resourceId}`);
  }

  isRelayerTrusted(venueId: number, relayer: Hex): boolean {
    return this.trustedRelayers.has(`${venueId}:${lower(relayer)}`);
  }

  venueOf(pass: IndexedPass): number | undefined {
    return this.resources.get(pass.resourceId)?.venueId;
  }

  /**
   * Bookings (standing passes and cancellations) by member (holder, guest, refunded holder) and by
   * venue, each sorted by (start, pass id), for the read API's pages: rebuilt on the first read after
   * a change, so a page costs a binary search and its own items.
   */
  lookups(): IndexLookups {
    const version = `${this.passes.version}:${this.cancellations.version}:${this.resources.version}`;
    if (this.cachedLookups?.version === version) return this.cachedLookups;
    const l: IndexLookups = { version, byMember: new Map(), byVenue: new Map() };
    const push = <K>(m: Map<K, IndexedBooking[]>, k: K, v: IndexedBooking) => {
      const list = m.get(k);
      if (list) list.push(v);
      else m.set(k, [v]);
    };
    for (const p of this.passes.values()) {
      const b = { start: p.start, id: p.id, pass: p, cancellation: null };
      push(l.byMember, p.holder, b);
      if (p.guest && p.guest !== p.holder) push(l.byMember, p.guest, b);
      const venueId = this.venueOf(p);
      if (venueId !== undefined) push(l.byVenue, venueId, b);
    }
    for (const c of this.cancellations.values()) {
      const b = { start: c.start, id: c.id, pass: null, cancellation: c };
      push(l.byMember, c.refundTo, b);
      const venueId = this.resources.get(c.resourceId)?.venueId;
      if (venueId !== undefined) push(l.byVenue, venueId, b);
    }
    for (const list of l.byMember.values()) list.sort(byStartThenId);
    for (const list of l.byVenue.values()) list.sort(byStartThenId);
    this.cachedLookups = l;
    return l;
  }
  private cachedLookups: IndexLookups | null = null;

  /** Venues operated by `address`. */
  venuesOperatedBy(address: Hex): number[] {
    const a = lower(address);
    return [...this.venues.values()].filter((v) => v.operator === a).map((v) => v.id);
  }
}
