// `npm run bench:door` → bench/door.json: the door path's figures (not a timed test).
// - the agent's installed size: agent/ and the protocol files it imports, `npm install --omit=dev`
//   into a temporary folder (what a Raspberry Pi would hold), and a start of its CLI from there;
// - 50 agents × 4 doors connected over TLS to a throwaway Mosquitto with the generated ACL, 20
//   openings/s for BENCH_SECONDS: the relayer's leg (MqttLockAdapter: challenge, then the signed
//   open command → Mosquitto → agent → simulated lock → lock-signed answer) p50/p95/p99, with the
//   broker's and the agents' CPU per opening;
// - one agent alone (4 doors): RSS and CPU while idle;
// - a broker restart: time until all 200 doors are online again, and until a door opens again.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { connect } from "mqtt";
import { privateKeyToAddress } from "viem/accounts";
import { MQTT_PROTOCOL_VERSION, parseDoorStatus, topics } from "../protocol/doorMqtt.ts";
import { brokerAcl, RELAYER_USER, venueUser } from "../server/broker/acl.ts";
import { createDoorHasher, signDigest, toHex, type Hex } from "../server/door/doorCrypto.ts";
import { createLogger } from "../server/logger.ts";
import { MqttLockAdapter } from "../server/locks/mqttLockAdapter.ts";
import { demoLockAddress } from "../server/demoKeys.ts";
import { startMosquitto, type Mosquitto } from "../scripts/lib/mosquitto.ts";
import { bundleAgent } from "../scripts/lib/bundleAgent.ts";
import { writeBenchKeys } from "./lib.ts";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const AGENTS = 50;
const DOORS_PER_AGENT = 4;
const AGENTS_PER_PROCESS = 10;
const RATE = 20; // openings per second
const SECONDS = Number(process.env.BENCH_SECONDS ?? 30);
const CHAIN_ID = 31337;
const CONTRACT: Hex = "0x5fbdb2315678afecb367f032d93f642f64180aa3";
const CLK_TCK = 100;

