// The venues' status lists are republished, not only on change (server/door/statusListPublisher.ts):
// at start and every STATUS_LIST_REPUBLISH_S, so a broker restarted without persistence has them
// back within one interval and an agent started then gets one. Two relayers of a fleet publishing
// the same venue never leave agents with a list that un-revokes: a list's epoch and content come
// from one transaction of the shared store, and a list superseded before it went out is not sent.
import assert from "node:assert/strict";
import path from "node:path";
import { after, describe, it } from "node:test";
import { privateKeyToAddress } from "viem/accounts";
import { offlineCrypto } from "../../agent/src/offline/offlineCrypto.ts";
import { StatusLists } from "../../agent/src/offline/statusLists.ts";
import { TrustedRelayers } from "../../agent/src/offline/trustedRelayers.ts";
import { openSqliteDoorPassStore } from "../../server/door/doorPassStore.ts";
import { StatusListPublisher, type Every } from "../../server/door/statusListPublisher.ts";
import { createLogger } from "../../server/logger.ts";
import { statusListTopic, type StatusListMessage } from "../../protocol/statusList.ts";
import { CHAIN_ID, CONTRACT, RELAYER_KEY, OTHER_RELAYER_KEY } from "../agent/offlineFixture.ts";
import { simulators, startAdapter, startAgent, startBroker, type Broker } from "../agent/brokerHarness.ts";
import { tempDir } from "../helpers/tempDirs.ts";

const T0 = 1_800_000_000;
type Store = ReturnType<typeof openSqliteDoorPassStore>;

/** A timer the test ticks by hand. */
function manualEvery(): Every & { tick(): void; stopped: boolean; ms: number } {
  const fns: (() => void)[] = [];
  const every = Object.assign(
    (ms: number, fn: () => void) => {
      every.ms = ms;
      fns.push(fn);
      return { stop: () => void (every.stopped = true) };
    },
    { tick: () => fns.forEach((f) => f()), stopped: false, ms: 0 },
  );
  return every;
}

function publisher(
  store: Pick<Store, "revoke" | "nextList" | "epoch" | "venues">,
  o: { key?: `0x${string}`; publish?: (t: string, p: string) => Promise<void>; every?: Every; republishS?: number },
) {
  const key = o.key ?? RELAYER_KEY;
  return new StatusListPublisher({
    chainId: CHAIN_ID,
    contract: CONTRACT,
    relayerPrivateKey: key,
    relayerAddress: privateKeyToAddress(key).toLowerCase() as `0x${string}`,
    store,
    clock: () => T0,
    publish: o.publish ?? (() => Promise.resolve()),
    debounceMs: 0,
    republishS: o.republishS ?? 300,
    every: o.every,
    logger: createLogger("silent"),
  });
}

/** An agent's status lists, trusting both test relayers. */
async function agentLists(): Promise<StatusLists> {
  const dir = tempDir("pp-republish-agent-");
  const trust = new TrustedRelayers({
    file: path.join(dir, "trust.json"),
    venue: 1,
    chainId: CHAIN_ID,
    contract: CONTRACT,
    key: `0x${"77".repeat(32)}`,
    maxAgeS: 86_400,
    clock: () => T0,
  });
  await trust.update([privateKeyToAddress(RELAYER_KEY), privateKeyToAddress(OTHER_RELAYER_KEY)]);
  return new StatusLists({
    venue: 1,
    crypto: offlineCrypto(CHAIN_ID, CONTRACT),
    trust,
    file: path.join(dir, "l.json"),
  });
}

