// The relayer's index file (server/index/indexStore.ts): a restart resumes from the checkpoint
// (no eth_getLogs below it, recorded by an RPC proxy), a reorg that happened while the relayer was
// down is rolled back at start, a SIGKILL during a cold sync loses nothing, an unusable file or one
// written for another chain / contract is rebuilt with one log line before anything is served, and
// a granted challenge stays refused after a restart.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { Writable } from "node:stream";
import { DatabaseSync } from "node:sqlite";
import pino from "pino";
import { freePort, killGroup, ROOT, startLocalChain, type LocalChain } from "../helpers/localChain.ts";
import { startProviderProxy, type ProviderProxy } from "./providerProxy.ts";
import {
  assertIndexEqualsChain,
  indexedRelayerEnv,
  mine,
  seedHistory,
  startIndexedRelayer,
  type Seeded,
} from "./indexFixture.ts";
import { HOUR, startHarness, tempFile, type Harness } from "./fixture.ts";
import { loadConfig } from "../../server/config.ts";
import { startRelayer, type RunningRelayer } from "../../server/relayer.ts";
import { IndexStore } from "../../server/index/indexStore.ts";
import { InProcessLockAdapter } from "../../server/locks/lockAdapter.ts";
import { fetchChallenge, requestUnlock, signUnlockRequest } from "../../scripts/lib/doorClient.ts";
import type { Hex } from "../../protocol/types.ts";

const REBUILD = "index file unusable: rebuilding from the deploy block";

type Line = { msg: string; reason?: string; level: number };

/** A relayer whose log lines (info and above) the test reads. */
async function startLogged(
  chain: LocalChain,
  env: Record<string, string>,
): Promise<{ relayer: RunningRelayer; lines: Line[] }> {
  const lines: Line[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString().split("\n").filter(Boolean)) lines.push(JSON.parse(l) as Line);
      done();
    },
  });
  const logger = pino({ level: "info" }, stream);
  const relayer = await startIndexedRelayer(chain, env, { logger });
  return { relayer, lines };
}

const head = async (chain: LocalChain) =>
  Number((await chain.rpc<{ number: string }>("eth_getBlockByNumber", ["latest", false])).number);

