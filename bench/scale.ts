// Scale benchmark (`npm run bench:scale`, issue 9 "Figures"): a local hardhat chain holding a network
// of the size Passepartout is for — by default 100,000 passes of 2,000 members (50 each) over 50
// venues, 500 resources and 500 doors, spread over 200,000 blocks — behind an RPC proxy that behaves
// like a public provider (eth_getLogs refused over 10,000 blocks or 10,000 logs, 1 % of the sync's
// calls answered 429). Against it: the relayer's cold sync (and the door decisions it answers
// meanwhile), its resident memory, a warm restart on its index file, the read API under 200
// concurrent clients (a member's passes, a venue's bookings page), and the dApp's "My passes" in
// Chromium. Prints progress, then the figures as a table, and writes bench/scale.json.
//
//   node bench/scale.ts   (BENCH_SCALE_PASSES 100000, BENCH_SCALE_MEMBERS passes/50, BENCH_SCALE_VENUES 50,
//                          BENCH_SCALE_RESOURCES_PER_VENUE 10, BENCH_SCALE_DOORS_PER_VENUE 10,
//                          BENCH_SCALE_BLOCKS 200000, BENCH_SCALE_PER_BLOCK 250 bookings per block,
//                          BENCH_SCALE_CLIENTS 200, BENCH_SCALE_READS 10000 requests per read figure,
//                          BENCH_SCALE_SYNC_CLIENTS 16 door clients during the cold sync,
//                          BENCH_SCALE_PACE_MS 1000, BENCH_SCALE_PACED_ROUNDS 10 (paced read clients),
//                          BENCH_SCALE_KEEP_DIR 1 keeps the temporary folder (index, audit, lock log),
//                          BENCH_SCALE_BROWSER 1 (0 skips the dApp figure), BENCH_SCALE_OUTPUT bench/scale.json)
//   node bench/scale.ts --proxy <upstream>   (internal: the provider proxy, in its own process)
//
// Seeding is fast because nothing is signed: every account is impersonated on the hardhat node and
// given a balance, transactions are sent as JSON-RPC batches with automine off, each batch is mined
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import { fileURLToPath } from "node:url";
import { encodeFunctionData, keccak256, parseEventLogs, stringToHex, type Log } from "viem";
import { privateKeyToAddress } from "viem/accounts";
import { passepartoutAbi } from "../protocol/abis.ts";
import type { Deployments, Hex, PassepartoutCall } from "../protocol/types.ts";
import type { Challenge } from "../protocol/eip712.ts";
import { createDoorHasher, signDigest, toHex } from "../server/door/doorCrypto.ts";
import { DEMO_RELAYER_ADDRESS, demoLockAddress } from "../server/demoKeys.ts";
import type { LocalChain } from "../test/helpers/localChain.ts";
import { startDemoDoors } from "../scripts/lib/demoDoors.ts";
import { MqttLockAdapter } from "../server/locks/mqttLockAdapter.ts";
import { RELAYER_USER } from "../server/broker/acl.ts";
import { createChainClient, createChainReader } from "../server/index/chain.ts";
import { createLogger } from "../server/logger.ts";
import { BenchError, intFromEnv, mapLimit, memoryOf, percentiles, request, round, waitFor } from "./lib.ts";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const HOUR = 3600;
const ZERO = "0x0000000000000000000000000000000000000000";
const MAX_UNITS = 255; // PassepartoutStorage.MAX_UNITS
const PASS_HOURS = 24;
const PASS_PRICE = 10_000n; // a day at pricePerDay (venues are not taxable): the exact value sent

// ---------------------------------------------------------------------------------------------
// The public-provider proxy, in its own process so that the load generator does not slow it down.
// Prints its URL; answers "stats" on stdin with one JSON line.
// ---------------------------------------------------------------------------------------------
async function proxyProcess(upstream: string): Promise<void> {
  const { startProviderProxy } = await import("../test/server/providerProxy.ts");
  const proxy = await startProviderProxy(
    upstream,
    { maxRange: 10_000, tooManyAbove: 10_000, failRate: 0.01, faults: ["429"] },
    9,
  );
  process.stdout.write(`${JSON.stringify({ url: proxy.url })}\n`);
  readline.createInterface({ input: process.stdin }).on("line", (line) => {
    if (line.trim() !== "stats") return;
    const getLogs = proxy.calls.filter((c) => c.method === "eth_getLogs");
    process.stdout.write(
      `${JSON.stringify({
        calls: proxy.calls.length,
        getLogsCalls: getLogs.length,
        logsServed: getLogs.reduce((n, c) => n + (c.outcome === "ok" ? (c.logs ?? 0) : 0), 0),
        ...proxy.stats,
      })}\n`,
    );
  });
  process.stdin.on("end", () => void proxy.close().then(() => process.exit(0)));
}

// ---------------------------------------------------------------------------------------------

type Settings = {
  PASSES: number;
  VENUES: number;
  RES_PER_VENUE: number;
  DOORS_PER_VENUE: number;
  MEMBERS: number;
  BLOCKS: number;
  PER_BLOCK: number;
  CLIENTS: number;
  READS: number;
  SYNC_CLIENTS: number;
  PACE_MS: number;
  PACED_ROUNDS: number;
  BROWSER: boolean;
  OUTPUT: string;
};

