// `node bench/doorOffline.ts` (a phase of bench/door.json, key "offline"; the other keys are kept):
// the agent's offline decision on a scanned DoorPass code, with the agent held to one core
// (`taskset -c 0`): decode + relayer signature (secp256k1 recovery) + device signature (P-256) +
// status list lookup + the simulated driver's pulse, p50/p95/p99 over distinct codes (goal p95 ≤ 30 ms);
// the QR payload's size; 10,000 junk scans through the scanner's FIFO → RSS before and after; the
// relayer's status-list republication after the index saw a revocation: to the broker client (store +
// sign, no broker, in the pinned child), and through Mosquitto to the venue's agent
// (bench/statusListHop.ts, in this process, not pinned).
import { execFileSync, spawnSync } from "node:child_process";
import { closeSync, openSync, write } from "node:fs";
import { cpus, loadavg } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { encodeDoorCodeBytes } from "../protocol/doorPass.ts";
import type { DoorDecision } from "../agent/src/doorAgent.ts";
import { SimulatorDriver } from "../agent/src/drivers/simulator.ts";
import { createAgentLogger } from "../agent/src/log.ts";
import { OfflineDoors, type AgentLink } from "../agent/src/offline/offlineDoors.ts";
import { ScannerInput } from "../agent/src/offline/scannerInput.ts";
import { openSqliteDoorPassStore } from "../server/door/doorPassStore.ts";
import { StatusListPublisher } from "../server/door/statusListPublisher.ts";
import { createLogger } from "../server/logger.ts";
import { tempDir } from "../test/helpers/tempDirs.ts";
import {
  CHAIN_ID,
  CONTRACT,
  LOCK_KEY,
  RELAYER_KEY,
  makeCode,
  newDevice,
  offlineGuardSetup,
  relayer,
  samplePass,
  statusList,
} from "../test/agent/offlineFixture.ts";
import { round, writeBenchKeys } from "./lib.ts";
import { measureStatusListHop } from "./statusListHop.ts";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const CODES = 1000;
const JUNK = 10_000;
const T0 = 1_800_000_000 + 305;
const REVOCATIONS = 100;

function pct(xs: number[]) {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q: number) => round(s[Math.min(s.length - 1, Math.floor(q * s.length))]);
  return { p50: at(0.5), p95: at(0.95), p99: at(0.99), max: round(s[s.length - 1]) };
}

async function child(): Promise<void> {
  const dir = tempDir("pp-bench-offline-");
  const clock = { now: T0 };
  const { trust, lists, guard } = offlineGuardSetup({ dir, clock: () => clock.now });
  await trust.update([relayer.address]);
  // A venue with 100,000 DoorPasses issued and 1,000 of them revoked.
  const revoked = Array.from({ length: 1000 }, (_, i) => 10_000 + i * 97);
  await lists.accept(JSON.stringify(await statusList(1, 1, T0, revoked)));
  const decisions: DoorDecision[] = [];
  const link: AgentLink = {
    connected: false,
    onLink: () => () => undefined,
    onStatusList: () => () => undefined,
    report: (d) => void decisions.push(d),
    logDecision: () => Promise.resolve(), // the door log's own cost is bench:doorlog's figure
  };
  const driver = new SimulatorDriver();
  const doors = new OfflineDoors({
    agent: link,
    doors: [{ id: 1, key: LOCK_KEY, driver, pulseSeconds: 1 }],
    guard,
    lists,
    clock: () => clock.now,
    logger: createAgentLogger("error", () => undefined),
    offlineAfterS: 0,
    driverBudgetMs: 1000,
  });
  const device = await newDevice();
  const codes: string[] = [];
  for (let i = 0; i < CODES; i++)
    codes.push((await makeCode(samplePass(device, { serial: i, doors: [1, 2] }), device, T0)).text);
  const big = await makeCode(
    samplePass(device, { passId: (1n << 256n) - 1n, doors: Array.from({ length: 16 }, (_, i) => i + 1) }),
    device,
    T0,
  );
  const typical = await makeCode(samplePass(device, { passId: 123_456n }), device, T0);
  // Warm up (JIT, noble's precomputed tables), then measure distinct codes one after another.
  for (const c of codes.slice(0, 20)) await guard.check(c, 2);
  const ms: number[] = [];
  for (const c of codes) {
    const t = performance.now();
    const d = await doors.scan(1, c);
    ms.push(performance.now() - t);
    if (d.result !== "opened") throw new Error(`bench code refused: ${d.reason}`);
  }
  // Junk through the scanner's FIFO: random text, PP1 + random base64url, overlong lines.
  const fifo = path.join(dir, "scanner");
  execFileSync("mkfifo", [fifo]);
  let junkDecided = 0;
  const scanner = new ScannerInput({
    path: fifo,
    onLine: async (l) => {
      await doors.scan(1, l);
      junkDecided++;
    },
    logger: createAgentLogger("error", () => undefined),
    maxPending: 100_000,
  });
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const rssBefore = process.memoryUsage().rss;
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  const junkLine = (i: number) => {
    const n = 20 + ((i * 7919) % 360);
    let s = i % 3 === 0 ? "PP1" : "";
    for (let k = 0; k < n; k++) s += alphabet[(i * 31 + k * 17) % 64];
    return i % 50 === 0 ? "Z".repeat(5000) : s;
  };
  const fd = openSync(fifo, "w");
  const start = performance.now();
  // Written from the thread pool, a line at a time: the pipe fills while this same process reads it.
  for (let i = 0; i < JUNK; i++)
    await new Promise<void>((resolve, reject) =>
      write(fd, `${junkLine(i)}\n`, (err) => (err ? reject(err) : resolve())),
    );
  while (junkDecided + scanner.stats.dropped < JUNK) await new Promise((r) => setTimeout(r, 10));
  const junkSeconds = (performance.now() - start) / 1000;
  closeSync(fd);
  scanner.close();
  gc?.();
  const rssAfter = process.memoryUsage().rss;
  // The relayer's side: a revocation seen by the index → the venue's list signed and handed to the broker.
  const store = openSqliteDoorPassStore(path.join(dir, "door-passes.sqlite"));
  const published: number[] = [];
  let started = 0;
  const publisher = new StatusListPublisher({
    chainId: CHAIN_ID,
    contract: CONTRACT,
    relayerPrivateKey: RELAYER_KEY,
    relayerAddress: relayer.address,
    store,
    clock: () => T0,
    publish: () => Promise.resolve(),
    debounceMs: 50,
    republishS: 300, // not started: the benchmark times the revocations only
    logger: createLogger("silent"),
    onPublished: () => published.push(performance.now() - started),
  });
  const pass = (id: bigint) => ({ id, holder: "0x01" }) as never;
  for (let i = 0; i < REVOCATIONS; i++) {
    await store.issue({ venue: 1, passId: BigInt(i), member: "0x01", validUntil: T0 + 3600 });
    started = performance.now();
    publisher.passChanged(pass(BigInt(i)), undefined);
    while (published.length <= i) await new Promise((r) => setTimeout(r, 1));
  }
  publisher.close();
  await store.close();
  process.stdout.write(
    JSON.stringify({
      decisionMs: { ...pct(ms), codes: CODES },
      qrPayload: {
        typicalBytes: encodeDoorCodeBytes(typical.code).length,
        typicalChars: typical.text.length,
        sixteenDoorsMaxIdBytes: encodeDoorCodeBytes(big.code).length,
        sixteenDoorsMaxIdChars: big.text.length,
        encoding: "PP1 + base64url of the binary payload (protocol/doorPass.ts)",
      },
      junk: {
        scans: JUNK,
        decided: junkDecided,
        droppedOverlong: scanner.stats.dropped,
        seconds: round(junkSeconds),
        rssBeforeMb: round(rssBefore / 2 ** 20),
        rssAfterMb: round(rssAfter / 2 ** 20),
        gcForced: !!gc,
      },
      statusListToBrokerClientMs: { ...pct(published), debounceMs: 50, revocations: published.length },
    }),
  );
}

