// The demo's door side: the embedded MQTT broker (aedes, in this process) with a password per
// venue and the ACL generated from the chain's door registry, one door agent process per venue
// (`agent/src/main.ts --config …`, simulated locks, the doors' demo lock keys), and the door log:
// every decision the agents publish on their doors' evt topics, lock-signed, served at
// `GET {doorLogUrl}/log[?door=N]` for the walkthrough and the e2e tests.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { openSync, readFileSync, writeFileSync } from "node:fs";
import http from "node:http";
import net, { type AddressInfo } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { connect, type MqttClient } from "mqtt";
import { recoverAddress } from "viem";
import {
  MQTT_PROTOCOL_VERSION,
  parseDoorEvent,
  parseDoorStatus,
  topics,
  type DoorDecisionEvent,
} from "../../protocol/doorMqtt.ts";
import type { Deployments } from "../../protocol/deployments.ts";
import { openAnswerDigest } from "../../protocol/doorAnswer.ts";
import { brokerAcl, RELAYER_USER, venueUser } from "../../server/broker/acl.ts";
import { startEmbeddedBroker } from "../../server/broker/embeddedBroker.ts";
import { createChainClient, createChainReader } from "../../server/index/chain.ts";
import { demoLockAddress, demoLockKey } from "../../server/demoKeys.ts";
import { makeTestCertificates } from "./mosquitto.ts";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

export type DemoDoors = {
  brokerUrl: string;
  relayerPassword: string;
  /** The CA file of a TLS broker (BROKER_CA_FILE). */
  caFile?: string;
  doorLogUrl: string;
  agents: { venue: number; doors: number[]; pid: number | undefined; config: string }[];
  /** Each door's screen (a QR code of a fresh challenge): door id → `http://127.0.0.1:<port>/door/<id>`. */
  screens: Map<number, string>;
  stop(): Promise<void>;
};