/** The knobs (BENCH_SCALE_*), validated. */
function readSettings(): Settings {
  const int = intFromEnv;
  const PASSES = int("BENCH_SCALE_PASSES", 100_000);
  const s: Settings = {
    PASSES,
    VENUES: int("BENCH_SCALE_VENUES", 50),
    RES_PER_VENUE: int("BENCH_SCALE_RESOURCES_PER_VENUE", 10),
    DOORS_PER_VENUE: int("BENCH_SCALE_DOORS_PER_VENUE", 10),
    MEMBERS: int("BENCH_SCALE_MEMBERS", Math.max(1, Math.round(PASSES / 50))),
    BLOCKS: int("BENCH_SCALE_BLOCKS", 200_000),
    PER_BLOCK: int("BENCH_SCALE_PER_BLOCK", 250),
    CLIENTS: int("BENCH_SCALE_CLIENTS", 200),
    READS: int("BENCH_SCALE_READS", 10_000),
    SYNC_CLIENTS: int("BENCH_SCALE_SYNC_CLIENTS", 16),
    PACE_MS: int("BENCH_SCALE_PACE_MS", 1000),
    PACED_ROUNDS: int("BENCH_SCALE_PACED_ROUNDS", 10),
    BROWSER: process.env.BENCH_SCALE_BROWSER !== "0",
    OUTPUT: process.env.BENCH_SCALE_OUTPUT ?? path.join(ROOT, "bench", "scale.json"),
  };
  if (s.DOORS_PER_VENUE < 2)
    throw new BenchError("BENCH_SCALE_DOORS_PER_VENUE must be at least 2 (a street door and a room door)");
  return s;
}

const log = (s: string) => process.stdout.write(`${s}\n`);
const secs = (t: number) => (performance.now() - t) / 1000;

/** What every phase shares: the settings, the chain, the temporary folder and what must be stopped. */
type Run = {
  s: Settings;
  chain: LocalChain;
  contract: Hex;
  deployBlock: number;
  dir: string;
  children: ChildProcess[];
  closers: (() => Promise<void>)[];
  killGroup: (c: ChildProcess, signal?: NodeJS.Signals) => Promise<void>;
  freePort: () => Promise<number>;
};

// ---------------------------------------------------------------------------------------------
// The bench: the phases in order, everything started stopped on the way out (also on Ctrl-C).
// ---------------------------------------------------------------------------------------------
async function main(): Promise<void> {
  const { startLocalChain, freePort, killGroup } = await import("../test/helpers/localChain.ts");
  let s: Settings;
  try {
    s = readSettings();
  } catch (err) {
    fail(err);
    return;
  }
  const children: ChildProcess[] = [];
  const closers: (() => Promise<void>)[] = [];
  let chainStop: (() => Promise<void>) | null = null;
  const dir = mkdtempSync(path.join(os.tmpdir(), "passepartout-bench-scale-"));
  let cleaned = false;
  const cleanup = async () => {
    if (cleaned) return;
    cleaned = true;
    for (const c of closers.reverse()) await c().catch(() => undefined);
    for (const c of children) await killGroup(c);
    await chainStop?.();
    if (process.env.BENCH_SCALE_KEEP_DIR === "1") log(`kept ${dir} (index, audit, lock log)`);
    else rmSync(dir, { recursive: true, force: true });
  };
  const onSignal = (sig: NodeJS.Signals) => {
    process.stderr.write(`\nbench:scale: ${sig}, stopping what it started\n`);
    void cleanup().finally(() => process.exit(130));
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);

  try {
    log(
      `bench:scale — ${s.PASSES} passes, ${s.MEMBERS} members, ${s.VENUES} venues × ${s.RES_PER_VENUE} resources × ${s.DOORS_PER_VENUE} doors, ${s.BLOCKS} blocks`,
    );
    const chain = await startLocalChain();
    chainStop = () => chain.stop();
    const run: Run = {
      s,
      chain,
      contract: chain.deployments.contracts.Passepartout.address,
      deployBlock: chain.deployments.deployBlock,
      dir,
      children,
      closers,
      killGroup,
      freePort,
    };
    const rpc = chainRpc(run);
    const t0 = performance.now();
    const net = await seedNetwork(run, rpc, t0);
    const seeded = await seedBookings(run, rpc, net, t0);
    const services = await startServices(run);
    const doorRequests = await signDoorRequests(run, net, seeded, services);
    const cold = await coldSync(run, services, doorRequests, seeded.head);
    const reads = await readApi(run, net, seeded, services);
    const warm = await warmRestart(services, cold.relayer);
    const dapp = s.BROWSER
      ? await measureDapp({
          dir,
          webPort: services.webPort,
          relayerUrl: services.base,
          rpcUrl: services.proxyUrl,
          member: reads.readers[0],
          chain,
          deployments: chain.deployments,
          closers,
          log,
        })
      : null;
    writeResults(run, net, seeded, cold, reads, warm, dapp);
  } catch (err) {
    await cleanup();
    fail(err);
    return;
  }
  await cleanup();
  process.exit(0);
}

// ---------------------------------------------------------------------------------------------
// Raw JSON-RPC to the hardhat node, in batches; blocks mined at explicit times.
// ---------------------------------------------------------------------------------------------
type Call = [string, unknown[]];
type Rpc = ReturnType<typeof chainRpc>;
const hex = (n: number | bigint) => `0x${n.toString(16)}`;

