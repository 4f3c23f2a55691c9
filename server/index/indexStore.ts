// The event index's file: an embedded SQLite database (node:sqlite, WAL) holding everything the
// in-memory index holds, so a restart loads it and resumes where it stopped.
//
// Tables:
// - `meta`: format version, chain id, contract, deploy block, the deploy block's hash (which chain
//   instance the file belongs to) and the checkpoint: the last applied block and its hash;
// - `state`: one row per entry of the index's maps (map name, key, value as tagged JSON);
// - `blocks`: the block hashes the index keeps within the reorg depth (its reorg journal);
// - `undo`: per block within the reorg depth, the previous value of every entry that block changed.
//   With `blocks`, this is exactly the in-memory journal, so a reorg that happened while the relayer
//   was down is rolled back at start as a live one would be (deeper than the journal: rebuild);
// - `used_challenges`: unlock challenges granted, until they expire (a replay after kill -9 is refused);
// - `snapshot`: at most one row, written by a clean stop: the whole projection serialized in one
//   blob (v8 structured serialization) with the checkpoint it was taken at. A start loads it
//   instead of decoding every `state` row (100,000 passes: ≈ 0.6 s instead of 1.3 s) when its
//   checkpoint is still the file's. Every commit deletes it, so it can never describe a state
//   older than the rows; the rows stay the truth (a kill -9 leaves no snapshot: rows are read).
//
// Everything one sync step applied (a page of logs, a rollback) is written in one transaction
// together with the checkpoint, so the file always holds a state the index had at some block.
// synchronous=NORMAL: a commit survives the process being killed (it is in the WAL); a power loss
// may lose the last commits, which the next start re-reads from the chain.
//
// A file that cannot be read, fails its integrity check, or was written for another chain id,
// contract or chain instance is deleted and rebuilt from the deploy block, with one log line.
import { DatabaseSync, type StatementSync } from "node:sqlite";
import { mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import type { Hex } from "../../protocol/types.ts";

// Format 2: venues with split and pause, passes with taxes and release, cancellations, policies,
// splits, currencies, and the receipts ledger. Format 3: passes with their split, taxes per split
// and currency, tax claims in the ledger. Format 4: the sponsor's fee on passes, cancellations and
// in the ledger. Format 5: venues with the operator's longest DoorPass (older files rebuild from the
// deploy block).
const FORMAT = "5";

export type IndexIdentity = { chainId: number; contract: Hex; deployBlock: number };
export type Checkpoint = { tip: number; tipHash: Hex };
export type StateRow = { map: string; key: string; value: string };
export type UndoRow = { block: number; seq: number; map: string; key: string; old: string | null };

/** What one sync step changed: written in one transaction. */
export type IndexBatch = {
  upserts: StateRow[];
  deletes: { map: string; key: string }[];
  /** Every block hash the index now keeps (replaces the stored set). */
  blocks: [number, Hex][];
  /** Undo rows of blocks journaled since the last batch. */
  undo: UndoRow[];
  checkpoint: Checkpoint | null;
};

/** Raised when the file's content cannot be used; the store rebuilds on it. */
export class IndexFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "IndexFileError";
  }
}

export class IndexStore {
  readonly file: string;
  private readonly identity: IndexIdentity;
  private readonly onRebuild: (reason: string) => void;
  private db!: DatabaseSync;
  private stmt!: {
    getMeta: StatementSync;
    setMeta: StatementSync;
    upsert: StatementSync;
    delete: StatementSync;
    clearBlocks: StatementSync;
    insertBlock: StatementSync;
    insertUndo: StatementSync;
    pruneUndo: StatementSync;
    addChallenge: StatementSync;
    pruneChallenges: StatementSync;
    dropSnapshot: StatementSync;
  };
  /** Why the file was rebuilt at open (null when it was used as found or is new). */
  rebuiltBecause: string | null = null;

  /** Opens (or creates) the file; an unusable one is deleted and recreated, reported through `onRebuild`. */
  constructor(file: string, identity: IndexIdentity, onRebuild: (reason: string) => void) {
    this.file = file;
    this.identity = { ...identity, contract: identity.contract.toLowerCase() as Hex };
    this.onRebuild = onRebuild;
    if (file !== ":memory:") mkdirSync(path.dirname(file), { recursive: true });
    try {
      this.openFile();
    } catch (err) {
      this.rebuild((err as Error).message);
    }
  }

