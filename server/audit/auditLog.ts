// Durable audit log of every door decision, in an embedded SQLite file (node:sqlite, WAL,
// synchronous=FULL). `record` resolves only after the row is committed to disk, so the relayer
// answers after the record exists. Writes happen in a worker thread (server/audit/auditWriter.ts) so an
// fsync never stalls the event loop; records arriving during a commit are group-committed in the
// next transaction (one fsync for many). Reads use this thread's own connection (WAL readers).
// A challenge is granted once per audit trail: a unique index refuses a second granted record of
// it, also from another relayer process sharing the file (or the PostgreSQL trail, pgAuditLog.ts).
import { DatabaseSync } from "node:sqlite";
import { Worker } from "node:worker_threads";
import { mkdirSync } from "node:fs";
import path from "node:path";

export type AuditRecord = {
  time: number; // relayer wall clock, UNIX seconds, of the decision
  door: number | null;
  venue: number | null;
  /** The signer whose signature verified; null when the request is unauthenticated. */
  signer: string | null;
  /** The signer the request named, verified or not (forensics; never used to file the record). */
  claimedSigner?: string | null;
  pass: string | null;
  decision: "granted" | "denied";
  reason: string;
  block: number | null; // index tip (or head read) the decision was based on
  challenge: string | null;
  requestId: string;
};

export type StoredAuditRecord = AuditRecord & { id: number; recordedAt: number; claimedSigner: string | null };

export type AuditQuery = {
  signer?: string;
  venues?: number[];
  since?: number;
  limit?: number;
  requestIds?: string[];
  /** Only records with this reason (e.g. `calendar_feed_revoked`, server/receipts/feedToken.ts). */
  reason?: string;
};

/** What the relayer needs of an audit trail: SQLite here, PostgreSQL for a fleet (pgAuditLog.ts). */
export interface AuditStore {
  /** Resolves with the row id once committed; rejects with ChallengeAlreadyGranted for a second grant. */
  record(rec: AuditRecord): Promise<number>;
  query(q: AuditQuery): Promise<StoredAuditRecord[]>;
  applyRetention(days: number, nowS?: number): Promise<number>;
  close(): Promise<void>;
}

/** A granted record for a challenge that the trail already holds granted (this or another relayer). */
export class ChallengeAlreadyGranted extends Error {
  readonly challenge: string;
  constructor(challenge: string) {
    super(`challenge ${challenge} was already granted`);
    this.challenge = challenge;
    this.name = "ChallengeAlreadyGranted";
  }
}

/** How long a record waits for the store by default (AUDIT_TIMEOUT_MS). */
export const DEFAULT_AUDIT_TIMEOUT_MS = 5000;

/** Query limit: all asked request ids, else 1 to 1000 (100 by default). */
export function queryLimit(q: AuditQuery): number {
  return q.requestIds ? Math.max(q.requestIds.length, 1) : Math.min(Math.max(q.limit ?? 100, 1), 1000);
}

/** A pending record: its promise, and its challenge (named when a second grant is refused). */
type Waiting = { resolve: (v: number) => void; reject: (e: unknown) => void; challenge: string | null };

/** A record's values in the order of AUDIT_COLUMNS (both stores insert them so). */
export function auditRow(rec: AuditRecord): (string | number | null)[] {
  return [
    rec.time,
    rec.door,
    rec.venue,
    rec.signer,
    rec.pass,
    rec.decision,
    rec.reason,
    rec.block,
    rec.challenge,
    rec.requestId,
    rec.claimedSigner ?? null,
  ];
}

/** The inserted columns after `recorded_at`, in auditRow's order. */
export const AUDIT_COLUMNS = [
  "time",
  "door",
  "venue",
  "signer",
  "pass",
  "decision",
  "reason",
  "block",
  "challenge",
  "request_id",
  "claimed_signer",
] as const;

export class AuditLog implements AuditStore {
  private readonly db: DatabaseSync;
  private readonly writer: Worker;
  private seq = 0;
  private readonly waiting = new Map<number, Waiting>();
  private closed = false;
  private closing: Promise<void> | null = null;

  /** How long a record may wait for the file (another process's lock, earlier batches): past it,
   * the record is not written and `record` rejects, so no answer waits longer than this. */
  private readonly timeoutMs: number;

