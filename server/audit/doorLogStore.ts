// The door agents' logs, uploaded over the broker (protocol/doorLog.ts), beside the relayer's own
// audit trail: table `door_log` keyed by (venue, agent, seq), in the same store as the audit log —
// the SQLite file of AUDIT_DB here, or its PostgreSQL database (pgDoorLogStore.ts). A record is
// stored only once its chain link and lock signature were checked (doorLogIngest.ts), so the table
// holds, per agent, a gap-free prefix of its history; a forked history is refused and remembered in
// `door_log_forks` for the venue's operator.
import { mkdirSync } from "node:fs";
import path from "node:path";
import { DatabaseSync } from "node:sqlite";
import type { LogRecord } from "../../protocol/doorLog.ts";
import {
  RECORD_COLUMNS,
  columnsSql,
  recordFromRow,
  recordValues,
  sqlType,
  type Column,
  type SqlDialect,
} from "../../protocol/doorLogTable.ts";
import type { Hex } from "../../protocol/types.ts";

export type StoredLogRecord = LogRecord & { venue: number; receivedAt: number };
export type DoorLogFork = {
  venue: number;
  agent: string;
  seq: number;
  heldHash: Hex;
  offeredHash: Hex;
  detectedAt: number;
};
export type DoorLogQuery = {
  /** Offline records naming one of these passes (a member's history). */
  passes?: string[];
  /** Every record of these venues (their operator). */
  venues?: number[];
  limit?: number;
};

export interface DoorLogStore {
  /** The last stored record of an agent (its history is gap-free up to it), or null. */
  head(venue: number, agent: string): Promise<{ seq: number; hash: Hex } | null>;
  /** The stored hashes at these sequences (pruned ones are missing). */
  hashesAt(venue: number, agent: string, seqs: number[]): Promise<Map<number, Hex>>;
  /** Stores checked records in one transaction; one already held (same key) is left as it is. */
  insert(venue: number, records: LogRecord[], receivedAt: number): Promise<void>;
  flagFork(f: DoorLogFork): Promise<void>;
  forks(venues: number[]): Promise<DoorLogFork[]>;
  query(q: DoorLogQuery): Promise<StoredLogRecord[]>;
  /** Deletes records older than `days`, keeping each agent's last one (the head its chain goes on from). */
  applyRetention(days: number, nowS: number): Promise<number>;
  close(): Promise<void>;
}

/** The table's columns: the record's (protocol/doorLogTable.ts) between its venue and agent and the
 * time a relayer received it. */
export const DOOR_LOG_COLUMNS: readonly Column[] = [
  { name: "venue", type: "int" },
  { name: "agent", type: "text" },
  ...RECORD_COLUMNS,
  { name: "received_at", type: "int" },
];
export const LOG_COLUMNS = DOOR_LOG_COLUMNS.map((c) => c.name);

/** A row's values in the order of LOG_COLUMNS. */
export function logRow(venue: number, r: LogRecord, receivedAt: number): (string | number | null)[] {
  return [venue, r.agent, ...recordValues(r), receivedAt];
}

export function rowToLogRecord(r: Record<string, unknown>): StoredLogRecord {
  return { ...recordFromRow(r.agent as string, r), venue: Number(r.venue), receivedAt: Number(r.received_at) };
}

export function rowToFork(r: Record<string, unknown>): DoorLogFork {
  return {
    venue: Number(r.venue),
    agent: r.agent as string,
    seq: Number(r.seq),
    heldHash: r.held_hash as Hex,
    offeredHash: r.offered_hash as Hex,
    detectedAt: Number(r.detected_at),
  };
}

/** The WHERE clause of a query, with `arg` naming each parameter ($n or ?). */
export function logWhere(q: DoorLogQuery, arg: (v: unknown) => string): string {
  const or: string[] = [];
  if (q.passes?.length) or.push(`(kind = 'offline' AND pass IN (${q.passes.map(arg).join(",")}))`);
  if (q.venues?.length) or.push(`venue IN (${q.venues.map(arg).join(",")})`);
  return or.length ? or.join(" OR ") : "1 = 0";
}

export const logLimit = (q: DoorLogQuery) => Math.min(Math.max(q.limit ?? 100, 1), 1000);

export const RETENTION_WHERE = `time < $1 AND seq < (SELECT MAX(h.seq) FROM door_log h WHERE h.venue = door_log.venue AND h.agent = door_log.agent)`;

