// The agent's door log (issue 20 §4): every decision taken here, online or offline, as one record of
// a hash chain in a local SQLite file (node:sqlite, built into Node 22: no native module). WAL with
// synchronous=FULL: `append` returns once the commit is fsynced, so a record the agent acknowledged
// survives kill -9 and a power cut; a torn write at the end of the WAL is a transaction SQLite never
// acknowledged and rolls back on open. Each record carries the previous record's hash and is signed
// by its door's lock key (protocol/doorLog.ts). Records stay until a relayer acknowledged them
// (agent/src/logUploader.ts) and are then pruned after `keepAckedDays`.
//
// Writes are synchronous on the agent's only thread: one fsync per decision (a few ms on an SD card),
// which keeps the order of the chain trivially the order of the decisions.
import { mkdirSync } from "node:fs";
import path from "node:path";
import { DatabaseSync, type StatementSync } from "node:sqlite";
import { GENESIS_HASH, parseLogRecord, type LogEntry, type LogRecord } from "../../protocol/doorLog.ts";
import { RECORD_COLUMNS, columnsSql, recordFromRow, recordValues } from "../../protocol/doorLogTable.ts";
import type { Clock } from "./clock.ts";
import {
  addressOf,
  logRecordHash,
  recoverSignerSync,
  sameAddress,
  signDigestSync,
  type Hex,
  type LockCrypto,
} from "./lockCrypto.ts";

export type DoorLogOptions = {
  file: string;
  agentId: string;
  crypto: LockCrypto;
  /** The lock key of each door served here: a record is signed by its door's key. */
  keys: ReadonlyMap<number, Hex>;
  clock: Clock;
};

/** What `verify` found: the chain holds from the first kept record to `head`, or breaks at `seq`. */
export type ChainCheck = { ok: true; records: number; head: number } | { ok: false; seq: number; problem: string };

/** The part of the log the agent's decision path needs (a test can hand it a failing one). */
export type DecisionLog = { append(entry: LogEntry): Promise<LogRecord> };

export class DoorLogError extends Error {
  readonly code: "unknown_door" | "invalid_entry" | "write_failed" | "wrong_agent";
  constructor(code: DoorLogError["code"], message: string) {
    super(message);
    this.code = code;
    this.name = "DoorLogError";
  }
}

type Row = Record<string, string | number | null>;

export class DoorLog implements DecisionLog {
  private readonly o: DoorLogOptions;
  private readonly db: DatabaseSync;
  private readonly insert: StatementSync;
  private readonly setMeta: StatementSync;
  private last: { seq: number; hash: Hex };
  private ackedSeq: number;

