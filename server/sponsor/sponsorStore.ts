// What the sponsor keeps between requests, in a store every relayer sharing its key reads: the
// sender lease (one relayer sends with the key at a time, with the next nonce it must use), counters
// per window (gas spent, per-member shares, rate limits, free calls) and the last request submitted
// per member (so the same signed request sent to two relayers becomes one transaction). Everything
// is filed under the sponsor's address: relayers with keys of their own may share one store. A SQLite
// file on one host (the default, beside the audit trail), PostgreSQL for a fleet on several hosts
// (SPONSOR_DB=postgres://…). Everything survives a restart.
import { DatabaseSync } from "node:sqlite";
import { mkdirSync } from "node:fs";
import path from "node:path";
import pg from "pg";

/** The last request a member's key had submitted: its digest, transaction and whether it is mined. */
export type PendingRequest = { digest: string; hash: `0x${string}`; call: string; fee: string; mined: boolean };

export interface SponsorStore {
  /** Takes (or renews) the lease of the key `sponsor` (its address) for `holder` until
   * `nowMs + ttlMs`; false while another holder's lease runs. */
  acquireLease(sponsor: string, holder: string, nowMs: number, ttlMs: number): Promise<boolean>;
  /** Ends `holder`'s lease and records the next nonce it leaves to the key's next sender. */
  releaseLease(sponsor: string, holder: string, nextNonce: number | null, nowMs: number): Promise<void>;
  /** The key's next nonce its last sender recorded, with when it did (ms), if any. */
  nextNonce(sponsor: string): Promise<{ nonce: number; atMs: number } | null>;
  /** Adds `amount` to the counter `key` of `window` unless the result would pass `cap`; whether added. */
  take(window: number, key: string, amount: number, cap: number): Promise<boolean>;
  /** Adds `delta` (negative to give back) to the counter `key` of `window`. */
  add(window: number, key: string, delta: number): Promise<void>;
  used(window: number, key: string): Promise<number>;
  pending(member: string): Promise<PendingRequest | null>;
  setPending(member: string, p: PendingRequest): Promise<void>;
  /** Drops counters of windows that ended before `window`. */
  prune(window: number): Promise<void>;
  close(): Promise<void>;
}

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS sponsor_leases (
    sponsor TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    until_ms BIGINT NOT NULL,
    next_nonce BIGINT,
    nonce_at_ms BIGINT
  );
  CREATE TABLE IF NOT EXISTS sponsor_counter (
    window_start BIGINT NOT NULL,
    key TEXT NOT NULL,
    used BIGINT NOT NULL,
    PRIMARY KEY (window_start, key)
  );
  CREATE TABLE IF NOT EXISTS sponsor_pending (
    member TEXT PRIMARY KEY,
    digest TEXT NOT NULL,
    hash TEXT NOT NULL,
    call TEXT NOT NULL,
    fee TEXT NOT NULL,
    mined INTEGER NOT NULL
  );