/** The door log's schema, one definition for both stores (SQLite here, PostgreSQL in pgDoorLogStore.ts). */
export function doorLogSchema(dialect: SqlDialect): string {
  const int = sqlType("int", dialect);
  return `
  CREATE TABLE IF NOT EXISTS door_log (
    ${columnsSql(DOOR_LOG_COLUMNS, dialect)},
    PRIMARY KEY (venue, agent, seq)
  );
  CREATE INDEX IF NOT EXISTS door_log_pass ON door_log (pass) WHERE pass IS NOT NULL;
  CREATE INDEX IF NOT EXISTS door_log_venue ON door_log (venue, time);
  CREATE TABLE IF NOT EXISTS door_log_forks (
    id ${dialect === "postgres" ? "BIGSERIAL PRIMARY KEY" : "INTEGER PRIMARY KEY AUTOINCREMENT"},
    venue ${int} NOT NULL,
    agent TEXT NOT NULL,
    seq ${int} NOT NULL,
    held_hash TEXT NOT NULL,
    offered_hash TEXT NOT NULL,
    detected_at ${int} NOT NULL,
    UNIQUE (venue, agent, seq, offered_hash)
  );
`;
}

/** The SQLite store, on its own connection to the audit file. Writes are small transactions on
 * this thread (one fsync per uploaded batch, not per record). */
export class SqliteDoorLogStore implements DoorLogStore {
  private readonly db: DatabaseSync;

  constructor(file: string) {
    if (file !== ":memory:") mkdirSync(path.dirname(file), { recursive: true });
    this.db = new DatabaseSync(file);
    this.db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA busy_timeout = 5000;");
    this.db.exec(doorLogSchema("sqlite"));
  }

  head(venue: number, agent: string) {
    const r = this.db
      .prepare("SELECT seq, hash FROM door_log WHERE venue = ? AND agent = ? ORDER BY seq DESC LIMIT 1")
      .get(venue, agent) as { seq: number; hash: Hex } | undefined;
    return Promise.resolve(r ? { seq: Number(r.seq), hash: r.hash } : null);
  }

  hashesAt(venue: number, agent: string, seqs: number[]) {
    if (!seqs.length) return Promise.resolve(new Map<number, Hex>());
    const rows = this.db
      .prepare(
        `SELECT seq, hash FROM door_log WHERE venue = ? AND agent = ? AND seq IN (${seqs.map(() => "?").join(",")})`,
      )
      .all(venue, agent, ...seqs) as { seq: number; hash: Hex }[];
    return Promise.resolve(new Map(rows.map((r) => [Number(r.seq), r.hash])));
  }

  insert(venue: number, records: LogRecord[], receivedAt: number): Promise<void> {
    const stmt = this.db.prepare(
      `INSERT INTO door_log (${LOG_COLUMNS.join(", ")}) VALUES (${LOG_COLUMNS.map(() => "?").join(", ")}) ON CONFLICT DO NOTHING`,
    );
    this.db.exec("BEGIN IMMEDIATE");
    try {
      for (const r of records) stmt.run(...logRow(venue, r, receivedAt));
      this.db.exec("COMMIT");
    } catch (err) {
      this.db.exec("ROLLBACK");
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
    return Promise.resolve();
  }

  flagFork(f: DoorLogFork): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO door_log_forks (venue, agent, seq, held_hash, offered_hash, detected_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT DO NOTHING`,
      )
      .run(f.venue, f.agent, f.seq, f.heldHash, f.offeredHash, f.detectedAt);
    return Promise.resolve();
  }

  forks(venues: number[]) {
    if (!venues.length) return Promise.resolve([]);
    const rows = this.db
      .prepare(
        `SELECT * FROM door_log_forks WHERE venue IN (${venues.map(() => "?").join(",")}) ORDER BY id DESC LIMIT 100`,
      )
      .all(...venues) as Record<string, unknown>[];
    return Promise.resolve(rows.map(rowToFork));
  }

  query(q: DoorLogQuery) {
    const args: unknown[] = [];
    const where = logWhere(q, (v) => (args.push(v), "?"));
    const rows = this.db
      .prepare(`SELECT * FROM door_log WHERE ${where} ORDER BY time DESC, seq DESC LIMIT ${logLimit(q)}`)
      .all(...(args as (string | number)[])) as Record<string, unknown>[];
    return Promise.resolve(rows.map(rowToLogRecord));
  }

  applyRetention(days: number, nowS: number) {
    const r = this.db
      .prepare(`DELETE FROM door_log WHERE ${RETENTION_WHERE.replace("$1", "?")}`)
      .run(nowS - days * 86_400);
    return Promise.resolve(Number(r.changes));
  }

  close(): Promise<void> {
    if (this.db.isOpen) this.db.close();
    return Promise.resolve();
  }
}
