// The sync engine of the event index (the Ponder split: this file fetches, journals, rolls back and
// persists; server/index/handlers.ts says what each event does to the projection; the queries live
// in server/index/chainIndex.ts over lookups the tables keep up to date, server/index/lookups.ts).
//
// It applies each block's logs as the block arrives and keeps the hash of every block it applied
// (within the reorg depth) with an undo journal. When the chain's block at our tip no longer has
// the hash we applied, the engine walks back to the newest block whose hash still matches, undoes
// everything after it and re-reads from there; a reorg deeper than the journal triggers a full
// rebuild. So a cancel or transfer counts from the block it is in, and disappears with it. Undoing
// goes through the tables (JournaledMap.restore), which tell their lookups: the lookups after a
// rollback are exactly those of the state rolled back to.
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
import type { Log, PublicClient } from "viem";
import { clientSource, ProgressMeter, type ChainSource, type SyncProgress } from "./chainSource.ts";
import type { Hex } from "../../protocol/types.ts";
import { decodeValue, encodeValue, IndexFileError, type IndexStore, type UndoRow } from "./indexStore.ts";
import type { Journal, JournaledMap, Undo } from "./journal.ts";
import { lower } from "./model.ts";

/** What the engine drives: the tables it journals and persists, and the handlers that write them. */
export interface Projection {
  readonly journal: Journal;
  /** Every table, persisted under its name. */
  readonly tables: readonly JournaledMap<unknown, unknown>[];
  /** Applies one log of block `block` (a log of no known event changes nothing). */
  apply(log: Log, block: number): void;
  /** The tables were loaded in bulk or cleared, not through their writes: derived lookups are stale. */
  tablesReplaced(): void;
}

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

export class SyncEngine<P extends Projection = Projection> {
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

  /** The tables and lookups this engine keeps at the chain's head. */
  readonly projection: P;
  private readonly maps: readonly JournaledMap<unknown, unknown>[];
  private readonly journal: Journal;

  /** Block number → hash of every block we hold a hash for (tips and blocks with logs). */
  private readonly hashes = new Map<number, Hex>();
  /** Block number → undo steps of the changes applied in that block. */
  private readonly journals = new Map<number, Undo[]>();
  /** Blocks journaled since the last commit (their undo rows are not in the file yet). */
  private readonly unsavedJournals = new Set<number>();

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

  constructor(opts: IndexOptions, projection: P) {
    this.projection = projection;
    this.maps = projection.tables;
    this.journal = projection.journal;
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
    this.projection.tablesReplaced();
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
      for (const r of store.state()) mapOf(r.map).load(decodeValue(r.key), decodeValue(r.value));
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
    this.projection.tablesReplaced();
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
        const target = mapOf(e[0]);
        for (const [k, v] of e[1] as Map<unknown, unknown>) target.load(k, v);
      }
      return true;
    } catch {
      for (const m of this.maps) m.clear(); // the rows are the truth: read them instead
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
      this.journal.current = deep ? null : journal;
      try {
        for (; i < logs.length && Number(logs[i].blockNumber) === n; i++) {
          try {
            this.projection.apply(logs[i], n);
          } catch (err) {
            // An event whose shape this index does not expect must not stall the index.
            this.applyErrors++;
            this.onError?.(
              new Error(`cannot apply log ${logs[i].transactionHash}:${logs[i].logIndex}: ${(err as Error).message}`),
            );
          }
        }
      } finally {
        this.journal.current = null;
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
}
