// Relayer benchmark (`npm run bench:relayer`): a local hardhat chain with real bookings (thousands
// of passes, hundreds of doors), the relayer and the lock simulator as separate processes, and a
// closed-loop load generator on loopback sending a mix of granted and denied unlock requests.
// Prints decisions/s and latency percentiles, the bare cost of EIP-712 hashing + signer recovery
// (the relayer's own code path, and viem's general hashTypedData for reference), the relayer's CPU
// time per decision, and the throughput of a naive relayer (same crypto, same audit log, one
// `canEnter` contract read per request instead of the event index). Writes bench/relayer.json.
//
//   node bench/relayer.ts                 (BENCH_REQUESTS, BENCH_CONCURRENCY, BENCH_PASSES, BENCH_VENUES,
//                                          BENCH_WARMUP, BENCH_BATCH, BENCH_CRYPTO_ITERATIONS,
//                                          BENCH_OUTPUT: results file, default bench/relayer.json)
//   node bench/relayer.ts --naive-server  (internal: the naive relayer process)
//
// Time: passes are booked in batches (one block each, mined at the bench clock's time), and each
// batch books the hour slot its own block falls in, so seeding that crosses an hour boundary books
// valid passes on both sides of it. The relayer, the lock simulator and the load generator share
// the bench clock (bench/shiftClock.ts). BENCH_START_BEFORE_HOUR_S=10 starts that clock (and the
// chain) 10 s before the next full hour when the passes are booked, to prove it.
import { spawn, type ChildProcess } from "node:child_process";
import http from "node:http";
import { createInterface } from "node:readline";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpuSplit, cpuTicks, request, round, waitFor } from "./lib.ts";
import path from "node:path";
import os from "node:os";
import { fileURLToPath } from "node:url";
import {
  createPublicClient,
  createWalletClient,
  encodeFunctionData,
  hashTypedData,
  http as viemHttp,
  parseEventLogs,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { createDoorHasher, recoverSigner, signDigest, toHex } from "../server/door/doorCrypto.ts";
import { passepartoutAbi } from "../protocol/abis.ts";
import { sameAddress } from "../protocol/address.ts";
import type { Deployments, Hex, PassepartoutCall } from "../protocol/types.ts";
import {
  protocolDomain,
  unlockRequestTypes,
  type Challenge,
  type OpenCommand,
  type UnlockRequest,
} from "../protocol/eip712.ts";
import { DEMO_RELAYER_ADDRESS, DEMO_RELAYER_PRIVATE_KEY, demoLockAddress } from "../server/demoKeys.ts";
import { offsetToBeforeHour, shiftClock } from "./shiftClock.ts";
import type { LocalChain } from "../test/helpers/localChain.ts";
import { startDemoDoors } from "../scripts/lib/demoDoors.ts";
import { RELAYER_USER } from "../server/broker/acl.ts";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const HOUR = 3600;
const ZERO = "0x0000000000000000000000000000000000000000";
/** Preloaded by every process the bench starts: they read the bench's clock. */
const SHIFT_CLOCK = fileURLToPath(new URL("./shiftClock.ts", import.meta.url));
const clockArgs = ["--import", SHIFT_CLOCK];
const nowS = () => Math.floor(Date.now() / 1000);
const iso = (s: number) => new Date(s * 1000).toISOString().slice(11, 19);

// ---------------------------------------------------------------------------------------------
// The naive relayer: same schema, same crypto, same audit log, same lock path (the broker and the
// door agents), one canEnter read per request.
// ---------------------------------------------------------------------------------------------
async function naiveServer(): Promise<void> {
  process.removeAllListeners("warning");
  const { unlockRequest: unlockRequestSchema } = await import("../protocol/api/door.ts");
  const { AuditLog } = await import("../server/audit/auditLog.ts");
  const { MqttLockAdapter } = await import("../server/locks/mqttLockAdapter.ts");
  const { createLogger } = await import("../server/logger.ts");
  const { createChainClient, createChainReader } = await import("../server/index/chain.ts");
  const { reasonFromAccessCode } = await import("../protocol/reasons.ts");
  const [rpcUrl, deploymentsFile, auditDb, port, brokerUrl, brokerPassword] = process.argv.slice(3);
  const d = JSON.parse(readFileSync(deploymentsFile, "utf8")) as Deployments; // written by this bench
  const contract = d.contracts.Passepartout.address;
  const reader = createChainReader(createChainClient(rpcUrl, 2000), contract);
  const hasher = createDoorHasher(31337, contract);
  const audit = new AuditLog(auditDb);
  // Doors (venue and lock key) are configuration for a naive relayer (read once at start).
  const doorCount = await reader.doorCount();
  const doors = new Map<number, { venueId: number; lockKey: Hex }>();
  for (let i = 1; i <= doorCount; i++) {
    const d = (await reader.door(i))!;
    doors.set(i, { venueId: d.venueId, lockKey: d.lockKey });
  }
  const lock = new MqttLockAdapter({
    url: brokerUrl,
    username: RELAYER_USER,
    password: brokerPassword,
    instanceId: "naive",
    timeoutMs: 2000,
    chainId: 31337,
    contract,
    door: (id) => Promise.resolve(doors.get(id) ?? null),
    logger: createLogger("warn", "naive"),
  });
  await lock.start();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    const answer = async () => {
      let reason = "malformed_request";
      let body: unknown;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      } catch {
        body = null;
      }
      const p = unlockRequestSchema.safeParse(body);
      const now = Math.floor(Date.now() / 1000);
      let openCommand: OpenCommand | undefined;
      if (p.success) {
        const r = p.data;
        const challengeId = toHex(hasher.challengeDigest(r.challenge));
        const lockSigner = recoverSigner(hasher.challengeDigest(r.challenge), r.challenge.signature);
        const signer = recoverSigner(
          hasher.unlockDigest({ door: r.door, challenge: challengeId, passId: r.passId, deadline: r.deadline }),
          r.signature,
        );
        if (!lockSigner || !sameAddress(lockSigner, doors.get(r.door)?.lockKey ?? ZERO)) reason = "challenge_forged";
        else if (!signer || !sameAddress(signer, r.signer)) reason = "bad_signature";
        else {
          try {
            reason = reasonFromAccessCode(await reader.canEnter(r.signer, r.door, r.passId, now));
          } catch {
            reason = "chain_unavailable";
          }
        }
        if (reason === "granted") {
          const expires = now + 5;
          const command = {
            door: r.door,
            challenge: challengeId,
            expires,
            relayer: DEMO_RELAYER_ADDRESS,
            signature: signDigest(
              hasher.openCommandDigest({ door: r.door, challenge: challengeId, expires }),
              DEMO_RELAYER_PRIVATE_KEY,
            ),
          };
          openCommand = command;
        }
      }
      await audit.record({
        time: now,
        door: null,
        venue: null,
        signer: null,
        pass: null,
        decision: reason === "granted" ? "granted" : "denied",
        reason,
        block: null,
        challenge: null,
        requestId: "naive",
      });
      // Recorded first, then pushed to the lock, as the relayer does.
      const delivery = openCommand ? await lock.deliver(openCommand) : undefined;
      res.writeHead(reason === "granted" ? 200 : 403, { "content-type": "application/json" });
      res.end(JSON.stringify({ granted: reason === "granted", reason, openCommand, lock: delivery }));
    };
    req.on("end", () => void answer());
  });
  server.listen(Number(port), "127.0.0.1", () => process.stdout.write("ready\n"));
}

