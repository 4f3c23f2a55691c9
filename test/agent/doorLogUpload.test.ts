// The door log's upload through a real broker (the embedded aedes with TLS and the generated ACL):
// agent (DoorLog + LogUploader) → broker → relayer's DoorLogReceiver → audit store → ack. Faults:
// a backlog written while offline, the broker restarted and the relayer replaced mid-upload (resumed,
// no duplicate, no gap), a second database with the same agent id (fork: refused and reported), a
// record with a bad signature (refused), and another venue's credentials (nothing reaches the log).
import assert from "node:assert/strict";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { connect, type MqttClient } from "mqtt";
import { privateKeyToAddress } from "viem/accounts";
import { DoorAgent } from "../../agent/src/doorAgent.ts";
import { DoorLog } from "../../agent/src/doorLog.ts";
import { SimulatorDriver } from "../../agent/src/drivers/simulator.ts";
import { createAgentLogger } from "../../agent/src/log.ts";
import { lockCrypto, type Hex } from "../../agent/src/lockCrypto.ts";
import { MQTT_PROTOCOL_VERSION } from "../../protocol/doorMqtt.ts";
import { logTopics, parseLogAck, type LogAck, type LogEntry, type LogRecord } from "../../protocol/doorLog.ts";
import { venueUser } from "../../server/broker/acl.ts";
import { SqliteDoorLogStore } from "../../server/audit/doorLogStore.ts";
import type { DoorLogFork } from "../../server/audit/doorLogStore.ts";
import { DoorLogReceiver } from "../../server/locks/doorLogReceiver.ts";
import { createLogger } from "../../server/logger.ts";
import { tempDir } from "../helpers/tempDirs.ts";
import { CHAIN_ID, CONTRACT, DOORS, PASSWORDS, lockKey, startBroker, trusted, type Broker } from "./brokerHarness.ts";
import { RELAYER_USER } from "../../server/broker/acl.ts";

const crypto = lockCrypto(CHAIN_ID, CONTRACT);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, check: () => boolean | Promise<boolean>, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

const entry = (i: number): LogEntry => ({
  time: 1_800_000_000 + i,
  door: 1 + (i % 2),
  kind: "offline",
  result: "granted",
  reason: "granted",
  ref: `code-${i}`,
  relayer: null,
  pass: String(100 + (i % 5)),
});

function newLog(agentId: string): DoorLog {
  return new DoorLog({
    file: path.join(tempDir("pp-doorlog-up-"), "log.sqlite"),
    agentId,
    crypto,
    keys: new Map<number, Hex>([
      [1, lockKey(1)],
      [2, lockKey(2)],
    ]),
    clock: () => Math.floor(Date.now() / 1000),
  });
}

function newAgent(broker: Broker, agentId: string, log: DoorLog, batch = 100): DoorAgent {
  return new DoorAgent({
    agentId,
    venue: 1,
    chainId: CHAIN_ID,
    contract: CONTRACT,
    broker: { url: broker.url, username: venueUser(1), password: PASSWORDS.get(venueUser(1)), ca: broker.ca },
    doors: [1, 2].map((id) => ({ id, key: lockKey(id), driver: new SimulatorDriver(), pulseSeconds: 1 })),
    trust: { isRelayerTrusted: (_door, relayer) => Promise.resolve(trusted.has(relayer.toLowerCase())) },
    clock: () => Math.floor(Date.now() / 1000),
    logger: createAgentLogger("error", () => undefined),
    reconnect: { minMs: 50, maxMs: 300 },
    doorLog: log,
    logUpload: { batch, ackTimeoutMs: 1000 },
  });
}

async function seqs(store: SqliteDoorLogStore, agent: string): Promise<number[]> {
  return (await store.query({ venues: [1], limit: 1000 }))
    .filter((r) => r.agent === agent)
    .map((r) => r.seq)
    .sort((a, b) => a - b);
}

async function client(broker: Broker, username: string): Promise<MqttClient> {
  const c = connect(broker.url, {
    protocolVersion: MQTT_PROTOCOL_VERSION,
    username,
    password: PASSWORDS.get(username),
    ca: broker.ca,
    reconnectPeriod: 0,
  });
  await new Promise<void>((resolve, reject) => {
    c.once("connect", () => resolve());
    c.once("error", reject);
  });
  return c;
}

