// The agent's door log alone: the record's hash and signed digest equal the relayer's (viem), the
// chain links and verifies across restarts, a torn or corrupted WAL tail opens and verifies up to the
// last durable record, pruning keeps the chain going, and a log that cannot be written keeps the door
// shut (fail closed) with the member's answer saying why.
import assert from "node:assert/strict";
import { copyFileSync, existsSync, readFileSync, statSync, truncateSync, writeFileSync } from "node:fs";
import path from "node:path";
import { DatabaseSync } from "node:sqlite";
import { describe, it } from "node:test";
import { privateKeyToAddress } from "viem/accounts";
import { DoorAgent } from "../../agent/src/doorAgent.ts";
import { DoorLog, DoorLogError, type DecisionLog } from "../../agent/src/doorLog.ts";
import { SimulatorDriver } from "../../agent/src/drivers/simulator.ts";
import { createAgentLogger } from "../../agent/src/log.ts";
import { lockCrypto, logRecordHash, recoverSigner, type Hex } from "../../agent/src/lockCrypto.ts";
import { GENESIS_HASH, parseLogUpload, type LogEntry } from "../../protocol/doorLog.ts";
import { RECORD_COLUMNS } from "../../protocol/doorLogTable.ts";
import { SqliteDoorLogStore } from "../../server/audit/doorLogStore.ts";
import { logRecordDigest, logRecordHash as viemRecordHash } from "../../protocol/doorLogDigest.ts";
import { CHAIN_ID, CONTRACT, lockKey, openCommand } from "./brokerHarness.ts";
import { tempDir } from "../helpers/tempDirs.ts";

const crypto = lockCrypto(CHAIN_ID, CONTRACT);
const keys = new Map<number, Hex>([
  [1, lockKey(1)],
  [2, lockKey(2)],
]);
let now = 1_800_000_000;
const clock = () => now;

function openLog(file: string, agentId = "venue1-a"): DoorLog {
  return new DoorLog({ file, agentId, crypto, keys, clock });
}

const entry = (i: number, o: Partial<LogEntry> = {}): LogEntry => ({
  time: now,
  door: 1 + (i % 2),
  kind: i % 3 === 0 ? "offline" : "online",
  result: i % 4 === 0 ? "refused" : "granted",
  reason: i % 4 === 0 ? "challenge_used" : "granted",
  ref: `0x${i.toString(16).padStart(64, "0")}`,
  relayer: i % 3 === 0 ? null : privateKeyToAddress(`0x${"ab".repeat(32)}`),
  pass: i % 3 === 0 ? String(1000 + i) : null,
  ...o,
});