  private openFile(): void {
    let db: DatabaseSync;
    try {
      db = new DatabaseSync(this.file);
    } catch (err) {
      throw new IndexFileError(`cannot open: ${(err as Error).message}`);
    }
    this.db = db;
    try {
      db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000;");
      const check = db.prepare("PRAGMA quick_check").get() as Record<string, unknown> | undefined;
      if (!check || Object.values(check)[0] !== "ok") throw new Error(`integrity check: ${JSON.stringify(check)}`);
      db.exec(`
        CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS state (map TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (map, key)) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS blocks (number INTEGER PRIMARY KEY, hash TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS undo (block INTEGER NOT NULL, seq INTEGER NOT NULL, map TEXT NOT NULL, key TEXT NOT NULL, old TEXT, PRIMARY KEY (block, seq)) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS used_challenges (id TEXT PRIMARY KEY, until INTEGER NOT NULL) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS snapshot (tip INTEGER NOT NULL, tip_hash TEXT NOT NULL, body BLOB NOT NULL);
      `);
    } catch (err) {
      db.close();
      throw new IndexFileError(`unreadable (${(err as Error).message.split("\n")[0]})`);
    }
    this.stmt = {
      getMeta: db.prepare("SELECT value FROM meta WHERE key = ?"),
      setMeta: db.prepare(
        "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
      ),
      upsert: db.prepare(
        "INSERT INTO state (map, key, value) VALUES (?, ?, ?) ON CONFLICT (map, key) DO UPDATE SET value = excluded.value",
      ),
      delete: db.prepare("DELETE FROM state WHERE map = ? AND key = ?"),
      clearBlocks: db.prepare("DELETE FROM blocks"),
      insertBlock: db.prepare("INSERT INTO blocks (number, hash) VALUES (?, ?)"),
      insertUndo: db.prepare("INSERT OR REPLACE INTO undo (block, seq, map, key, old) VALUES (?, ?, ?, ?, ?)"),
      pruneUndo: db.prepare("DELETE FROM undo WHERE block NOT IN (SELECT number FROM blocks)"),
      addChallenge: db.prepare(
        "INSERT INTO used_challenges (id, until) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET until = MAX(until, excluded.until)",
      ),
      pruneChallenges: db.prepare("DELETE FROM used_challenges WHERE until < ?"),
      dropSnapshot: db.prepare("DELETE FROM snapshot"),
    };
    const format = this.meta("format");
    if (format === null) {
      const { chainId, contract, deployBlock } = this.identity;
      this.transaction(() => {
        this.stmt.setMeta.run("format", FORMAT);
        this.stmt.setMeta.run("chainId", String(chainId));
        this.stmt.setMeta.run("contract", contract);
        this.stmt.setMeta.run("deployBlock", String(deployBlock));
      });
      return;
    }
    const mismatch = (what: string, stored: string | null, expected: string) =>
      new IndexFileError(`written for ${what} ${stored}, this relayer serves ${what} ${expected}`);
    if (format !== FORMAT) throw new IndexFileError(`format ${format}, this relayer writes format ${FORMAT}`);
    const chainId = this.meta("chainId");
    if (chainId !== String(this.identity.chainId)) throw mismatch("chain id", chainId, String(this.identity.chainId));
    const contract = this.meta("contract");
    if (contract !== this.identity.contract) throw mismatch("contract", contract, this.identity.contract);
    const deployBlock = this.meta("deployBlock");
    if (deployBlock !== String(this.identity.deployBlock))
      throw mismatch("deploy block", deployBlock, String(this.identity.deployBlock));
  }

  /** Deletes the file and starts an empty one; `reason` goes to the one log line. */
  rebuild(reason: string): void {
    try {
      this.db?.close();
    } catch {
      // already closed
    }
    if (this.file !== ":memory:") for (const f of ["", "-wal", "-shm"]) rmSync(`${this.file}${f}`, { force: true });
    this.rebuiltBecause = reason;
    this.onRebuild(reason);
    this.openFile();
  }

  private meta(key: string): string | null {
    const row = this.stmt.getMeta.get(key) as { value: string } | undefined;
    return row ? row.value : null;
  }

  private transaction(f: () => void): void {
    this.db.exec("BEGIN IMMEDIATE");
    try {
      f();
      this.db.exec("COMMIT");
    } catch (err) {
      this.db.exec("ROLLBACK");
      throw err;
    }
  }

  /** Hash of the deploy block recorded when the file was first synced: which chain instance it holds. */
  anchorHash(): Hex | null {
    return this.meta("anchorHash") as Hex | null;
  }

  setAnchorHash(hash: Hex): void {
    this.stmt.setMeta.run("anchorHash", hash);
  }

  checkpoint(): Checkpoint | null {
    const tip = this.meta("tip");
    const tipHash = this.meta("tipHash");
    if (tip === null || tipHash === null) return null;
    const n = Number(tip);
    if (!Number.isSafeInteger(n) || !/^0x[0-9a-f]{64}$/.test(tipHash))
      throw new IndexFileError(`checkpoint unreadable (${tip}, ${tipHash})`);
    return { tip: n, tipHash: tipHash as Hex };
  }

