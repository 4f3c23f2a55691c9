// Starts a lock simulator process for the demo: `node server/locks/lockSimulatorMain.ts`.
//
// Env: LOCK_HOST (127.0.0.1), LOCK_PORT (8600), RPC_URL, CHAIN_ID (31337), DEPLOYMENTS_DIR,
// LOCK_DOORS ("all": every door on chain whose lockKey is its demo key; or "1,2,5"),
// LOCK_KEYS (JSON {"<doorId>": "0x<private key>"}; default: the demo key of each door, see
// server/demoKeys.ts), LOCK_CHALLENGE_TTL_S (120), LOCK_TRUST_CACHE_MS (2000),
// LOCK_LOG_FILE (data/lock-log.jsonl), RPC_TIMEOUT_MS (2000).
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { AddressInfo } from "node:net";
import { z } from "zod";
import { privateKeyToAddress } from "viem/accounts";
import { readDeployments, DEPLOYMENTS_DIR } from "../../protocol/deployments.ts";
import { createChainClient, createChainReader } from "../index/chain.ts";
import { demoLockAddress, demoLockKey } from "../demoKeys.ts";
import { LockSimulator } from "./lockSimulator.ts";
import { createLockApp } from "./lockSimulatorServer.ts";
import { createLogger } from "../logger.ts";
import type { Hex } from "../door/doorCrypto.ts";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

const schema = z.object({
  LOCK_HOST: z.string().default("127.0.0.1"),
  LOCK_PORT: z.coerce.number().int().min(0).max(65535).default(8600),
  RPC_URL: z.url().default("http://127.0.0.1:8545"),
  CHAIN_ID: z.coerce.number().int().positive().default(31337),
  DEPLOYMENTS_DIR: z.string().default(DEPLOYMENTS_DIR),
  LOCK_DOORS: z
    .string()
    .regex(/^(all|\d{1,10}(,\d{1,10})*)$/, 'must be "all" or a comma-separated list of door ids')
    .default("all"),
  LOCK_KEYS: z.string().optional(),
  LOCK_CHALLENGE_TTL_S: z.coerce.number().int().positive().default(120),
  LOCK_TRUST_CACHE_MS: z.coerce.number().int().min(0).default(2000),
  LOCK_LOG_FILE: z.string().default(path.join(ROOT, "data", "lock-log.jsonl")),
  RPC_TIMEOUT_MS: z.coerce.number().int().positive().default(2000),
  LOG_LEVEL: z.string().default("info"),
});
const keysSchema = z.record(z.string().regex(/^\d{1,10}$/), z.string().regex(/^0x[0-9a-fA-F]{64}$/));

function die(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

const picked = Object.fromEntries(
  Object.keys(schema.shape).flatMap((k) => (process.env[k] ? [[k, process.env[k]]] : [])),
);
const parsed = schema.safeParse(picked);
if (!parsed.success)
  die(
    `invalid lock simulator configuration: ${parsed.error.issues[0].path.join(".")}: ${parsed.error.issues[0].message}`,
  );
const env = parsed.data;
let explicitKeys: Record<string, string> = {};
if (env.LOCK_KEYS) {
  let json: unknown;
  try {
    json = JSON.parse(env.LOCK_KEYS);
  } catch {
    die("invalid lock simulator configuration: LOCK_KEYS is not JSON");
  }
  const k = keysSchema.safeParse(json);
  if (!k.success) die('invalid lock simulator configuration: LOCK_KEYS must be {"<doorId>": "0x<32-byte key>"}');
  explicitKeys = k.data;
}

const logger = createLogger(env.LOG_LEVEL, "lock-simulator");
let deployments;
try {
  deployments = readDeployments(env.CHAIN_ID, env.DEPLOYMENTS_DIR);
} catch (err) {
  die((err as Error).message);
}
const contract = deployments.contracts.Passepartout.address;
const reader = createChainReader(createChainClient(env.RPC_URL, env.RPC_TIMEOUT_MS), contract);
let doorCount: number;
try {
  if ((await reader.chainId()) !== env.CHAIN_ID) die(`RPC_URL=${env.RPC_URL} is not chain ${env.CHAIN_ID}`);
  doorCount = await reader.doorCount();
} catch {
  die(`chain unreachable at RPC_URL=${env.RPC_URL}, or no Passepartout at ${contract}`);
}

const doorKeys = new Map<number, Hex>();
const wanted =
  env.LOCK_DOORS === "all" ? Array.from({ length: doorCount }, (_, i) => i + 1) : env.LOCK_DOORS.split(",").map(Number);
for (const doorId of wanted) {
  const key = (explicitKeys[String(doorId)] as Hex | undefined) ?? demoLockKey(doorId);
  const door = await reader.door(doorId);
  if (!door) {
    if (env.LOCK_DOORS !== "all") die(`door ${doorId} does not exist on chain`);
    continue;
  }
  if (door.lockKey.toLowerCase() !== privateKeyToAddress(key).toLowerCase()) {
    if (env.LOCK_DOORS !== "all") die(`door ${doorId}: on-chain lockKey ${door.lockKey} is not the key given for it`);
    logger.warn(
      { doorId, lockKey: door.lockKey, demo: demoLockAddress(doorId) },
      "skipping door: its lock key is not the demo key",
    );
    continue;
  }
  doorKeys.set(doorId, key);
}

const sim = new LockSimulator({
  chainId: env.CHAIN_ID,
  contract,
  doorKeys,
  trust: {
    async doorVenue(doorId) {
      const d = await reader.door(doorId);
      if (!d) throw new Error(`no door ${doorId}`);
      return d.venueId;
    },
    isRelayerTrusted: (venueId, relayer) => reader.isRelayerTrusted(venueId, relayer),
  },
  challengeTtlS: env.LOCK_CHALLENGE_TTL_S,
  trustCacheMs: env.LOCK_TRUST_CACHE_MS,
  logFile: env.LOCK_LOG_FILE,
});
const server = createLockApp(sim).listen(env.LOCK_PORT, env.LOCK_HOST, () => {
  const port = (server.address() as AddressInfo).port;
  logger.info(
    { url: `http://${env.LOCK_HOST}:${port}`, doors: sim.doors(), log: env.LOCK_LOG_FILE },
    "lock simulator listening",
  );
});
server.on("error", (err) => die(`lock simulator cannot listen: ${err.message}`));
const stop = () => server.close(() => process.exit(0));
process.once("SIGINT", stop);
process.once("SIGTERM", stop);
