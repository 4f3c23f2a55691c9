// The chain misbehaves: the RPC connection is cut by a TCP proxy, or turned into a black hole that
// accepts and never answers (fail closed within a second, then recover), and a real reorg on the
// node removes a booking the relayer had already indexed.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { HOUR, startHarness, unlock, type Harness } from "./fixture.ts";
import { startTcpProxy, type TcpProxy } from "../helpers/tcpProxy.ts";

describe("when the chain fails", () => {
  let h: Harness;
  let proxy: TcpProxy;
  let slot0: number;
  let passId: bigint;
  const member = () => h.chain.accounts[2];

  // The RPC timeout alone would let one decision wait for several calls of 1 s each; the decision's
  // chain budget (300 ms here, 750 ms by default) bounds the whole, so a door says no within 1 s.
  before(async () => {
    h = await startHarness(
      { RPC_TIMEOUT_MS: "1000", DECISION_CHAIN_BUDGET_MS: "300" },
      {
        rpcUrl: async (chain) => {
          proxy = await startTcpProxy(chain.port);
          return proxy.url;
        },
      },
    );
    slot0 = Math.floor((await h.p.chainNow()) / HOUR) * HOUR;
    passId = (await h.p.book(member(), h.venue.office, slot0, slot0 + 3 * HOUR)).passId;
    h.clock.now = slot0 + 600;
  });
  after(async () => {
    await proxy?.close();
    await h?.stop();
  });

  it("denies with chain_unavailable while the RPC is cut, and grants again once it is back", async () => {
    assert.equal((await unlock(h, { key: member().privateKey, passId, door: h.venue.street })).body.reason, "granted");
    await proxy.cut();
    const challenge = h.sim.issueChallenge(h.venue.street)!;
    const t0 = performance.now();
    const cut = await unlock(h, { key: member().privateKey, passId, door: h.venue.street, challenge });
    const ms = performance.now() - t0;
    assert.equal(cut.status, 503);
    assert.equal(cut.body.granted, false);
    assert.equal(cut.body.reason, "chain_unavailable");
    assert.ok(ms < 1000, `the denial took ${ms.toFixed(0)} ms`);
    const ready = await fetch(`${h.relayer.url}/readyz`);
    // readiness follows within a few poll intervals
    await new Promise((r) => setTimeout(r, 1200));
    const notReady = await fetch(`${h.relayer.url}/readyz`);
    assert.equal(notReady.status, 503);
    void ready;
    await proxy.restore();
    const back = await unlock(h, { key: member().privateKey, passId, door: h.venue.street });
    assert.equal(back.body.reason, "granted");
    assert.equal(h.sim.log(h.venue.street).at(-1)!.challenge, back.challengeId);
    assert.equal((await fetch(`${h.relayer.url}/readyz`)).status, 200);
  });

  it("says no within a second while the RPC accepts connections and never answers, and grants again once it answers", async () => {
    assert.equal((await unlock(h, { key: member().privateKey, passId, door: h.venue.street })).body.reason, "granted");
    await proxy.stall();
    try {
      // Several in a row: neither the first (index poll hanging) nor the later ones (polls queued
      // behind it, direct reads hanging too) may wait for the RPC timeout.
      for (let k = 0; k < 3; k++) {
        const challenge = h.sim.issueChallenge(h.venue.street)!;
        const t0 = performance.now();
        const r = await unlock(h, { key: member().privateKey, passId, door: h.venue.street, challenge });
        const ms = performance.now() - t0;
        assert.equal(r.status, 503);
        assert.equal(r.body.reason, "chain_unavailable");
        assert.ok(ms < 1000, `denial ${k} took ${ms.toFixed(0)} ms`);
      }
    } finally {
      await proxy.restore();
    }
    // Polls that were hanging time out on their own; then decisions are granted again.
    let reason = "";
    for (let k = 0; k < 20 && reason !== "granted"; k++) {
      reason = (await unlock(h, { key: member().privateKey, passId, door: h.venue.street })).body.reason;
      if (reason !== "granted") await new Promise((r) => setTimeout(r, 200));
    }
    assert.equal(reason, "granted");
  });

  it("forgets a booking removed by a reorg (snapshot, book, revert, other blocks)", async () => {
    const start = slot0 + HOUR;
    const snapshot = await h.chain.rpc<string>("evm_snapshot");
    const booked = await h.p.book(member(), h.venue.room, start, start + HOUR);
    h.clock.now = start + 60;
    const before = await unlock(h, { key: member().privateKey, passId: booked.passId, door: h.venue.roomDoor });
    assert.equal(before.body.reason, "granted");
    const tipBefore = h.relayer.ctx.index.tip;
    assert.ok(tipBefore >= Number(booked.blockNumber));
    // Read before the revert: a background poll may see the reorg while the blocks are mined.
    const reorgsBefore = h.relayer.ctx.index.reorgs;
    assert.equal(await h.chain.rpc("evm_revert", [snapshot]), true);
    await h.chain.rpc("evm_mine");
    await h.chain.rpc("evm_mine");
    await h.chain.rpc("evm_mine");
    const after = await unlock(h, { key: member().privateKey, passId: booked.passId, door: h.venue.roomDoor });
    assert.equal(after.body.reason, "pass_not_found");
    assert.ok(h.relayer.ctx.index.reorgs > reorgsBefore, "the index saw the reorg");
    // The first pass, booked before the snapshot, survives.
    const still = await unlock(h, { key: member().privateKey, passId, door: h.venue.street });
    assert.equal(still.body.reason, "granted");
    const metrics = await (await fetch(`${h.relayer.url}/metrics`)).text();
    assert.match(metrics, /relayer_index_reorgs_total [1-9]/);
  });
});