const say = (s: string) => process.stdout.write(`${s}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;

/** CPU seconds (user + system) of a process, from /proc. */
function cpuSeconds(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return (Number(f[11]) + Number(f[12])) / CLK_TCK;
}
function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) / 1024 : NaN;
}

function installedSize(): { bytes: number; mb: number; packages: number; startsStandalone: boolean } {
  const dir = mkdtempSync(path.join(tmpdir(), "pp-agent-install-"));
  try {
    cpSync(path.join(ROOT, "agent"), path.join(dir, "agent"), {
      recursive: true,
      filter: (src) => !src.includes("node_modules") && !src.includes(`${path.sep}dist`),
    });
    // The protocol files it imports (ES modules load only what is imported: the folder is enough).
    cpSync(path.join(ROOT, "protocol"), path.join(dir, "protocol"), { recursive: true });
    // Its dependencies one level up, where both agent/ and protocol/ resolve them.
    cpSync(path.join(ROOT, "agent", "package.json"), path.join(dir, "package.json"));
    execFileSync("npm", ["install", "--omit=dev", "--no-audit", "--no-fund", "--ignore-scripts", "--no-package-lock"], {
      cwd: dir,
      stdio: "pipe",
    });
    const bytes = Number(execFileSync("du", ["-sb", dir], { encoding: "utf8" }).split("\t")[0]);
    const packages = Number(
      execFileSync(
        "sh",
        [
          "-c",
          "find node_modules -name package.json -path '*node_modules/*/package.json' -not -path '*/node_modules/*/node_modules/*/*' | wc -l",
        ],
        {
          cwd: dir,
          encoding: "utf8",
        },
      ).trim(),
    );
    // It loads on its own: a config error is its first words.
    let startsStandalone = false;
    try {
      execFileSync(process.execPath, ["agent/src/main.ts", "--config", "missing.json"], { cwd: dir, stdio: "pipe" });
    } catch (err) {
      startsStandalone = String((err as { stderr?: Buffer }).stderr).startsWith("cannot read the config file");
    }
    return { bytes, mb: round(bytes / 1e6), packages, startsStandalone };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function stopWorker(w: Worker): Promise<void> {
  if (w.child.exitCode !== null) return;
  const exited = new Promise<void>((r) => w.child.once("exit", () => r()));
  w.child.kill("SIGTERM");
  const t = setTimeout(() => w.child.kill("SIGKILL"), 2000);
  await exited;
  clearTimeout(t);
}

/** The release's agent: one file (npm run build:agent), started alone from an empty folder. */
async function bundledSize(): Promise<{ bytes: number; mb: number; startsStandalone: boolean }> {
  const dir = mkdtempSync(path.join(tmpdir(), "pp-agent-bundle-"));
  try {
    const { bytes } = await bundleAgent(path.join(ROOT, "agent", "src", "main.ts"), path.join(dir, "door-agent.mjs"));
    let startsStandalone = false;
    try {
      execFileSync(process.execPath, ["door-agent.mjs", "--config", "missing.json"], { cwd: dir, stdio: "pipe" });
    } catch (err) {
      startsStandalone = String((err as { stderr?: Buffer }).stderr).startsWith("cannot read the config file");
    }
    return { bytes, mb: round(bytes / 1e6, 2), startsStandalone };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

type Worker = { child: ChildProcess; stats(): Promise<{ opened: number; refused: number; connects: number }> };

function startWorker(spec: object, script = path.join(ROOT, "bench", "doorAgentWorker.ts")): Promise<Worker> {
  const child = spawn(process.execPath, [script, JSON.stringify(spec)], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  const lines = createInterface({ input: child.stdout });
  const waiting: ((l: string) => void)[] = [];
  lines.on("line", (l) => waiting.shift()?.(l));
  const next = () => new Promise<string>((r) => waiting.push(r));
  return next().then((first) => {
    if (first !== "ready") throw new Error(`agent worker: ${first}`);
    return {
      child,
      async stats() {
        const p = next();
        child.stdin.write("\n");
        return JSON.parse((await p).slice(6)) as { opened: number; refused: number; connects: number };
      },
    };
  });
}

async function main() {
  say("door bench: the agent's installed size…");
  const size = installedSize();
  say(`  ${size.mb} MB with its node_modules (${size.packages} packages), starts standalone: ${size.startsStandalone}`);
  const bundle = await bundledSize();
  say(`  as one bundled file (npm run build:agent): ${bundle.mb} MB, starts standalone: ${bundle.startsStandalone}`);

  const doors = Array.from({ length: AGENTS * DOORS_PER_AGENT }, (_, i) => ({
    id: i + 1,
    venueId: Math.floor(i / DOORS_PER_AGENT) + 1,
  }));
  const users = new Map<string, string>([[RELAYER_USER, randomBytes(12).toString("hex")]]);
  for (let v = 1; v <= AGENTS; v++) users.set(venueUser(v), randomBytes(12).toString("hex"));
  const work = mkdtempSync(path.join(tmpdir(), "pp-door-bench-"));
  let mosquitto: Mosquitto | undefined;
  const workers: Worker[] = [];
  try {
    mosquitto = await startMosquitto({ users, acl: brokerAcl(doors) });
    const caFile = path.join(work, "ca.pem");
    writeFileSync(caFile, mosquitto.ca);
    const version = execFileSync("dpkg-query", ["-W", "-f=${Version}", "mosquitto"], { encoding: "utf8" });
    say(`Mosquitto ${version} with TLS on ${mosquitto.url}`);

    const relayerKey: Hex = `0x${randomBytes(32).toString("hex")}`;
    const relayer = privateKeyToAddress(relayerKey);
    // The watcher: every door's retained status.
    const online = new Map<number, number>();
    const watcher = connect(mosquitto.url, {
      protocolVersion: MQTT_PROTOCOL_VERSION,
      username: RELAYER_USER,
      password: users.get(RELAYER_USER),
      ca: mosquitto.ca,
      reconnectPeriod: 100,
    });
    watcher.on("message", (_t, payload) => {
      const s = parseDoorStatus(payload);
      if (s.ok && s.value.online) online.set(s.value.door, Date.now());
    });
    watcher.on("connect", () => watcher.subscribe(topics.allDoorStatus, { qos: 1 }));
    await new Promise<void>((r) => watcher.once("connect", () => r()));

    say(`starting ${AGENTS} agents × ${DOORS_PER_AGENT} doors in ${AGENTS / AGENTS_PER_PROCESS} processes…`);
    const started = Date.now();
    for (let w = 0; w < AGENTS / AGENTS_PER_PROCESS; w++) {
      const agents = Array.from({ length: AGENTS_PER_PROCESS }, (_, i) => {
        const venue = w * AGENTS_PER_PROCESS + i + 1;
        return {
          venue,
          username: venueUser(venue),
          password: users.get(venueUser(venue))!,
          doors: doors.filter((d) => d.venueId === venue).map((d) => d.id),
        };
      });
      workers.push(
        await startWorker({ brokerUrl: mosquitto.url, caFile, relayer, chainId: CHAIN_ID, contract: CONTRACT, agents }),
      );
    }
    while (online.size < doors.length) await sleep(20);
    say(`  all ${doors.length} doors online in ${((Date.now() - started) / 1000).toFixed(1)} s`);

    const adapter = new MqttLockAdapter({
      url: mosquitto.url,
      username: RELAYER_USER,
      password: users.get(RELAYER_USER),
      ca: mosquitto.ca,
      instanceId: "bench-relayer",
      timeoutMs: 2000,
      chainId: CHAIN_ID,
      contract: CONTRACT,
      door: (id) =>
        Promise.resolve({ venueId: Math.floor((id - 1) / DOORS_PER_AGENT) + 1, lockKey: demoLockAddress(id) }),
      logger: createLogger("silent"),
    });
    await adapter.start();
    const hasher = createDoorHasher(CHAIN_ID, CONTRACT);
    let next = 0;
    async function opening(
      door = (next++ % doors.length) + 1,
    ): Promise<{ challengeMs: number; openMs: number; totalMs: number; status: string }> {
      const t0 = performance.now();
      const c = await adapter.getChallenge(door);
      const t1 = performance.now();
      const cmd = { door, challenge: toHex(hasher.challengeDigest(c!)), expires: Math.floor(Date.now() / 1000) + 1 };
      const r = await adapter.deliver({
        ...cmd,
        relayer,
        signature: signDigest(hasher.openCommandDigest(cmd), relayerKey),
      });
      const t2 = performance.now();
      return { challengeMs: t1 - t0, openMs: t2 - t1, totalMs: t2 - t0, status: r.status };
    }
    async function load(seconds: number) {
      const results: Awaited<ReturnType<typeof opening>>[] = [];
      const inflight: Promise<void>[] = [];
      const t0 = performance.now();
      for (let i = 0; i < seconds * RATE; i++) {
        const due = t0 + (i * 1000) / RATE;
        const wait = due - performance.now();
        if (wait > 0) await sleep(wait);
        inflight.push(
          opening().then(
            (r) => void results.push(r),
            () => void results.push({ challengeMs: NaN, openMs: NaN, totalMs: NaN, status: "error" }),
          ),
        );
      }
      await Promise.all(inflight);
      return results;
    }
    say("warm-up 3 s…");
    await load(3);

    const pids = workers.map((w) => w.child.pid!);
    const cpu0 = {
      broker: cpuSeconds(mosquitto.pid()!),
      agents: pids.reduce((s, p) => s + cpuSeconds(p), 0),
      relayer: process.cpuUsage(),
    };
    const opened0 = (await Promise.all(workers.map((w) => w.stats()))).reduce((s, x) => s + x.opened, 0);
    say(`${RATE} openings/s for ${SECONDS} s…`);
    const results = await load(SECONDS);
    const cpu1 = {
      broker: cpuSeconds(mosquitto.pid()!),
      agents: pids.reduce((s, p) => s + cpuSeconds(p), 0),
      relayer: process.cpuUsage(cpu0.relayer),
    };
    const opened1 = (await Promise.all(workers.map((w) => w.stats()))).reduce((s, x) => s + x.opened, 0);
    const ok = results.filter((r) => r.status === "opened");
    const n = results.length;
    const openMs = ok.map((r) => r.openMs);
    const totalMs = ok.map((r) => r.totalMs);
    const challengeMs = ok.map((r) => r.challengeMs);
    const openings = {
      agents: AGENTS,
      doors: doors.length,
      ratePerSecond: RATE,
      seconds: SECONDS,
      attempted: n,
      opened: ok.length,
      openedAtLocks: opened1 - opened0,
      otherOutcomes: Object.fromEntries(
        [...new Set(results.filter((r) => r.status !== "opened").map((r) => r.status))].map((s) => [
          s,
          results.filter((r) => r.status === s).length,
        ]),
      ),
      openCommandMs: {
        p50: round(pct(openMs, 50)),
        p95: round(pct(openMs, 95)),
        p99: round(pct(openMs, 99)),
        max: round(Math.max(...openMs)),
      },
      challengeMs: {
        p50: round(pct(challengeMs, 50)),
        p95: round(pct(challengeMs, 95)),
        p99: round(pct(challengeMs, 99)),
      },
      challengeThenOpenMs: { p50: round(pct(totalMs, 50)), p95: round(pct(totalMs, 95)), p99: round(pct(totalMs, 99)) },
      cpuPerOpeningMs: {
        broker: round(((cpu1.broker - cpu0.broker) * 1000) / n, 2),
        agents: round(((cpu1.agents - cpu0.agents) * 1000) / n, 2),
        relayerAdapter: round((cpu1.relayer.user + cpu1.relayer.system) / 1000 / n, 2),
      },
    };
    say(
      `  open command p50 ${openings.openCommandMs.p50} ms, p95 ${openings.openCommandMs.p95} ms, p99 ${openings.openCommandMs.p99} ms (${ok.length}/${n} opened)`,
    );
    say(
      `  CPU per opening: broker ${openings.cpuPerOpeningMs.broker} ms, agents ${openings.cpuPerOpeningMs.agents} ms`,
    );

    const perAgentInWorkers = round(pids.reduce((s, p) => s + rssMb(p), 0) / AGENTS);

    say("broker restart…");
    await sleep(500);
    online.clear();
    const r0 = Date.now();
    await mosquitto.restart();
    const brokerUpMs = Date.now() - r0;
    while (online.size < doors.length && Date.now() - r0 < 60_000) await sleep(10);
    const allOnlineMs = Date.now() - r0;
    let firstOpeningMs = NaN;
    for (;;) {
      const r = await opening().catch(() => ({ status: "error" }));
      if (r.status === "opened") {
        firstOpeningMs = Date.now() - r0;
        break;
      }
      if (Date.now() - r0 > 60_000) break;
      await sleep(20);
    }
    const restart = {
      brokerUpMs,
      allDoorsOnlineMs: allOnlineMs,
      doorsOnline: online.size,
      firstOpeningAfterRestartMs: firstOpeningMs,
    };
    say(
      `  all ${online.size} doors online ${(allOnlineMs / 1000).toFixed(2)} s after the restart began (broker up in ${brokerUpMs} ms)`,
    );

    // One agent alone (venue 1's four doors, the workers stopped): 40 openings, then idle.
    for (const w of workers.splice(0)) await stopWorker(w);
    const soloSpec = {
      brokerUrl: mosquitto.url,
      caFile,
      relayer,
      chainId: CHAIN_ID,
      contract: CONTRACT,
      agents: [{ venue: 1, username: venueUser(1), password: users.get(venueUser(1))!, doors: [1, 2, 3, 4] }],
    };
    async function soloAgent(label: string, script?: string) {
      say(`one agent alone (${label}): 40 openings, then idle…`);
      const solo = await startWorker(soloSpec, script);
      const pid = solo.child.pid!;
      try {
        await sleep(1000);
        const c0 = cpuSeconds(pid);
        let opened = 0;
        for (let i = 0; i < 40; i++) if ((await opening((i % 4) + 1)).status === "opened") opened++;
        const cpuPerOpeningMs = round(((cpuSeconds(pid) - c0) * 1000) / 40, 2);
        await sleep(5000);
        const idle0 = cpuSeconds(pid);
        await sleep(10_000);
        const figures = {
          rssMb: round(rssMb(pid)),
          idleCpuPercent: round(((cpuSeconds(pid) - idle0) / 10) * 100, 2),
          cpuPerOpeningMs,
          opened,
          measuredIdleSeconds: 10,
        };
        say(`  RSS ${figures.rssMb} MB, idle CPU ${figures.idleCpuPercent} %, CPU per opening ${cpuPerOpeningMs} ms`);
        return figures;
      } finally {
        await stopWorker(solo);
      }
    }
    // As a venue runs it: the agent's code bundled into one file (npm run build:agent), plain node.
    const bundled = path.join(work, "door-agent-worker.mjs");
    await bundleAgent(path.join(ROOT, "bench", "doorAgentWorker.ts"), bundled);
    const idleAgent = {
      bundled: await soloAgent("bundled, as installed", bundled),
      fromSources: await soloAgent("from its .ts sources"),
    };

    await adapter.close();
    watcher.end(true);
    const out = {
      when: new Date().toISOString(),
      machine: {
        cpus: cpus().length,
        model: cpus()[0]?.model,
        node: process.version,
        loadAverageAtEnd: loadavg().map((x) => round(x, 2)),
      },
      note: "Relayer's leg of an opening: MqttLockAdapter in this process → Mosquitto (TLS, ACL) → agent → simulated lock → lock-signed answer verified by the adapter. The relayer's own decision (POST /api/unlock) is bench/relayer.json's figure. Agents run 10 per process; trust from a fixed set (the chain read is cached, off the hot path).",
      agentInstall: { fromSourcesWithNodeModules: size, bundled: bundle, goalMb: 60 },
      openings: { ...openings, goalP95Ms: 150 },
      agent: { ...idleAgent, rssPerAgentIn10AgentProcessesMb: perAgentInWorkers, goalRssMb: 80 },
      brokerRestart: { ...restart, goalMs: 5000 },
    };
    writeBenchKeys(path.join(ROOT, "bench", "door.json"), out); // bench:doorlog's key is kept
    say("wrote bench/door.json");
  } finally {
    await Promise.all(workers.map(stopWorker));
    await mosquitto?.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
process.exit(0);
