// The door agents' logs in PostgreSQL (AUDIT_DB=postgres://…), for a fleet of relayers sharing one
// trail: the same table and contract as the SQLite store (doorLogStore.ts). Every relayer connected
// to the broker receives each upload; the first to commit a record stores it, the others find it
// held (ON CONFLICT DO NOTHING on the key), and all of them check the hash that was stored.
import pg from "pg";
import type { LogRecord } from "../../protocol/doorLog.ts";
import type { Hex } from "../../protocol/types.ts";
import { sqlType } from "../../protocol/doorLogTable.ts";
import {
  DOOR_LOG_COLUMNS,
  LOG_COLUMNS,
  RETENTION_WHERE,
  doorLogSchema,
  logLimit,
  logRow,
  logWhere,
  rowToFork,
  rowToLogRecord,
  type DoorLogFork,
  type DoorLogQuery,
  type DoorLogStore,
  type StoredLogRecord,
} from "./doorLogStore.ts";

const INSERT = `INSERT INTO door_log (${LOG_COLUMNS.join(", ")})
  SELECT * FROM unnest(${DOOR_LOG_COLUMNS.map((c, i) => `$${i + 1}::${sqlType(c.type, "postgres").toLowerCase()}[]`).join(", ")})
  ON CONFLICT DO NOTHING`;

export class PgDoorLogStore implements DoorLogStore {
  private readonly pool: pg.Pool;

  private constructor(pool: pg.Pool) {
    this.pool = pool;
  }

  static async open(url: string): Promise<PgDoorLogStore> {
    const pool = new pg.Pool({ connectionString: url, max: 4, connectionTimeoutMillis: 5000, statement_timeout: 5000 });
    pool.on("error", () => undefined);
    try {
      const client = await pool.connect();
      try {
        await client.query("SELECT pg_advisory_lock(7270102)");
        await client.query(doorLogSchema("postgres"));
        await client.query("SELECT pg_advisory_unlock(7270102)");
      } finally {
        client.release();
      }
    } catch (err) {
      await pool.end().catch(() => undefined);
      throw new Error(`cannot open the PostgreSQL door log store: ${(err as Error).message.split("\n")[0]}`);
    }
    return new PgDoorLogStore(pool);
  }

  async head(venue: number, agent: string) {
    const r = await this.pool.query<{ seq: string; hash: Hex }>(
      "SELECT seq, hash FROM door_log WHERE venue = $1 AND agent = $2 ORDER BY seq DESC LIMIT 1",
      [venue, agent],
    );
    return r.rows[0] ? { seq: Number(r.rows[0].seq), hash: r.rows[0].hash } : null;
  }

  async hashesAt(venue: number, agent: string, seqs: number[]) {
    if (!seqs.length) return new Map<number, Hex>();
    const r = await this.pool.query<{ seq: string; hash: Hex }>(
      "SELECT seq, hash FROM door_log WHERE venue = $1 AND agent = $2 AND seq = ANY($3::bigint[])",
      [venue, agent, seqs],
    );
    return new Map(r.rows.map((row) => [Number(row.seq), row.hash]));
  }

  async insert(venue: number, records: LogRecord[], receivedAt: number): Promise<void> {
    const columns: unknown[][] = LOG_COLUMNS.map(() => []);
    for (const rec of records) logRow(venue, rec, receivedAt).forEach((v, i) => columns[i].push(v));
    await this.pool.query(INSERT, columns);
  }

  async flagFork(f: DoorLogFork): Promise<void> {
    await this.pool.query(
      `INSERT INTO door_log_forks (venue, agent, seq, held_hash, offered_hash, detected_at) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT DO NOTHING`,
      [f.venue, f.agent, f.seq, f.heldHash, f.offeredHash, f.detectedAt],
    );
  }

  async forks(venues: number[]): Promise<DoorLogFork[]> {
    if (!venues.length) return [];
    const r = await this.pool.query<Record<string, unknown>>(
      "SELECT * FROM door_log_forks WHERE venue = ANY($1::bigint[]) ORDER BY id DESC LIMIT 100",
      [venues],
    );
    return r.rows.map(rowToFork);
  }

  async query(q: DoorLogQuery): Promise<StoredLogRecord[]> {
    const args: unknown[] = [];
    const where = logWhere(q, (v) => `$${args.push(v)}`);
    const r = await this.pool.query<Record<string, unknown>>(
      `SELECT * FROM door_log WHERE ${where} ORDER BY time DESC, seq DESC LIMIT ${logLimit(q)}`,
      args,
    );
    return r.rows.map(rowToLogRecord);
  }

  async applyRetention(days: number, nowS: number): Promise<number> {
    const r = await this.pool.query(`DELETE FROM door_log WHERE ${RETENTION_WHERE}`, [nowS - days * 86_400]);
    return r.rowCount ?? 0;
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