describe("status lists republished", () => {
  const cleanup: (() => unknown)[] = [];
  after(async () => {
    for (const c of cleanup.reverse()) await c();
  });

  it("publishes every venue's list at start and again at each interval, each under a newer epoch", async () => {
    const store = openSqliteDoorPassStore(path.join(tempDir("pp-republish-"), "door-passes.sqlite"));
    cleanup.push(() => store.close());
    await store.issue({ venue: 1, passId: 5n, member: "0xaa", validUntil: T0 + 3600 });
    await store.issue({ venue: 2, passId: 6n, member: "0xaa", validUntil: T0 + 3600 });
    await store.revoke(5n, T0);
    const sent: StatusListMessage[] = [];
    const every = manualEvery();
    const p = publisher(store, {
      publish: (_t, payload) => {
        sent.push(JSON.parse(payload) as StatusListMessage);
        return Promise.resolve();
      },
      every,
      republishS: 120,
    });
    p.start();
    await p.idle();
    assert.equal(every.ms, 120_000);
    assert.deepEqual(
      sent.map((m) => [m.venue, m.epoch]),
      [
        [1, 1],
        [2, 1],
      ],
      "every venue's list at start",
    );
    every.tick();
    await p.idle();
    assert.deepEqual(
      sent.slice(2).map((m) => [m.venue, m.epoch]),
      [
        [1, 2],
        [2, 2],
      ],
      "and again at the interval, newer",
    );
    const lists = await agentLists();
    for (const m of sent.filter((x) => x.venue === 1)) assert.equal(await lists.accept(JSON.stringify(m)), "accepted");
    assert.equal(lists.isRevoked(0), true, "the republished list still revokes");
    p.close();
    assert.equal(every.stopped, true);
  });

  it("two relayers: a list read before a revocation and sent after the newer one is not sent", async () => {
    const file = path.join(tempDir("pp-republish-fleet-"), "door-passes.sqlite");
    const [a, b] = [openSqliteDoorPassStore(file), openSqliteDoorPassStore(file)];
    cleanup.push(
      () => a.close(),
      () => b.close(),
    );
    await a.issue({ venue: 1, passId: 5n, member: "0xaa", validUntil: T0 + 3600 });
    // The retained topic: the last message sent wins; an agent sees every message in order.
    const topic: string[] = [];
    const publish = (t: string, payload: string) => {
      assert.equal(t, statusListTopic(1));
      topic.push(payload);
      return Promise.resolve();
    };
    // Relayer A's store answers late: A's republication reads the store before B's revocation,
    // and goes on only after B has published the list with it.
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    const slow = new Proxy(a, {
      get: (target, key: keyof Store) => {
        const f: unknown = Reflect.get(target, key);
        if (typeof f !== "function") return f;
        return async (...args: unknown[]) => {
          const out: unknown = await Reflect.apply(f, target, args);
          await gate;
          return out;
        };
      },
    });
    const relayerA = publisher(slow, { publish });
    const relayerB = publisher(b, { publish, key: OTHER_RELAYER_KEY });
    const stale = relayerA.publishNow(1);
    await new Promise((r) => setTimeout(r, 50)); // A has read the store
    assert.deepEqual(await b.revoke(5n, T0), [1]); // the pass is cancelled; B's index sees it
    await relayerB.publishNow(1);
    open();
    await stale;
    const lists = await agentLists();
    for (const m of topic) await lists.accept(m);
    assert.equal(lists.isRevoked(0), true, "the agent that saw every list still refuses the cancelled pass");
    const late = await agentLists(); // an agent started now gets the retained (last) list only
    assert.equal(await late.accept(topic.at(-1)!), "accepted");
    assert.equal(late.isRevoked(0), true, "the retained list revokes it too");
  });

  it("a broker restarted without persistence has the list again within one interval; an agent started then gets it", async () => {
    const broker: Broker = await startBroker("aedes");
    cleanup.push(() => broker.stop());
    const adapter = await startAdapter(broker);
    cleanup.push(() => adapter.close());
    const store = openSqliteDoorPassStore(path.join(tempDir("pp-republish-broker-"), "door-passes.sqlite"));
    cleanup.push(() => store.close());
    await store.issue({ venue: 1, passId: 5n, member: "0xaa", validUntil: T0 + 3600 });
    await store.revoke(5n, T0);
    const published: number[] = [];
    const p = new StatusListPublisher({
      chainId: CHAIN_ID,
      contract: CONTRACT,
      relayerPrivateKey: RELAYER_KEY,
      relayerAddress: privateKeyToAddress(RELAYER_KEY),
      store,
      clock: () => T0,
      publish: (t, payload) => adapter.publishRetained(t, payload),
      debounceMs: 0,
      republishS: 2,
      logger: createLogger("silent"),
      onPublished: (m) => published.push(m.epoch),
    });
    cleanup.push(() => p.close());
    p.start();
    for (let i = 0; !published.length; i++) {
      assert.ok(i < 200, "the list went out at start");
      await new Promise((r) => setTimeout(r, 25));
    }
    await broker.restart(); // aedes in memory: the retained list is gone
    const restarted = Date.now();
    const agent = startAgent(broker, 1, simulators(1));
    const got: Buffer[] = [];
    agent.onStatusList((payload) => got.push(payload));
    await agent.start();
    cleanup.push(() => agent.stop());
    for (; !got.length;) {
      assert.ok(Date.now() - restarted < 2000 + 2000, "the list is back within one interval (and a reconnect)");
      await new Promise((r) => setTimeout(r, 25));
    }
    const lists = await agentLists();
    assert.equal(await lists.accept(got[0]), "accepted");
    assert.equal(lists.isRevoked(0), true);
  });
});
