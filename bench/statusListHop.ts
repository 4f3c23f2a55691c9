// A phase of `npm run bench:door:offline` (bench/doorOffline.ts): online revocation through the
// broker (issue 20's "cancel mined → new status list on the broker, p95 ≤ 1 s after the index sees
// it"). The relayer's StatusListPublisher (SQLite store, 50 ms debounce) publishes through the
// relayer's own broker client (MqttLockAdapter.publishRetained, user `relayer`) to a throwaway
// Mosquitto (TLS, the generated ACL); a subscriber with the venue's agent identity (`venue-1`) reads
// the retained pp/v1/venue/1/status-list and hands each list to the agent's StatusLists (signature,
// trusted relayer, epoch, gunzip). Timed from the index's pass change (`passChanged`) to the list
// whose bit for the revoked DoorPass is set: received by the subscriber, and accepted by the agent.
import { randomBytes } from "node:crypto";
import path from "node:path";
import { connect, type MqttClient } from "mqtt";
import { MQTT_PROTOCOL_VERSION } from "../protocol/doorMqtt.ts";
import { statusListTopic } from "../protocol/statusList.ts";
import { brokerAcl, RELAYER_USER, venueUser } from "../server/broker/acl.ts";
import { openSqliteDoorPassStore } from "../server/door/doorPassStore.ts";
import { StatusListPublisher } from "../server/door/statusListPublisher.ts";
import { MqttLockAdapter } from "../server/locks/mqttLockAdapter.ts";
import { createLogger } from "../server/logger.ts";
import { startMosquitto, type Mosquitto } from "../scripts/lib/mosquitto.ts";
import { removeTempDir, tempDir } from "../test/helpers/tempDirs.ts";
import { CHAIN_ID, CONTRACT, RELAYER_KEY, offlineGuardSetup, relayer } from "../test/agent/offlineFixture.ts";

const VENUE = 1;
const DEBOUNCE_MS = 50;
/** One revocation that never reaches the subscriber fails the bench instead of hanging it. */
const WAIT_MS = 10_000;

type Sample = { receivedMs: number; acceptedMs: number };

export type StatusListHop = {
  onBrokerMs: number[];
  acceptedByAgentMs: number[];
  debounceMs: number;
  revocations: number;
};

/** `revocations` cancels of passes holding a DoorPass, one after another, through a real broker. */
export async function measureStatusListHop(revocations: number, t0: number): Promise<StatusListHop> {
  const dir = tempDir("pp-bench-status-hop-");
  const users = new Map([
    [RELAYER_USER, randomBytes(12).toString("hex")],
    [venueUser(VENUE), randomBytes(12).toString("hex")],
  ]);
  let mosquitto: Mosquitto | null = null;
  let adapter: MqttLockAdapter | null = null;
  let subscriber: MqttClient | null = null;
  let publisher: StatusListPublisher | null = null;
  const store = openSqliteDoorPassStore(path.join(dir, "door-passes.sqlite"));
  try {
    mosquitto = await startMosquitto({ users, acl: brokerAcl([{ id: 1, venueId: VENUE }]) });
    adapter = new MqttLockAdapter({
      url: mosquitto.url,
      username: RELAYER_USER,
      password: users.get(RELAYER_USER),
      ca: mosquitto.ca,
      instanceId: "bench-status-list",
      timeoutMs: 2000,
      chainId: CHAIN_ID,
      contract: CONTRACT,
      door: () => Promise.resolve(null),
      logger: createLogger("silent"),
    });
    await adapter.start();
    const relayerClient = adapter;

    // The agent's side: its trusted set holds the relayer, its list store checks what arrives.
    const clock = () => t0;
    const { trust, lists } = offlineGuardSetup({ dir, clock });
    await trust.update([relayer.address]);
    let waiting: { serial: number; started: number; done: (s: Sample) => void } | null = null;
    let accepting = Promise.resolve();
    const seen = { lists: 0, refused: 0 };
    subscriber = connect(mosquitto.url, {
      protocolVersion: MQTT_PROTOCOL_VERSION,
      clientId: `agent-bench-${VENUE}`,
      clean: true,
      username: venueUser(VENUE),
      password: users.get(venueUser(VENUE)),
      ca: mosquitto.ca,
      rejectUnauthorized: true,
      reconnectPeriod: 0,
    });
    subscriber.on("message", (_topic, payload) => {
      const at = performance.now();
      seen.lists++;
      // One list at a time, in arrival order, as the agent does.
      accepting = accepting.then(async () => {
        const outcome = await lists.accept(payload, false);
        if (outcome !== "accepted") {
          seen.refused++;
          return;
        }
        const w = waiting;
        if (w && lists.isRevoked(w.serial) === true) {
          waiting = null;
          w.done({ receivedMs: at - w.started, acceptedMs: performance.now() - w.started });
        }
      });
    });
    const sub = subscriber;
    await new Promise<void>((resolve, reject) => {
      sub.once("error", reject);
      sub.once("connect", () => resolve());
    });
    const granted = await sub.subscribeAsync(statusListTopic(VENUE), { qos: 1 });
    if (granted.some((g) => g.qos === 128)) throw new Error("the venue's agent may not read its status list");

    publisher = new StatusListPublisher({
      chainId: CHAIN_ID,
      contract: CONTRACT,
      relayerPrivateKey: RELAYER_KEY,
      relayerAddress: relayer.address,
      store,
      clock,
      publish: (topic, payload) => relayerClient.publishRetained(topic, payload),
      debounceMs: DEBOUNCE_MS,
      republishS: 300, // not started: the benchmark times the revocations only
      logger: createLogger("silent"),
    });
    // The venue's first list is on the broker (retained) and held by the agent before the first cancel.
    await publisher.publishNow(VENUE);
    const firstBy = Date.now() + WAIT_MS;
    while (lists.epoch === null) {
      if (Date.now() > firstBy) throw new Error("the venue's first status list never reached the agent");
      await new Promise((r) => setTimeout(r, 5));
    }

    const received: number[] = [];
    const accepted: number[] = [];
    const pass = (id: bigint) => ({ id, holder: "0x01" }) as never;
    for (let i = 0; i < revocations; i++) {
      const passId = BigInt(i);
      const serial = await store.issue({ venue: VENUE, passId, member: "0x01", validUntil: t0 + 3600 });
      const sample = await new Promise<Sample>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`revocation ${i} (serial ${serial}) not on the agent after ${WAIT_MS} ms`)),
          WAIT_MS,
        );
        waiting = {
          serial,
          started: performance.now(),
          done: (s) => {
            clearTimeout(timer);
            resolve(s);
          },
        };
        // The index saw the pass burn (a cancel): before = the pass, after = none.
        publisher!.passChanged(pass(passId), undefined);
      });
      received.push(sample.receivedMs);
      accepted.push(sample.acceptedMs);
    }
    await publisher.idle();
    await accepting;
    if (seen.refused) throw new Error(`the agent refused ${seen.refused} of ${seen.lists} lists`);
    return { onBrokerMs: received, acceptedByAgentMs: accepted, debounceMs: DEBOUNCE_MS, revocations };
  } finally {
    publisher?.close();
    const sub = subscriber;
    if (sub) await new Promise<void>((r) => sub.end(true, {}, () => r()));
    await adapter?.close();
    await mosquitto?.stop();
    await store.close();
    removeTempDir(dir);
  }
}
