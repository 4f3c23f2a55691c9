// The agent's chain reads (plain eth_call, no library) against a real chain: a door's venue and
// lock key, a relayer the venue trusts or not, an unknown door, an unreachable chain (fail closed).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { ChainTrust } from "../../agent/src/chainTrust.ts";
import { freePort, startLocalChain, type LocalChain } from "../helpers/localChain.ts";
import { protocolOn, seedVenue } from "../server/fixture.ts";
import { DEMO_RELAYER_ADDRESS, demoLockAddress } from "../../scripts/lib/demoKeys.ts";

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

  it("throws when the chain cannot be read, so the agent refuses", async () => {
    const trust = new ChainTrust(
      `http://127.0.0.1:${await freePort()}`,
      chain.deployments.contracts.Passepartout.address,
    );
    await assert.rejects(trust.isRelayerTrusted(venue.street, DEMO_RELAYER_ADDRESS));
  });
});