// ---------------------------------------------------------------------------------------------

type Settings = ReturnType<typeof readSettings>;
function readSettings() {
  return {
    REQUESTS: Number(process.env.BENCH_REQUESTS ?? 12_000),
    CONCURRENCY: Number(process.env.BENCH_CONCURRENCY ?? 24),
    PASSES: Number(process.env.BENCH_PASSES ?? 3000),
    VENUES: Number(process.env.BENCH_VENUES ?? 20),
    WARMUP: Number(process.env.BENCH_WARMUP ?? 1000),
    BATCH: Number(process.env.BENCH_BATCH ?? 150),
    N: Number(process.env.BENCH_CRYPTO_ITERATIONS ?? 20_000),
    // Beside the measured run: the unlock route through express alone, then the fast path again
    // (fast, express, fast in one run), each on fresh bodies: does unlockFastPath.ts earn its place?
    ENTRANCE: Number(process.env.BENCH_ENTRANCE_REQUESTS ?? 6000),
    OUTPUT: process.env.BENCH_OUTPUT ?? path.join(ROOT, "bench", "relayer.json"),
    startBeforeHour: process.env.BENCH_START_BEFORE_HOUR_S ? Number(process.env.BENCH_START_BEFORE_HOUR_S) : undefined,
  };
}
const RESOURCES_PER_VENUE = 5;
const DOORS_PER_VENUE = 10;
const log = (s: string) => process.stdout.write(`${s}\n`);

type Run = {
  s: Settings;
  chain: LocalChain;
  contract: Hex;
  children: ChildProcess[];
  /** Stopped on the way out after the children (the embedded broker of the doors). */
  closers: (() => Promise<void>)[];
  freePort: () => Promise<number>;
  killGroup: (c: ChildProcess, signal?: NodeJS.Signals) => Promise<void>;
};

