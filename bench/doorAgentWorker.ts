// A process running several door agents for bench/door.ts (each agent its own MQTT connection over
// TLS, simulated locks). Trust comes from a fixed set here: the agent's chain read is cached and
// off the hot path (agent/src/chainTrust.ts). argv[2]: JSON { brokerUrl, caFile, relayer, chainId,
// contract, agents: [{ venue, username, password, doors: number[] }] }. Prints "ready" once every
// agent is connected, then "stats <json>" on each line read from stdin.
import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { DoorAgent } from "../agent/src/doorAgent.ts";
import { SimulatorDriver } from "../agent/src/drivers/simulator.ts";
import { createAgentLogger } from "../agent/src/log.ts";
import { bytesToHex, keccak256 } from "../agent/src/lockCrypto.ts";

// server/demoKeys.ts's demoLockKey, without loading viem into the agents' process.
const demoLockKey = (door: number) => bytesToHex(keccak256(new TextEncoder().encode(`passepartout-demo-lock:${door}`)));
type Spec = {
  brokerUrl: string;
  caFile: string;
  relayer: `0x${string}`;
  chainId: number;
  contract: `0x${string}`;
  agents: { venue: number; username: string; password: string; doors: number[] }[];
};
const spec = JSON.parse(process.argv[2]) as Spec;
const ca = readFileSync(spec.caFile);
const trusted = spec.relayer.toLowerCase();
const agents = spec.agents.map(
  (a) =>
    new DoorAgent({
      agentId: `bench-venue-${a.venue}`,
      venue: a.venue,
      chainId: spec.chainId,
      contract: spec.contract,
      broker: { url: spec.brokerUrl, username: a.username, password: a.password, ca },
      doors: a.doors.map((id) => ({ id, key: demoLockKey(id), driver: new SimulatorDriver(), pulseSeconds: 1 })),
      trust: { isRelayerTrusted: (_door, relayer) => Promise.resolve(relayer.toLowerCase() === trusted) },
      clock: () => Math.floor(Date.now() / 1000),
      logger: createAgentLogger("error"),
      statusIntervalMs: 0,
    }),
);
await Promise.all(agents.map((a) => a.start()));
process.stdout.write("ready\n");
createInterface({ input: process.stdin }).on("line", () => {
  const stats = agents.reduce(
    (s, a) => ({
      opened: s.opened + a.stats.opened,
      refused: s.refused + a.stats.refused,
      connects: s.connects + a.stats.connects,
    }),
    { opened: 0, refused: 0, connects: 0 },
  );
  process.stdout.write(`stats ${JSON.stringify(stats)}\n`);
});
process.on("SIGTERM", () => void Promise.all(agents.map((a) => a.stop())).then(() => process.exit(0)));
