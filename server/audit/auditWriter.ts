// The audit log's writer thread. SQLite commits with synchronous=FULL block for an fsync (a few
// milliseconds here); doing them in this worker keeps the relayer's event loop serving requests
// meanwhile. Records that arrive during a commit are committed together in the next transaction.
import { parentPort, workerData } from "node:worker_threads";

// node:sqlite announces itself as experimental on load; the relayer keeps stderr for real problems.
process.removeAllListeners("warning");
process.on("warning", (w) => {
  if (!(w.name === "ExperimentalWarning" && /SQLite/.test(w.message)))
    process.stderr.write(`${w.name}: ${w.message}\n`);
});
const { DatabaseSync } = await import("node:sqlite");

/** A record and the time (ms) past which it must not be written: its answer has given up. */
type Insert = { seq: number; row: (string | number | null)[]; deadline: number };
type Msg = { type: "insert"; batch: Insert[] } | { type: "retention"; seq: number; before: number } | { type: "close" };

const { file } = workerData as { file: string };
const db = new DatabaseSync(file);
db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA busy_timeout = 5000;");
const insert = db.prepare(
  `INSERT INTO audit (recorded_at, time, door, venue, signer, pass, decision, reason, block, challenge, request_id, claimed_signer)
   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
);
let queue: Insert[] = [];
let scheduled = false;

/** Waits for another connection's lock at most `ms` (SQLite's busy handler). */
const waitAtMost = (ms: number) => db.exec(`PRAGMA busy_timeout = ${Math.max(1, Math.ceil(ms))}`);

function flush(): void {
  scheduled = false;
  const now = Date.now();
  // Records whose deadline passed while earlier batches waited for a lock are not written: each
  // record is either committed before its deadline or refused, never both.
  const late = queue.filter((m) => m.deadline <= now);
  const batch = queue.filter((m) => m.deadline > now);
  queue = [];
  if (late.length)
    parentPort!.postMessage({
      type: "failed",
      seqs: late.map((m) => m.seq),
      error: "audit store busy: the record could not be written in time",
    });
  if (batch.length === 0) return;
  try {
    waitAtMost(Math.min(...batch.map((m) => m.deadline)) - now);
    db.exec("BEGIN IMMEDIATE");
    const recordedAt = Date.now();
    // A conflict (this challenge is already granted in the trail) inserts nothing: id -1.
    const ids = batch.map((m) => {
      const r = insert.run(recordedAt, ...m.row);
      return r.changes === 0 ? -1 : Number(r.lastInsertRowid);
    });
    db.exec("COMMIT");
    parentPort!.postMessage({ type: "committed", seqs: batch.map((m) => m.seq), ids });
  } catch (err) {
    try {
      db.exec("ROLLBACK");
    } catch {
      // no transaction open
    }
    parentPort!.postMessage({ type: "failed", seqs: batch.map((m) => m.seq), error: (err as Error).message });
  }
}

parentPort!.on("message", (msg: Msg) => {
  if (msg.type === "insert") {
    for (const m of msg.batch) queue.push(m);
    if (!scheduled) {
      scheduled = true;
      setImmediate(flush);
    }
  } else if (msg.type === "retention") {
    flush();
    waitAtMost(5000);
    const r = db.prepare("DELETE FROM audit WHERE time < ?").run(msg.before);
    parentPort!.postMessage({ type: "retention", seq: msg.seq, deleted: Number(r.changes) });
  } else if (msg.type === "close") {
    flush();
    db.close();
    parentPort!.postMessage({ type: "closed" });
  }
});