`;

// The same statements for both stores ($n placeholders; SQLite reads them as numbered parameters).
const SQL = {
  lease: `INSERT INTO sponsor_leases (sponsor, holder, until_ms) VALUES ($4, $1, $2)
    ON CONFLICT (sponsor) DO UPDATE SET holder = excluded.holder, until_ms = excluded.until_ms
    WHERE sponsor_leases.until_ms < $3 OR sponsor_leases.holder = excluded.holder`,
  release: `UPDATE sponsor_leases SET until_ms = 0, next_nonce = COALESCE(CAST($2 AS BIGINT), next_nonce),
    nonce_at_ms = CASE WHEN CAST($2 AS BIGINT) IS NULL THEN nonce_at_ms ELSE CAST($3 AS BIGINT) END
    WHERE holder = $1 AND sponsor = $4`,
  nextNonce: `SELECT next_nonce, nonce_at_ms FROM sponsor_leases WHERE sponsor = $1 AND next_nonce IS NOT NULL`,
  take: `INSERT INTO sponsor_counter (window_start, key, used) VALUES ($1, $2, $3)
    ON CONFLICT (window_start, key) DO UPDATE SET used = sponsor_counter.used + excluded.used
    WHERE sponsor_counter.used + excluded.used <= $4`,
  add: `INSERT INTO sponsor_counter (window_start, key, used) VALUES ($1, $2, $3)
    ON CONFLICT (window_start, key) DO UPDATE SET used = sponsor_counter.used + excluded.used`,
  used: `SELECT used FROM sponsor_counter WHERE window_start = $1 AND key = $2`,
  pending: `SELECT digest, hash, call, fee, mined FROM sponsor_pending WHERE member = $1`,
  setPending: `INSERT INTO sponsor_pending (member, digest, hash, call, fee, mined) VALUES ($1, $2, $3, $4, $5, $6)
    ON CONFLICT (member) DO UPDATE SET digest = excluded.digest, hash = excluded.hash, call = excluded.call,
    fee = excluded.fee, mined = excluded.mined`,
  prune: `DELETE FROM sponsor_counter WHERE window_start < $1`,
};

type Row = Record<string, unknown>;
type Exec = (sql: string, args: unknown[]) => Promise<{ rows: Row[]; changes: number }>;

function storeOver(exec: Exec, close: () => Promise<void>): SponsorStore {
  const pendingOf = (r: Row | undefined): PendingRequest | null =>
    r
      ? {
          digest: String(r.digest),
          hash: String(r.hash) as `0x${string}`,
          call: String(r.call),
          fee: String(r.fee),
          mined: Number(r.mined) === 1,
        }
      : null;
  return {
    async acquireLease(sponsor, holder, nowMs, ttlMs) {
      return (await exec(SQL.lease, [holder, nowMs + ttlMs, nowMs, sponsor.toLowerCase()])).changes > 0;
    },
    async releaseLease(sponsor, holder, nextNonce, nowMs) {
      await exec(SQL.release, [holder, nextNonce, nowMs, sponsor.toLowerCase()]);
    },
    async nextNonce(sponsor) {
      const [r] = (await exec(SQL.nextNonce, [sponsor.toLowerCase()])).rows;
      return r ? { nonce: Number(r.next_nonce), atMs: Number(r.nonce_at_ms) } : null;
    },
    async take(window, key, amount, cap) {
      if (amount > cap) return false;
      return (await exec(SQL.take, [window, key, amount, cap])).changes > 0;
    },
    async add(window, key, delta) {
      await exec(SQL.add, [window, key, delta]);
    },
    async used(window, key) {
      const [r] = (await exec(SQL.used, [window, key])).rows;
      return r ? Number(r.used) : 0;
    },
    async pending(member) {
      return pendingOf((await exec(SQL.pending, [member])).rows[0]);
    },
    async setPending(member, p) {
      await exec(SQL.setPending, [member, p.digest, p.hash, p.call, p.fee, p.mined ? 1 : 0]);
    },
    async prune(window) {
      await exec(SQL.prune, [window]);
    },
    close,
  };
}

/** SQLite: one file that relayers on one host share (WAL, waits up to 5 s for another's write). */
export function openSqliteSponsorStore(file: string): SponsorStore {
  if (file !== ":memory:") mkdirSync(path.dirname(file), { recursive: true });
  const db = new DatabaseSync(file);
  db.exec("PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 5000;");
  db.exec(SCHEMA);
  const statements = new Map<string, ReturnType<DatabaseSync["prepare"]>>();
  const prepared = (sql: string) => {
    let s = statements.get(sql);
    if (!s) statements.set(sql, (s = db.prepare(sql.replace(/\$(\d+)/g, "?$1"))));
    return s;
  };
  // node:sqlite is synchronous; the store's contract is a promise (PostgreSQL's is not).
  const exec: Exec = (sql, args) => {
    const s = prepared(sql);
    const values = args as (string | number | null)[];
    if (/^\s*SELECT/i.test(sql)) return Promise.resolve({ rows: s.all(...values), changes: 0 });
    return Promise.resolve({ rows: [], changes: Number(s.run(...values).changes) });
  };
  let closed = false;
  return storeOver(exec, () => {
    if (!closed) db.close();
    closed = true;
    return Promise.resolve();
  });
}

/** PostgreSQL: the store of a fleet on several hosts. */
export async function openPgSponsorStore(url: string): Promise<SponsorStore> {
  const pool = new pg.Pool({ connectionString: url, max: 4, connectionTimeoutMillis: 5000 });
  pool.on("error", () => undefined); // an idle client's error: the next query reports it
  try {
    const client = await pool.connect();
    try {
      await client.query("SELECT pg_advisory_lock(7270102)"); // relayers starting at once
      await client.query(SCHEMA);
      await client.query("SELECT pg_advisory_unlock(7270102)");
    } finally {
      client.release();
    }
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw new Error(`cannot open the PostgreSQL sponsor store: ${(err as Error).message.split("\n")[0]}`);
  }
  const exec: Exec = async (sql, args) => {
    const r = await pool.query<Row>(sql, args);
    return { rows: r.rows, changes: r.rowCount ?? 0 };
  };
  let closed = false;
  return storeOver(exec, async () => {
    if (closed) return;
    closed = true;
    await pool.end();
  });
}

/** SPONSOR_DB: a file path (SQLite) or a postgres:// URL. */
export async function openSponsorStore(spec: string): Promise<SponsorStore> {
  return /^postgres(ql)?:\/\//.test(spec) ? openPgSponsorStore(spec) : openSqliteSponsorStore(spec);
}