function chainRpc({ chain, contract }: Run) {
  const batch = async (calls: Call[]): Promise<unknown[]> => {
    if (!calls.length) return [];
    const res = await fetch(chain.rpcUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(calls.map(([method, params], id) => ({ jsonrpc: "2.0", id, method, params }))),
    });
    const answers = (await res.json()) as { id: number; result?: unknown; error?: { message: string } }[];
    const bad = answers.find((a) => a.error);
    if (bad) throw new BenchError(`${calls[bad.id][0]}: ${bad.error!.message}`);
    return answers.sort((a, b) => a.id - b.id).map((a) => a.result);
  };
  const inChunks = async (calls: Call[], size = 500) => {
    for (let i = 0; i < calls.length; i += size) await batch(calls.slice(i, i + size));
  };
  const nonces = new Map<string, number>();
  const tx = (from: Hex, call: PassepartoutCall, value = 0n): Call => {
    const nonce = nonces.get(from) ?? 0;
    nonces.set(from, nonce + 1);
    return [
      "eth_sendTransaction",
      [
        {
          from,
          to: contract,
          data: encodeFunctionData({ abi: passepartoutAbi, ...call }),
          value: hex(value),
          nonce: hex(nonce),
          gas: hex(400_000),
          maxFeePerGas: hex(10n ** 10n),
          maxPriorityFeePerGas: hex(10n ** 9n),
        },
      ],
    ];
  };
  // Every block is mined at an explicit time (the wall clock, or one second after the previous
  // block), known before its transactions are built, so that a booking knows its block's hour.
  let lastTime = 0;
  /** Reads the latest block's time (after blocks mined without `mineBlock`). */
  const syncTime = async () => {
    lastTime = Number((await chain.rpc<{ timestamp: string }>("eth_getBlockByNumber", ["latest", false])).timestamp);
  };
  const nextTime = () => Math.max(lastTime + 1, Math.floor(Date.now() / 1000));
  const mineBlock = async (calls: Call[], time: number) => {
    await inChunks(calls);
    await chain.rpc("evm_mine", [time]);
    lastTime = time;
    const mined = await chain.rpc<{ transactions: string[] }>("eth_getBlockByNumber", ["latest", false]);
    if (mined.transactions.length !== calls.length)
      throw new BenchError(`a block took ${mined.transactions.length} of ${calls.length} transactions`);
  };
  const logsOf = async (fromBlock: number, toBlock: number | "latest") =>
    chain.rpc<Log[]>("eth_getLogs", [
      { address: contract, fromBlock: hex(fromBlock), toBlock: toBlock === "latest" ? toBlock : hex(toBlock) },
    ]);
  const nextPassId = async () =>
    BigInt(
      (
        await batch([
          [
            "eth_call",
            [
              { to: contract, data: encodeFunctionData({ abi: passepartoutAbi, functionName: "nextPassId" }) },
              "latest",
            ],
          ],
        ])
      )[0] as string,
    );
  return { batch, inChunks, tx, syncTime, nextTime, mineBlock, logsOf, nextPassId };
}

// ---------------------------------------------------------------------------------------------
// Seeding: accounts, the network (venues, resources, doors), then the bookings.
// ---------------------------------------------------------------------------------------------
type Network = Awaited<ReturnType<typeof seedNetwork>>;

async function seedNetwork(
  { s, chain }: Run,
  { inChunks, tx, syncTime, nextTime, mineBlock, logsOf }: Rpc,
  t0: number,
) {
  const { VENUES, MEMBERS, RES_PER_VENUE, DOORS_PER_VENUE } = s;
  await syncTime();
  const keyOf = (role: string, i: number) => keccak256(stringToHex(`passepartout bench:scale ${role} ${i}`));
  const operators = Array.from({ length: VENUES }, (_, i) => keyOf("operator", i)).map((key) => ({
    key,
    address: privateKeyToAddress(key),
  }));
  const members = Array.from({ length: MEMBERS }, (_, i) => keyOf("member", i)).map((key) => ({
    key,
    address: privateKeyToAddress(key),
  }));
  const everyone = [...operators, ...members].map((a) => a.address);
  await inChunks(everyone.map((a) => ["hardhat_impersonateAccount", [a]]));
  await inChunks(everyone.map((a) => ["hardhat_setBalance", [a, hex(10n ** 21n)]]));
  await chain.rpc("evm_setAutomine", [false]);
  await chain.rpc("evm_setBlockGasLimit", [hex(2_000_000_000)]);
  log(`  accounts: ${everyone.length} impersonated and funded in ${secs(t0).toFixed(1)} s`);

  // ---- venues, resources, doors (one block each step; ids read back from the events) ----
  let block = Number(await chain.rpc<string>("eth_blockNumber"));
  const step = async (calls: Call[]) => {
    await mineBlock(calls, nextTime());
    block++;
    return logsOf(block, block);
  };
  const venueIds = parseEventLogs({
    abi: passepartoutAbi,
    eventName: "VenueCreated",
    logs: await step(
      operators.map((o, v) =>
        tx(o.address, { functionName: "createVenue", args: [`Venue ${v + 1}`, "", [o.address], [10_000]] }),
      ),
    ),
  }).map((e) => ({ id: e.args.venueId, operator: e.args.operator.toLowerCase() }));
  const venueOf = new Map(venueIds.map((v) => [v.operator, v.id]));
  const venues = operators.map((o) => ({ id: venueOf.get(o.address.toLowerCase())!, operator: o }));
  const resourceParams = (name: string) => ({
    name,
    metadataURI: "",
    kind: 1,
    units: MAX_UNITS,
    currency: ZERO as Hex,
    pricePerHour: 1_000n,
    pricePerDay: PASS_PRICE,
    pricePerMonth: 100_000n,
    minHours: 1,
    maxHours: 48,
    horizonHours: 720,
    graceSeconds: 900,
    policyId: 0,
    transferable: true,
    followsOpeningHours: false,
  });
  const created = parseEventLogs({
    abi: passepartoutAbi,
    eventName: "ResourceCreated",
    logs: await step(
      venues.flatMap((v) =>
        Array.from({ length: RES_PER_VENUE }, (_, r) =>
          tx(v.operator.address, {
            functionName: "createResource",
            args: [v.id, resourceParams(`V${v.id} room ${r + 1}`)],
          }),
        ),
      ),
    ),
  });
  const resourcesOf = new Map<number, number[]>();
  for (const e of created)
    resourcesOf.set(e.args.venueId, [...(resourcesOf.get(e.args.venueId) ?? []), e.args.resourceId]);
  // One street door per venue (admits every resource), the others one room each.
  let nextDoor = 0;
  const doorCalls: Call[] = [];
  for (const v of venues)
    for (let k = 0; k < DOORS_PER_VENUE; k++)
      doorCalls.push(
        tx(v.operator.address, { functionName: "createDoor", args: [v.id, k === 0, demoLockAddress(++nextDoor)] }),
      );
  const doorSets = parseEventLogs({ abi: passepartoutAbi, eventName: "DoorSet", logs: await step(doorCalls) });
  if (doorSets.some((e, i) => e.args.doorId !== i + 1))
    throw new BenchError("door ids do not follow the creation order (lock keys would not match)");
  const doorsOf = new Map<number, number[]>();
  for (const e of doorSets) doorsOf.set(e.args.venueId, [...(doorsOf.get(e.args.venueId) ?? []), e.args.doorId]);
  const streetDoor = new Map(venues.map((v) => [v.id, doorsOf.get(v.id)![0]]));
  await step(
    venues.flatMap((v) => {
      const rooms = resourcesOf.get(v.id)!;
      return [
        tx(v.operator.address, { functionName: "setRelayerTrusted", args: [v.id, DEMO_RELAYER_ADDRESS, true] }),
        ...doorsOf
          .get(v.id)!
          .slice(1)
          .map((d, k) =>
            tx(v.operator.address, { functionName: "setDoorResource", args: [d, rooms[k % rooms.length], true] }),
          ),
      ];
    }),
  );
  const resources = venues.flatMap((v) => resourcesOf.get(v.id)!.map((id) => ({ id, venue: v.id })));
  log(
    `  network: ${venues.length} venues, ${resources.length} resources, ${nextDoor} doors in ${secs(t0).toFixed(1)} s`,
  );
  return { operators, members, venues, resources, streetDoor, doors: nextDoor, block };
}

