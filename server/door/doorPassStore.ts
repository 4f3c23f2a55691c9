// What the relayers keep about offline DoorPasses (docs/door-protocol.md §7), in a store every
// relayer of a fleet shares: the next serial and the status-list epoch per venue, and each issued
// DoorPass (venue, serial, pass, member, end) with whether it is revoked. A SQLite file on one host
// (default, beside the audit trail), PostgreSQL for a fleet (DOOR_PASS_DB=postgres://…). A serial is
// allocated by one atomic statement, so a restart or two relayers at once never hand out one twice.
// A status list's epoch and its revoked serials are read in one transaction (`nextList`): the venue's
// row stays locked from the epoch's increment to the end of the read, so a list of a higher epoch
// was read after every list of a lower one and holds every revocation they held — whichever relayer
// of the fleet publishes it, however stale its own index.
import { DatabaseSync } from "node:sqlite";
import { mkdirSync } from "node:fs";
import path from "node:path";
import pg from "pg";

export type IssuedDoorPass = { venue: number; serial: number; passId: bigint; member: string; validUntil: number };

export interface DoorPassStore {
  /** Allocates the venue's next serial (0, 1, …) and records the DoorPass it is for. */
  issue(p: Omit<IssuedDoorPass, "serial">): Promise<number>;
  /** Revokes the pass's DoorPasses still valid at `now` (of `member` only, when given); the venues touched. */
  revoke(passId: bigint, now: number, member?: string): Promise<number[]>;
  close(): Promise<void>;
}

/** What the status-list publisher needs beyond the DoorPass store (both backends have it). */
export interface StatusListSource {
  /** The venue's next epoch (1, 2, …) and its revoked serials still worth listing at `now` (their
   * DoorPass has not ended), read atomically. */
  nextList(venue: number, now: number): Promise<{ epoch: number; revoked: number[] }>;
  /** The venue's last allocated epoch (0: none yet). */
  epoch(venue: number): Promise<number>;
  /** The venues that have had a DoorPass or a list. */
  venues(): Promise<number[]>;
}

export type SharedDoorPassStore = DoorPassStore & StatusListSource;

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS door_pass_venues (
    venue BIGINT PRIMARY KEY,
    next_serial BIGINT NOT NULL,
    epoch BIGINT NOT NULL
  );
  CREATE TABLE IF NOT EXISTS door_passes (
    venue BIGINT NOT NULL,
    serial BIGINT NOT NULL,
    pass_id TEXT NOT NULL,
    member TEXT NOT NULL,
    valid_until BIGINT NOT NULL,
    revoked INTEGER NOT NULL,
    PRIMARY KEY (venue, serial)
  );
  CREATE INDEX IF NOT EXISTS door_passes_by_pass ON door_passes (pass_id);
