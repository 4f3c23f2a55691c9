// The agent's chain reads (plain eth_call, no library) against a real chain: a door's venue and
// lock key, a relayer the venue trusts or not, an unknown door, an unreachable chain (fail closed).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { ChainTrust } from "../../agent/src/chainTrust.ts";
import { readTrustedRelayers } from "../../agent/src/offline/trustedRelayers.ts";
import { exitOf, run } from "../helpers/processes.ts";
import { freePort, startLocalChain, type LocalChain } from "../helpers/localChain.ts";
import { protocolOn, seedVenue } from "../server/fixture.ts";
import { DEMO_RELAYER_ADDRESS, demoLockAddress } from "../../server/demoKeys.ts";
import { tempDir } from "../helpers/tempDirs.ts";
import { addressOf, type Hex } from "../../agent/src/lockCrypto.ts";
import { pairingCode } from "../../protocol/pairing.ts";

describe("agent chain trust", () => {
  let chain: LocalChain;
  let venue: Awaited<ReturnType<typeof seedVenue>>;
  before(async () => {
    chain = await startLocalChain();
    venue = await seedVenue(protocolOn(chain), DEMO_RELAYER_ADDRESS);
  });
  after(async () => chain?.stop());

  it("reads a door's venue and lock key, and whether its venue trusts a relayer", async () => {
    const trust = new ChainTrust(chain.rpcUrl, chain.deployments.contracts.Passepartout.address);
    assert.equal(await trust.chainId(), 31337);
    const d = await trust.door(venue.street);
    assert.deepEqual(d, { venueId: venue.venueId, active: true, lockKey: demoLockAddress(venue.street).toLowerCase() });
    assert.equal(await trust.isRelayerTrusted(venue.street, DEMO_RELAYER_ADDRESS), true);
    assert.equal(await trust.isRelayerTrusted(venue.street, `0x${"12".repeat(20)}`), false);
    assert.equal(await trust.door(9999), null);
    assert.equal(await trust.isRelayerTrusted(9999, DEMO_RELAYER_ADDRESS), false);
  });

  it("lists the relayers a venue trusts now, for the offline path's cache (a removed key drops out)", async () => {
    const p = protocolOn(chain);
    const contract = chain.deployments.contracts.Passepartout.address;
    const extra = `0x${"34".repeat(20)}` as const;
    await p.write(venue.operator, { functionName: "setRelayerTrusted", args: [venue.venueId, extra, true] });
    const now = await readTrustedRelayers(chain.rpcUrl, contract, venue.venueId);
    assert.deepEqual([...now].sort(), [DEMO_RELAYER_ADDRESS.toLowerCase(), extra].sort());
    await p.write(venue.operator, { functionName: "setRelayerTrusted", args: [venue.venueId, extra, false] });
    assert.deepEqual(await readTrustedRelayers(chain.rpcUrl, contract, venue.venueId), [
      DEMO_RELAYER_ADDRESS.toLowerCase(),
    ]);
    assert.deepEqual(await readTrustedRelayers(chain.rpcUrl, contract, 999), [], "another venue's are not listed");
  });

  it("the agent's CLI refuses, in one line, a config error and a door not paired with its key", async () => {
    const dir = tempDir("pp-agent-cli-");
    try {
      const file = path.join(dir, "agent.json");
      const config = (lockKey: string) => ({
        agentId: "cli-test",
        venue: venue.venueId,
        chain: { rpcUrl: chain.rpcUrl, chainId: 31337, contract: chain.deployments.contracts.Passepartout.address },
        broker: { url: "mqtt://127.0.0.1:9" },
        doors: [{ id: venue.street, lockKey, driver: { type: "simulator" } }],
      });
      writeFileSync(file, JSON.stringify({ ...config(`0x${"11".repeat(32)}`), venue: "one" }));
      let r = await exitOf(run("agent/src/main.ts", {}, ["--config", file]));
      assert.equal(r.code, 1);
      assert.match(r.stderr.trim(), /^invalid agent configuration: venue: /);
      writeFileSync(file, JSON.stringify(config(`0x${"11".repeat(32)}`)));
      r = await exitOf(run("agent/src/main.ts", {}, ["--config", file]));
      assert.equal(r.code, 1);
      assert.equal(r.stderr.trim().split("\n").length, 1);
      assert.match(r.stderr, new RegExp(`^door ${venue.street}: its on-chain lockKey is .* \\(pair it first\\)`));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("makes a door's lock key on first start, keeps it after, and prints its address and pairing code", async () => {
    const dir = tempDir("pp-agent-pair-");
    try {
      const file = path.join(dir, "agent.json");
      writeFileSync(
        file,
        JSON.stringify({
          agentId: "pair-test",
          venue: venue.venueId,
          chain: { rpcUrl: chain.rpcUrl, chainId: 31337, contract: chain.deployments.contracts.Passepartout.address },
          broker: { url: "mqtt://127.0.0.1:9" },
          doors: [{ id: venue.street, driver: { type: "simulator" } }],
        }),
      );
      const first = await exitOf(run("agent/src/main.ts", {}, ["--config", file]));
      const keyFile = path.join(dir, "lock.key");
      const key = readFileSync(keyFile, "utf8").trim() as Hex;
      assert.match(key, /^0x[0-9a-f]{64}$/);
      assert.equal(statSync(keyFile).mode & 0o777, 0o600, "the key is readable by its user only");
      const address = addressOf(key);
      assert.match(first.stdout, new RegExp(`new lock key made in ${keyFile.replaceAll("/", "\\/")}`));
      assert.ok(first.stdout.includes(address), "prints the key's address");
      assert.ok(first.stdout.includes(pairingCode(address)!), "prints the pairing code");
      assert.ok(!first.stdout.includes(key.slice(2)), "never prints the secret key");
      // The chain holds another lock key for this door: the start stops, naming what to do.
      assert.equal(first.code, 1);
      assert.match(first.stderr, /pair it first/);
      const second = await exitOf(run("agent/src/main.ts", {}, ["--config", file]));
      assert.equal(readFileSync(keyFile, "utf8").trim(), key, "the key is made once");
      assert.doesNotMatch(second.stdout, /new lock key/);
      assert.ok(second.stdout.includes(pairingCode(address)!));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("throws when the chain cannot be read, so the agent refuses", async () => {
    const trust = new ChainTrust(
      `http://127.0.0.1:${await freePort()}`,
      chain.deployments.contracts.Passepartout.address,
    );
    await assert.rejects(trust.isRelayerTrusted(venue.street, DEMO_RELAYER_ADDRESS));
  });
});