type Seeded = Awaited<ReturnType<typeof seedBookings>>;

async function seedBookings(
  { s, chain, deployBlock }: Run,
  { tx, syncTime, nextTime, mineBlock, logsOf, nextPassId }: Rpc,
  { members, resources, block: seededTo }: Network,
  t0: number,
) {
  const { PASSES, MEMBERS, PER_BLOCK, BLOCKS } = s;
  let block = seededTo;
  // ---- bookings: PER_BLOCK per block, members taking turns, empty blocks in between ----
  // Booking q is member q % MEMBERS's n-th pass (n = ⌊q / MEMBERS⌋); that pass, i = member·perMember
  // + n, takes resource i % R and unit ⌊i / R⌋ % 255 (windows 26 h apart when a resource's units run
  // out), for 24 hours from its block's hour: no two bookings ask for the same unit and hour.
  const firstPassId = await nextPassId();
  const perMember = Math.ceil(PASSES / MEMBERS);
  const bookingBlocks = Math.ceil(PASSES / PER_BLOCK);
  const gap = Math.max(0, Math.floor((BLOCKS - (block - deployBlock) - bookingBlocks) / bookingBlocks));
  const tb = performance.now();
  let lastReport = 0;
  const booked: number[] = [];
  for (let q = 0, blocksDone = 0; q < PASSES; blocksDone++) {
    const time = nextTime();
    const slot = Math.floor(time / HOUR) * HOUR;
    const calls: Call[] = [];
    for (; q < PASSES && calls.length < PER_BLOCK; q++) {
      const m = q % MEMBERS;
      const i = m * perMember + Math.floor(q / MEMBERS);
      if (i >= PASSES) continue; // the last member's turn may be short
      const r = resources[i % resources.length];
      const k = Math.floor(i / resources.length);
      const start = slot + Math.floor(k / MAX_UNITS) * 26 * HOUR;
      const holder = members[m].address;
      calls.push(
        tx(
          holder,
          {
            functionName: "book",
            args: [r.id, BigInt(start), BigInt(start + PASS_HOURS * HOUR), k % MAX_UNITS, 10n ** 6n, holder, 0, true],
          },
          PASS_PRICE,
        ),
      );
      booked.push(i);
    }
    await mineBlock(calls, time);
    if (gap) {
      await chain.rpc("hardhat_mine", [hex(gap), "0x0"]);
      await syncTime();
    }
    block += 1 + gap;
    if (performance.now() - lastReport > 5000 || q >= PASSES) {
      lastReport = performance.now();
      const rate = booked.length / secs(tb);
      log(
        `  seeding: ${booked.length}/${PASSES} passes, block ${block}, ${rate.toFixed(0)} bookings/s, ETA ${((PASSES - booked.length) / rate).toFixed(0)} s`,
      );
    }
  }
  await chain.rpc("evm_setAutomine", [true]);
  const lastPassId = await nextPassId();
  if (lastPassId - firstPassId !== BigInt(PASSES))
    throw new BenchError(`expected ${PASSES} passes on chain, found ${lastPassId - firstPassId}`);
  const head = Number(await chain.rpc<string>("eth_blockNumber"));
  const seedSeconds = secs(t0);
  log(`seeded ${PASSES} passes in ${seedSeconds.toFixed(0)} s; chain at block ${head}`);

  // A sample of real passes (holder, resource, id) from the first booking blocks, for door requests.
  const sample = parseEventLogs({
    abi: passepartoutAbi,
    eventName: "Booked",
    logs: await logsOf(deployBlock, Math.min(head, deployBlock + 4 + 8 * (gap + 1))),
  }).map((e) => ({ id: e.args.passId, holder: e.args.holder.toLowerCase(), resource: e.args.resourceId }));
  const memberByAddress = new Map(members.map((m) => [m.address.toLowerCase(), m]));
  const venueOfResource = new Map(resources.map((r) => [r.id, r.venue]));
  return { perMember, head, seedSeconds, sample, memberByAddress, venueOfResource };
}

// ---------------------------------------------------------------------------------------------
// The processes: provider proxy, the door agents behind the embedded broker, and the relayer (started and stopped per phase).
// ---------------------------------------------------------------------------------------------
type Services = Awaited<ReturnType<typeof startServices>>;
type Relayer = { child: ChildProcess; ready: Promise<{ seconds: number }>; caughtUp: Promise<SyncReport | null> };
type SyncReport = { done: number; total: number; logs: number; seconds: number; logsPerSecond: number };