describe("door log records", () => {
  it("hash and signed digest equal the relayer's (viem), and the lock key signs them", async () => {
    const log = openLog(":memory:");
    const r = log.appendSync(entry(3));
    assert.equal(r.hash, viemRecordHash(r));
    assert.equal(r.hash, logRecordHash(r));
    const digest = logRecordDigest(CHAIN_ID, CONTRACT, r);
    assert.equal(digest, crypto.logRecordDigest(r));
    assert.equal(
      (await recoverSigner(digest, r.signature))?.toLowerCase(),
      privateKeyToAddress(lockKey(r.door)).toLowerCase(),
    );
    // Every field counts: a changed reason or a changed link is another hash.
    assert.notEqual(viemRecordHash({ ...r, reason: "expired" }), r.hash);
    assert.notEqual(viemRecordHash({ ...r, prevHash: r.hash }), r.hash);
    log.close();
  });

  it("chains records 1, 2, 3… from the genesis hash and continues after a restart", () => {
    const file = path.join(tempDir("pp-doorlog-"), "log.sqlite");
    let log = openLog(file);
    const a = log.appendSync(entry(1));
    const b = log.appendSync(entry(2));
    assert.deepEqual([a.seq, b.seq], [1, 2]);
    assert.equal(a.prevHash, GENESIS_HASH);
    assert.equal(b.prevHash, a.hash);
    log.close();
    log = openLog(file);
    const c = log.appendSync(entry(3));
    assert.equal(c.seq, 3);
    assert.equal(c.prevHash, b.hash);
    assert.deepEqual(log.verify(), { ok: true, records: 3, head: 3 });
    // The upload message of these records parses back to the same records.
    const parsed = parseLogUpload(JSON.stringify({ v: 1, type: "log", records: log.records(1, 10) }), "venue1-a");
    assert.ok(parsed.ok);
    assert.deepEqual(
      parsed.value.records,
      [a, b, c].map((r) => ({ ...r, relayer: r.relayer?.toLowerCase() ?? null })),
    );
    log.close();
  });

  it("refuses a door it does not serve, an entry out of the record format, and a file of another agent", () => {
    const file = path.join(tempDir("pp-doorlog-"), "log.sqlite");
    const log = openLog(file);
    assert.throws(
      () => log.appendSync(entry(1, { door: 9 })),
      (e: DoorLogError) => e.code === "unknown_door",
    );
    // What the relayers could not parse would block the upload behind it.
    for (const bad of [{ ref: "two words" }, { reason: "Not Granted" }, { pass: "12a" }, { time: -1 }])
      assert.throws(
        () => log.appendSync(entry(1, bad)),
        (e: DoorLogError) => e.code === "invalid_entry",
      );
    assert.equal(log.head.seq, 0);
    log.close();
    assert.throws(() => openLog(file, "venue1-b"), /belongs to agent venue1-a/);
  });

  it("detects an edited record and a broken link", () => {
    const file = path.join(tempDir("pp-doorlog-"), "log.sqlite");
    const log = openLog(file);
    for (let i = 1; i <= 4; i++) log.appendSync(entry(i));
    log.close();
    const { DatabaseSync } = process.getBuiltinModule("node:sqlite");
    const db = new DatabaseSync(file);
    db.prepare("UPDATE records SET reason = 'granted' WHERE seq = 4").run();
    db.close();
    assert.deepEqual(openLog(file).verify(), { ok: false, seq: 4, problem: "hash does not match the record" });
    const db2 = new DatabaseSync(file);
    db2.prepare("DELETE FROM records WHERE seq = 2").run();
    db2.close();
    assert.deepEqual(openLog(file).verify(), { ok: false, seq: 3, problem: "does not link to the previous record" });
  });

  it("prunes only acknowledged records older than the kept age, and the chain goes on after pruning all", () => {
    const file = path.join(tempDir("pp-doorlog-"), "log.sqlite");
    let log = openLog(file);
    for (let i = 1; i <= 5; i++) log.appendSync(entry(i));
    log.markAcked(3);
    assert.equal(log.prune(30), 0, "nothing is older than 30 days yet");
    now += 31 * 86_400;
    assert.equal(log.prune(30), 3, "only the acknowledged ones go");
    assert.equal(log.firstKept(), 4);
    log.markAcked(5);
    assert.equal(log.prune(30), 2);
    const head = log.head;
    log.close();
    log = openLog(file);
    assert.deepEqual(log.head, head);
    assert.equal(log.acked, 5);
    const next = log.appendSync(entry(6));
    assert.equal(next.seq, 6);
    assert.equal(next.prevHash, head.hash);
    log.markAcked(99);
    assert.equal(log.acked, 6, "an ack beyond the head is capped");
    log.close();
  });
});

describe("power loss during a write", () => {
  // The database is copied while it is open (its WAL not checkpointed): the copy is what the disk
  // held at that instant. A torn last write is a WAL whose tail is cut or garbled.
  function snapshot(): { file: string; n: number } {
    const dir = tempDir("pp-doorlog-");
    const file = path.join(dir, "log.sqlite");
    const log = openLog(file);
    const n = 40;
    for (let i = 1; i <= n; i++) log.appendSync(entry(i));
    const copy = path.join(tempDir("pp-doorlog-copy-"), "log.sqlite");
    copyFileSync(file, copy);
    copyFileSync(`${file}-wal`, `${copy}-wal`);
    log.close();
    assert.ok(statSync(`${copy}-wal`).size > 0, "the records are in the WAL");
    return { file: copy, n };
  }

  it("a WAL cut in its last frame opens, and the chain verifies up to the last durable record", () => {
    const { file, n } = snapshot();
    truncateSync(`${file}-wal`, statSync(`${file}-wal`).size - 100);
    const log = openLog(file);
    const check = log.verify();
    assert.equal(check.ok, true);
    assert.ok(log.head.seq < n && log.head.seq >= n - 2, `head ${log.head.seq}: only the torn write is lost`);
    assert.equal(log.appendSync(entry(99)).seq, log.head.seq, "the chain continues from the last durable record");
    assert.equal(log.verify().ok, true);
    log.close();
  });

  it("a WAL whose last frame is garbage opens, and the chain verifies up to the last durable record", () => {
    const { file, n } = snapshot();
    const wal = readFileSync(`${file}-wal`);
    wal.fill(0x5a, wal.length - 300);
    writeFileSync(`${file}-wal`, wal);
    const log = openLog(file);
    assert.equal(log.verify().ok, true);
    assert.ok(log.head.seq < n && log.head.seq >= n - 2);
    log.close();
  });

  it("an intact copy keeps every record", () => {
    const { file, n } = snapshot();
    assert.ok(existsSync(`${file}-wal`));
    const log = openLog(file);
    assert.deepEqual(log.verify(), { ok: true, records: n, head: n });
    log.close();
  });
});

