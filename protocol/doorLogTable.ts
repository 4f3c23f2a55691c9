// The columns of a door-log record (protocol/doorLog.ts) in SQL, written once for the three tables
// that hold records: the agent's own file (agent/src/doorLog.ts, table `records`) and the relayers'
// audit store in SQLite or PostgreSQL (server/audit/doorLogStore.ts, table `door_log`, which adds
// the venue, the agent and the time of receipt). Each table wraps these columns in its own key.
import type { LogRecord } from "./doorLog.ts";

type Hex = `0x${string}`;
export type SqlDialect = "sqlite" | "postgres";
/** `int`: INTEGER in SQLite, BIGINT in PostgreSQL (times and pass ids outgrow 32 bits). */
export type ColumnType = "int" | "text";
export type Column = { name: string; type: ColumnType; nullable?: boolean };

/** A record's columns, in the order `recordValues` gives their values. */
export const RECORD_COLUMNS = [
  { name: "seq", type: "int" },
  { name: "time", type: "int" },
  { name: "door", type: "int" },
  { name: "kind", type: "text" },
  { name: "result", type: "text" },
  { name: "reason", type: "text" },
  { name: "ref", type: "text" },
  { name: "relayer", type: "text", nullable: true },
  { name: "pass", type: "text", nullable: true },
  { name: "prev_hash", type: "text" },
  { name: "hash", type: "text" },
  { name: "signature", type: "text" },
] as const satisfies readonly Column[];

export const sqlType = (type: ColumnType, dialect: SqlDialect) =>
  type === "text" ? "TEXT" : dialect === "postgres" ? "BIGINT" : "INTEGER";

/** Column definitions (`name TYPE [NOT NULL]`), comma-separated, for a CREATE TABLE. */
export function columnsSql(columns: readonly Column[], dialect: SqlDialect): string {
  return columns.map((c) => `${c.name} ${sqlType(c.type, dialect)}${c.nullable ? "" : " NOT NULL"}`).join(",\n    ");
}

/** A record's values in the order of RECORD_COLUMNS. */
export function recordValues(r: LogRecord): (string | number | null)[] {
  return [r.seq, r.time, r.door, r.kind, r.result, r.reason, r.ref, r.relayer, r.pass, r.prevHash, r.hash, r.signature];
}

/** A record read back from a row holding RECORD_COLUMNS (numbers may come back as strings). */
export function recordFromRow(agent: string, r: Record<string, unknown>): LogRecord {
  return {
    v: 1,
    agent,
    seq: Number(r.seq),
    time: Number(r.time),
    door: Number(r.door),
    kind: r.kind as LogRecord["kind"],
    result: r.result as LogRecord["result"],
    reason: r.reason as string,
    ref: r.ref as string,
    relayer: (r.relayer ?? null) as Hex | null,
    pass: (r.pass ?? null) as string | null,
    prevHash: r.prev_hash as Hex,
    hash: r.hash as Hex,
    signature: r.signature as Hex,
  };
}