async function startServices({ s, chain, contract, dir, children, closers, killGroup, freePort }: Run) {
  const proxyChild = spawn(
    process.execPath,
    ["--no-warnings", fileURLToPath(import.meta.url), "--proxy", chain.rpcUrl],
    {
      cwd: ROOT,
      detached: true,
      stdio: ["pipe", "pipe", "inherit"],
    },
  );
  children.push(proxyChild);
  const proxyLines = readline.createInterface({ input: proxyChild.stdout });
  const proxyLine = () => new Promise<string>((resolve) => proxyLines.once("line", resolve));
  const proxyUrl = (JSON.parse(await proxyLine()) as { url: string }).url;
  const proxyStats = async () => {
    const line = proxyLine();
    proxyChild.stdin.write("stats\n");
    return JSON.parse(await line) as Record<string, number>;
  };
  writeFileSync(path.join(dir, "31337.json"), JSON.stringify(chain.deployments));
  // The doors: the embedded broker in this process, one agent process per venue.
  const doorNetwork = await startDemoDoors({
    rpcUrl: chain.rpcUrl,
    chainId: 31337,
    runDir: dir,
    deployments: chain.deployments,
    log,
    children,
    challengeTtlS: 900,
  });
  closers.push(() => doorNetwork.stop());
  // Challenges for the pre-signed door requests, through the broker as a relayer gets them.
  const challenges = new MqttLockAdapter({
    url: doorNetwork.brokerUrl,
    username: RELAYER_USER,
    password: doorNetwork.relayerPassword,
    instanceId: "bench-scale-challenges",
    timeoutMs: 10_000,
    chainId: 31337,
    contract,
    door: async (id) => {
      const d = await createChainReader(createChainClient(chain.rpcUrl, 5000), contract).door(id);
      return d ? { venueId: d.venueId, lockKey: d.lockKey } : null;
    },
    logger: createLogger("silent"),
  });
  await challenges.start();
  closers.push(() => challenges.close());
  const webPort = await freePort();
  const relayerPort = await freePort();
  const base = `http://127.0.0.1:${relayerPort}`;
  const relayerEnv = {
    ...process.env,
    PORT: String(relayerPort),
    RPC_URL: proxyUrl,
    DEPLOYMENTS_DIR: dir,
    AUDIT_DB: path.join(dir, "audit.sqlite"),
    INDEX_DB: path.join(dir, "index.sqlite"),
    BROKER_URL: doorNetwork.brokerUrl,
    BROKER_PASSWORD: doorNetwork.relayerPassword,
    // The provider's limits, as an operator would configure them for it.
    INDEX_MAX_BLOCK_RANGE: "10000",
    INDEX_MAX_LOGS_PER_RESPONSE: "10000",
    DAPP_ORIGIN: `http://127.0.0.1:${webPort},http://localhost:5173`,
    SESSION_SECRET: "bench-scale-session-secret-0123456789abcdef",
    SIWE_SIGNINS_PER_IP: "1000000",
    CHALLENGE_MAX_AGE_S: "900",
    RATE_LIMIT_IP_PER_MIN: "100000000",
    RATE_LIMIT_ADDRESS_PER_MIN: "100000000",
    LOG_LEVEL: "info",
  };
  const startRelayer = (showProgress: boolean): Relayer => {
    const child = spawn(process.execPath, [path.join(ROOT, "server/main.ts")], {
      cwd: ROOT,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
      env: relayerEnv,
    });
    children.push(child);
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
    const lines = readline.createInterface({ input: child.stdout });
    let resolveReady: (r: { seconds: number }) => void;
    let resolveCaughtUp: (r: SyncReport | null) => void;
    const ready = new Promise<{ seconds: number }>((resolve, reject) => {
      resolveReady = resolve;
      child.once("exit", (code) =>
        reject(new BenchError(`relayer exited (${code}): ${stderr.trim().split("\n").at(-1) ?? ""}`)),
      );
    });
    const caughtUp = new Promise<SyncReport | null>((resolve) => (resolveCaughtUp = resolve));
    lines.on("line", (line) => {
      let entry: {
        msg?: string;
        done?: number;
        total?: number;
        logsPerSecond?: number;
        etaSeconds?: number;
        seconds?: number;
      };
      try {
        entry = JSON.parse(line) as typeof entry;
      } catch {
        return;
      }
      if (entry.msg === "index sync progress" && showProgress)
        log(
          `  sync: ${entry.done}/${entry.total} blocks, ${entry.logsPerSecond} logs/s, ETA ${entry.etaSeconds ?? "?"} s`,
        );
      if (entry.msg === "index caught up") resolveCaughtUp(entry as SyncReport);
      if (entry.msg === "index ready") {
        resolveCaughtUp(null);
        resolveReady({ seconds: entry.seconds ?? NaN });
      }
    });
    return { child, ready, caughtUp };
  };
  const stopRelayer = async (r: Relayer) => {
    await killGroup(r.child, "SIGTERM");
    children.splice(children.indexOf(r.child), 1);
  };
  const agent = new http.Agent({ keepAlive: true, maxSockets: Math.max(s.CLIENTS, s.SYNC_CLIENTS) + 8 });
  return { proxyUrl, proxyStats, challenges, base, webPort, agent, startRelayer, stopRelayer };
}

// ---------------------------------------------------------------------------------------------
// Door requests: real passes at their venue's street door, with fresh lock challenges.
// ---------------------------------------------------------------------------------------------
async function signDoorRequests(
  { contract }: Run,
  { streetDoor }: Network,
  { sample, venueOfResource, memberByAddress }: Seeded,
  { challenges }: Services,
): Promise<string[]> {
  const hasher = createDoorHasher(31337, contract);
  const deadline = Math.floor(Date.now() / 1000) + 590; // MAX_DEADLINE_AHEAD_S is 600
  const doorRequests: string[] = [];
  for (let i = 0; i < Math.min(4000, sample.length * 4); i++) {
    const p = sample[i % sample.length];
    const door = streetDoor.get(venueOfResource.get(p.resource)!)!;
    const challenge = (await challenges.getChallenge(door)) as Challenge;
    const member = memberByAddress.get(p.holder)!;
    const digest = hasher.unlockDigest({
      door,
      challenge: toHex(hasher.challengeDigest(challenge)),
      passId: p.id,
      deadline,
    });
    doorRequests.push(
      JSON.stringify({
        chainId: 31337,
        contract,
        door,
        challenge,
        passId: p.id.toString(),
        deadline,
        signer: member.address,
        signature: signDigest(digest, member.key),
      }),
    );
  }
  return doorRequests;
}