export async function startDemoDoors(o: {
  rpcUrl: string;
  chainId: number;
  runDir: string;
  deployments: Deployments;
  log: (line: string) => void;
  children: ChildProcess[];
  /** Listen with TLS (a throwaway CA in runDir): mqtts://, as production. */
  tls?: boolean;
  /** Extra Node arguments for the agent processes (the benchmarks' shared clock). */
  nodeArgs?: string[];
  /** How long the agents' challenges can be answered (default 120 s). */
  challengeTtlS?: number;
  /** The dApp's URL: every agent then serves its doors' screens on a free local port. */
  dappUrl?: string;
  /** Work that needs only the broker (the relayer's start), done while the agents come online. */
  whileAgentsStart?: (broker: { brokerUrl: string; relayerPassword: string }) => Promise<void>;
}): Promise<DemoDoors> {
  const contract = o.deployments.contracts.Passepartout.address;
  const reader = createChainReader(createChainClient(o.rpcUrl, 5000), contract);
  const count = await reader.doorCount();
  const doors: { id: number; venueId: number }[] = [];
  for (let id = 1; id <= count; id++) {
    const d = await reader.door(id);
    // Only doors whose lock key is the demo key can be simulated here.
    if (d?.active && d.lockKey.toLowerCase() === demoLockAddress(id).toLowerCase())
      doors.push({ id, venueId: d.venueId });
  }
  const venues = [...new Set(doors.map((d) => d.venueId))].sort((a, b) => a - b);
  const users = new Map<string, string>([[RELAYER_USER, randomBytes(16).toString("hex")]]);
  for (const v of venues) users.set(venueUser(v), randomBytes(16).toString("hex"));
  const certs = o.tls ? makeTestCertificates(o.runDir) : undefined;
  const broker = await startEmbeddedBroker({
    users,
    acl: brokerAcl(doors),
    tls: certs && { key: readFileSync(certs.key), cert: readFileSync(certs.cert) },
  });
  o.log(`embedded MQTT broker (aedes) on ${broker.url}, ACL for ${venues.length} venues and ${doors.length} doors`);

  // The door log and the online check, through the broker like any watcher.
  const decisions: DoorDecisionEvent[] = [];
  const online = new Set<number>();
  const watcher: MqttClient = connect(broker.url, {
    protocolVersion: MQTT_PROTOCOL_VERSION,
    clientId: `demo-door-log-${randomBytes(3).toString("hex")}`,
    username: RELAYER_USER,
    password: users.get(RELAYER_USER),
    ...(certs ? { ca: readFileSync(certs.ca) } : {}),
  });
  watcher.on("message", (topic, payload) => {
    if (topic.endsWith("/evt")) {
      const e = parseDoorEvent(payload);
      if (e.ok) decisions.push(e.value);
    } else {
      const s = parseDoorStatus(payload);
      if (s.ok && s.value.online) online.add(s.value.door);
      else if (s.ok) online.delete(s.value.door);
    }
  });
  await new Promise<void>((resolve) => watcher.once("connect", () => resolve()));
  await watcher.subscribeAsync(["pp/v1/venue/+/door/+/evt", topics.allDoorStatus], { qos: 1 });

  const agents: DemoDoors["agents"] = [];
  const screens = new Map<number, string>();
  for (const venue of venues) {
    const mine = doors.filter((d) => d.venueId === venue).map((d) => d.id);
    const screenPort = o.dappUrl ? await freeLocalPort() : 0;
    for (const id of o.dappUrl ? mine : []) screens.set(id, `http://127.0.0.1:${screenPort}/door/${id}`);
    const config = path.join(o.runDir, `agent-venue-${venue}.json`);
    writeFileSync(
      config,
      JSON.stringify(
        {
          agentId: `demo-venue-${venue}`,
          venue,
          chain: { rpcUrl: o.rpcUrl, chainId: o.chainId, contract, trustCacheMs: 2000 },
          broker: {
            url: broker.url,
            username: venueUser(venue),
            password: users.get(venueUser(venue)),
            ...(certs ? { caFile: certs.ca } : {}),
          },
          doors: mine.map((id) => ({ id, lockKey: demoLockKey(id), pulseSeconds: 5, driver: { type: "simulator" } })),
          statusIntervalMs: 10_000,
          ...(o.challengeTtlS ? { challengeTtlS: o.challengeTtlS } : {}),
          ...(o.dappUrl ? { screen: { port: screenPort, host: "127.0.0.1", dappUrl: o.dappUrl } } : {}),
        },
        null,
        2,
      ),
      { mode: 0o600 },
    );
    const logFile = path.join(o.runDir, `agent-venue-${venue}.log`);
    const out = openSync(logFile, "a");
    const child = spawn(
      process.execPath,
      [...(o.nodeArgs ?? []), path.join(ROOT, "agent", "src", "main.ts"), "--config", config],
      {
        cwd: ROOT,
        detached: true,
        stdio: ["ignore", out, out],
      },
    );
    o.children.push(child);
    agents.push({ venue, doors: mine, pid: child.pid, config });
  }
  const agentsOnline = async () => {
    const deadline = Date.now() + 60_000;
    while (!doors.every((d) => online.has(d.id))) {
      const dead = agents.find((a) => o.children.find((c) => c.pid === a.pid)?.exitCode != null);
      if (dead) throw new Error(`a door agent exited: see ${o.runDir}/agent-venue-${dead.venue}.log`);
      if (Date.now() > deadline)
        throw new Error(`door agents not online after 60 s: see ${o.runDir}/agent-venue-*.log`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  await Promise.all([
    agentsOnline(),
    o.whileAgentsStart?.({ brokerUrl: broker.url, relayerPassword: users.get(RELAYER_USER)! }),
  ]);

  const server = http.createServer((req, res) => {
    const u = new URL(req.url ?? "/", "http://x");
    if (u.pathname !== "/log") {
      res.writeHead(404).end();
      return;
    }
    const door = u.searchParams.get("door");
    res.writeHead(200, { "content-type": "application/json", "cache-control": "no-store" });
    res.end(JSON.stringify(door === null ? decisions : decisions.filter((d) => d.door === Number(door))));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const doorLogUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    brokerUrl: broker.url,
    relayerPassword: users.get(RELAYER_USER)!,
    caFile: certs?.ca,
    doorLogUrl,
    agents,
    screens,
    async stop() {
      watcher.end(true);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await broker.close();
    },
  };
}

/** A port nothing listens on now (the agent binds it a moment later). */
function freeLocalPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/** Checks a door log: every entry signed by the lock key registered for its door (door → address). */
export async function verifyDoorLog(
  entries: DoorDecisionEvent[],
  lockKeys: Map<number, `0x${string}`>,
  chainId: number,
  contract: `0x${string}`,
): Promise<{ ok: true } | { ok: false; index: number; problem: string }> {
  for (const [index, e] of entries.entries()) {
    const key = lockKeys.get(e.door);
    const signer = await recoverAddress({ hash: openAnswerDigest(chainId, contract, e), signature: e.signature }).catch(
      () => null,
    );
    if (!key || !signer || signer.toLowerCase() !== key.toLowerCase())
      return { ok: false, index, problem: "not signed by the door's lock" };
  }
  return { ok: true };
}