  constructor(o: DoorLogOptions) {
    this.o = o;
    if (o.file !== ":memory:") mkdirSync(path.dirname(o.file), { recursive: true });
    this.db = new DatabaseSync(o.file);
    this.db.exec(`
      PRAGMA journal_mode = WAL;
      PRAGMA synchronous = FULL;
      CREATE TABLE IF NOT EXISTS records (
        ${columnsSql(RECORD_COLUMNS, "sqlite")},
        PRIMARY KEY (seq)
      );
      CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    `);
    this.setMeta = this.db.prepare(
      "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    );
    const agent = this.meta("agent");
    if (agent === undefined) this.setMeta.run("agent", o.agentId);
    else if (agent !== o.agentId) {
      this.db.close();
      throw new DoorLogError("wrong_agent", `the door log ${o.file} belongs to agent ${agent}, not ${o.agentId}`);
    }
    this.insert = this.db.prepare(
      `INSERT INTO records (${RECORD_COLUMNS.map((c) => c.name).join(", ")})
       VALUES (${RECORD_COLUMNS.map(() => "?").join(", ")})`,
    );
    const head = this.db.prepare("SELECT seq, hash FROM records ORDER BY seq DESC LIMIT 1").get() as Row | undefined;
    // A log pruned to nothing keeps its head in meta, so the chain goes on from it.
    this.last = head
      ? { seq: Number(head.seq), hash: head.hash as Hex }
      : { seq: Number(this.meta("headSeq") ?? 0), hash: (this.meta("headHash") ?? GENESIS_HASH) as Hex };
    this.ackedSeq = Math.min(Number(this.meta("acked") ?? 0), this.last.seq);
  }

  private meta(key: string): string | undefined {
    const r = this.db.prepare("SELECT value FROM meta WHERE key = ?").get(key) as { value: string } | undefined;
    return r?.value;
  }

  /** The last record's sequence and hash (0 and the genesis hash for an empty log). */
  get head(): { seq: number; hash: Hex } {
    return { ...this.last };
  }

  /** The highest sequence a relayer acknowledged (every record up to it is in its audit store). */
  get acked(): number {
    return this.ackedSeq;
  }

  /** Records not acknowledged yet. */
  get pending(): number {
    return this.last.seq - this.ackedSeq;
  }

  /** Appends a decision; resolves once its record is durable (committed and fsynced). */
  append(entry: LogEntry): Promise<LogRecord> {
    try {
      return Promise.resolve(this.appendSync(entry));
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
  }

  appendSync(entry: LogEntry): LogRecord {
    const key = this.o.keys.get(entry.door);
    if (!key) throw new DoorLogError("unknown_door", `door ${entry.door} is not served by this agent`);
    const body = {
      ...entry,
      relayer: entry.relayer === null ? null : (entry.relayer.toLowerCase() as Hex),
      v: 1 as const,
      agent: this.o.agentId,
      seq: this.last.seq + 1,
      prevHash: this.last.hash,
    };
    const hash = logRecordHash(body);
    const signature = signDigestSync(this.o.crypto.logRecordDigest({ door: body.door, seq: body.seq, hash }), key);
    const record: LogRecord = { ...body, hash, signature };
    // A record the relayers would not parse would block the upload behind it: refuse it here.
    if (!parseLogRecord(record)) throw new DoorLogError("invalid_entry", "door log entry out of the record's format");
    try {
      this.insert.run(...recordValues(record));
    } catch (err) {
      throw new DoorLogError("write_failed", `door log write failed: ${(err as Error).message}`);
    }
    this.last = { seq: record.seq, hash };
    return record;
  }

  /** Up to `limit` records from sequence `from` on, in order. */
  records(from: number, limit: number): LogRecord[] {
    const rows = this.db.prepare("SELECT * FROM records WHERE seq >= ? ORDER BY seq LIMIT ?").all(from, limit) as Row[];
    return rows.map((r) => recordFromRow(this.o.agentId, r));
  }

  /** The lowest sequence still kept (head + 1 when none is). */
  firstKept(): number {
    const r = this.db.prepare("SELECT MIN(seq) AS s FROM records").get() as { s: number | null };
    return r.s === null ? this.last.seq + 1 : Number(r.s);
  }

  /** Records a relayer's acknowledgement (monotone, at most the head). */
  markAcked(seq: number): void {
    const next = Math.min(seq, this.last.seq);
    if (next <= this.ackedSeq) return;
    this.setMeta.run("acked", String(next));
    this.ackedSeq = next;
  }

  /** Deletes acknowledged records older than `keepAckedDays`; the head itself is remembered in meta. */
  prune(keepAckedDays: number): number {
    const before = this.o.clock() - keepAckedDays * 86_400;
    this.db.exec("BEGIN IMMEDIATE");
    try {
      this.setMeta.run("headSeq", String(this.last.seq));
      this.setMeta.run("headHash", this.last.hash);
      const r = this.db.prepare("DELETE FROM records WHERE seq <= ? AND time < ?").run(this.ackedSeq, before);
      this.db.exec("COMMIT");
      return Number(r.changes);
    } catch (err) {
      this.db.exec("ROLLBACK");
      throw err;
    }
  }

  /** Walks the kept records: each hash recomputes, links to the previous one, and is signed by its
   * door's lock key (when the door is still served here). */
  verify(): ChainCheck {
    const addresses = new Map([...this.o.keys].map(([door, key]) => [door, addressOf(key)]));
    let prev: { seq: number; hash: Hex } | null = null;
    let n = 0;
    for (const row of this.db.prepare("SELECT * FROM records ORDER BY seq").iterate() as Iterable<Row>) {
      const r = recordFromRow(this.o.agentId, row);
      if (prev && (r.seq !== prev.seq + 1 || r.prevHash !== prev.hash))
        return { ok: false, seq: r.seq, problem: "does not link to the previous record" };
      if (!prev && r.seq === 1 && r.prevHash !== GENESIS_HASH)
        return { ok: false, seq: r.seq, problem: "first record does not start the chain" };
      if (logRecordHash(r) !== r.hash) return { ok: false, seq: r.seq, problem: "hash does not match the record" };
      const address = addresses.get(r.door);
      if (address) {
        const signer = recoverSignerSync(this.o.crypto.logRecordDigest(r), r.signature);
        if (!signer || !sameAddress(signer, address))
          return { ok: false, seq: r.seq, problem: "not signed by the door's lock key" };
      }
      prev = { seq: r.seq, hash: r.hash };
      n++;
    }
    return { ok: true, records: n, head: this.last.seq };
  }

  close(): void {
    if (this.db.isOpen) this.db.close();
  }
}