// ---------------------------------------------------------------------------------------------
// The cold sync, with door clients knocking all along; the relayer's memory after it.
// ---------------------------------------------------------------------------------------------
async function coldSync({ s, deployBlock }: Run, services: Services, doorRequests: string[], head: number) {
  const { SYNC_CLIENTS } = s;
  const { proxyUrl, proxyStats, base, agent, startRelayer } = services;
  log(`cold sync through the provider proxy (${proxyUrl}: 10,000 blocks, 10,000 logs, 1 % 429)…`);
  const tc = performance.now();
  const cold = startRelayer(true);
  let syncing = true;
  const duringSync = new Map<string, number>();
  let answeredDuringSync = 0;
  let k = 0;
  const knock = async () => {
    while (syncing) {
      const body = doorRequests[k++ % doorRequests.length];
      let reason: string;
      try {
        const res = await request(agent, `${base}/api/unlock`, "POST", body);
        reason = /"(?:reason|code)":"([a-z_]+)"/.exec(res.body)?.[1] ?? `http_${res.status}`;
        if (syncing) answeredDuringSync++;
      } catch (err) {
        reason = (err as NodeJS.ErrnoException).code === "ECONNREFUSED" ? "connection_refused" : "network_error";
        await new Promise((r) => setTimeout(r, 50)); // a door client retries, it does not spin
      }
      if (syncing) duringSync.set(reason, (duringSync.get(reason) ?? 0) + 1);
    }
  };
  const knocking = Promise.all(Array.from({ length: SYNC_CLIENTS }, knock));
  const report = await Promise.race([cold.caughtUp, cold.ready.then(() => null)]);
  const coldSyncSeconds = report?.seconds ?? secs(tc);
  const syncWindowSeconds = secs(tc);
  syncing = false;
  await knocking;
  await cold.ready;
  await waitFor(`${base}/readyz`, 60_000);
  const coldStartToReadySeconds = secs(tc);
  const syncedLogs = report?.logs ?? (await proxyStats()).logsServed;
  log(
    `cold sync: ${syncedLogs} logs over ${head - deployBlock + 1} blocks in ${coldSyncSeconds.toFixed(1)} s (${Math.round(syncedLogs / coldSyncSeconds)} logs/s); ready ${coldStartToReadySeconds.toFixed(1)} s after start`,
  );
  const proxyAfterSync = await proxyStats();
  const rss = memoryOf(cold.child.pid!);
  log(`relayer memory after sync: RSS ${rss.rssMB} MB (peak ${rss.peakMB} MB)`);
  return {
    relayer: cold,
    coldSyncSeconds,
    syncWindowSeconds,
    coldStartToReadySeconds,
    syncedLogs,
    proxyAfterSync,
    rss,
    duringSync,
    answeredDuringSync,
  };
}

// ---------------------------------------------------------------------------------------------
// The read API: SIWE sessions, the first read, a closed loop of clients, then paced clients.
// ---------------------------------------------------------------------------------------------
async function readApi({ s }: Run, { members, venues }: Network, { perMember }: Seeded, { base, agent }: Services) {
  const { CLIENTS, MEMBERS, READS, PACE_MS, PACED_ROUNDS } = s;
  const nowS = Math.floor(Date.now() / 1000);
  const { sessionCookie } = await import("../test/server/siweSession.ts");
  const readers = Array.from(
    { length: Math.min(CLIENTS, MEMBERS) },
    (_, c) => members[Math.floor((c * MEMBERS) / Math.min(CLIENTS, MEMBERS))],
  );
  const ts = performance.now();
  const memberCookies = await mapLimit(readers, 8, (m) => sessionCookie(base, m.key, nowS));
  const operatorCookies = await mapLimit(venues, 8, (v) => sessionCookie(base, v.operator.key, nowS));
  log(`  ${memberCookies.length + operatorCookies.length} SIWE sessions in ${secs(ts).toFixed(1)} s`);
  const tf = performance.now();
  const first = await request(agent, `${base}/api/passes`, "GET", undefined, memberCookies[0]);
  const firstReadMs = performance.now() - tf;
  const firstPasses = (JSON.parse(first.body) as { passes?: unknown[] }).passes?.length;
  if (first.status !== 200 || firstPasses !== perMember)
    throw new BenchError(`GET /api/passes answered ${first.status} with ${firstPasses} passes, expected ${perMember}`);
  const readLoad = async (
    name: string,
    url: (c: number) => string,
    cookie: (c: number) => string,
    check: (body: string) => boolean,
  ) => {
    const latencies: number[] = [];
    let next = 0;
    let bad = 0;
    const t = performance.now();
    await Promise.all(
      Array.from({ length: CLIENTS }, async (_, c) => {
        while (next < READS) {
          next++;
          const s = performance.now();
          const res = await request(agent, url(c), "GET", undefined, cookie(c));
          latencies.push(performance.now() - s);
          if (res.status !== 200 || !check(res.body)) bad++;
        }
      }),
    );
    const seconds = secs(t);
    if (bad) throw new BenchError(`${name}: ${bad} of ${READS} answers were not the expected page`);
    const p = percentiles(latencies);
    log(`  ${name}: ${Math.round(READS / seconds)} req/s, p50 ${p.p50} ms, p99 ${p.p99} ms`);
    return { ...p, perSecond: Math.round(READS / seconds) };
  };
  log(`read API under ${CLIENTS} concurrent clients (${READS} requests each)…`);
  const passesRead = await readLoad(
    "GET /api/passes (member)",
    () => `${base}/api/passes`,
    (c) => memberCookies[c % memberCookies.length],
    (b) => b.includes('"passes":[{'),
  );
  const bookingsRead = await readLoad(
    "GET /api/venues/:id/bookings?limit=200 (operator)",
    (c) => `${base}/api/venues/${venues[c % venues.length].id}/bookings?limit=200`,
    (c) => operatorCookies[c % operatorCookies.length],
    (b) => b.includes('"bookings":[{'),
  );

  // The same routes with the clients each asking once per BENCH_SCALE_PACE_MS (members opening
  // the dApp, not a closed loop): the latency of one answer rather than the queue in front of it.
  const readPaced = async (name: string, url: (c: number) => string, cookie: (c: number) => string) => {
    const latencies: number[] = [];
    const t = performance.now() + 50;
    await Promise.all(
      Array.from({ length: CLIENTS }, async (_, c) => {
        for (let j = 0; j < PACED_ROUNDS; j++) {
          const due = t + (c * PACE_MS) / CLIENTS + j * PACE_MS;
          await new Promise((r) => setTimeout(r, Math.max(0, due - performance.now())));
          const s = performance.now();
          const res = await request(agent, url(c), "GET", undefined, cookie(c));
          latencies.push(performance.now() - s);
          if (res.status !== 200) throw new BenchError(`${name}: HTTP ${res.status}`);
        }
      }),
    );
    const p = percentiles(latencies);
    log(`  ${name}, ${Math.round((CLIENTS * 1000) / PACE_MS)} req/s offered: p50 ${p.p50} ms, p99 ${p.p99} ms`);
    return p;
  };
  log(`read API, ${CLIENTS} clients asking once every ${PACE_MS} ms (${PACED_ROUNDS} rounds)…`);
  const passesPaced = await readPaced(
    "GET /api/passes (member)",
    () => `${base}/api/passes`,
    (c) => memberCookies[c % memberCookies.length],
  );
  const bookingsPaced = await readPaced(
    "GET /api/venues/:id/bookings?limit=200 (operator)",
    (c) => `${base}/api/venues/${venues[c % venues.length].id}/bookings?limit=200`,
    (c) => operatorCookies[c % operatorCookies.length],
  );
  return { readers, firstReadMs, passesRead, bookingsRead, passesPaced, bookingsPaced };
}