  state(): StateRow[] {
    return this.db.prepare("SELECT map, key, value FROM state").all() as StateRow[];
  }

  blocks(): [number, Hex][] {
    return (this.db.prepare("SELECT number, hash FROM blocks").all() as { number: number; hash: Hex }[]).map((r) => [
      Number(r.number),
      r.hash,
    ]);
  }

  undo(): UndoRow[] {
    return (this.db.prepare("SELECT block, seq, map, key, old FROM undo ORDER BY block, seq").all() as UndoRow[]).map(
      (r) => ({ ...r, block: Number(r.block), seq: Number(r.seq) }),
    );
  }

  /** Writes one sync step and its checkpoint atomically. */
  commit(b: IndexBatch): void {
    this.transaction(() => {
      this.stmt.dropSnapshot.run(); // the rows move on: a snapshot would describe an older state
      for (const r of b.upserts) this.stmt.upsert.run(r.map, r.key, r.value);
      for (const r of b.deletes) this.stmt.delete.run(r.map, r.key);
      this.stmt.clearBlocks.run();
      for (const [n, h] of b.blocks) this.stmt.insertBlock.run(n, h);
      for (const u of b.undo) this.stmt.insertUndo.run(u.block, u.seq, u.map, u.key, u.old);
      this.stmt.pruneUndo.run();
      if (b.checkpoint) {
        this.stmt.setMeta.run("tip", String(b.checkpoint.tip));
        this.stmt.setMeta.run("tipHash", b.checkpoint.tipHash);
      }
    });
  }

  /** Stores the serialized projection taken at `cp` (a clean stop), replacing any earlier one. */
  writeSnapshot(cp: Checkpoint, body: Uint8Array): void {
    this.transaction(() => {
      this.stmt.dropSnapshot.run();
      this.db.prepare("INSERT INTO snapshot (tip, tip_hash, body) VALUES (?, ?, ?)").run(cp.tip, cp.tipHash, body);
    });
  }

  /** The snapshot taken at `cp`, if the file holds one (any other is stale and ignored). */
  snapshot(cp: Checkpoint): Uint8Array | null {
    const row = this.db.prepare("SELECT tip, tip_hash, body FROM snapshot").get() as
      { tip: number; tip_hash: string; body: Uint8Array } | undefined;
    return row && Number(row.tip) === cp.tip && row.tip_hash === cp.tipHash ? row.body : null;
  }

  /** Forgets the whole projection (a reorg deeper than the journal); used challenges stay. */
  clearState(): void {
    this.transaction(() => {
      this.db.exec(
        "DELETE FROM state; DELETE FROM blocks; DELETE FROM undo; DELETE FROM snapshot; DELETE FROM meta WHERE key IN ('tip', 'tipHash')",
      );
    });
  }

  usedChallenges(now: number): { id: Hex; until: number }[] {
    return (
      this.db.prepare("SELECT id, until FROM used_challenges WHERE until >= ?").all(now) as {
        id: Hex;
        until: number;
      }[]
    ).map((r) => ({ id: r.id, until: Number(r.until) }));
  }

  /** Records used challenges in one transaction (one WAL commit for a burst of grants). */
  addUsedChallenges(rows: { id: Hex; until: number }[]): void {
    if (rows.length === 1) this.stmt.addChallenge.run(rows[0].id, rows[0].until);
    else this.transaction(() => rows.forEach((r) => this.stmt.addChallenge.run(r.id, r.until)));
  }

  pruneUsedChallenges(now: number): void {
    this.stmt.pruneChallenges.run(now);
  }

  close(): void {
    try {
      this.db.close();
    } catch {
      // already closed
    }
  }
}

/** JSON with bigints kept as bigints (tagged `{"$n":"…"}`), for the index's keys and values. */
export function encodeValue(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) => (typeof x === "bigint" ? { $n: x.toString() } : x));
}

export function decodeValue<T>(s: string): T {
  // One walk after a plain JSON.parse: a reviver costs a call per value, 3.5× slower on the index's
  // rows, and a warm restart decodes every row of the file (bench/scale.ts, warm restart).
  return reviveBigInts(JSON.parse(s)) as T;
}

/** Replaces every `{ $n: "<digits>" }` (encodeValue's bigint) by its bigint, in place. */
function reviveBigInts(x: unknown): unknown {
  if (x === null || typeof x !== "object") return x;
  if (Array.isArray(x)) {
    for (let i = 0; i < x.length; i++) x[i] = reviveBigInts(x[i]);
    return x;
  }
  const o = x as Record<string, unknown>;
  if (typeof o.$n === "string") return BigInt(o.$n);
  for (const k of Object.keys(o)) {
    const v = o[k];
    if (v !== null && typeof v === "object") {
      const revived = reviveBigInts(v);
      if (revived !== v) o[k] = revived;
    }
  }
  return o;
}
