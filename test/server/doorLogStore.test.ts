// The relayer's checks of uploaded door logs (server/audit/doorLogIngest.ts) on both stores, the
// SQLite file and PostgreSQL: stored in order and once, gaps and out-of-order batches answered with
// the place to resume, forks (same sequence, other hash; or a link to another history) refused and
// flagged, bad records refused, two relayers racing on one PostgreSQL store, retention keeping each
// agent's head, and the member's query (offline records of their passes only).
import assert from "node:assert/strict";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { privateKeyToAddress } from "viem/accounts";
import { DoorLog } from "../../agent/src/doorLog.ts";
import { lockCrypto, type Hex } from "../../agent/src/lockCrypto.ts";
import type { LogEntry, LogRecord } from "../../protocol/doorLog.ts";
import { ingestLogBatch, type IngestDeps } from "../../server/audit/doorLogIngest.ts";
import { SqliteDoorLogStore, type DoorLogFork, type DoorLogStore } from "../../server/audit/doorLogStore.ts";
import { PgDoorLogStore } from "../../server/audit/pgDoorLogStore.ts";
import { startPostgres, type PgCluster } from "../helpers/postgres.ts";
import { tempDir } from "../helpers/tempDirs.ts";

const CHAIN_ID = 31337;
const CONTRACT: Hex = "0x5fbdb2315678afecb367f032d93f642f64180aa3";
const key = (door: number): Hex => `0x${(4000 + door).toString(16).padStart(64, "0")}`;
/** Doors 1–2 of venue 1, door 3 of venue 2. */
const VENUE_OF = new Map([
  [1, 1],
  [2, 1],
  [3, 2],
]);

function history(agent: string, n: number, tweak = ""): LogRecord[] {
  const log = new DoorLog({
    file: ":memory:",
    agentId: agent,
    crypto: lockCrypto(CHAIN_ID, CONTRACT),
    keys: new Map([1, 2, 3].map((d) => [d, key(d)])),
    clock: () => 1_800_000_000,
  });
  const out = Array.from({ length: n }, (_, i) =>
    log.appendSync({
      time: 1_800_000_000 + i * 60,
      door: 1 + (i % 2),
      kind: i % 2 ? "online" : "offline",
      result: "granted",
      reason: "granted",
      ref: `ref-${i}${tweak}`,
      relayer: null,
      pass: String(10 + (i % 3)),
    } satisfies LogEntry),
  );
  log.close();
  return out;
}

function deps(store: DoorLogStore, forks: DoorLogFork[] = []): IngestDeps {
  return {
    store,
    chainId: CHAIN_ID,
    contract: CONTRACT,
    door: (id) =>
      Promise.resolve(VENUE_OF.has(id) ? { venueId: VENUE_OF.get(id)!, lockKey: privateKeyToAddress(key(id)) } : null),
    now: () => 1_900_000_000,
    onFork: (f) => forks.push(f),
    onInvalid: () => undefined,
  };
}

const seqs = async (store: DoorLogStore, agent: string) =>
  (await store.query({ venues: [1], limit: 1000 }))
    .filter((r) => r.agent === agent)
    .map((r) => r.seq)
    .sort((a, b) => a - b);