describe("the decision path fails closed", () => {
  const failing: DecisionLog = { append: () => Promise.reject(new Error("disk I/O error")) };

  async function decide(doorLog: DecisionLog, driver = new SimulatorDriver()) {
    const agent = new DoorAgent({
      agentId: "venue1-a",
      venue: 1,
      chainId: CHAIN_ID,
      contract: CONTRACT,
      broker: { url: "mqtt://127.0.0.1:1" },
      doors: [{ id: 1, key: lockKey(1), driver, pulseSeconds: 1 }],
      trust: { isRelayerTrusted: () => Promise.resolve(true) },
      clock: () => Math.floor(Date.now() / 1000),
      logger: createAgentLogger("error", () => undefined),
      doorLog,
    });
    const decisions: { result: string; reason: string }[] = [];
    agent.onDecision((d) => decisions.push(d));
    const challenge = (await agent.challenge(1))!;
    const command = openCommand(challenge, { ttl: 5 });
    const request = { v: 1, type: "open", id: command.challenge.slice(2), replyTo: "pp/v1/relayer/r1/res", command };
    await agent.receive("pp/v1/venue/1/door/1/cmd", Buffer.from(JSON.stringify(request)));
    return { driver, decisions };
  }

  it("a log that cannot be written keeps the door shut and answers log_unavailable", async () => {
    const { driver, decisions } = await decide(failing);
    assert.equal(driver.pulses.length, 0, "the lock was not driven");
    assert.deepEqual(
      decisions.map((d) => [d.result, d.reason]),
      [["refused", "log_unavailable"]],
    );
  });

  it("a grant is recorded before the lock is driven", async () => {
    const log = openLog(":memory:");
    const driver = new SimulatorDriver();
    let pulsesAtWrite = -1;
    const spy: DecisionLog = {
      append(e) {
        pulsesAtWrite = driver.pulses.length;
        return log.append(e);
      },
    };
    const { decisions } = await decide(spy, driver);
    assert.equal(pulsesAtWrite, 0);
    assert.equal(driver.pulses.length, 1);
    assert.deepEqual(
      decisions.map((d) => d.result),
      ["opened"],
    );
    const [r] = log.records(1, 10);
    assert.equal(r.result, "granted");
    assert.equal(r.kind, "online");
    log.close();
  });
});

describe("one record table for the agent and the relayers", () => {
  type ColumnInfo = { name: string; type: string; notnull: number; pk: number };
  const columns = (file: string, table: string) => {
    const db = new DatabaseSync(file);
    try {
      return db.prepare(`PRAGMA table_info(${table})`).all() as ColumnInfo[];
    } finally {
      db.close();
    }
  };

  it("the agent's records and the relayer's door_log hold the record's columns with the same types and nullability", async () => {
    const dir = tempDir("pp-doorlog-table-");
    openLog(path.join(dir, "agent.sqlite")).close();
    await new SqliteDoorLogStore(path.join(dir, "audit.sqlite")).close();
    const shape = (c: ColumnInfo) => [c.name, c.type, c.notnull];
    const agent = columns(path.join(dir, "agent.sqlite"), "records");
    const relayer = columns(path.join(dir, "audit.sqlite"), "door_log");
    assert.deepEqual(
      agent.map((c) => c.name),
      RECORD_COLUMNS.map((c) => c.name),
    );
    const byName = new Map(relayer.map((c) => [c.name, c]));
    assert.deepEqual(
      agent.map(shape),
      agent.map((c) => shape(byName.get(c.name)!)),
    );
    assert.deepEqual(
      relayer.map((c) => c.name),
      ["venue", "agent", ...RECORD_COLUMNS.map((c) => c.name), "received_at"],
    );
    // The agent's sequence is its rowid (one B-tree, appended in order); the relayer's key is (venue, agent, seq).
    assert.deepEqual(
      agent.filter((c) => c.pk).map((c) => [c.name, c.type]),
      [["seq", "INTEGER"]],
    );
    assert.deepEqual(
      relayer.filter((c) => c.pk).map((c) => c.name),
      ["venue", "agent", "seq"],
    );
  });

  it("a log file written under the earlier spelled-out schema opens, verifies, and its chain goes on", () => {
    const file = path.join(tempDir("pp-doorlog-old-"), "log.sqlite");
    let log = openLog(file);
    const first = log.appendSync(entry(1));
    log.close();
    // The same file rebuilt with the table as agent/src/doorLog.ts wrote it before the shared definition.
    const db = new DatabaseSync(file);
    db.exec(`
      ALTER TABLE records RENAME TO shared;
      CREATE TABLE records (
        seq INTEGER PRIMARY KEY, time INTEGER NOT NULL, door INTEGER NOT NULL, kind TEXT NOT NULL,
        result TEXT NOT NULL, reason TEXT NOT NULL, ref TEXT NOT NULL, relayer TEXT, pass TEXT,
        prev_hash TEXT NOT NULL, hash TEXT NOT NULL, signature TEXT NOT NULL
      );
      INSERT INTO records SELECT * FROM shared;
      DROP TABLE shared;
    `);
    db.close();
    log = openLog(file);
    assert.deepEqual(log.records(1, 10), [first]);
    const second = log.appendSync(entry(2));
    assert.equal(second.prevHash, first.hash);
    assert.deepEqual(log.verify(), { ok: true, records: 2, head: 2 });
    log.close();
  });
});