// ---------------------------------------------------------------------------------------------
// The bench: the phases in order; every process started is stopped on the way out.
// ---------------------------------------------------------------------------------------------
async function main(): Promise<void> {
  const { startLocalChain, freePort, killGroup } = await import("../test/helpers/localChain.ts");
  const s = readSettings();
  const children: ChildProcess[] = [];
  const closers: (() => Promise<void>)[] = [];
  const chain = await startLocalChain();
  const cleanup = async () => {
    for (const c of children) await killGroup(c);
    for (const close of closers) await close().catch(() => undefined);
    await chain.stop();
  };
  try {
    const run: Run = {
      s,
      chain,
      contract: chain.deployments.contracts.Passepartout.address,
      children,
      closers,
      freePort,
      killGroup,
    };
    const seeded = await seed(run);
    const procs = await startProcesses(run);
    const reqs = await signRequests(run, seeded, procs);
    const measured = await measureRelayer(run, procs, reqs);
    const entrances = await compareEntrances(run, procs, reqs, measured.main.rate);
    const crypto = cryptoFigures(run, reqs, measured.relayerCpuMsPerDecision);
    const naiveRun = await naiveRelayer(run, procs, reqs);
    writeResults(s, seeded, measured, crypto, naiveRun, entrances);
  } finally {
    await cleanup();
  }
}

// ---------------------------------------------------------------------------------------------
// Seeding: venues, resources, doors, trust, passes (real bookings in batched blocks).
// ---------------------------------------------------------------------------------------------
type Seeded = Awaited<ReturnType<typeof seed>>;

async function seed({ s, chain, contract }: Run) {
  const { VENUES, PASSES, BATCH, startBeforeHour } = s;
  const chainDef = {
    id: 31337,
    name: "hardhat",
    nativeCurrency: { name: "ETH", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [chain.rpcUrl] } },
  } as const;
  const transport = viemHttp(chain.rpcUrl, { retryCount: 0, timeout: 60_000 });
  const nonces = new Map<string, number>();
  const pending: Promise<Hex>[] = [];
  const send = async (key: Hex, call: PassepartoutCall, value = 0n) => {
    const account = privateKeyToAccount(key);
    const wallet = createWalletClient({ account, chain: chainDef, transport });
    if (!nonces.has(account.address))
      nonces.set(
        account.address,
        Number(await chain.rpc<string>("eth_getTransactionCount", [account.address, "pending"])),
      );
    const nonce = nonces.get(account.address)!;
    nonces.set(account.address, nonce + 1);
    const data = encodeFunctionData({ abi: passepartoutAbi, ...call });
    pending.push(
      wallet.sendTransaction({
        to: contract,
        data,
        value,
        nonce,
        gas: 1_500_000n,
        maxFeePerGas: 10n ** 10n,
        maxPriorityFeePerGas: 10n ** 9n,
      }),
    );
  };
  // Every block is mined at an explicit time: the bench clock's now (or one second after the
  // previous block), chosen before its transactions are sent, so they know their block's hour.
  let lastBlockTime = Number(
    (await chain.rpc<{ timestamp: string }>("eth_getBlockByNumber", ["latest", false])).timestamp,
  );
  let blockTime = 0;
  const nextBlock = () => {
    blockTime = Math.max(lastBlockTime + 1, nowS());
    return blockTime;
  };
  const flush = async () => {
    await Promise.all(pending.splice(0));
    await chain.rpc("evm_mine", [blockTime]);
    lastBlockTime = blockTime;
    nextBlock();
  };

  const t0 = performance.now();
  await chain.rpc("evm_setAutomine", [false]);
  const operator = chain.accounts[1];
  nextBlock();
  type DoorInfo = { id: number; venue: number; admits: number[] | "all" };
  const doors: DoorInfo[] = [];
  const resources: { id: number; venue: number }[] = [];
  let doorId = 0;
  let resourceId = 0;
  for (let v = 1; v <= VENUES; v++) {
    await send(operator.privateKey, {
      functionName: "createVenue",
      args: [`Venue ${v}`, "", [operator.address], [10_000]],
    });
    const venueResources: number[] = [];
    for (let r = 0; r < RESOURCES_PER_VENUE; r++) {
      resourceId++;
      venueResources.push(resourceId);
      resources.push({ id: resourceId, venue: v });
      await send(operator.privateKey, {
        functionName: "createResource",
        args: [
          v,
          {
            name: `R${resourceId}`,
            metadataURI: "",
            kind: 1,
            units: 200,
            currency: ZERO,
            pricePerHour: 1000n,
            pricePerDay: 20_000n,
            pricePerMonth: 300_000n,
            minHours: 1,
            maxHours: 48,
            horizonHours: 720,
            graceSeconds: 900,
            policyId: 0,
            transferable: true,
            followsOpeningHours: false,
          },
        ],
      });
    }
    for (let k = 0; k < DOORS_PER_VENUE; k++) {
      doorId++;
      const all = k === 0;
      await send(operator.privateKey, { functionName: "createDoor", args: [v, all, demoLockAddress(doorId)] });
      const room = venueResources[(k - 1) % RESOURCES_PER_VENUE];
      const admits = all ? ("all" as const) : [room];
      if (!all) await send(operator.privateKey, { functionName: "setDoorResource", args: [doorId, room, true] });
      doors.push({ id: doorId, venue: v, admits });
    }
    await send(operator.privateKey, { functionName: "setRelayerTrusted", args: [v, DEMO_RELAYER_ADDRESS, true] });
    await flush();
  }
  if (startBeforeHour !== undefined) {
    // The bench clock (this process, the chain's next blocks, the processes started below) now
    // reads `startBeforeHour` seconds before a full hour.
    const offsetMs = offsetToBeforeHour(startBeforeHour);
    shiftClock(offsetMs);
    process.env.BENCH_CLOCK_OFFSET_MS = String(offsetMs);
    nextBlock();
    log(
      `bench clock set ${(offsetMs / 1000).toFixed(0)} s ahead of the wall clock: booking starts at ${iso(blockTime)}`,
    );
  }
  const members = chain.accounts.slice(2, 18);
  // Each batch books the slot of the block it will be mined in: [that hour, +2 h).
  const batchSlots = new Set<number>();
  for (let i = 0; i < PASSES; i++) {
    const res = resources[i % resources.length];
    const holder = i % members.length;
    const slot = Math.floor(blockTime / HOUR) * HOUR;
    batchSlots.add(slot);
    await send(
      members[holder].privateKey,
      {
        functionName: "book",
        args: [res.id, BigInt(slot), BigInt(slot + 2 * HOUR), 65535, 10n ** 6n, members[holder].address, 0, true],
      },
      2000n,
    );
    if (pending.length >= BATCH) await flush();
  }
  if (pending.length) await flush();
  await chain.rpc("evm_setAutomine", [true]);
  // Pass ids come from the Booked events (transactions of different senders may be reordered).
  const pub = createPublicClient({ transport });
  const booked = parseEventLogs({
    abi: passepartoutAbi,
    eventName: "Booked",
    logs: await pub.getLogs({ address: contract, fromBlock: 0n, toBlock: "latest" }),
  });
  const memberIndex = new Map(members.map((m, i) => [m.address.toLowerCase(), i]));
  const resourceVenue = new Map(resources.map((r) => [r.id, r.venue]));
  const passes = booked.map((e) => ({
    id: e.args.passId,
    holder: memberIndex.get(e.args.holder.toLowerCase())!,
    resource: e.args.resourceId,
    venue: resourceVenue.get(e.args.resourceId)!,
  }));
  if (passes.length !== PASSES) throw new Error(`expected ${PASSES} passes, found ${passes.length}`);
  const slots = [...batchSlots].sort((a, b) => a - b);
  if (slots.length > 1)
    log(
      `seeding crossed an hour boundary: passes booked from the ${iso(slots[0])} slot to the ${iso(slots.at(-1)!)} slot, all ${passes.length} found`,
    );
  const block = Number(await chain.rpc<string>("eth_blockNumber"));
  log(
    `seeded ${VENUES} venues, ${resources.length} resources, ${doors.length} doors, ${passes.length} passes in ${((performance.now() - t0) / 1000).toFixed(1)} s (chain at block ${block})`,
  );
  return { members, doors, passes, slots };
}