describe("the index file", () => {
  let chain: LocalChain;
  let seeded: Seeded;
  const proxies: ProviderProxy[] = [];
  const relayers: RunningRelayer[] = [];
  const proxy = async (opts: Parameters<typeof startProviderProxy>[1] = {}) => {
    const p = await startProviderProxy(chain.rpcUrl, opts);
    proxies.push(p);
    return p;
  };

  before(async () => {
    chain = await startLocalChain();
    seeded = await seedHistory(chain, 24, 20);
  });
  after(async () => {
    for (const r of relayers) await r.close();
    for (const p of proxies) await p.close();
    await chain?.stop();
  });

  it("resumes from its checkpoint after a restart: no eth_getLogs starts below it", async () => {
    const env = (url: string) => indexedRelayerEnv(url, { INDEX_DB: indexDb });
    const indexDb = tempFile("index.sqlite");
    const first = await startLogged(chain, env((await proxy()).url));
    const checkpoint = first.relayer.ctx.index.tip;
    assert.equal(checkpoint, await head(chain));
    await first.relayer.close();

    const member = chain.accounts[3];
    const start = seeded.slot0 + 9 * HOUR;
    const booked = await seeded.p.book(member, seeded.venue.office, start, start + HOUR);
    await mine(chain, 5);

    const recording = await proxy();
    const second = await startLogged(chain, env(recording.url));
    relayers.push(second.relayer);
    const froms = recording.calls.filter((c) => c.method === "eth_getLogs").map((c) => c.fromBlock!);
    assert.ok(froms.length > 0);
    assert.equal(froms[0], checkpoint + 1, "the first read starts right after the checkpoint");
    for (const f of froms) assert.ok(f > checkpoint, `eth_getLogs from ${f}, at or below the checkpoint ${checkpoint}`);
    assert.equal(second.lines.filter((l) => l.msg === REBUILD).length, 0, "a good file is not rebuilt");
    assert.equal(second.relayer.ctx.index.passes.get(booked.passId)?.holder, member.address.toLowerCase());
    await assertIndexEqualsChain(seeded.p, second.relayer.ctx.index);
  });

  it("rolls back at start a reorg that happened while the relayer was down", async () => {
    const env = indexedRelayerEnv(chain.rpcUrl, { INDEX_DB: tempFile("index.sqlite") });
    const first = await startIndexedRelayer(chain, env);
    const snapshot = await chain.rpc<string>("evm_snapshot");
    const start = seeded.slot0 + 10 * HOUR;
    const gone = await seeded.p.book(chain.accounts[3], seeded.venue.office, start, start + HOUR);
    const goneToo = await seeded.p.book(chain.accounts[3], seeded.venue.office, start, start + HOUR);
    const moved = seeded.passes[3]; // held by account 5
    await seeded.p.write(chain.accounts[5], {
      functionName: "transferFrom",
      args: [chain.accounts[5].address, chain.accounts[10].address, moved],
    });
    await mine(chain, 2);
    while (first.ctx.index.tip < (await head(chain))) await first.ctx.index.poll();
    assert.equal(first.ctx.index.passes.get(gone.passId)?.resourceId, seeded.venue.office);
    assert.ok(first.ctx.index.passes.has(goneToo.passId));
    assert.equal(first.ctx.index.passes.get(moved)?.holder, chain.accounts[10].address.toLowerCase());
    const tipBefore = first.ctx.index.tip;
    await first.close();

    // While down: those blocks are replaced; the first pass id now names another pass, the second
    // names none, and the transferred pass is back with its holder.
    assert.equal(await chain.rpc("evm_revert", [snapshot]), true);
    const other = await seeded.p.book(chain.accounts[4], seeded.venue.room, start + HOUR, start + 2 * HOUR);
    assert.equal(other.passId, gone.passId);
    await mine(chain, 6);
    assert.ok((await head(chain)) > tipBefore);

    const second = await startIndexedRelayer(chain, env);
    relayers.push(second);
    assert.ok(second.ctx.index.reorgs >= 1, "the reorg was seen at start");
    const p = second.ctx.index.passes.get(other.passId);
    assert.equal(p?.holder, chain.accounts[4].address.toLowerCase());
    assert.equal(p?.resourceId, seeded.venue.room);
    assert.equal(second.ctx.index.passes.has(goneToo.passId), false);
    assert.equal(second.ctx.index.passes.get(moved)?.holder, chain.accounts[5].address.toLowerCase());
    await assertIndexEqualsChain(seeded.p, second.ctx.index);
  });

  it("loses nothing when killed with SIGKILL during a cold sync, and resumes from its checkpoint", async () => {
    const dir = path.dirname(tempFile("x"));
    const deploymentsDir = path.join(dir, "deployments");
    mkdirSync(deploymentsDir, { recursive: true });
    writeFileSync(path.join(deploymentsDir, "31337.json"), JSON.stringify(chain.deployments));
    const indexDb = path.join(dir, "index.sqlite");
    const slow = await proxy({ getLogsDelayMs: 15 });
    const env = { ...indexedRelayerEnv(slow.url, { INDEX_DB: indexDb, INDEX_MAX_BLOCK_RANGE: "8" }) };
    const child = spawn(process.execPath, [path.join(ROOT, "server/main.ts")], {
      cwd: ROOT,
      detached: true,
      stdio: "ignore",
      env: { ...process.env, ...env, PORT: String(await freePort()), DEPLOYMENTS_DIR: deploymentsDir },
    });
    try {
      const pages = () => slow.calls.filter((c) => c.method === "eth_getLogs").length;
      for (let k = 0; k < 600 && pages() < 12; k++) await new Promise((r) => setTimeout(r, 20));
      assert.ok(pages() >= 12, "the child is syncing");
    } finally {
      await killGroup(child, "SIGKILL");
    }
    const chainHead = await head(chain);
    const identity = { chainId: 31337, contract: seeded.p.address, deployBlock: chain.deployments.deployBlock };
    const rebuilds: string[] = [];
    const store = new IndexStore(indexDb, identity, (r) => rebuilds.push(r));
    const checkpoint = store.checkpoint();
    store.close();
    assert.deepEqual(rebuilds, [], "the killed relayer's file is intact");
    assert.ok(checkpoint, "a checkpoint was committed before the kill");
    assert.ok(checkpoint.tip > chain.deployments.deployBlock && checkpoint.tip < chainHead, `tip ${checkpoint.tip}`);

    const recording = await proxy();
    const resumed = await startIndexedRelayer(chain, { ...env, RPC_URL: recording.url });
    relayers.push(resumed);
    const froms = recording.calls.filter((c) => c.method === "eth_getLogs").map((c) => c.fromBlock!);
    assert.equal(froms[0], checkpoint.tip + 1);
    for (const f of froms) assert.ok(f > checkpoint.tip);
    await assertIndexEqualsChain(seeded.p, resumed.ctx.index);
  });

  it("loads a clean stop's snapshot; without a usable one (damaged, or older than the rows) it reads the rows", async () => {
    const identity = { chainId: 31337, contract: seeded.p.address, deployBlock: chain.deployments.deployBlock };
    const env = (indexDb: string) => indexedRelayerEnv(chain.rpcUrl, { INDEX_DB: indexDb });
    const withFile = <T>(indexDb: string, f: (db: DatabaseSync, store: IndexStore) => T): T => {
      const store = new IndexStore(indexDb, identity, () => assert.fail("rebuilt"));
      try {
        return f(new DatabaseSync(indexDb), store);
      } finally {
        store.close();
      }
    };
    const snapshotOf = (indexDb: string) => withFile(indexDb, (_db, store) => store.snapshot(store.checkpoint()!));

    // A clean stop writes one; the next start uses it: with the pass rows deleted behind the
    // relayer's back, the index still holds every pass.
    const used = tempFile("index.sqlite");
    await (await startIndexedRelayer(chain, env(used))).close();
    assert.ok(snapshotOf(used), "a snapshot after a clean stop");
    withFile(used, (db) => db.exec("DELETE FROM state WHERE map = 'passes'"));
    const fromSnapshot = await startIndexedRelayer(chain, env(used));
    relayers.push(fromSnapshot);
    await assertIndexEqualsChain(seeded.p, fromSnapshot.ctx.index);

    // A damaged snapshot: the rows are read.
    const damaged = tempFile("index.sqlite");
    await (await startIndexedRelayer(chain, env(damaged))).close();
    withFile(damaged, (db) => db.exec("UPDATE snapshot SET body = x'ff00ff00'"));
    const fromRows = await startIndexedRelayer(chain, env(damaged));
    relayers.push(fromRows);
    await assertIndexEqualsChain(seeded.p, fromRows.ctx.index);

    // Any commit of the rows drops the snapshot, so it can never be older than them.
    const stale = tempFile("index.sqlite");
    await (await startIndexedRelayer(chain, env(stale))).close();
    withFile(stale, (_db, store) => {
      const cp = store.checkpoint()!;
      assert.ok(store.snapshot(cp));
      store.commit({ upserts: [], deletes: [], blocks: store.blocks(), undo: [], checkpoint: cp });
      assert.equal(store.snapshot(cp), null);
    });
  });

  describe("when the file cannot be used", () => {
    const identity = () => ({ chainId: 31337, contract: seeded.p.address, deployBlock: chain.deployments.deployBlock });

    const expectRebuilt = async (indexDb: string, reason: RegExp) => {
      const { relayer, lines } = await startLogged(chain, indexedRelayerEnv(chain.rpcUrl, { INDEX_DB: indexDb }));
      relayers.push(relayer);
      const rebuilt = lines.filter((l) => l.msg === REBUILD);
      assert.equal(rebuilt.length, 1, "one log line");
      assert.match(rebuilt[0].reason!, reason);
      assert.equal(rebuilt[0].level, 40, "a warning");
      // Doors may be answered from the contract while the index loads; the index serves nothing
      // before it is ready.
      const ready = lines.findIndex((l) => l.msg === "index ready");
      assert.ok(lines.indexOf(rebuilt[0]) < ready, "rebuilt before the index serves anything");
      await assertIndexEqualsChain(seeded.p, relayer.ctx.index);
      await relayer.close();
      // The rebuilt file is good: the next start uses it as it is.
      const again = await startLogged(chain, indexedRelayerEnv(chain.rpcUrl, { INDEX_DB: indexDb }));
      relayers.push(again.relayer);
      assert.equal(again.lines.filter((l) => l.msg === REBUILD).length, 0);
    };

    it("rebuilds a corrupt file", async () => {
      const indexDb = tempFile("index.sqlite");
      writeFileSync(indexDb, Buffer.alloc(16_384, "not a database, just bytes. "));
      await expectRebuilt(indexDb, /unreadable|cannot open/);
    });

    it("rebuilds a file whose content does not parse", async () => {
      const indexDb = tempFile("index.sqlite");
      const store = new IndexStore(indexDb, identity(), () => undefined);
      store.commit({
        upserts: [{ map: "passes", key: "{", value: "}" }],
        deletes: [],
        blocks: [[5, `0x${"11".repeat(32)}`]],
        undo: [],
        checkpoint: { tip: 5, tipHash: `0x${"11".repeat(32)}` },
      });
      store.close();
      await expectRebuilt(indexDb, /content unreadable/);
    });

    it("rebuilds a file written for another chain id", async () => {
      const indexDb = tempFile("index.sqlite");
      new IndexStore(indexDb, { ...identity(), chainId: 84532 }, () => undefined).close();
      await expectRebuilt(indexDb, /chain id 84532/);
    });

    it("rebuilds a file written for another contract", async () => {
      const indexDb = tempFile("index.sqlite");
      const contract = "0x000000000000000000000000000000000000dead" as Hex;
      new IndexStore(indexDb, { ...identity(), contract }, () => undefined).close();
      await expectRebuilt(indexDb, /contract 0x000000000000000000000000000000000000dead/);
    });

    it("rebuilds a file written for another instance of the chain (same id and address, other blocks)", async () => {
      const indexDb = tempFile("index.sqlite");
      const first = await startIndexedRelayer(chain, indexedRelayerEnv(chain.rpcUrl, { INDEX_DB: indexDb }));
      await first.close();
      const db = new DatabaseSync(indexDb);
      db.prepare("UPDATE meta SET value = ? WHERE key = 'anchorHash'").run(`0x${"22".repeat(32)}`);
      db.close();
      await expectRebuilt(indexDb, /another chain instance/);
    });
  });
});