// ---------------------------------------------------------------------------------------------
// A warm restart on the index file.
// ---------------------------------------------------------------------------------------------
async function warmRestart({ base, startRelayer, stopRelayer }: Services, cold: Relayer) {
  await stopRelayer(cold);
  const tw = performance.now();
  const warm = startRelayer(false);
  const warmIndex = await warm.ready;
  await waitFor(`${base}/readyz`, 60_000, 10);
  const warmRestartSeconds = secs(tw);
  log(
    `warm restart: ready ${warmRestartSeconds.toFixed(2)} s after start (index restored and caught up in ${warmIndex.seconds} s)`,
  );
  return { warmRestartSeconds, warmIndex };
}

// ---------------------------------------------------------------------------------------------
// bench/scale.json and the table.
// ---------------------------------------------------------------------------------------------
function writeResults(
  { s, deployBlock }: Run,
  net: Network,
  { head, seedSeconds }: Seeded,
  cold: Awaited<ReturnType<typeof coldSync>>,
  reads: Awaited<ReturnType<typeof readApi>>,
  { warmRestartSeconds, warmIndex }: Awaited<ReturnType<typeof warmRestart>>,
  dapp: { firstRenderMs: number; firstRenderMs4xCpu: number; passesShown: number } | null,
): void {
  const { PASSES, MEMBERS, CLIENTS, PACE_MS, SYNC_CLIENTS, OUTPUT } = s;
  const { syncedLogs, coldSyncSeconds, coldStartToReadySeconds, rss, syncWindowSeconds, proxyAfterSync } = cold;
  const { firstReadMs, passesRead, bookingsRead, passesPaced, bookingsPaced } = reads;

  const result = {
    label: PASSES >= 100_000 ? "full size" : `reduced run (${PASSES} passes): not the issue's size`,
    passes: PASSES,
    members: MEMBERS,
    venues: net.venues.length,
    resources: net.resources.length,
    doors: net.doors,
    blocks: head - deployBlock + 1,
    logs: syncedLogs,
    seedSeconds: round(seedSeconds),
    coldSyncSeconds: round(coldSyncSeconds),
    coldSyncLogsPerSecond: Math.round(syncedLogs / coldSyncSeconds),
    coldStartToReadySeconds: round(coldStartToReadySeconds),
    warmRestartSeconds: round(warmRestartSeconds),
    warmIndexReadySeconds: warmIndex.seconds,
    rssMB: rss.rssMB,
    rssPeakMB: rss.peakMB,
    firstReadAfterSyncMs: round(firstReadMs),
    readApiP99Ms: { passes: passesRead.p99, bookings: bookingsRead.p99 },
    readApiP50Ms: { passes: passesRead.p50, bookings: bookingsRead.p50 },
    readApiPerSecond: { passes: passesRead.perSecond, bookings: bookingsRead.perSecond },
    readClients: CLIENTS,
    readApiPacedP99Ms: { passes: passesPaced.p99, bookings: bookingsPaced.p99 },
    readApiPacedP50Ms: { passes: passesPaced.p50, bookings: bookingsPaced.p50 },
    readApiPacedRequestsPerSecond: Math.round((CLIENTS * 1000) / PACE_MS),
    decisionsPerSecondDuringSync: round(cold.answeredDuringSync / syncWindowSeconds),
    requestsDuringSyncByOutcome: Object.fromEntries(cold.duringSync),
    doorClientsDuringSync: SYNC_CLIENTS,
    dappMyPassesFirstRenderMs: dapp ? dapp.firstRenderMs : null,
    dappMyPassesFirstRenderMs4xCpu: dapp ? dapp.firstRenderMs4xCpu : null,
    dappPassesShown: dapp ? dapp.passesShown : null,
    provider: {
      maxBlockRange: 10_000,
      maxLogsPerResponse: 10_000,
      http429Share: 0.01,
      duringColdSync: proxyAfterSync,
    },
    loadAverage: os.loadavg().map(round),
    machine: { cpus: os.cpus().length, node: process.version },
  };
  writeFileSync(OUTPUT, `${JSON.stringify(result, null, 2)}\n`);
  printTable(result, log);
  log(`wrote ${path.relative(ROOT, OUTPUT)}`);
}

type MeasureDapp = {
  dir: string;
  webPort: number;
  relayerUrl: string;
  rpcUrl: string;
  member: { key: Hex; address: Hex };
  chain: { rpcUrl: string };
  deployments: Deployments;
  closers: (() => Promise<void>)[];
  log: (s: string) => void;
};