// ---------------------------------------------------------------------------------------------
// The processes: door agents (through the embedded broker) and relayer.
// ---------------------------------------------------------------------------------------------
type Processes = Awaited<ReturnType<typeof startProcesses>>;

async function startProcesses({ chain, children, closers, freePort }: Run) {
  const dir = path.join(ROOT, "data", "bench");
  mkdirSync(path.join(dir, "deployments"), { recursive: true });
  const deploymentsFile = path.join(dir, "deployments", "31337.json");
  writeFileSync(deploymentsFile, JSON.stringify(chain.deployments));
  const stamp = Date.now();
  // The doors: the embedded broker in this process, one agent process per venue, the bench's clock.
  const doorNetwork = await startDemoDoors({
    rpcUrl: chain.rpcUrl,
    chainId: 31337,
    runDir: dir,
    deployments: chain.deployments,
    log,
    children,
    nodeArgs: clockArgs,
    challengeTtlS: 1800,
  });
  closers.push(() => doorNetwork.stop());
  const relayerPort = await freePort();
  const relayer = spawn(
    process.execPath,
    [...(process.env.BENCH_RELAYER_NODE_ARGS?.split(" ") ?? []), ...clockArgs, path.join(ROOT, "server/main.ts")],
    {
      cwd: ROOT,
      detached: true,
      stdio: ["ignore", "ignore", "inherit"],
      env: {
        ...process.env,
        PORT: String(relayerPort),
        RPC_URL: chain.rpcUrl,
        DEPLOYMENTS_DIR: path.dirname(deploymentsFile),
        AUDIT_DB: path.join(dir, `audit-${stamp}.sqlite`),
        INDEX_DB: path.join(dir, `index-${stamp}.sqlite`),
        BROKER_URL: doorNetwork.brokerUrl,
        BROKER_PASSWORD: doorNetwork.relayerPassword,
        CHALLENGE_MAX_AGE_S: "1800",
        MAX_DEADLINE_AHEAD_S: "1800", // pre-signing and the runs outlast the default 600 s on a busy machine
        RATE_LIMIT_IP_PER_MIN: "100000000",
        RATE_LIMIT_ADDRESS_PER_MIN: "100000000",
        LOG_LEVEL: "warn",
      },
    },
  );
  children.push(relayer);
  const base = `http://127.0.0.1:${relayerPort}`;
  await waitFor(`${base}/readyz`);
  return { dir, stamp, deploymentsFile, doorNetwork, relayer, base };
}

