// The agent as a venue installs it (`npm run build:agent`): one file, started by plain `node` from a
// folder with no node_modules, pairs with the chain, connects to a broker and opens a door.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { spawn, type ChildProcess } from "node:child_process";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { privateKeyToAddress } from "viem/accounts";
import { bundleAgent } from "../../scripts/lib/bundleAgent.ts";
import { startEmbeddedBroker, type EmbeddedBroker } from "../../server/broker/embeddedBroker.ts";
import { createDoorHasher, signDigest, toHex } from "../../server/door/doorCrypto.ts";
import { DEMO_RELAYER_ADDRESS, DEMO_RELAYER_PRIVATE_KEY, demoLockAddress, demoLockKey } from "../../server/demoKeys.ts";
import { createLogger } from "../../server/logger.ts";
import { MqttLockAdapter } from "../../server/locks/mqttLockAdapter.ts";
import { exitOf } from "../helpers/processes.ts";
import { startLocalChain, type LocalChain } from "../helpers/localChain.ts";
import { tempDir } from "../helpers/tempDirs.ts";
import { protocolOn, seedVenue } from "../server/fixture.ts";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

describe("the bundled door agent (agent/dist/door-agent.mjs)", () => {
  let dir: string;
  let bundle: string;
  before(async () => {
    dir = tempDir("pp-agent-bundle-"); // outside the repository: no node_modules to fall back on
    bundle = path.join(dir, "door-agent.mjs");
    await bundleAgent(path.join(ROOT, "agent", "src", "main.ts"), bundle);
  });

  const start = (args: string[]) =>
    spawn(process.execPath, [bundle, ...args], { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });

  it("makes a lock key whose printed address is the key's", async () => {
    const child = start(["--new-key"]);
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    assert.equal((await exitOf(child)).code, 0);
    const key = /0x[0-9a-f]{64}/.exec(out)?.[0] as `0x${string}`;
    const address = /address[^\n]*?(0x[0-9a-fA-F]{40})/.exec(out)?.[1];
    assert.ok(key && address, out);
    assert.equal(address.toLowerCase(), privateKeyToAddress(key).toLowerCase());
  });

  it("refuses a missing config in one line", async () => {
    const r = await exitOf(start(["--config", "missing.json"]));
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^cannot read the config file missing\.json/);
    assert.equal(r.stderr.trim().split("\n").length, 1);
  });

  describe("with a chain and a broker", () => {
    let chain: LocalChain;
    let broker: EmbeddedBroker;
    let agent: ChildProcess | undefined;
    let adapter: MqttLockAdapter | undefined;
    after(async () => {
      agent?.kill("SIGTERM");
      await adapter?.close();
      await broker?.close();
      await chain?.stop();
    });

    it("opens a door paired on chain for a command of a trusted relayer", async () => {
      chain = await startLocalChain();
      const venue = await seedVenue(protocolOn(chain), DEMO_RELAYER_ADDRESS);
      broker = await startEmbeddedBroker();
      const contract = chain.deployments.contracts.Passepartout.address;
      const config = path.join(dir, "agent.json");
      writeFileSync(
        config,
        JSON.stringify({
          agentId: "bundle-test",
          venue: venue.venueId,
          chain: { rpcUrl: chain.rpcUrl, chainId: 31337, contract },
          broker: { url: broker.url },
          doors: [{ id: venue.street, lockKey: demoLockKey(venue.street), driver: { type: "simulator" } }],
        }),
      );
      agent = start(["--config", config]);
      let stderr = "";
      agent.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
      adapter = new MqttLockAdapter({
        url: broker.url,
        instanceId: "bundle-test",
        timeoutMs: 2000,
        chainId: 31337,
        contract,
        door: (id) =>
          Promise.resolve(id === venue.street ? { venueId: venue.venueId, lockKey: demoLockAddress(id) } : null),
        logger: createLogger("silent"),
      });
      await adapter.start();
      // The agent needs a moment to read the chain and subscribe: ask until it answers.
      let challenge = null;
      for (let i = 0; i < 40 && !challenge; i++) {
        challenge = await adapter.getChallenge(venue.street).catch(() => null);
        if (!challenge) await new Promise((r) => setTimeout(r, 250));
      }
      assert.ok(challenge, `no challenge from the bundled agent: ${stderr}`);
      const hasher = createDoorHasher(31337, contract);
      const cmd = {
        door: venue.street,
        challenge: toHex(hasher.challengeDigest(challenge)),
        expires: Math.floor(Date.now() / 1000) + 3,
      };
      const result = await adapter.deliver({
        ...cmd,
        relayer: DEMO_RELAYER_ADDRESS,
        signature: signDigest(hasher.openCommandDigest(cmd), DEMO_RELAYER_PRIVATE_KEY),
      });
      assert.deepEqual(result, { status: "opened" });
    });
  });
});
