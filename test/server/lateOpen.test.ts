// A slow lock behind the broker: what the member is told must agree with what the lock may still
// do. The relayer and the door agent share a clock that ticks with real time; the agent's simulated
// lock takes `latencyMs` to act.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { HOUR, startHarness, unlock, type Harness } from "./fixture.ts";
import { MqttLockAdapter } from "../../server/locks/mqttLockAdapter.ts";
import type { LockAdapter } from "../../server/locks/lockAdapter.ts";
import { startEmbeddedBroker, type EmbeddedBroker } from "../../server/broker/embeddedBroker.ts";
import { DoorAgent } from "../../agent/src/doorAgent.ts";
import { ChainTrust } from "../../agent/src/chainTrust.ts";
import { SimulatorDriver } from "../../agent/src/drivers/simulator.ts";
import { createAgentLogger } from "../../agent/src/log.ts";
import { createLogger } from "../../server/logger.ts";
import { demoLockKey } from "../../server/demoKeys.ts";

describe("a slow lock behind the broker", () => {
  let h: Harness;
  let broker: EmbeddedBroker;
  let agent: DoorAgent;
  let passId: bigint;
  const lock = new SimulatorDriver();
  const member = () => h.chain.accounts[2];

  before(async () => {
    broker = await startEmbeddedBroker();
    // The relayer starts before the contract address is known: it reaches the adapter through this.
    const ref: { adapter?: MqttLockAdapter } = {};
    const lockAdapter: LockAdapter = {
      getChallenge: (door) => ref.adapter!.getChallenge(door),
      deliver: (command) => ref.adapter!.deliver(command),
      close: () => ref.adapter!.close(),
    };
    h = await startHarness({ LOCK_TIMEOUT_MS: "2000" }, { lock: lockAdapter });
    const adapter = new MqttLockAdapter({
      url: broker.url,
      instanceId: "late-open",
      timeoutMs: 2000,
      chainId: 31337,
      contract: h.p.address,
      door: async (id) => {
        const d = await h.relayer.ctx.reader.door(id);
        return d ? { venueId: d.venueId, lockKey: d.lockKey } : null;
      },
      logger: createLogger("silent"),
    });
    await adapter.start();
    ref.adapter = adapter;
    const slot0 = Math.floor((await h.p.chainNow()) / HOUR) * HOUR;
    passId = (await h.p.book(member(), h.venue.office, slot0, slot0 + 3 * HOUR)).passId;
    // Real seconds, shifted into the booking: same sub-second phase as the system clock.
    const offset = slot0 + 600 - Math.floor(Date.now() / 1000);
    Object.defineProperty(h.clock, "now", { get: () => Math.floor(Date.now() / 1000) + offset, configurable: true });
    agent = new DoorAgent({
      agentId: "late-open-venue",
      venue: h.venue.venueId,
      chainId: 31337,
      contract: h.p.address,
      broker: { url: broker.url },
      doors: [{ id: h.venue.street, key: demoLockKey(h.venue.street), driver: lock, pulseSeconds: 1 }],
      trust: new ChainTrust(h.chain.rpcUrl, h.p.address),
      clock: () => h.clock.now,
      logger: createAgentLogger("error", () => undefined),
    });
    await agent.start();
  });
  after(async () => {
    await agent?.stop();
    await h?.stop();
    await broker?.close();
  });

  async function open(latencyMs: number) {
    lock.options.latencyMs = latencyMs;
    const decided = new Promise<{ result: string; reason: string }>((resolve) => {
      const off = agent.onDecision((d) => {
        off();
        resolve(d);
      });
    });
    const before = lock.pulses.length;
    const asked = Date.now();
    const r = await unlock(h, { key: member().privateKey, passId, door: h.venue.street });
    const toldAt = Date.now();
    assert.equal(r.body.reason, "granted");
    const atLock = await decided; // the agent has acted on the command
    return { r, asked, toldAt, atLock, pulses: lock.pulses.length - before };
  }

  it("never opens the door after the relayer said the lock was unreachable", async () => {
    const { r, asked, toldAt, atLock, pulses } = await open(2500);
    assert.deepEqual(r.body.lock, { status: "unreachable", reason: "lock_unreachable" });
    assert.ok(toldAt - asked < 2700, `answered when the wait ended (${toldAt - asked} ms)`);
    assert.equal(pulses, 0, "the door did not open");
    assert.deepEqual(atLock, { ...atLock, result: "refused", reason: "lock_unreachable" });
    assert.ok(r.body.openCommand!.expires < h.clock.now, "the command the member holds has expired too");
  });

  it("tells the member what the lock did when it answers in time", async () => {
    const { r, atLock, pulses } = await open(200);
    assert.equal(atLock.result, "opened");
    assert.deepEqual(r.body.lock, { status: "opened" });
    assert.equal(pulses, 1);
  });
});