describe("used challenges across a restart", () => {
  let h: Harness;
  let second: RunningRelayer | undefined;
  before(async () => {
    h = await startHarness();
  });
  after(async () => {
    await second?.close();
    await h?.stop();
  });

  it("refuses a replayed challenge after the relayer restarted", async () => {
    const slot0 = Math.floor((await h.p.chainNow()) / HOUR) * HOUR;
    const member = h.chain.accounts[2];
    const { passId } = await h.p.book(member, h.venue.office, slot0, slot0 + 2 * HOUR);
    h.clock.now = slot0 + 600;
    const door = h.venue.street;
    const request = await signUnlockRequest({
      account: member.privateKey,
      chainId: 31337,
      contract: h.p.address,
      door,
      challenge: await fetchChallenge(h.relayer.url, door),
      passId,
      deadline: h.clock.now + 60,
    });
    const first = await requestUnlock(h.relayer.url, request);
    assert.equal(first.answer.reason, "granted");
    await h.relayer.close();

    const config = loadConfig({
      PORT: "0",
      RPC_URL: h.chain.rpcUrl,
      AUDIT_DB: h.auditDb,
      INDEX_DB: h.indexDb,
      LOG_LEVEL: "silent",
      INDEX_POLL_MS: "100",
      RATE_LIMIT_IP_PER_MIN: "1000000",
      RATE_LIMIT_ADDRESS_PER_MIN: "1000000",
    });
    second = await startRelayer(config, {
      clock: h.clock.fn,
      lock: new InProcessLockAdapter(h.sim),
      deployments: h.chain.deployments,
      defaultMetrics: false,
    });
    const replay = await requestUnlock(second.url, request);
    assert.equal(replay.answer.reason, "challenge_used");
    // A fresh challenge for the same pass is still granted by the restarted relayer.
    const fresh = await signUnlockRequest({
      account: member.privateKey,
      chainId: 31337,
      contract: h.p.address,
      door,
      challenge: await fetchChallenge(second.url, door),
      passId,
      deadline: h.clock.now + 60,
    });
    assert.equal((await requestUnlock(second.url, fresh)).answer.reason, "granted");
  });
});

