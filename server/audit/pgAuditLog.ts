// The audit trail in PostgreSQL, for a fleet of relayers sharing one trail (AUDIT_DB=postgres://…).
// Same contract as the SQLite log (auditLog.ts): `record` resolves once the row is committed, so
// the relayer answers after the record exists; records of one event-loop iteration go in one
// INSERT (one commit for many). The unique index on granted challenges makes a challenge granted
// by one relayer refused by every other: the second INSERT conflicts and inserts nothing.
import pg from "pg";
import {
  AUDIT_COLUMNS,
  DEFAULT_AUDIT_TIMEOUT_MS,
  ChallengeAlreadyGranted,
  auditRow,
  queryLimit,
  rowToRecord,
  type AuditQuery,
  type AuditRecord,
  type AuditStore,
  type StoredAuditRecord,
} from "./auditLog.ts";

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS audit (
    id BIGSERIAL PRIMARY KEY,
    recorded_at BIGINT NOT NULL,
    time BIGINT NOT NULL,
    door BIGINT,
    venue BIGINT,
    signer TEXT,
    claimed_signer TEXT,
    pass TEXT,
    decision TEXT NOT NULL CHECK (decision IN ('granted', 'denied')),
    reason TEXT NOT NULL,
    block BIGINT,
    challenge TEXT,
    request_id TEXT NOT NULL
  );
  CREATE INDEX IF NOT EXISTS audit_signer ON audit (signer, time);
  CREATE INDEX IF NOT EXISTS audit_venue ON audit (venue, time);
  CREATE INDEX IF NOT EXISTS audit_time ON audit (time);
  CREATE INDEX IF NOT EXISTS audit_request ON audit (request_id);
  CREATE UNIQUE INDEX IF NOT EXISTS audit_granted_challenge ON audit (challenge)
    WHERE decision = 'granted' AND challenge IS NOT NULL;
`;

/** Columns in insert order (recorded_at, then auditRow's) with their types; the INSERT takes one
 * array per column (unnest), any number of rows. */
const TEXT = new Set(["signer", "pass", "decision", "reason", "challenge", "request_id", "claimed_signer"]);
const COLUMNS = (["recorded_at", ...AUDIT_COLUMNS] as const).map((c) => [c, TEXT.has(c) ? "text" : "bigint"] as const);
const INSERT = `INSERT INTO audit (${COLUMNS.map(([c]) => c).join(", ")})
  SELECT ${COLUMNS.map(([c]) => c).join(", ")} FROM unnest(${COLUMNS.map(([, t], i) => `$${i + 1}::${t}[]`).join(", ")}) WITH ORDINALITY AS r(${COLUMNS.map(([c]) => c).join(", ")}, n)
  ORDER BY n
  ON CONFLICT DO NOTHING
  RETURNING id, request_id`;

type Pending = { rec: AuditRecord; resolve: (id: number) => void; reject: (e: unknown) => void };

export class PgAuditLog implements AuditStore {
  private readonly pool: pg.Pool;
  private outbox: Pending[] = [];
  private inFlight = new Set<Promise<void>>();
  private closed = false;

  private constructor(pool: pg.Pool) {
    this.pool = pool;
  }

  /** Connects and creates the schema; rejects (one line) when the server cannot be reached. */
  static async open(url: string, opts: { timeoutMs?: number } = {}): Promise<PgAuditLog> {
    const timeoutMs = opts.timeoutMs ?? DEFAULT_AUDIT_TIMEOUT_MS;
    // A statement that waits for a lock longer than the timeout is cancelled by the server (nothing
    // committed), and a connection not had within it is given up: no answer waits longer.
    const pool = new pg.Pool({
      connectionString: url,
      max: 8,
      connectionTimeoutMillis: timeoutMs,
      statement_timeout: timeoutMs,
    });
    pool.on("error", () => undefined); // an idle client's error: the next query reports it
    try {
      // Several relayers may start at once: serialise their CREATE … IF NOT EXISTS.
      const client = await pool.connect();
      try {
        await client.query("SELECT pg_advisory_lock(7270101)");
        await client.query(SCHEMA);
        await client.query("SELECT pg_advisory_unlock(7270101)");
      } finally {
        client.release();
      }
    } catch (err) {
      await pool.end().catch(() => undefined);
      throw new Error(`cannot open the PostgreSQL audit trail: ${(err as Error).message.split("\n")[0]}`);
    }
    return new PgAuditLog(pool);
  }

  record(rec: AuditRecord): Promise<number> {
    if (this.closed) return Promise.reject(new Error("audit log closed"));
    return new Promise((resolve, reject) => {
      this.outbox.push({ rec, resolve, reject });
      if (this.outbox.length === 1) setImmediate(this.flush);
    });
  }

  private readonly flush = (): void => {
    const batch = this.outbox;
    this.outbox = [];
    if (batch.length === 0) return;
    const now = Date.now();
    const columns: unknown[][] = COLUMNS.map(() => []);
    for (const { rec } of batch) [now, ...auditRow(rec)].forEach((v, i) => columns[i].push(v));
    const done = this.pool.query<{ id: string; request_id: string }>(INSERT, columns).then(
      (r) => {
        const ids = new Map(r.rows.map((row) => [row.request_id, Number(row.id)]));
        for (const p of batch) {
          const id = ids.get(p.rec.requestId);
          if (id !== undefined) p.resolve(id);
          else p.reject(new ChallengeAlreadyGranted(p.rec.challenge ?? ""));
        }
      },
      (err: unknown) => batch.forEach((p) => p.reject(err)),
    );
    this.inFlight.add(done);
    void done.finally(() => this.inFlight.delete(done));
  };

  async query(q: AuditQuery): Promise<StoredAuditRecord[]> {
    const where: string[] = [];
    const args: unknown[] = [];
    const arg = (v: unknown) => `$${args.push(v)}`;
    if (q.signer !== undefined || q.venues !== undefined) {
      const or: string[] = [];
      if (q.signer !== undefined) or.push(`signer = ${arg(q.signer.toLowerCase())}`);
      if (q.venues && q.venues.length) or.push(`venue = ANY(${arg(q.venues)}::bigint[])`);
      where.push(or.length ? `(${or.join(" OR ")})` : "false");
    }
    if (q.since !== undefined) where.push(`time >= ${arg(q.since)}`);
    if (q.reason !== undefined) where.push(`reason = ${arg(q.reason)}`);
    if (q.requestIds) where.push(`request_id = ANY(${arg(q.requestIds)}::text[])`);
    const sql = `SELECT * FROM audit ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY id DESC LIMIT ${queryLimit(q)}`;
    const r = await this.pool.query<Record<string, unknown>>(sql, args);
    return r.rows.map(rowToRecord);
  }

  async applyRetention(days: number, nowS = Math.floor(Date.now() / 1000)): Promise<number> {
    if (this.closed) return 0;
    const r = await this.pool.query("DELETE FROM audit WHERE time < $1", [nowS - days * 86_400]);
    return r.rowCount ?? 0;
  }

  /** Commits what is pending, then closes the pool. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.flush();
    await Promise.allSettled([...this.inFlight]);
    await this.pool.end();
  }
}
