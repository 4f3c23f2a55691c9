// The demo's chain keeps its time on the wall clock (issue 17, item 18): with Hardhat's automine
// each block used to take one more second than the last, so a burst of transactions carried chain
// time ahead of the wall clock and the sponsor's simulation refused a booking of the current hour
// (BookingInPast) that the door, on wall time, would accept.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { startHardhatNode, type HardhatNode } from "../helpers/localChain.ts";
import { DEMO_NETWORK } from "../../scripts/demo.ts";

describe("the demo's chain", () => {
  let node: HardhatNode;
  before(async () => {
    node = await startHardhatNode({ network: DEMO_NETWORK });
  });
  after(async () => {
    await node?.stop();
  });

  it("stays on the wall clock under a burst of 60 transactions", async () => {
    const [from, to] = node.accounts;
    assert.equal(await node.rpc("eth_chainId"), "0x7a69", "the demo's chain id, 31337");
    for (let i = 0; i < 60; i++)
      await node.rpc("eth_sendTransaction", [{ from: from.address, to: to.address, value: "0x1" }]);
    const latest = await node.rpc<{ timestamp: string; number: string }>("eth_getBlockByNumber", ["latest", false]);
    const wall = Math.floor(Date.now() / 1000);
    assert.ok(Number(latest.number) >= 60);
    assert.ok(
      Number(latest.timestamp) <= wall + 1,
      `chain ${Number(latest.timestamp) - wall} s ahead of the wall clock`,
    );
  });
});