// ---------------------------------------------------------------------------------------------
// Requests: 80 % granted, 10 % stranger, 5 % wrong door, 5 % forged signature, pre-signed.
// ---------------------------------------------------------------------------------------------
type Requests = Awaited<ReturnType<typeof signRequests>>;

async function signRequests({ s, chain, contract }: Run, { members, doors, passes }: Seeded, { base }: Processes) {
  const { REQUESTS, WARMUP, CONCURRENCY, ENTRANCE } = s;
  const hasher = createDoorHasher(31337, contract);
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  // The main run, the two entrances, then the naive relayer: every request has a challenge of its own.
  const total = REQUESTS + WARMUP + 2 * (ENTRANCE + Math.min(500, ENTRANCE)) + naiveShare(REQUESTS).total;
  const challengeFor = async (door: number) =>
    JSON.parse((await request(agent, `${base}/api/doors/${door}/challenge`, "GET")).body) as Challenge;
  const bodies = new Array<string>(total);
  let made = 0;
  const deadline = Math.floor(Date.now() / 1000) + 1790; // MAX_DEADLINE_AHEAD_S is 1800 here
  const build = async () => {
    while (made < total) {
      const i = made++;
      const pass = passes[(i * 7919) % passes.length];
      const kind = i % 20; // 0-15 granted, 16-17 stranger, 18 wrong door, 19 forged
      const venueDoors = doors.filter((x) => x.venue === pass.venue);
      const admitting = venueDoors.filter((x) => x.admits === "all" || x.admits.includes(pass.resource));
      const notAdmitting = venueDoors.filter((x) => x.admits !== "all" && !x.admits.includes(pass.resource));
      const door = kind === 18 ? notAdmitting[i % notAdmitting.length] : admitting[i % admitting.length];
      const challenge = await challengeFor(door.id);
      const signerIdx = kind === 16 || kind === 17 ? (pass.holder + 1) % members.length : pass.holder;
      const key = kind === 19 ? chain.accounts[19].privateKey : members[signerIdx].privateKey;
      const digest = hasher.unlockDigest({
        door: door.id,
        challenge: toHex(hasher.challengeDigest(challenge)),
        passId: pass.id,
        deadline,
      });
      bodies[i] = JSON.stringify({
        chainId: 31337,
        contract,
        door: door.id,
        challenge,
        passId: pass.id.toString(),
        deadline,
        signer: privateKeyToAccount(members[signerIdx].privateKey).address,
        signature: signDigest(digest, key),
      });
    }
  };
  const tb = performance.now();
  await Promise.all(Array.from({ length: 8 }, build));
  log(
    `pre-signed ${total} unlock requests with fresh lock challenges in ${((performance.now() - tb) / 1000).toFixed(1)} s`,
  );
  return { hasher, agent, bodies };
}

/** Sends `list` to `url` from `concurrency` clients in a closed loop: rate, percentiles, reasons. */
async function loadRun(
  agent: http.Agent,
  concurrency: number,
  url: string,
  list: string[],
  headers: Record<string, string> = {},
) {
  const latencies = new Array<number>(list.length);
  const reasons = new Map<string, number>();
  let k = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (k < list.length) {
        const i = k++;
        const t = performance.now();
        const res = await request(agent, url, "POST", list[i], undefined, headers);
        latencies[i] = performance.now() - t;
        const reason = /"reason":"([a-z_]+)"/.exec(res.body)?.[1] ?? `http_${res.status}`;
        reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
      }
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
  return { rate: list.length / seconds, p50: pct(0.5), p95: pct(0.95), p99: pct(0.99), reasons, seconds };
}

