// A venue network on a real broker for the integration suite: the embedded aedes or a throwaway
// Mosquitto with TLS, both with the users and ACL rules of server/broker/acl.ts; door agents with
// simulated locks; relayer-side adapters (server/locks/mqttLockAdapter.ts) that sign open commands.
import { randomBytes } from "node:crypto";
import { readFileSync, rmSync } from "node:fs";
import { privateKeyToAddress } from "viem/accounts";
import { DoorAgent } from "../../agent/src/doorAgent.ts";
import { SimulatorDriver } from "../../agent/src/drivers/simulator.ts";
import type { LockDriver } from "../../agent/src/drivers/driver.ts";
import { createAgentLogger } from "../../agent/src/log.ts";
import { brokerAcl, RELAYER_USER, venueUser } from "../../server/broker/acl.ts";
import { startEmbeddedBroker } from "../../server/broker/embeddedBroker.ts";
import { createDoorHasher, signDigest, toHex, type Hex } from "../../server/door/doorCrypto.ts";
import { createLogger } from "../../server/logger.ts";
import { MqttLockAdapter, type DoorStatusSink } from "../../server/locks/mqttLockAdapter.ts";
import { makeTestCertificates, startMosquitto } from "../../scripts/lib/mosquitto.ts";
import type { OpenCommand } from "../../protocol/eip712.ts";
import { tempDir } from "../helpers/tempDirs.ts";

export const CHAIN_ID = 31337;
export const CONTRACT: Hex = "0x5fbdb2315678afecb367f032d93f642f64180aa3";
/** Door → venue of the test network. */
export const DOORS = [
  { id: 1, venueId: 1 },
  { id: 2, venueId: 1 },
  { id: 3, venueId: 2 },
];
export const lockKey = (door: number): Hex => `0x${(1000 + door).toString(16).padStart(64, "0")}`;

export type BrokerKind = "aedes" | "mosquitto";
export type Broker = { url: string; ca?: string; restart(): Promise<void>; stop(): Promise<void> };

export const PASSWORDS = new Map<string, string>([
  [RELAYER_USER, `relayer-${randomBytes(6).toString("hex")}`],
  [venueUser(1), `venue1-${randomBytes(6).toString("hex")}`],
  [venueUser(2), `venue2-${randomBytes(6).toString("hex")}`],
]);

export async function startBroker(kind: BrokerKind): Promise<Broker> {
  const acl = brokerAcl(DOORS);
  if (kind === "mosquitto") {
    const m = await startMosquitto({ users: PASSWORDS, acl });
    return { url: m.url, ca: m.ca, restart: () => m.restart(), stop: () => m.stop() };
  }
  const dir = tempDir("pp-aedes-");
  const certs = makeTestCertificates(dir);
  const tls = { key: readFileSync(certs.key), cert: readFileSync(certs.cert) };
  let b = await startEmbeddedBroker({ tls, users: PASSWORDS, acl });
  const port = b.port;
  return {
    url: b.url,
    ca: readFileSync(certs.ca, "utf8"),
    async restart() {
      await b.close();
      b = await startEmbeddedBroker({ tls, users: PASSWORDS, acl, port });
    },
    async stop() {
      await b.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const relayerKey: Hex = `0x${"ab".repeat(32)}`;
export const relayerAddress = privateKeyToAddress(relayerKey);
export const trusted = new Set([relayerAddress.toLowerCase()]);

export function startAgent(
  broker: Broker,
  venue: number,
  drivers: Map<number, LockDriver>,
  opts: { username?: string; clock?: () => number } = {},
): DoorAgent {
  const username = opts.username ?? venueUser(venue);
  return new DoorAgent({
    agentId: `venue${venue}-${randomBytes(3).toString("hex")}`,
    venue,
    chainId: CHAIN_ID,
    contract: CONTRACT,
    broker: { url: broker.url, username, password: PASSWORDS.get(username), ca: broker.ca },
    doors: [...drivers].map(([id, driver]) => ({ id, key: lockKey(id), driver, pulseSeconds: 1 })),
    trust: { isRelayerTrusted: (_door, relayer) => Promise.resolve(trusted.has(relayer.toLowerCase())) },
    clock: opts.clock ?? (() => Math.floor(Date.now() / 1000)),
    logger: createAgentLogger("error", () => undefined),
    reconnect: { minMs: 100, maxMs: 1000 },
    driverBudgetMs: 1500,
  });
}

export function simulators(...doors: number[]): Map<number, SimulatorDriver> {
  return new Map(doors.map((d) => [d, new SimulatorDriver()]));
}

export async function startAdapter(
  broker: Broker,
  timeoutMs = 2000,
  statuses?: DoorStatusSink,
): Promise<MqttLockAdapter> {
  const a = new MqttLockAdapter({
    url: broker.url,
    username: RELAYER_USER,
    password: PASSWORDS.get(RELAYER_USER),
    ca: broker.ca,
    instanceId: `r-${randomBytes(4).toString("hex")}`,
    timeoutMs,
    chainId: CHAIN_ID,
    contract: CONTRACT,
    door: (id) => {
      const d = DOORS.find((x) => x.id === id);
      return Promise.resolve(d ? { venueId: d.venueId, lockKey: privateKeyToAddress(lockKey(id)) } : null);
    },
    logger: createLogger("silent"),
    statuses,
  });
  await a.start();
  return a;
}

const hasher = createDoorHasher(CHAIN_ID, CONTRACT);

/** A relayer's open command for a challenge, valid `ttl` seconds (signed by `key`). */
export function openCommand(
  challenge: { door: number; nonce: Hex; time: number },
  o: { ttl?: number; key?: Hex; door?: number; now?: number } = {},
): OpenCommand {
  const challengeId = toHex(hasher.challengeDigest(challenge));
  const key = o.key ?? relayerKey;
  const cmd: { door: number; challenge: Hex; expires: number } = {
    door: o.door ?? challenge.door,
    challenge: challengeId,
    expires: (o.now ?? Math.floor(Date.now() / 1000)) + (o.ttl ?? 1),
  };
  return { ...cmd, relayer: privateKeyToAddress(key), signature: signDigest(hasher.openCommandDigest(cmd), key) };
}