  constructor(file: string, opts: { timeoutMs?: number } = {}) {
    this.timeoutMs = opts.timeoutMs ?? DEFAULT_AUDIT_TIMEOUT_MS;
    if (file !== ":memory:") mkdirSync(path.dirname(file), { recursive: true });
    // This connection creates the schema and serves reads; the worker thread does every write.
    this.db = new DatabaseSync(file);
    this.db.exec(`
      PRAGMA journal_mode = WAL;
      PRAGMA busy_timeout = ${this.timeoutMs};
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
      CREATE UNIQUE INDEX IF NOT EXISTS audit_granted_challenge ON audit (challenge)
        WHERE decision = 'granted' AND challenge IS NOT NULL;
    `);
    // Files written before unauthenticated requests were told apart get the column (null there).
    const columns = this.db.prepare("PRAGMA table_info(audit)").all() as { name: string }[];
    if (!columns.some((c) => c.name === "claimed_signer"))
      this.db.exec("ALTER TABLE audit ADD COLUMN claimed_signer TEXT");
    this.writer = new Worker(new URL("./auditWriter.ts", import.meta.url), { workerData: { file } });
    this.writer.on(
      "message",
      (m: { type: string; seqs?: number[]; ids?: number[]; error?: string; seq?: number; deleted?: number }) => {
        if (m.type === "committed")
          m.seqs!.forEach((s, i) => {
            const id = m.ids![i];
            this.settle(s, (w) => (id < 0 ? w.reject(new ChallengeAlreadyGranted(w.challenge ?? "")) : w.resolve(id)));
          });
        else if (m.type === "failed") m.seqs!.forEach((s) => this.settle(s, (w) => w.reject(new Error(m.error))));
        else if (m.type === "retention") this.settle(m.seq!, (w) => w.resolve(m.deleted!));
      },
    );
    this.writer.on("error", (err) => {
      for (const w of this.waiting.values()) w.reject(err);
      this.waiting.clear();
    });
  }

  private settle(seq: number, f: (w: Waiting) => void): void {
    const w = this.waiting.get(seq);
    if (!w) return;
    this.waiting.delete(seq);
    f(w);
  }

  /** Resolves with the row id once the record is committed to disk. */
  record(rec: AuditRecord): Promise<number> {
    if (this.closed) return Promise.reject(new Error("audit log closed"));
    const seq = ++this.seq;
    return new Promise((resolve, reject) => {
      this.waiting.set(seq, { resolve, reject, challenge: rec.challenge });
      // Records of the same event-loop iteration travel to the writer in one message.
      this.outbox.push({ seq, row: auditRow(rec), deadline: Date.now() + this.timeoutMs });
      if (this.outbox.length === 1) setImmediate(this.post);
    });
  }

  private outbox: { seq: number; row: (string | number | null)[]; deadline: number }[] = [];
  private readonly post = (): void => {
    const batch = this.outbox;
    this.outbox = [];
    if (batch.length) this.writer.postMessage({ type: "insert", batch });
  };

  query(q: AuditQuery): Promise<StoredAuditRecord[]> {
    return Promise.resolve(this.querySync(q));
  }

  private querySync(q: AuditQuery): StoredAuditRecord[] {
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
    if (q.reason !== undefined) {
      where.push("reason = ?");
      args.push(q.reason);
    }
    if (q.requestIds) {
      where.push(`request_id IN (${q.requestIds.map(() => "?").join(",") || "NULL"})`);
      args.push(...q.requestIds);
    }
    const limit = queryLimit(q);
    const sql = `SELECT * FROM audit ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY id DESC LIMIT ${limit}`;
    return (this.db.prepare(sql).all(...args) as Record<string, unknown>[]).map(rowToRecord);
  }

  count(): number {
    return Number((this.db.prepare("SELECT COUNT(*) AS n FROM audit").get() as { n: number }).n);
  }

  applyRetention(days: number, nowS = Math.floor(Date.now() / 1000)): Promise<number> {
    if (this.closed) return Promise.resolve(0);
    const seq = ++this.seq;
    return new Promise((resolve, reject) => {
      this.waiting.set(seq, { resolve, reject, challenge: null });
      this.post();
      this.writer.postMessage({ type: "retention", seq, before: nowS - days * 86_400 });
    });
  }

  /** Commits what is pending, then closes. */
  close(): Promise<void> {
    if (this.closing) return this.closing;
    this.closed = true;
    this.closing = new Promise<void>((resolve) => {
      const done = () => {
        this.db.close();
        void this.writer.terminate().finally(resolve);
      };
      this.writer.on("message", (m: { type: string }) => m.type === "closed" && done());
      this.post();
      this.writer.postMessage({ type: "close" });
    });
    return this.closing;
  }
}

export function rowToRecord(r: Record<string, unknown>): StoredAuditRecord {
  return {
    id: Number(r.id),
    recordedAt: Number(r.recorded_at),
    time: Number(r.time),
    door: r.door === null ? null : Number(r.door),
    venue: r.venue === null ? null : Number(r.venue),
    signer: r.signer as string | null,
    claimedSigner: (r.claimed_signer ?? null) as string | null,
    pass: r.pass as string | null,
    decision: r.decision as "granted" | "denied",
    reason: r.reason as string,
    block: r.block === null ? null : Number(r.block),
    challenge: r.challenge as string | null,
    requestId: r.request_id as string,
  };
}