// ---------------------------------------------------------------------------------------------
// The measured run: decisions/s, latency, the relayer's and the lock's CPU per decision, polls.
// ---------------------------------------------------------------------------------------------
async function measureRelayer({ s }: Run, { base, relayer, doorNetwork }: Processes, { agent, bodies }: Requests) {
  const { REQUESTS, WARMUP, CONCURRENCY } = s;
  const runLoad = (url: string, list: string[]) => loadRun(agent, CONCURRENCY, url, list);
  await runLoad(`${base}/api/unlock`, bodies.slice(0, WARMUP));
  // Other work on this 2-core machine skews every figure: recorded with the results.
  const loadBefore = (await import("node:os")).loadavg().map((x) => round(x));
  log(`load average before the measured run: ${loadBefore.join(", ")}`);
  const pollsOf = async () =>
    Number(/relayer_index_polls (\d+)/.exec((await request(agent, `${base}/metrics`, "GET")).body)?.[1] ?? NaN);
  const polls0 = await pollsOf();
  const cpu0 = cpuTicks(relayer.pid!);
  const split0 = cpuSplit(relayer.pid!);
  // The door agents' CPU (every venue's agent process): what "the lock" costs per decision.
  const agentsSplit = (): [number, number] =>
    doorNetwork.agents
      .map((a) => cpuSplit(a.pid!))
      .reduce<[number, number]>(([u, k], [a, b]) => [u + a, k + b], [0, 0]);
  const lockSplit0 = agentsSplit();
  const main = await runLoad(`${base}/api/unlock`, bodies.slice(WARMUP, WARMUP + REQUESTS));
  const cpu1 = cpuTicks(relayer.pid!);
  const split1 = cpuSplit(relayer.pid!);
  const lockSplit1 = agentsSplit();
  const relayerCpuMsPerDecision = ((cpu1 - cpu0) * 10) / REQUESTS; // 100 ticks per second
  const polls = (await pollsOf()) - polls0;
  log(
    `index polls during the run: ${polls} (${(polls / main.seconds).toFixed(0)}/s, one per ${(REQUESTS / polls).toFixed(1)} decisions)`,
  );
  const metricsText = (await request(agent, `${base}/metrics`, "GET")).body;
  for (const phase of ["index", "audit", "lock"]) {
    const sum = Number(
      new RegExp(`relayer_decision_phase_seconds_sum\\{phase="${phase}"\\} ([0-9.e+-]+)`).exec(metricsText)?.[1] ?? NaN,
    );
    const count = Number(
      new RegExp(`relayer_decision_phase_seconds_count\\{phase="${phase}"\\} ([0-9.e+-]+)`).exec(metricsText)?.[1] ??
        NaN,
    );
    log(`  phase ${phase}: mean ${((sum / count) * 1000).toFixed(2)} ms over ${count} decisions (warm-up included)`);
  }
  log(
    `relayer: ${main.rate.toFixed(0)} decisions/s over ${main.seconds.toFixed(1)} s, p50 ${main.p50.toFixed(2)} ms, p95 ${main.p95.toFixed(2)} ms, p99 ${main.p99.toFixed(2)} ms`,
  );
  log(`  reasons: ${JSON.stringify(Object.fromEntries(main.reasons))}`);
  // The mix is fixed (granted, stranger, wrong door, forged): any other reason means the bench
  // itself is wrong (e.g. passes not valid at the relayer's clock: too_early, expired).
  const unexpected = [...main.reasons.keys()].filter(
    (r) => !["granted", "not_holder_or_guest", "wrong_door", "bad_signature"].includes(r),
  );
  if (unexpected.length) throw new Error(`unexpected decisions in the measured run: ${unexpected.join(", ")}`);
  const us = (ticks: number) => ((ticks * 10_000) / REQUESTS).toFixed(0);
  log(
    `  relayer CPU per decision: ${(relayerCpuMsPerDecision * 1000).toFixed(0)} µs (user ${us(split1[0] - split0[0])}, kernel ${us(split1[1] - split0[1])}); door agents: user ${us(lockSplit1[0] - lockSplit0[0])}, kernel ${us(lockSplit1[1] - lockSplit0[1])} µs`,
  );
  return { main, loadBefore, polls, relayerCpuMsPerDecision, split0, split1, lockSplit0, lockSplit1 };
}

// ---------------------------------------------------------------------------------------------
// The two entrances of POST /api/unlock: `Content-Encoding: identity` is served by express
// (body-parser accepts it), the fast path leaves any request with a content encoding to express.
// ---------------------------------------------------------------------------------------------
async function compareEntrances(
  { s }: Run,
  { base, relayer }: Processes,
  { agent, bodies }: Requests,
  mainRate: number,
) {
  const { REQUESTS, WARMUP, CONCURRENCY, ENTRANCE } = s;
  const ENTRANCE_WARMUP = Math.min(500, ENTRANCE);
  const runLoad = (url: string, list: string[], headers?: Record<string, string>) =>
    loadRun(agent, CONCURRENCY, url, list, headers);
  const entranceCpu = async (list: string[], headers?: Record<string, string>) => {
    const c0 = cpuTicks(relayer.pid!);
    const r = await runLoad(`${base}/api/unlock`, list, headers);
    return { ...r, cpuUs: ((cpuTicks(relayer.pid!) - c0) * 10_000) / list.length };
  };
  let next = REQUESTS + WARMUP;
  const take = (n: number) => bodies.slice(next, (next += n));
  const viaExpressHeaders = { "content-encoding": "identity" };
  // Each entrance warmed up on its own (the main warm-up went through the fast path), then measured.
  await runLoad(`${base}/api/unlock`, take(ENTRANCE_WARMUP), viaExpressHeaders);
  await runLoad(`${base}/api/unlock`, take(ENTRANCE_WARMUP));
  const viaExpress = await entranceCpu(take(ENTRANCE), viaExpressHeaders);
  const viaFast = await entranceCpu(take(ENTRANCE));
  const entrances = {
    requests: ENTRANCE,
    fastPath: {
      decisionsPerSecond: Math.round(viaFast.rate),
      p99Ms: round(viaFast.p99),
      cpuMicrosPerDecision: Math.round(viaFast.cpuUs),
    },
    expressOnly: {
      decisionsPerSecond: Math.round(viaExpress.rate),
      p99Ms: round(viaExpress.p99),
      cpuMicrosPerDecision: Math.round(viaExpress.cpuUs),
    },
  };
  log(
    `unlock entrances (${ENTRANCE} requests each after ${ENTRANCE_WARMUP} of warm-up, express then fast path): express alone ${entrances.expressOnly.decisionsPerSecond}/s, ${entrances.expressOnly.cpuMicrosPerDecision} µs CPU, p99 ${entrances.expressOnly.p99Ms} ms; fast path ${entrances.fastPath.decisionsPerSecond}/s, ${entrances.fastPath.cpuMicrosPerDecision} µs CPU, p99 ${entrances.fastPath.p99Ms} ms (main run above: fast path ${mainRate.toFixed(0)}/s)`,
  );
  for (const r of [viaExpress, viaFast]) {
    const odd = [...r.reasons.keys()].filter(
      (x) => !["granted", "not_holder_or_guest", "wrong_door", "bad_signature"].includes(x),
    );
    if (odd.length) throw new Error(`unexpected decisions in the entrance runs: ${odd.join(", ")}`);
  }
  return entrances;
}