describe("door log upload through the broker", () => {
  let broker: Broker;
  let store: SqliteDoorLogStore;
  let receiver: DoorLogReceiver;
  const forks: DoorLogFork[] = [];
  const outcomes: LogAck["status"][] = [];
  const running: { stop(): Promise<void> }[] = [];

  function startReceiver(): DoorLogReceiver {
    const r = new DoorLogReceiver({
      url: broker.url,
      username: RELAYER_USER,
      password: PASSWORDS.get(RELAYER_USER),
      ca: broker.ca,
      instanceId: `r${Math.random().toString(16).slice(2, 8)}`,
      logger: createLogger("silent"),
      store: forkSpy,
      chainId: CHAIN_ID,
      contract: CONTRACT,
      now: () => Math.floor(Date.now() / 1000),
      door: (id) => {
        const d = DOORS.find((x) => x.id === id);
        return Promise.resolve(d ? { venueId: d.venueId, lockKey: privateKeyToAddress(lockKey(id)) } : null);
      },
      onOutcome: (status) => outcomes.push(status),
    });
    r.connect();
    return r;
  }
  // The store, recording the forks it is told to flag (the operator-visible flag).
  let forkSpy: SqliteDoorLogStore;

  before(async () => {
    broker = await startBroker("aedes");
    store = new SqliteDoorLogStore(path.join(tempDir("pp-relayer-audit-"), "audit.sqlite"));
    forkSpy = Object.assign(Object.create(store) as SqliteDoorLogStore, {
      flagFork: (f: DoorLogFork) => {
        forks.push(f);
        return store.flagFork(f);
      },
    });
    receiver = startReceiver();
    await receiver.ready();
  });
  after(async () => {
    for (const a of running) await a.stop().catch(() => undefined);
    await receiver?.close();
    await store?.close();
    await broker?.stop();
  });

  it("uploads a backlog written while offline, in order, once the agent connects", async () => {
    const log = newLog("up-backlog");
    for (let i = 1; i <= 250; i++) log.appendSync(entry(i));
    const agent = newAgent(broker, "up-backlog", log);
    running.push(agent);
    await agent.start();
    await until("all acknowledged", () => log.acked === 250);
    assert.deepEqual(
      await seqs(store, "up-backlog"),
      Array.from({ length: 250 }, (_, i) => i + 1),
    );
    // A decision taken while connected follows at once.
    await agent.logDecision({ ...entry(251), time: undefined });
    await until("the new record acknowledged", () => log.acked === 251);
    assert.equal((await store.head(1, "up-backlog"))?.hash, log.head.hash);
  });

  it("an upload interrupted halfway (broker restarted, relayer replaced) resumes: no duplicate, no gap", async () => {
    const log = newLog("up-resume");
    for (let i = 1; i <= 400; i++) log.appendSync(entry(i));
    const agent = newAgent(broker, "up-resume", log, 20);
    running.push(agent);
    await agent.start();
    await until("part uploaded", () => log.acked >= 60);
    await broker.restart();
    await receiver.ready().catch(() => undefined);
    await until("more uploaded", () => log.acked >= 200);
    // The relayer goes away mid-batch and another takes over the same store.
    await receiver.close();
    const before = log.acked;
    assert.ok(before < 400, "interrupted before the end");
    receiver = startReceiver();
    await receiver.ready();
    await until("everything acknowledged", () => log.acked === 400, 30_000);
    const held = await seqs(store, "up-resume");
    assert.equal(held.length, 400, "no duplicate");
    assert.deepEqual(
      held,
      Array.from({ length: 400 }, (_, i) => i + 1),
      "no gap",
    );
    assert.ok(agent.uploader!.stats.records >= 400);
  });

  it("refuses and reports a forked history: another database with the same agent id", async () => {
    const original = newLog("up-fork");
    for (let i = 1; i <= 5; i++) original.appendSync(entry(i));
    const a = newAgent(broker, "up-fork", original);
    running.push(a);
    await a.start();
    await until("original uploaded", () => original.acked === 5);
    await a.stop();
    const heldBefore = await store.query({ venues: [1], limit: 1000 });
    // A copy of the agent restored from an old image (or a second Pi): same id, other decisions.
    const twin = newLog("up-fork");
    for (let i = 1; i <= 7; i++) twin.appendSync({ ...entry(i), ref: `twin-${i}` });
    const b = newAgent(broker, "up-fork", twin);
    running.push(b);
    const refusals = outcomes.filter((s) => s === "fork").length;
    await b.start();
    await until("fork reported", () => forks.length > 0 && outcomes.filter((s) => s === "fork").length > refusals);
    assert.equal(forks[0].agent, "up-fork");
    assert.equal(forks[0].seq, 1);
    assert.equal(forks[0].heldHash, original.records(1, 1)[0].hash);
    assert.equal(forks[0].offeredHash, twin.records(1, 1)[0].hash);
    await until("the twin told", () => b.uploader!.stats.refusals === 1);
    await sleep(300);
    assert.equal(b.uploader!.stats.refusals, 1, "the twin stops uploading");
    assert.equal(twin.acked, 0);
    assert.deepEqual(await store.query({ venues: [1], limit: 1000 }), heldBefore, "nothing of the twin is stored");
    assert.equal((await store.forks([1])).length, 1, "flagged for the operator");
    assert.equal((await store.forks([2])).length, 0);
  });

  it("refuses a record with a bad signature, an edited record and a gap, storing nothing", async () => {
    const venue = await client(broker, venueUser(1));
    const acks: LogAck[] = [];
    venue.on("message", (_t, p) => {
      const a = parseLogAck(p);
      if (a.ok) acks.push(a.value);
    });
    await venue.subscribeAsync(logTopics.ack(1, "up-forged"), { qos: 1 });
    const log = newLog("up-forged");
    const [r1, r2, r3] = [1, 2, 3].map((i) => log.appendSync(entry(i)));
    const send = (records: LogRecord[]) =>
      venue.publishAsync(logTopics.upload(1, "up-forged"), JSON.stringify({ v: 1, type: "log", records }), { qos: 1 });
    // r1 is door 2's; this signature is door 1's key (over door 1's record).
    const other = newLog("up-forged");
    const wrongKey = other.appendSync({ ...entry(1), door: 1 });
    await send([{ ...r1, signature: wrongKey.signature }]);
    await until("ack", () => acks.length === 1);
    assert.deepEqual(acks[0], {
      v: 1,
      type: "logAck",
      acked: 0,
      status: "invalid",
      seq: 1,
      problem: "not signed by the door's lock key",
    });
    await send([{ ...r1, reason: "expired" }]);
    await until("ack", () => acks.length === 2);
    assert.equal(acks[1].problem, "hash does not match the record");
    await send([r2, r3]);
    await until("ack", () => acks.length === 3);
    assert.deepEqual([acks[2].status, acks[2].acked, acks[2].seq], ["gap", 0, 2], "resend from 1");
    assert.deepEqual(await seqs(store, "up-forged"), []);
    await send([r1, r2, r3]);
    await until("ack", () => acks.length === 4);
    assert.deepEqual([acks[3].status, acks[3].acked], ["ok", 3]);
    // Sent again: held already, acked again, stored once.
    await send([r2, r3]);
    await until("ack", () => acks.length === 5);
    assert.deepEqual([acks[4].status, acks[4].acked], ["ok", 3]);
    assert.deepEqual(await seqs(store, "up-forged"), [1, 2, 3]);
    venue.end(true);
  });

  it("another venue's credentials cannot upload into this venue's log", async () => {
    const intruder = await client(broker, venueUser(2));
    const log = newLog("up-intruder");
    const r1 = log.appendSync(entry(1));
    // The broker drops the publish (aedes may also close the connection): never wait for its ack.
    intruder.publish(logTopics.upload(1, "up-intruder"), JSON.stringify({ v: 1, type: "log", records: [r1] }), {
      qos: 0,
    });
    await sleep(500);
    assert.deepEqual(await seqs(store, "up-intruder"), []);
    intruder.end(true);
  });
});