describe("a relayer whose index is catching up", () => {
  let h: Harness;
  let slow: ProviderProxy;
  let relayer: RunningRelayer | undefined;
  before(async () => {
    h = await startHarness();
    slow = await startProviderProxy(h.chain.rpcUrl, { getLogsDelayMs: 150 });
  });
  after(async () => {
    await relayer?.close();
    await slow?.close();
    await h?.stop();
  });

  it("already listens: doors are decided from the contract, reads and /readyz answer 503", async () => {
    const slot0 = Math.floor((await h.p.chainNow()) / HOUR) * HOUR;
    const member = h.chain.accounts[2];
    const { passId } = await h.p.book(member, h.venue.office, slot0, slot0 + 2 * HOUR);
    h.clock.now = slot0 + 600;
    await h.relayer.close();
    await mine(h.chain, 40); // a cold sync of several slow pages (4 blocks each)

    let url = "";
    let caughtUp: Promise<RunningRelayer> | undefined;
    const listening = new Promise<void>((resolve) => {
      const config = loadConfig(indexedRelayerEnv(slow.url, { INDEX_MAX_BLOCK_RANGE: "4" }));
      const started = startRelayer(config, {
        clock: h.clock.fn,
        lock: new InProcessLockAdapter(h.sim),
        deployments: h.chain.deployments,
        defaultMetrics: false,
        onListening: (u) => {
          url = u;
          resolve();
        },
      });
      void started.then((r) => (relayer = r));
      caughtUp = started;
    });
    await listening;

    const ready = await fetch(`${url}/readyz`);
    assert.equal(ready.status, 503);
    const venues = await fetch(`${url}/api/venues`);
    assert.equal(venues.status, 503);
    assert.equal(((await venues.json()) as { error: { code: string } }).error.code, "not_ready");
    assert.equal(venues.headers.get("retry-after"), "5");

    const sign = async (account: Hex, door: number) =>
      signUnlockRequest({
        account,
        chainId: 31337,
        contract: h.p.address,
        door,
        challenge: await fetchChallenge(url, door),
        passId,
        deadline: h.clock.now + 60,
      });
    const granted = await sign(member.privateKey, h.venue.street);
    assert.equal((await requestUnlock(url, granted)).answer.reason, "granted");
    const stranger = await sign(h.chain.accounts[3].privateKey, h.venue.street);
    assert.equal((await requestUnlock(url, stranger)).answer.reason, "not_holder_or_guest");
    assert.equal(relayer, undefined, "the index was still catching up");
    assert.equal((await fetch(`${url}/readyz`)).status, 503);

    const r = await caughtUp!;
    assert.equal(r.ctx.index.catchingUp, false);
    assert.equal((await fetch(`${url}/readyz`)).status, 200);
    assert.equal((await fetch(`${url}/api/venues`)).status, 200);
    // Both decisions were made from direct contract reads (no index block), and audited.
    const records = await r.ctx.audit.query({ limit: 10 });
    const decided = records.filter((x) => x.reason === "granted" || x.reason === "not_holder_or_guest");
    assert.equal(decided.length, 2);
    for (const x of decided) assert.equal(x.block, null);
    // The challenge granted during the sync stays used.
    assert.equal((await requestUnlock(url, granted)).answer.reason, "challenge_used");
  });
});