// ---------------------------------------------------------------------------------------------
// Bare signature verification and the crypto floor of a grant, one core, in this process.
// ---------------------------------------------------------------------------------------------
function cryptoFigures({ s, contract }: Run, { hasher, bodies }: Requests, relayerCpuMsPerDecision: number) {
  const { N, WARMUP } = s;
  const sample = JSON.parse(bodies[WARMUP]) as UnlockRequest; // built above
  const challengeId = toHex(hasher.challengeDigest(sample.challenge));
  const msg = { door: sample.door, challenge: challengeId, passId: BigInt(sample.passId), deadline: sample.deadline };
  let tv = performance.now();
  for (let i = 0; i < N; i++) recoverSigner(hasher.unlockDigest(msg), sample.signature);
  const bareUs = ((performance.now() - tv) * 1000) / N;
  const domain = protocolDomain(31337, contract);
  tv = performance.now();
  for (let i = 0; i < N / 4; i++)
    recoverSigner(
      Buffer.from(
        hashTypedData({
          domain,
          types: unlockRequestTypes,
          primaryType: "UnlockRequest",
          message: { ...msg, deadline: BigInt(msg.deadline) },
        }).slice(2),
        "hex",
      ),
      sample.signature,
    );
  const viemUs = ((performance.now() - tv) * 1000) / (N / 4);
  log(
    `bare EIP-712 hash + recovery (relayer's code path): ${(1e6 / bareUs).toFixed(0)}/s (${bareUs.toFixed(0)} µs); with viem hashTypedData: ${(1e6 / viemUs).toFixed(0)}/s (${viemUs.toFixed(0)} µs)`,
  );
  // The crypto floor of one grant, measured the same way: hash + recover the lock's challenge,
  // hash + recover the member's request, hash + sign the open command (the relayer's functions).
  const lockKey = demoLockAddress(sample.door);
  tv = performance.now();
  for (let i = 0; i < N; i++) {
    const cd = hasher.challengeDigest(sample.challenge);
    const cid = toHex(cd);
    if (!sameAddress(recoverSigner(cd, sample.challenge.signature) ?? ZERO, lockKey))
      throw new Error("floor: lock signature");
    recoverSigner(hasher.unlockDigest({ ...msg, challenge: cid }), sample.signature);
    signDigest(
      hasher.openCommandDigest({ door: sample.door, challenge: cid, expires: sample.deadline }),
      DEMO_RELAYER_PRIVATE_KEY,
    );
  }
  const floorUs = ((performance.now() - tv) * 1000) / N;
  log(`crypto floor of a grant (2 × hash+recover, 1 × hash+sign): ${floorUs.toFixed(0)} µs`);
  log(
    `  relayer CPU per decision / bare hash+recover = ${((relayerCpuMsPerDecision * 1000) / bareUs).toFixed(2)}×; / crypto floor = ${((relayerCpuMsPerDecision * 1000) / floorUs).toFixed(2)}×`,
  );
  return { bareUs, viemUs, floorUs };
}

// ---------------------------------------------------------------------------------------------
// The naive relayer: through the same broker and door agents, with requests of its own (a lock
// accepts each challenge once), the last ones signed.
// ---------------------------------------------------------------------------------------------
/** The naive relayer's share of the pre-signed requests: a warm-up, then the measured ones. */
function naiveShare(requests: number) {
  const measured = Math.min(requests, 4000);
  const warm = Math.min(500, Math.floor(requests / 4));
  return { warm, measured, total: warm + measured };
}