function behaves(name: string, open: () => Promise<DoorLogStore>) {
  describe(`door log ingestion on ${name}`, () => {
    let store: DoorLogStore;
    before(async () => {
      store = await open();
    });
    after(async () => {
      await store?.close();
    });

    it("stores consecutive batches, acks the head, and stores a resent record once", async () => {
      const h = history("a-ok", 6);
      assert.deepEqual(await ingestLogBatch(deps(store), 1, "a-ok", h.slice(0, 3)), {
        v: 1,
        type: "logAck",
        acked: 3,
        status: "ok",
      });
      const again = await ingestLogBatch(deps(store), 1, "a-ok", h.slice(1, 6));
      assert.deepEqual([again.status, again.acked], ["ok", 6]);
      assert.deepEqual(await seqs(store, "a-ok"), [1, 2, 3, 4, 5, 6]);
      const [held] = (await store.query({ venues: [1], limit: 1000 })).filter((r) => r.agent === "a-ok" && r.seq === 4);
      assert.deepEqual(
        { ...held, venue: undefined, receivedAt: undefined },
        { ...h[3], venue: undefined, receivedAt: undefined },
      );
    });

    it("answers a gap (or a batch out of order) with the place to resume, storing nothing beyond it", async () => {
      const h = history("a-gap", 5);
      await ingestLogBatch(deps(store), 1, "a-gap", h.slice(0, 2));
      const gap = await ingestLogBatch(deps(store), 1, "a-gap", h.slice(3, 5));
      assert.deepEqual([gap.status, gap.acked, gap.seq], ["gap", 2, 4]);
      assert.deepEqual(await seqs(store, "a-gap"), [1, 2]);
      const resumed = await ingestLogBatch(deps(store), 1, "a-gap", h.slice(2, 5));
      assert.deepEqual([resumed.status, resumed.acked], ["ok", 5]);
    });

    it("refuses and flags a fork: the same sequence with another hash, or a link to another history", async () => {
      const forks: DoorLogFork[] = [];
      const h = history("a-fork", 4);
      const twin = history("a-fork", 5, "-twin");
      await ingestLogBatch(deps(store), 1, "a-fork", h);
      const same = await ingestLogBatch(deps(store, forks), 1, "a-fork", twin.slice(1, 3));
      assert.deepEqual([same.status, same.acked, same.seq], ["fork", 4, 2]);
      // Only record 5 of the twin: a valid record whose prevHash is not the held record 4's hash.
      const linked = await ingestLogBatch(deps(store, forks), 1, "a-fork", twin.slice(4));
      assert.deepEqual([linked.status, linked.acked, linked.seq], ["fork", 4, 4]);
      assert.deepEqual(
        forks.map((f) => [f.seq, f.heldHash, f.offeredHash]),
        [
          [2, h[1].hash, twin[1].hash],
          [4, h[3].hash, twin[3].hash],
        ],
      );
      assert.equal((await store.forks([1])).filter((f) => f.agent === "a-fork").length, 2);
      assert.deepEqual(await seqs(store, "a-fork"), [1, 2, 3, 4]);
      assert.deepEqual(
        (await store.query({ venues: [1], limit: 1000 }))
          .filter((r) => r.agent === "a-fork")
          .map((r) => r.hash)
          .sort(),
        h.map((r) => r.hash).sort(),
        "the held history is unchanged",
      );
    });

    it("refuses bad records: signature, hash, door of another venue, unknown door", async () => {
      const h = history("a-bad", 2);
      const other = history("a-bad", 2, "-x");
      const cases: [LogRecord, string][] = [
        [{ ...h[0], signature: other[0].signature }, "not signed by the door's lock key"],
        [{ ...h[0], reason: "expired" }, "hash does not match the record"],
        [{ ...h[0], door: 3 }, "door 3 is not of venue 1"],
        [{ ...h[0], door: 99 }, "door 99 is not registered"],
      ];
      for (const [record, problem] of cases) {
        const ack = await ingestLogBatch(deps(store), 1, "a-bad", [record]);
        assert.deepEqual([ack.status, ack.acked, ack.problem], ["invalid", 0, problem]);
      }
      // A valid first record behind an invalid one: nothing after the invalid one is looked at.
      const ack = await ingestLogBatch(deps(store), 1, "a-bad", [h[0], { ...h[1], pass: "999" }]);
      assert.deepEqual([ack.status, ack.acked, ack.seq], ["invalid", 1, 2]);
      assert.deepEqual(await seqs(store, "a-bad"), [1]);
    });

    it("lists a member's offline records by pass, and a venue's records for its operator", async () => {
      const mine = await store.query({ passes: ["10"] });
      assert.ok(mine.length > 0);
      assert.ok(mine.every((r) => r.kind === "offline" && r.pass === "10"));
      assert.deepEqual(await store.query({ passes: [] }), []);
      assert.deepEqual(await store.query({ venues: [2] }), []);
      const times = (await store.query({ venues: [1], limit: 1000 })).map((r) => r.time);
      assert.deepEqual(
        times,
        [...times].sort((a, b) => b - a),
        "newest first",
      );
    });

    it("retention deletes old records but keeps each agent's head, so its chain goes on", async () => {
      const h = history("a-old", 5);
      await ingestLogBatch(deps(store), 1, "a-old", h.slice(0, 3));
      const deleted = await store.applyRetention(1, 2_000_000_000);
      assert.ok(deleted >= 2);
      assert.deepEqual(await seqs(store, "a-old"), [3]);
      const next = await ingestLogBatch(deps(store), 1, "a-old", h.slice(1, 5));
      assert.deepEqual([next.status, next.acked], ["ok", 5]);
    });
  });
}

behaves("SQLite", () =>
  Promise.resolve(new SqliteDoorLogStore(path.join(tempDir("pp-doorlog-store-"), "audit.sqlite"))),
);

describe("door log on PostgreSQL", () => {
  let pg: PgCluster;
  before(async () => {
    pg = await startPostgres();
  });
  after(() => pg?.stop());

  behaves("PostgreSQL", () => PgDoorLogStore.open(pg.url));

  it("two relayers racing on one store with two histories: one is stored, the other is a fork", async () => {
    const [a, b] = await Promise.all([PgDoorLogStore.open(pg.url), PgDoorLogStore.open(pg.url)]);
    try {
      const h = history("a-race", 3);
      const twin = history("a-race", 3, "-twin");
      const forks: DoorLogFork[] = [];
      const acks = await Promise.all([
        ingestLogBatch(deps(a, forks), 1, "a-race", h),
        ingestLogBatch(deps(b, forks), 1, "a-race", twin),
      ]);
      const held = (await a.query({ venues: [1], limit: 1000 })).filter((r) => r.agent === "a-race");
      assert.equal(held.length, 3);
      const winner = held.some((r) => r.hash === h[0].hash) ? h : twin;
      assert.deepEqual(held.map((r) => r.hash).sort(), winner.map((r) => r.hash).sort(), "one history, whole");
      assert.deepEqual(acks.map((x) => x.status).sort(), ["fork", "ok"]);
      assert.ok(forks.length >= 1);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});
