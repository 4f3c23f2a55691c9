// `npm run bench:doorlog` → bench/door.json, key "doorLog" (the other keys are kept): a venue's
// uplink down for 10 minutes with 1,000 offline openings, then back.
// - the agent takes 1,000 decisions through its decision path while disconnected, its clock
//   advancing 0.6 s per decision (the 10 minutes compressed by an injected clock); each waits for its
//   record to be durable (WAL, synchronous=FULL): append p50/p95;
// - the agent connects to a throwaway Mosquitto (TLS, the generated ACL) where a relayer's
//   DoorLogReceiver stores into a SQLite audit file: time from the connection until every record is
//   acknowledged (goal ≤ 10 s);
// - lost (records the agent wrote that the relayer does not hold), duplicated (rows beyond one per
//   sequence, and records sent more than once), and the chain as the relayer holds it: every hash
//   recomputes, links to the previous one, and recovers to its door's lock key.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { privateKeyToAddress } from "viem/accounts";
import { DoorAgent } from "../agent/src/doorAgent.ts";
import { DoorLog } from "../agent/src/doorLog.ts";
import { SimulatorDriver } from "../agent/src/drivers/simulator.ts";
import { createAgentLogger } from "../agent/src/log.ts";
import { lockCrypto, type Hex } from "../agent/src/lockCrypto.ts";
import { GENESIS_HASH } from "../protocol/doorLog.ts";
import { logRecordDigest, logRecordHash } from "../protocol/doorLogDigest.ts";
import { brokerAcl, RELAYER_USER, venueUser } from "../server/broker/acl.ts";
import { SqliteDoorLogStore } from "../server/audit/doorLogStore.ts";
import { hexToBuf, recoverSigner, sameAddress } from "../server/door/doorCrypto.ts";
import { DoorLogReceiver } from "../server/locks/doorLogReceiver.ts";
import { createLogger } from "../server/logger.ts";
import { startMosquitto, type Mosquitto } from "../scripts/lib/mosquitto.ts";
import { intFromEnv, round, writeBenchKeys } from "./lib.ts";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const DECISIONS = intFromEnv("BENCH_DECISIONS", 1000);
const OUTAGE_S = 600;
const CHAIN_ID = 31337;
const CONTRACT: Hex = "0x5fbdb2315678afecb367f032d93f642f64180aa3";
const DOORS = [1, 2, 3, 4];
const say = (s: string) => process.stdout.write(`${s}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const keyOf = (door: number): Hex => `0x${(7000 + door).toString(16).padStart(64, "0")}`;

function pct(sorted: number[], p: number): number {
  return round(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]);
}

async function main() {
  const work = mkdtempSync(path.join(tmpdir(), "pp-doorlog-bench-"));
  const users = new Map([
    [RELAYER_USER, randomBytes(12).toString("hex")],
    [venueUser(1), randomBytes(12).toString("hex")],
  ]);
  let mosquitto: Mosquitto | undefined;
  let agent: DoorAgent | undefined;
  let receiver: DoorLogReceiver | undefined;
  let store: SqliteDoorLogStore | undefined;
  let log: DoorLog | undefined;
  try {
    mosquitto = await startMosquitto({ users, acl: brokerAcl(DOORS.map((id) => ({ id, venueId: 1 }))) });
    say(`Mosquitto with TLS on ${mosquitto.url}`);
    store = new SqliteDoorLogStore(path.join(work, "audit.sqlite"));
    receiver = new DoorLogReceiver({
      url: mosquitto.url,
      username: RELAYER_USER,
      password: users.get(RELAYER_USER),
      ca: mosquitto.ca,
      instanceId: "bench",
      logger: createLogger("silent"),
      store,
      chainId: CHAIN_ID,
      contract: CONTRACT,
      now: () => Math.floor(Date.now() / 1000),
      door: (id) =>
        Promise.resolve(DOORS.includes(id) ? { venueId: 1, lockKey: privateKeyToAddress(keyOf(id)) } : null),
    });
    receiver.connect();
    await receiver.ready();

    // The outage: the clock runs 10 minutes over the 1,000 decisions.
    const t0 = 1_800_000_000;
    let now = t0;
    const keys = new Map(DOORS.map((d) => [d, keyOf(d)]));
    log = new DoorLog({
      file: path.join(work, "agent", "door-log.sqlite"),
      agentId: "bench-agent",
      crypto: lockCrypto(CHAIN_ID, CONTRACT),
      keys,
      clock: () => Math.floor(now),
    });
    agent = new DoorAgent({
      agentId: "bench-agent",
      venue: 1,
      chainId: CHAIN_ID,
      contract: CONTRACT,
      broker: { url: mosquitto.url, username: venueUser(1), password: users.get(venueUser(1)), ca: mosquitto.ca },
      doors: DOORS.map((id) => ({ id, key: keyOf(id), driver: new SimulatorDriver(), pulseSeconds: 1 })),
      trust: { isRelayerTrusted: () => Promise.resolve(false) },
      clock: () => Math.floor(now),
      logger: createAgentLogger("error", () => undefined),
      doorLog: log,
    });
    say(`${DECISIONS} offline decisions over ${OUTAGE_S / 60} simulated minutes, uplink down…`);
    const appendMs: number[] = [];
    const outageStart = performance.now();
    for (let i = 0; i < DECISIONS; i++) {
      now = t0 + (i * OUTAGE_S) / DECISIONS;
      const start = performance.now();
      await agent.logDecision({
        door: DOORS[i % DOORS.length],
        kind: "offline",
        result: "granted",
        reason: "granted",
        ref: `qr-${i}`,
        relayer: null,
        pass: String(1 + (i % 40)),
      });
      appendMs.push(performance.now() - start);
    }
    const outageMs = performance.now() - outageStart;
    appendMs.sort((a, b) => a - b);
    say(
      `  appended in ${round(outageMs / 1000)} s: p50 ${pct(appendMs, 50)} ms, p95 ${pct(appendMs, 95)} ms per record`,
    );

    // The uplink returns.
    const reconnect = performance.now();
    await agent.start();
    const connectedMs = performance.now() - reconnect;
    while (log.acked < DECISIONS) {
      if (performance.now() - reconnect > 120_000) throw new Error(`only ${log.acked} acknowledged after 120 s`);
      await sleep(5);
    }
    const uploadedMs = performance.now() - reconnect;
    say(
      `  all ${DECISIONS} acknowledged ${round(uploadedMs / 1000)} s after reconnecting (connected in ${round(connectedMs)} ms)`,
    );

    // What the relayer holds.
    const held = (await store.query({ venues: [1], limit: 1000 })).sort((a, b) => a.seq - b.seq);
    const distinct = new Set(held.map((r) => r.seq));
    let chainOk = held.length > 0 && held[0].prevHash === GENESIS_HASH;
    for (let i = 0; i < held.length && chainOk; i++) {
      const r = held[i];
      const signer = recoverSigner(hexToBuf(logRecordDigest(CHAIN_ID, CONTRACT, r)), r.signature);
      chainOk =
        logRecordHash(r) === r.hash &&
        (i === 0 || r.prevHash === held[i - 1].hash) &&
        signer !== null &&
        sameAddress(signer, privateKeyToAddress(keyOf(r.door)));
    }
    const agentChain = log.verify();
    const figures = {
      decisions: DECISIONS,
      simulatedOutageMinutes: OUTAGE_S / 60,
      appendMs: { p50: pct(appendMs, 50), p95: pct(appendMs, 95), max: round(appendMs[appendMs.length - 1]) },
      uploadAfterReconnectS: round(uploadedMs / 1000),
      goalUploadS: 10,
      batches: agent.uploader!.stats.batches,
      lost: DECISIONS - [...Array(DECISIONS).keys()].filter((i) => distinct.has(i + 1)).length,
      duplicated: held.length - distinct.size,
      resentRecords: agent.uploader!.stats.records - DECISIONS,
      chainVerifiedAtRelayer: chainOk && held.length === DECISIONS,
      chainVerifiedAtAgent: agentChain.ok,
      note: "Agent and relayer's DoorLogReceiver in this process, Mosquitto (TLS, generated ACL) beside them, relayer store SQLite (WAL, synchronous=FULL); the outage's 10 minutes run on an injected clock.",
    };
    say(
      `  lost ${figures.lost}, duplicated ${figures.duplicated} (records resent ${figures.resentRecords}), chain verified at the relayer: ${figures.chainVerifiedAtRelayer}, at the agent: ${figures.chainVerifiedAtAgent}`,
    );
    writeBenchKeys(path.join(ROOT, "bench", "door.json"), {
      doorLog: {
        when: new Date().toISOString(),
        machine: { cpus: cpus().length, node: process.version, loadAverageAtEnd: loadavg().map((x) => round(x)) },
        ...figures,
      },
    });
    say("wrote bench/door.json (key doorLog)");
  } finally {
    await agent?.stop();
    await receiver?.close();
    await store?.close();
    log?.close();
    await mosquitto?.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