async function naiveRelayer(
  { s, chain, children, freePort, killGroup }: Run,
  { relayer, deploymentsFile, dir, stamp, doorNetwork }: Processes,
  { agent, bodies }: Requests,
) {
  const { REQUESTS, CONCURRENCY } = s;
  const runLoad = (url: string, list: string[]) => loadRun(agent, CONCURRENCY, url, list);
  await killGroup(relayer, "SIGTERM");
  const naivePort = await freePort();
  const naive = spawn(
    process.execPath,
    [
      "--no-warnings",
      ...clockArgs,
      fileURLToPath(import.meta.url),
      "--naive-server",
      chain.rpcUrl,
      deploymentsFile,
      path.join(dir, `naive-audit-${stamp}.sqlite`),
      String(naivePort),
      doorNetwork.brokerUrl,
      doorNetwork.relayerPassword,
    ],
    { cwd: ROOT, detached: true, stdio: ["ignore", "pipe", "inherit"] },
  );
  children.push(naive);
  // Its logger writes to stdout too: wait for the line that says it listens.
  await new Promise<void>((resolve, reject) => {
    createInterface({ input: naive.stdout }).on("line", (line) => line === "ready" && resolve());
    naive.once("exit", (code) => reject(new Error(`naive relayer exited (${code}) before listening`)));
    setTimeout(() => reject(new Error("naive relayer not listening after 60 s (broker connection?)")), 60_000).unref();
  });
  const { warm, total } = naiveShare(REQUESTS);
  const own = bodies.slice(bodies.length - total);
  await runLoad(`http://127.0.0.1:${naivePort}/`, own.slice(0, warm));
  const naiveRun = await runLoad(`http://127.0.0.1:${naivePort}/`, own.slice(warm));
  log(
    `naive relayer (one canEnter read per request, same broker and agents): ${naiveRun.rate.toFixed(0)} decisions/s, p50 ${naiveRun.p50.toFixed(2)} ms, p99 ${naiveRun.p99.toFixed(2)} ms`,
  );
  log(`  reasons: ${JSON.stringify(Object.fromEntries(naiveRun.reasons))}`);
  return naiveRun;
}

// ---------------------------------------------------------------------------------------------
// bench/relayer.json.
// ---------------------------------------------------------------------------------------------
function writeResults(
  { REQUESTS, CONCURRENCY, OUTPUT }: Settings,
  { passes, slots, doors }: Seeded,
  {
    main,
    loadBefore,
    polls,
    relayerCpuMsPerDecision,
    split0,
    split1,
    lockSplit0,
    lockSplit1,
  }: Awaited<ReturnType<typeof measureRelayer>>,
  { bareUs, viemUs, floorUs }: ReturnType<typeof cryptoFigures>,
  naiveRun: Awaited<ReturnType<typeof loadRun>>,
  entrances: Awaited<ReturnType<typeof compareEntrances>>,
): void {
  const result = {
    decisionsPerSecond: Math.round(main.rate),
    p50Ms: round(main.p50),
    p95Ms: round(main.p95),
    p99Ms: round(main.p99),
    signatureVerifyPerSecond: Math.round(1e6 / bareUs),
    signatureVerifyViemHashPerSecond: Math.round(1e6 / viemUs),
    relayerCpuMicrosPerDecision: Math.round(relayerCpuMsPerDecision * 1000),
    cpuPerDecisionOverBareVerify: round((relayerCpuMsPerDecision * 1000) / bareUs),
    cryptoFloorMicrosPerDecision: Math.round(floorUs),
    cpuPerDecisionOverCryptoFloor: round((relayerCpuMsPerDecision * 1000) / floorUs),
    relayerCpuUserMicrosPerDecision: Math.round(((split1[0] - split0[0]) * 10_000) / REQUESTS),
    relayerCpuKernelMicrosPerDecision: Math.round(((split1[1] - split0[1]) * 10_000) / REQUESTS),
    lockSimulatorCpuMicrosPerDecision: Math.round(
      ((lockSplit1[0] - lockSplit0[0] + lockSplit1[1] - lockSplit0[1]) * 10_000) / REQUESTS,
    ),
    loadAverageBefore: loadBefore,
    indexPollsPerSecond: Math.round(polls / main.seconds),
    naiveDecisionsPerSecond: Math.round(naiveRun.rate),
    naiveP99Ms: round(naiveRun.p99),
    requests: REQUESTS,
    concurrency: CONCURRENCY,
    passes: passes.length,
    hourSlotsBooked: slots.length,
    doors: doors.length,
    reasons: Object.fromEntries(main.reasons),
    entrances,
    machine: { cpus: os.cpus().length, node: process.version },
  };
  writeFileSync(OUTPUT, `${JSON.stringify(result, null, 2)}\n`);
  log(`wrote ${path.relative(ROOT, OUTPUT)}`);
}

if (process.argv.includes("--naive-server")) {
  await naiveServer();
} else {
  await main();
}
