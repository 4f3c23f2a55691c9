#!/usr/bin/env node
// The door agent's command line: `npm run agent -- --config /etc/passepartout/agent.json`
// (or `node agent/src/main.ts --config …`). Checks the config and the chain (each door's on-chain
// venue and lock key must match its configured key), connects to the broker, and runs until
// SIGTERM / SIGINT, when it marks its doors offline and disconnects. A bad start exits 1 with one line.
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { ChainTrust } from "./chainTrust.ts";
import { systemClock } from "./clock.ts";
import { loadAgentConfig, readSecret } from "./config.ts";
import { DoorAgent, type AgentDoor } from "./doorAgent.ts";
import { createDriver } from "./drivers/index.ts";
import { addressOf, sameAddress, type Hex } from "./lockCrypto.ts";
import { createAgentLogger } from "./log.ts";
import { startOffline } from "./offline/startOffline.ts";

function die(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

const { values } = parseArgs({ options: { config: { type: "string" }, "new-key": { type: "boolean" } } });
if (values["new-key"]) {
  // Pairing: a fresh lock key for a door; the operator registers its address on chain as the door's lockKey.
  const key: Hex = `0x${randomBytes(32).toString("hex")}`;
  process.stdout.write(
    `lock key (keep it secret, put it in lockKeyFile): ${key}\naddress (give it to the operator): ${addressOf(key)}\n`,
  );
  process.exit(0);
}
if (!values.config) die("usage: passepartout-door-agent --config <file.json>  |  --new-key");
let config;
try {
  config = loadAgentConfig(values.config);
} catch (err) {
  die((err as Error).message);
}
const logger = createAgentLogger(config.logLevel);
const trust = new ChainTrust(config.chain.rpcUrl, config.chain.contract as Hex, { cacheMs: config.chain.trustCacheMs });

try {
  const chainId = await trust.chainId();
  if (chainId !== config.chain.chainId) die(`chain.rpcUrl serves chain ${chainId}, expected ${config.chain.chainId}`);
} catch {
  die(`chain unreachable at ${config.chain.rpcUrl}`);
}

const doors: AgentDoor[] = [];
for (const d of config.doors) {
  let key: string | undefined;
  try {
    key = readSecret(d, "lockKey", config.dir);
  } catch (err) {
    die(`door ${d.id}: cannot read lockKeyFile: ${(err as Error).message}`);
  }
  if (!key || !/^0x[0-9a-fA-F]{64}$/.test(key)) die(`door ${d.id}: lockKey must be 0x and 64 hex digits`);
  const onChain = await trust.door(d.id).catch(() => die(`chain unreachable at ${config.chain.rpcUrl}`));
  if (!onChain) die(`door ${d.id} does not exist on chain`);
  if (onChain.venueId !== config.venue) die(`door ${d.id} belongs to venue ${onChain.venueId}, not ${config.venue}`);
  const address = addressOf(key as Hex);
  if (!sameAddress(onChain.lockKey, address))
    die(`door ${d.id}: its on-chain lockKey is ${onChain.lockKey}, this agent's key is ${address} (pair it first)`);
  let driver;
  try {
    driver = createDriver(d.driver, d.id, (name) => readSecret(d.driver, name, config.dir));
  } catch (err) {
    die((err as Error).message);
  }
  doors.push({ id: d.id, key: key as Hex, driver, pulseSeconds: d.pulseSeconds });
}

let password: string | undefined;
let ca: Buffer | undefined;
try {
  password = readSecret(config.broker, "password", config.dir);
  if (config.broker.caFile) ca = readFileSync(path.resolve(config.dir, config.broker.caFile));
} catch (err) {
  die(`broker: ${(err as Error).message}`);
}

const agent = new DoorAgent({
  agentId: config.agentId,
  venue: config.venue,
  chainId: config.chain.chainId,
  contract: config.chain.contract as Hex,
  broker: { url: config.broker.url, username: config.broker.username, password, ca },
  doors,
  trust,
  clock: systemClock,
  logger,
  challengeTtlS: config.challengeTtlS,
  driverBudgetMs: config.driverBudgetMs,
  statusIntervalMs: config.statusIntervalMs,
});
logger.info(
  { agent: config.agentId, venue: config.venue, doors: doors.map((d) => ({ id: d.id, driver: d.driver.kind })) },
  "door agent starting",
);
// Offline doors (scanned DoorPass codes while the uplink is down), when configured.
const offline = config.offline
  ? await startOffline({ config, offline: config.offline, doors, agent, clock: systemClock, logger })
  : null;
void agent.start().then(() => logger.info({}, "door agent ready"));
const stop = () => {
  offline?.stop();
  void agent.stop().then(() => process.exit(0));
};
process.once("SIGTERM", stop);
process.once("SIGINT", stop);
