// The agent reads its venue's trusted relayers (agent/src/offline/trustedRelayers.ts) through a
// provider that limits eth_getLogs as public ones do (test/server/providerProxy.ts: ranges over N
// blocks refused, in several providers' words): in chunks, halved on a refusal, never over the
// limit; and the set keeps the last block read, so the next refresh — also after a restart — reads
// only the blocks since (a few before, for a reorganised tip).
import assert from "node:assert/strict";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { TrustedRelayers, readTrustedRelayers } from "../../agent/src/offline/trustedRelayers.ts";
import { DEMO_RELAYER_ADDRESS } from "../../server/demoKeys.ts";
import { rpcCall, startLocalChain, type LocalChain } from "../helpers/localChain.ts";
import { tempDir } from "../helpers/tempDirs.ts";
import { protocolOn, seedVenue } from "../server/fixture.ts";
import { startProviderProxy, type ProviderProxy } from "../server/providerProxy.ts";

const LIMIT = 3000; // the provider's largest eth_getLogs range; the agent asks for 5,000 by default

describe("the trusted relayer set read in ranges a provider accepts", () => {
  let chain: LocalChain;
  let proxy: ProviderProxy;
  let venue: Awaited<ReturnType<typeof seedVenue>>;
  let contract: `0x${string}`;
  const extra = `0x${"34".repeat(20)}` as const;
  before(async () => {
    chain = await startLocalChain();
    const p = protocolOn(chain);
    venue = await seedVenue(p, DEMO_RELAYER_ADDRESS); // trusts the demo relayer, in the first blocks
    contract = chain.deployments.contracts.Passepartout.address;
    await rpcCall(chain.rpcUrl, "hardhat_mine", [`0x${(12_000).toString(16)}`]);
    await p.write(venue.operator, { functionName: "setRelayerTrusted", args: [venue.venueId, extra, true] });
    proxy = await startProviderProxy(chain.rpcUrl, { maxRange: LIMIT });
  });
  after(async () => {
    await proxy?.close();
    await chain?.stop();
  });

  const getLogs = () => proxy.calls.filter((c) => c.method === "eth_getLogs");
  const accepted = () => getLogs().filter((c) => c.outcome === "ok");

  it("reads every block in chunks, halving a refused one, and finds the trust events at both ends", async () => {
    const refused: { from: number; to: number; nextChunk: number }[] = [];
    const relayers = await readTrustedRelayers(proxy.url, contract, venue.venueId, {
      onRangeRefused: (r) => refused.push(r),
    });
    assert.deepEqual([...relayers].sort(), [DEMO_RELAYER_ADDRESS.toLowerCase(), extra].sort());
    assert.ok(proxy.stats.rangeRefused >= 1, "the 5,000-block chunk was refused");
    assert.deepEqual(refused[0], { from: 0, to: 4999, nextChunk: 2500 });
    assert.ok(
      accepted().every((c) => c.toBlock! - c.fromBlock! + 1 <= LIMIT),
      "no accepted range over the limit",
    );
    const head = Number(await rpcCall<string>(chain.rpcUrl, "eth_blockNumber"));
    const spans = accepted().sort((a, b) => a.fromBlock! - b.fromBlock!);
    assert.equal(spans[0].fromBlock, 0);
    assert.equal(spans.at(-1)!.toBlock, head);
    for (let i = 1; i < spans.length; i++)
      assert.equal(spans[i].fromBlock, spans[i - 1].toBlock! + 1, "no block skipped or read twice");
  });

  it("keeps the last block read: the next refresh, also after a restart, reads only the new blocks", async () => {
    const dir = tempDir("pp-trust-range-");
    const clock = { now: 1_800_000_000 };
    const make = () =>
      new TrustedRelayers({
        file: path.join(dir, "trusted-relayers.json"),
        venue: venue.venueId,
        chainId: 31337,
        contract,
        key: `0x${"77".repeat(32)}`,
        maxAgeS: 86_400,
        clock: () => clock.now,
      });
    const trust = make();
    const first = await trust.refresh({ rpcUrl: proxy.url, fromBlock: 0 });
    assert.equal(trust.block, first.block);
    assert.ok(first.getLogs >= 5, "the whole history, in chunks");
    assert.equal(trust.verdict(extra), "trusted");

    // The operator removes the extra relayer: its event is in a new block; the candidates are the
    // cached set and the new events, each asked again.
    const p = protocolOn(chain);
    await p.write(venue.operator, { functionName: "setRelayerTrusted", args: [venue.venueId, extra, false] });
    proxy.calls.length = 0;
    clock.now += 600;
    const second = await trust.refresh({ rpcUrl: proxy.url, fromBlock: 0 });
    assert.equal(second.getLogs, 1, "one small range");
    assert.ok(getLogs()[0].fromBlock! > first.block - 100, `read from ${getLogs()[0].fromBlock}, not from 0`);
    assert.equal(trust.verdict(extra), "untrusted");
    assert.equal(trust.verdict(DEMO_RELAYER_ADDRESS), "trusted", "a relayer trusted long ago stays known");

    // A restart: the file holds the block too.
    const again = make();
    assert.equal(await again.load(), "loaded");
    assert.equal(again.block, second.block);
    await p.write(venue.operator, { functionName: "setRelayerTrusted", args: [venue.venueId, extra, true] });
    proxy.calls.length = 0;
    const third = await again.refresh({ rpcUrl: proxy.url, fromBlock: 0 });
    assert.equal(third.getLogs, 1);
    assert.ok(getLogs()[0].fromBlock! > second.block - 100);
    assert.equal(again.verdict(extra), "trusted", "re-added on chain: back");
  });

  it("keeps the cached set when the chain cannot be read", async () => {
    const dir = tempDir("pp-trust-down-");
    const trust = new TrustedRelayers({
      file: path.join(dir, "trusted-relayers.json"),
      venue: venue.venueId,
      chainId: 31337,
      contract,
      key: `0x${"77".repeat(32)}`,
      maxAgeS: 86_400,
      clock: () => 1_800_000_000,
    });
    await trust.refresh({ rpcUrl: proxy.url, fromBlock: 0 });
    const block = trust.block;
    await assert.rejects(trust.refresh({ rpcUrl: "http://127.0.0.1:9", fromBlock: 0, timeoutMs: 500 }));
    assert.equal(trust.block, block);
    assert.equal(trust.verdict(DEMO_RELAYER_ADDRESS), "trusted");
  });
});