`;

// The same statements for both stores ($n placeholders; SQLite reads them as numbered parameters).
const SQL = {
  serial: `INSERT INTO door_pass_venues (venue, next_serial, epoch) VALUES ($1, 1, 0)
    ON CONFLICT (venue) DO UPDATE SET next_serial = door_pass_venues.next_serial + 1 RETURNING next_serial`,
  epoch: `INSERT INTO door_pass_venues (venue, next_serial, epoch) VALUES ($1, 0, 1)
    ON CONFLICT (venue) DO UPDATE SET epoch = door_pass_venues.epoch + 1 RETURNING epoch`,
  record: `INSERT INTO door_passes (venue, serial, pass_id, member, valid_until, revoked) VALUES ($1, $2, $3, $4, $5, 0)`,
  revoke: `UPDATE door_passes SET revoked = 1 WHERE pass_id = $1 AND valid_until > $2 AND revoked = 0
    AND ($3 = '' OR member = $3) RETURNING venue`,
  revoked: `SELECT serial FROM door_passes WHERE venue = $1 AND revoked = 1 AND valid_until > $2 ORDER BY serial`,
  currentEpoch: `SELECT epoch FROM door_pass_venues WHERE venue = $1`,
  venues: `SELECT venue FROM door_pass_venues ORDER BY venue`,
};

type Row = Record<string, unknown>;
type Exec = (sql: string, args: unknown[]) => Promise<Row[]>;
type NextList = StatusListSource["nextList"];

function storeOver(exec: Exec, nextList: NextList, close: () => Promise<void>): SharedDoorPassStore {
  return {
    async issue(p) {
      const [r] = await exec(SQL.serial, [p.venue]);
      const serial = Number(r.next_serial) - 1;
      if (serial > 0xffffffff) throw new Error(`venue ${p.venue} has used every DoorPass serial`);
      await exec(SQL.record, [p.venue, serial, p.passId.toString(), p.member.toLowerCase(), p.validUntil]);
      return serial;
    },
    async revoke(passId, now, member) {
      const rows = await exec(SQL.revoke, [passId.toString(), now, member?.toLowerCase() ?? ""]);
      return [...new Set(rows.map((r) => Number(r.venue)))];
    },
    nextList,
    async epoch(venue) {
      const [r] = await exec(SQL.currentEpoch, [venue]);
      return r ? Number(r.epoch) : 0;
    },
    async venues() {
      return (await exec(SQL.venues, [])).map((r) => Number(r.venue));
    },
    close,
  };
}

/** SQLite: one file that relayers on one host share (WAL, waits up to 5 s for another's write). */
export function openSqliteDoorPassStore(file: string): SharedDoorPassStore {
  if (file !== ":memory:") mkdirSync(path.dirname(file), { recursive: true });
  const db = new DatabaseSync(file);
  db.exec("PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 5000;");
  db.exec(SCHEMA);
  const statements = new Map<string, ReturnType<DatabaseSync["prepare"]>>();
  const run = (sql: string, args: unknown[]): Row[] => {
    let s = statements.get(sql);
    if (!s) statements.set(sql, (s = db.prepare(sql.replace(/\$(\d+)/g, "?$1"))));
    return s.all(...(args as (string | number | null)[]));
  };
  const exec: Exec = (sql, args) => Promise.resolve(run(sql, args));
  // Synchronous from BEGIN to COMMIT: nothing of this process runs inside the transaction, and BEGIN
  // IMMEDIATE takes the file's write lock (another process waits, busy_timeout).
  const nextList: NextList = (venue, now) => {
    try {
      db.exec("BEGIN IMMEDIATE");
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
    try {
      const [r] = run(SQL.epoch, [venue]);
      const revoked = run(SQL.revoked, [venue, now]).map((x) => Number(x.serial));
      db.exec("COMMIT");
      return Promise.resolve({ epoch: Number(r.epoch), revoked });
    } catch (err) {
      db.exec("ROLLBACK");
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
  };
  let closed = false;
  return storeOver(exec, nextList, () => {
    if (!closed) db.close();
    closed = true;
    return Promise.resolve();
  });
}

/** PostgreSQL: the store of a fleet on several hosts. */
export async function openPgDoorPassStore(url: string): Promise<SharedDoorPassStore> {
  const pool = new pg.Pool({ connectionString: url, max: 4, connectionTimeoutMillis: 5000 });
  pool.on("error", () => undefined); // an idle client's error: the next query reports it
  try {
    const client = await pool.connect();
    try {
      await client.query("SELECT pg_advisory_lock(7270103)"); // relayers starting at once
      await client.query(SCHEMA);
      await client.query("SELECT pg_advisory_unlock(7270103)");
    } finally {
      client.release();
    }
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw new Error(`cannot open the PostgreSQL door-pass store: ${(err as Error).message.split("\n")[0]}`);
  }
  // The epoch's UPDATE locks the venue's row until COMMIT: another relayer's nextList waits for it,
  // then reads (READ COMMITTED) every revocation committed before.
  const nextList: NextList = async (venue, now) => {
    const client = await pool.connect();
    try {
      await client.query("BEGIN");
      try {
        const [r] = (await client.query<Row>(SQL.epoch, [venue])).rows;
        const revoked = (await client.query<Row>(SQL.revoked, [venue, now])).rows.map((x) => Number(x.serial));
        await client.query("COMMIT");
        return { epoch: Number(r.epoch), revoked };
      } catch (err) {
        await client.query("ROLLBACK").catch(() => undefined);
        throw err;
      }
    } finally {
      client.release();
    }
  };
  let closed = false;
  return storeOver(
    async (sql, args) => (await pool.query<Row>(sql, args)).rows,
    nextList,
    async () => {
      if (closed) return;
      closed = true;
      await pool.end();
    },
  );
}

export async function openDoorPassStore(spec: string): Promise<SharedDoorPassStore> {
  return /^postgres(ql)?:\/\//.test(spec) ? openPgDoorPassStore(spec) : openSqliteDoorPassStore(spec);
}