async function main(): Promise<void> {
  const loadAtStart = loadavg().map(round);
  const r = spawnSync(
    "taskset",
    ["-c", "0", process.execPath, "--expose-gc", fileURLToPath(import.meta.url), "--child"],
    { encoding: "utf8", maxBuffer: 1 << 20 },
  );
  if (r.status !== 0) throw new Error(`the offline bench failed: ${r.stderr}`);
  const figures = JSON.parse(r.stdout) as Record<string, unknown>;
  const hop = await measureStatusListHop(REVOCATIONS, T0);
  const offline = {
    when: new Date().toISOString(),
    machine: {
      cpus: cpus().length,
      node: process.version,
      loadAverageAtStart: loadAtStart,
      loadAverageAtEnd: loadavg().map(round),
    },
    note:
      "One agent process held to one core (taskset -c 0) on this 2-core machine shared with other work (see machine.loadAverage*). " +
      "Decision = decode + relayer signature recovery (secp256k1, @noble) + trusted-set lookup + device signature (P-256, @noble) + status-list lookup + single-use + the simulated driver's pulse, over 1,000 distinct codes. Junk goes through the scanner's FIFO. " +
      "Revocations, 100 cancels one after another, timed from the index's pass change (StatusListPublisher.passChanged; SQLite store, 50 ms debounce): " +
      "statusListToBrokerClientMs to the signed list handed to the broker client, without the broker's hop (in the pinned child); " +
      "statusListOnBrokerMs through the relayer's broker client (MqttLockAdapter.publishRetained, user relayer) and a throwaway Mosquitto (TLS, generated ACL) to a subscriber with the venue's agent identity (venue-1) on the retained pp/v1/venue/1/status-list, the list's bit for the revoked serial set; " +
      "statusListAcceptedByAgentMs the same list once the agent's StatusLists checked it (relayer signature, trusted set, epoch, gunzip) and reports the serial revoked (not pinned).",
    ...figures,
    statusListOnBrokerMs: { ...pct(hop.onBrokerMs), debounceMs: hop.debounceMs, revocations: hop.revocations },
    statusListAcceptedByAgentMs: {
      ...pct(hop.acceptedByAgentMs),
      debounceMs: hop.debounceMs,
      revocations: hop.revocations,
    },
    goalP95Ms: 30,
    goalStatusListOnBrokerP95Ms: 1000,
    goalQrBytes: 400,
  };
  writeBenchKeys(path.join(ROOT, "bench", "door.json"), { offline });
  process.stdout.write(`${JSON.stringify(offline, null, 2)}\nwrote bench/door.json (offline)\n`);
}

if (process.argv.includes("--child")) await child();
else await main();
