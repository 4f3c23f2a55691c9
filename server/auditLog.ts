// Durable audit log of every door decision, in an embedded SQLite file (node:sqlite, WAL,
// synchronous=FULL). `record` resolves only after the row is committed to disk, so the relayer
// answers after the record exists. Concurrent records are group-committed: every record that
// arrives while the event loop is busy joins the next single transaction (one fsync for many).
import { DatabaseSync, type StatementSync } from "node:sqlite";
import { mkdirSync } from "node:fs";
import path from "node:path";

export type AuditRecord = {
  time: number; // relayer wall clock, UNIX seconds, of the decision
  door: number | null;
  venue: number | null;
  signer: string | null;
  pass: string | null;
  decision: "granted" | "denied";
  reason: string;
  block: number | null; // index tip (or head read) the decision was based on
  challenge: string | null;
  requestId: string;
};

export type StoredAuditRecord = AuditRecord & { id: number; recordedAt: number };

export type AuditQuery = { signer?: string; venues?: number[]; since?: number; limit?: number; requestIds?: string[] };

export class AuditLog {
  private readonly db: DatabaseSync;
  private readonly insert: StatementSync;
  private pending: { rec: AuditRecord; resolve: (id: number) => void; reject: (e: unknown) => void }[] = [];
  private scheduled = false;
  private closed = false;

  constructor(file: string) {
    if (file !== ":memory:") mkdirSync(path.dirname(file), { recursive: true });
    this.db = new DatabaseSync(file);
    this.db.exec(`
      PRAGMA journal_mode = WAL;
      PRAGMA synchronous = FULL;
      PRAGMA busy_timeout = 5000;
      CREATE TABLE IF NOT EXISTS audit (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        recorded_at INTEGER NOT NULL,
        time INTEGER NOT NULL,
        door INTEGER,
        venue INTEGER,
        signer TEXT,
        pass TEXT,
        decision TEXT NOT NULL CHECK (decision IN ('granted', 'denied')),
        reason TEXT NOT NULL,
        block INTEGER,
        challenge TEXT,
        request_id TEXT NOT NULL
      );
      CREATE INDEX IF NOT EXISTS audit_signer ON audit (signer, time);
      CREATE INDEX IF NOT EXISTS audit_venue ON audit (venue, time);
      CREATE INDEX IF NOT EXISTS audit_time ON audit (time);
      CREATE INDEX IF NOT EXISTS audit_request ON audit (request_id);
    `);
    this.insert = this.db.prepare(
      `INSERT INTO audit (recorded_at, time, door, venue, signer, pass, decision, reason, block, challenge, request_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
  }

  /** Resolves with the row id once the record is committed. */
  record(rec: AuditRecord): Promise<number> {
    if (this.closed) return Promise.reject(new Error("audit log closed"));
    return new Promise((resolve, reject) => {
      this.pending.push({ rec, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    const ids: number[] = [];
    try {
      this.db.exec("BEGIN IMMEDIATE");
      const now = Date.now();
      for (const { rec } of batch) {
        const r = this.insert.run(now, rec.time, rec.door, rec.venue, rec.signer, rec.pass, rec.decision, rec.reason, rec.block, rec.challenge, rec.requestId);
        ids.push(Number(r.lastInsertRowid));
      }
      this.db.exec("COMMIT");
    } catch (err) {
      try {
        this.db.exec("ROLLBACK");
      } catch {
        // no transaction open
      }
      for (const p of batch) p.reject(err);
      return;
    }
    batch.forEach((p, i) => p.resolve(ids[i]));
  }

  query(q: AuditQuery): StoredAuditRecord[] {
    const where: string[] = [];
    const args: (string | number)[] = [];
    if (q.signer !== undefined || q.venues !== undefined) {
      const or: string[] = [];
      if (q.signer !== undefined) {
        or.push("signer = ?");
        args.push(q.signer.toLowerCase());
      }
      if (q.venues && q.venues.length) {
        or.push(`venue IN (${q.venues.map(() => "?").join(",")})`);
        args.push(...q.venues);
      }
      where.push(or.length ? `(${or.join(" OR ")})` : "0");
    }
    if (q.since !== undefined) {
      where.push("time >= ?");
      args.push(q.since);
    }
    if (q.requestIds) {
      where.push(`request_id IN (${q.requestIds.map(() => "?").join(",") || "NULL"})`);
      args.push(...q.requestIds);
    }
    const limit = q.requestIds ? Math.max(q.requestIds.length, 1) : Math.min(Math.max(q.limit ?? 100, 1), 1000);
    const sql = `SELECT * FROM audit ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY id DESC LIMIT ${limit}`;
    return (this.db.prepare(sql).all(...args) as Record<string, unknown>[]).map(rowToRecord);
  }

  count(): number {
    return Number((this.db.prepare("SELECT COUNT(*) AS n FROM audit").get() as { n: number }).n);
  }

  /** Deletes records older than `days` (by decision time); returns how many. */
  applyRetention(days: number, nowS = Math.floor(Date.now() / 1000)): number {
    const r = this.db.prepare("DELETE FROM audit WHERE time < ?").run(nowS - days * 86_400);
    return Number(r.changes);
  }

  close(): void {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    this.db.close();
  }
}

function rowToRecord(r: Record<string, unknown>): StoredAuditRecord {
  return {
    id: Number(r.id),
    recordedAt: Number(r.recorded_at),
    time: Number(r.time),
    door: r.door === null ? null : Number(r.door),
    venue: r.venue === null ? null : Number(r.venue),
    signer: r.signer as string | null,
    pass: r.pass as string | null,
    decision: r.decision as "granted" | "denied",
    reason: r.reason as string,
    block: r.block === null ? null : Number(r.block),
    challenge: r.challenge as string | null,
    requestId: r.request_id as string,
  };
}