/**
 * Time from the click on "My passes" (signed in on the landing page, as a member arrives) to the
 * first pass on screen, in Chromium; once as is and once with the CPU slowed 4× (issue 9's measure).
 */
async function measureDapp(
  o: MeasureDapp,
): Promise<{ firstRenderMs: number; firstRenderMs4xCpu: number; passesShown: number }> {
  const { buildWebIfStale, serveDappOrigin } = await import("../scripts/demo.ts");
  const { chromium } = await import("playwright-core");
  const { installWallet } = await import("../test/e2e/wallet.ts");
  const { CHROMIUM_ARGS } = await import("../test/e2e/harness.ts");
  await buildWebIfStale(path.join(o.dir, "build.log"), o.log);
  const server = await serveDappOrigin({
    port: o.webPort,
    relayerUrl: o.relayerUrl,
    rpcUrl: o.rpcUrl,
    deployments: o.deployments,
  });
  o.closers.push(() => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))));
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: CHROMIUM_ARGS,
  });
  o.closers.push(() => browser.close());
  const once = async (cpuSlowdown: number) => {
    const context = await browser.newContext({ locale: "en-CA", viewport: { width: 1280, height: 900 } });
    await installWallet(context, o.member.key, o.chain.rpcUrl);
    const page = await context.newPage();
    page.setDefaultTimeout(30_000);
    if (cpuSlowdown > 1)
      await (await context.newCDPSession(page)).send("Emulation.setCPUThrottlingRate", { rate: cpuSlowdown });
    await page.goto(`http://127.0.0.1:${o.webPort}/`);
    await page.getByRole("button", { name: "Connect wallet" }).click();
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByText("Signed in", { exact: true }).waitFor();
    const t = performance.now();
    await page.getByRole("link", { name: "My passes", exact: true }).click();
    await page.locator("li.pass[data-pass-id]").first().waitFor();
    const ms = performance.now() - t;
    await page.waitForTimeout(500);
    const shown = await page.locator("li.pass[data-pass-id]").count();
    await context.close();
    return { ms, shown };
  };
  await once(1); // a first visit warms the relayer and the origin; each visit has a fresh browser context
  const plain = await once(1);
  const slow = await once(4);
  o.log(
    `dApp "My passes": first pass ${plain.ms.toFixed(0)} ms after the click (${slow.ms.toFixed(0)} ms with the CPU slowed 4×), ${plain.shown} passes shown`,
  );
  return { firstRenderMs: round(plain.ms), firstRenderMs4xCpu: round(slow.ms), passesShown: plain.shown };
}

/** The figures the table shows (a subset of bench/scale.json). */
type Figures = {
  passes: number;
  members: number;
  venues: number;
  doors: number;
  blocks: number;
  logs: number;
  seedSeconds: number;
  coldSyncSeconds: number;
  coldSyncLogsPerSecond: number;
  warmRestartSeconds: number;
  rssMB: number;
  firstReadAfterSyncMs: number;
  readApiP50Ms: { passes: number; bookings: number };
  readApiP99Ms: { passes: number; bookings: number };
  readApiPacedP50Ms: { passes: number; bookings: number };
  readApiPacedP99Ms: { passes: number; bookings: number };
  decisionsPerSecondDuringSync: number;
  requestsDuringSyncByOutcome: Record<string, number>;
  dappMyPassesFirstRenderMs: number | null;
  dappMyPassesFirstRenderMs4xCpu: number | null;
};

function printTable(r: Figures, log: (s: string) => void): void {
  const rows: [string, string, string][] = [
    ["passes / members / venues / doors", `${r.passes} / ${r.members} / ${r.venues} / ${r.doors}`, ""],
    ["blocks / logs", `${r.blocks} / ${r.logs}`, ""],
    ["seeding", `${r.seedSeconds} s`, ""],
    ["cold sync", `${r.coldSyncSeconds} s`, ""],
    ["cold sync logs/s", String(r.coldSyncLogsPerSecond), "≥ 5,000"],
    ["warm restart to /readyz", `${r.warmRestartSeconds} s`, "≤ 2 s"],
    ["relayer RSS after sync", `${r.rssMB} MB`, ""],
    ["first read after sync", `${r.firstReadAfterSyncMs} ms`, ""],
    ["GET /api/passes p50 / p99", `${r.readApiP50Ms.passes} / ${r.readApiP99Ms.passes} ms`, "p99 ≤ 50 ms"],
    ["GET …/bookings?limit=200 p50 / p99", `${r.readApiP50Ms.bookings} / ${r.readApiP99Ms.bookings} ms`, "p99 ≤ 50 ms"],
    [
      "same, clients pacing 1 req/s: p50 / p99",
      `passes ${r.readApiPacedP50Ms.passes} / ${r.readApiPacedP99Ms.passes} ms, bookings ${r.readApiPacedP50Ms.bookings} / ${r.readApiPacedP99Ms.bookings} ms`,
      "",
    ],
    [
      "decisions/s during cold sync",
      `${r.decisionsPerSecondDuringSync} ${JSON.stringify(r.requestsDuringSyncByOutcome)}`,
      "",
    ],
    [
      "dApp My passes first pass",
      `${r.dappMyPassesFirstRenderMs ?? "-"} ms (4× CPU: ${r.dappMyPassesFirstRenderMs4xCpu ?? "-"} ms)`,
      "≤ 1,000 ms",
    ],
  ];
  const w0 = Math.max(...rows.map((x) => x[0].length));
  const w1 = Math.max(...rows.map((x) => x[1].length));
  log("");
  for (const [a, b, c] of rows) log(`  ${a.padEnd(w0)}  ${b.padEnd(w1)}  ${c}`);
  log("");
}

function fail(err: unknown): void {
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`bench:scale failed: ${message.split("\n")[0]}\n`);
  process.exitCode = 1;
}

if (process.argv[2] === "--proxy") await proxyProcess(process.argv[3]);
else await main();
