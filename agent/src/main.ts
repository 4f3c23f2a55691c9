#!/usr/bin/env node
// The door agent's command line: `npm run agent -- --config /etc/passepartout/agent.json`
// (or `node agent/src/main.ts --config …`). Checks the config and the chain (each door's on-chain
// venue and lock key must match its configured key), connects to the broker, and runs until
// SIGTERM / SIGINT, when it marks its doors offline and disconnects. A bad start exits 1 with one line.
// Pairing: the agent's own lock key (config `lockKeyFile`, by default lock.key beside the config),
// used by every door that names no key of its own, is made on first start; its address and pairing
// code are printed before anything else is checked, and a door whose on-chain lockKey is another
// address stops the start with the steps to pair it.
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { ChainTrust } from "./chainTrust.ts";
import { systemClock } from "./clock.ts";
import { loadAgentConfig, readSecret } from "./config.ts";
import { DoorAgent, type AgentDoor } from "./doorAgent.ts";
import { createDriver } from "./drivers/index.ts";
import { lockCrypto, sameAddress, type Hex } from "./lockCrypto.ts";
import { createAgentLogger } from "./log.ts";
import { ensureLockKeyFile, pairingOf, pairingText } from "./pairing.ts";
import { startDoorScreen, type DoorScreen } from "./screen/doorScreen.ts";
import { startOffline } from "./offline/startOffline.ts";

function die(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

const { values } = parseArgs({ options: { config: { type: "string" }, "new-key": { type: "boolean" } } });
if (values["new-key"]) {
  // Pairing: a fresh lock key for a door; the operator registers its address on chain as the door's lockKey.
  const key: Hex = `0x${randomBytes(32).toString("hex")}`;
  const p = pairingOf(0, key);
  process.stdout.write(
    `lock key (keep it secret, put it in lockKeyFile): ${key}\naddress (give it to the operator): ${p.address}\npairing code: ${p.code}\n`,
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
// The agent's own lock key, for the doors that name none: made on first start, shown for pairing.
let agentKey: Hex | undefined;
if (config.doors.some((d) => d.lockKey === undefined && d.lockKeyFile === undefined)) {
  const file = path.resolve(config.dir, config.lockKeyFile ?? "lock.key");
  try {
    if (ensureLockKeyFile(file)) process.stdout.write(`new lock key made in ${file}\n`);
    agentKey = readFileSync(file, "utf8").trim() as Hex;
  } catch (err) {
    die(`cannot read or make the lock key file ${file}: ${(err as Error).message}`);
  }
  if (!/^0x[0-9a-fA-F]{64}$/.test(agentKey)) die(`${file}: a lock key must be 0x and 64 hex digits`);
  const p = pairingOf(0, agentKey);
  process.stdout.write(`this agent's lock key address: ${p.address}  pairing code: ${p.code}\n`);
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
    key = readSecret(d, "lockKey", config.dir) ?? agentKey;
  } catch (err) {
    die(`door ${d.id}: cannot read lockKeyFile: ${(err as Error).message}`);
  }
  if (!key || !/^0x[0-9a-fA-F]{64}$/.test(key)) die(`door ${d.id}: lockKey must be 0x and 64 hex digits`);
  const pairing = pairingOf(d.id, key as Hex);
  const onChain = await trust.door(d.id).catch(() => die(`chain unreachable at ${config.chain.rpcUrl}`));
  if (!onChain || !sameAddress(onChain.lockKey, pairing.address))
    process.stdout.write(`${pairingText(pairing, "unpaired")}\n`);
  if (!onChain) die(`door ${d.id} does not exist on chain (create it in the venue editor with the address above)`);
  if (onChain.venueId !== config.venue) die(`door ${d.id} belongs to venue ${onChain.venueId}, not ${config.venue}`);
  if (!sameAddress(onChain.lockKey, pairing.address))
    die(
      `door ${d.id}: its on-chain lockKey is ${onChain.lockKey}, this agent's key is ${pairing.address} (pair it first)`,
    );
  process.stdout.write(`${pairingText(pairing, "paired")}\n`);
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

// The door log opens before anything is decided; a log that cannot be opened stops the agent
// (fail closed: no decision without a record).
// node:sqlite announces itself as experimental when loaded: one line on stderr that is not a problem.
process.removeAllListeners("warning");
process.on("warning", (w) => {
  if (!(w.name === "ExperimentalWarning" && /SQLite/.test(w.message)))
    process.stderr.write(`${w.name}: ${w.message}\n`);
});
const { DoorLog } = await import("./doorLog.ts");
let doorLog: InstanceType<typeof DoorLog>;
try {
  doorLog = new DoorLog({
    file: path.resolve(config.dir, config.doorLog.file ?? `door-log-${config.agentId}.sqlite`),
    agentId: config.agentId,
    crypto: lockCrypto(config.chain.chainId, config.chain.contract as Hex),
    keys: new Map(doors.map((d) => [d.id, d.key])),
    clock: systemClock,
  });
} catch (err) {
  die(`door log: ${(err as Error).message}`);
}
const chain = doorLog.verify();
if (chain.ok) logger.info({ records: chain.records, head: chain.head, pending: doorLog.pending }, "door log opened");
else
  logger.error(
    { seq: chain.seq, problem: chain.problem },
    "door log chain broken: the relayers will refuse it from there",
  );

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
  doorLog,
  logKeepAckedDays: config.doorLog.keepAckedDays,
  logUpload: { batch: config.doorLog.uploadBatch, ackTimeoutMs: config.doorLog.ackTimeoutMs },
});
logger.info(
  { agent: config.agentId, venue: config.venue, doors: doors.map((d) => ({ id: d.id, driver: d.driver.kind })) },
  "door agent starting",
);
let screen: DoorScreen | undefined;
if (config.screen) {
  try {
    screen = await startDoorScreen({
      ...config.screen,
      doors: config.doors.map((d) => ({ id: d.id, name: d.name })),
      agent,
      logger,
    });
  } catch (err) {
    die(`screen: cannot listen on ${config.screen.host}:${config.screen.port}: ${(err as Error).message}`);
  }
}
// Offline doors (scanned DoorPass codes while the uplink is down), when configured.
const offline = config.offline
  ? await startOffline({ config, offline: config.offline, doors, agent, clock: systemClock, logger })
  : null;
void agent.start().then(() => logger.info({}, "door agent ready"));
const stop = () => {
  offline?.stop();
  void Promise.all([agent.stop(), screen?.close()]).then(() => {
    doorLog.close();
    process.exit(0);
  });
};
process.once("SIGTERM", stop);
process.once("SIGINT", stop);
