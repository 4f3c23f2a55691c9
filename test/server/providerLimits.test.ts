// Cold sync through a provider that behaves like a public one (test/server/providerProxy.ts):
// ranges over 50 blocks refused, "too many results" over 10 logs, answers silently capped at 6
// logs, a seeded share of calls answered 429, 5xx or cut in half, and logs of a foreign address
// added. The sync must end with exactly the chain's state, pass by pass, and count the foreign logs.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { Writable } from "node:stream";
import pino from "pino";
import { startLocalChain, type LocalChain } from "../helpers/localChain.ts";
import { startProviderProxy, seededRandom, type ProviderProxy } from "./providerProxy.ts";
import {
  assertIndexEqualsChain,
  indexedRelayerEnv,
  metricValue,
  mine,
  seedHistory,
  startIndexedRelayer,
  type Seeded,
} from "./indexFixture.ts";
import type { RunningRelayer } from "../../server/relayer.ts";
import { isRangeRefusal } from "../../protocol/rpcRangeRefusal.ts";
import { RpcError, withRetry } from "../../server/index/rpc.ts";
import { HOUR } from "./fixture.ts";

describe("sync through a provider with limits and faults", () => {
  let chain: LocalChain;
  let proxy: ProviderProxy;
  let relayer: RunningRelayer;
  let seeded: Seeded;
  const sleeps: number[] = [];

  before(async () => {
    chain = await startLocalChain();
    seeded = await seedHistory(chain);
    proxy = await startProviderProxy(
      chain.rpcUrl,
      { maxRange: 50, tooManyAbove: 10, capAt: 6, failRate: 0.2, foreignEvery: 3 },
      7,
    );
    relayer = await startIndexedRelayer(
      chain,
      indexedRelayerEnv(proxy.url, { INDEX_MAX_BLOCK_RANGE: "400", INDEX_MAX_LOGS_PER_RESPONSE: "6" }),
      {
        sleep: (ms) => {
          sleeps.push(ms);
          return Promise.resolve();
        },
        random: seededRandom(11),
      },
    );
  });
  after(async () => {
    await relayer?.close();
    await proxy?.close();
    await chain?.stop();
  });

  it("met every kind of refusal and fault on the way", () => {
    const s = proxy.stats;
    for (const [kind, n] of Object.entries(s)) assert.ok(n > 0, `the provider injected no ${kind}`);
    assert.ok(sleeps.length >= s.http429 + s.http5xx + s.truncated, "every fault was retried after a backoff");
  });

  it("ends with exactly the chain's state, every pass compared with direct contract reads", async () => {
    const head = Number((await chain.rpc<{ number: string }>("eth_getBlockByNumber", ["latest", false])).number);
    assert.equal(relayer.ctx.index.tip, head);
    assert.ok(head > 1000, `history spans ${head} blocks`);
    await assertIndexEqualsChain(seeded.p, relayer.ctx.index, [chain.accounts[9].address]);
    assert.equal(relayer.ctx.index.doors.get(4242), undefined, "the foreign DoorSet was not applied");
  });

  it("applied pages within the provider's range that tile the history once, after halving on refusals", () => {
    const pages = proxy.calls.filter((c) => c.method === "eth_getLogs");
    // Answered in full and under the relayer's 6 logs per answer (a foreign log may push one over).
    const accepted = pages.filter((c) => c.outcome === "ok" && c.logs! < 6);
    assert.ok(accepted.length > 20);
    for (const c of accepted) assert.ok(c.toBlock! - c.fromBlock! + 1 <= 50, `page ${c.fromBlock}-${c.toBlock}`);
    // Each accepted page starts right after the previous one; nothing is read twice or skipped.
    let next = chain.deployments.deployBlock;
    for (const c of accepted) {
      assert.equal(c.fromBlock, next, `page ${c.fromBlock}-${c.toBlock} follows block ${next - 1}`);
      next = c.toBlock! + 1;
    }
    assert.equal(next - 1, relayer.ctx.index.tip);
    // After a refusal the same start is asked again with at most half the range.
    for (let i = 0; i + 1 < pages.length; i++) {
      const [a, b] = [pages[i], pages[i + 1]];
      const refused = a.outcome === "rangeRefused" || a.outcome === "tooMany" || a.outcome === "capped";
      if (!refused && !(a.outcome === "ok" && a.logs! >= 6)) continue;
      assert.equal(b.fromBlock, a.fromBlock);
      assert.ok(b.toBlock! - b.fromBlock! + 1 <= Math.ceil((a.toBlock! - a.fromBlock! + 1) / 2));
    }
  });

  it("counts the foreign logs in /metrics", async () => {
    const text = await (await fetch(`${relayer.url}/metrics`)).text();
    assert.equal(metricValue(text, "relayer_index_foreign_logs_total"), proxy.stats.foreign);
    assert.ok(metricValue(text, "relayer_index_range_refusals_total") > 0);
    assert.ok(metricValue(text, "relayer_index_rpc_retries_total") > 0);
  });

  it("keeps following the chain through the same provider", async () => {
    const member = chain.accounts[3];
    const start = seeded.slot0 + 9 * HOUR;
    const { passId, blockNumber } = await seeded.p.book(member, seeded.venue.office, start, start + HOUR);
    await relayer.ctx.index.poll();
    while (relayer.ctx.index.tip < Number(blockNumber)) await relayer.ctx.index.poll();
    assert.equal(relayer.ctx.index.passes.get(passId)?.holder, member.address.toLowerCase());
    await assertIndexEqualsChain(seeded.p, relayer.ctx.index);
  });

  it("logs the progress of a long cold sync: blocks done / total, logs/s, ETA", async () => {
    await mine(chain, 12_000);
    const lines: Record<string, unknown>[] = [];
    const logger = pino(
      { level: "info" },
      new Writable({
        write(chunk: Buffer, _enc, done) {
          for (const l of chunk.toString().split("\n").filter(Boolean))
            lines.push(JSON.parse(l) as Record<string, unknown>);
          done();
        },
      }),
    );
    const cold = await startIndexedRelayer(chain, indexedRelayerEnv(chain.rpcUrl), { logger });
    try {
      const caughtUp = lines.filter((l) => l.msg === "index caught up");
      assert.equal(caughtUp.length, 1);
      const p = caughtUp[0];
      assert.equal(p.done, cold.ctx.index.tip - (chain.deployments.deployBlock - 1));
      assert.equal(p.total, p.done);
      const all = await chain.rpc<unknown[]>("eth_getLogs", [
        { address: seeded.p.address, fromBlock: `0x${chain.deployments.deployBlock.toString(16)}`, toBlock: "latest" },
      ]);
      assert.equal(p.logs, all.length, "every log of the protocol counted once");
      assert.equal(typeof p.logsPerSecond, "number");
      assert.equal(p.etaSeconds, 0);
      await assertIndexEqualsChain(seeded.p, cold.ctx.index);
    } finally {
      await cold.close();
    }
  });
});

describe("provider answers, told apart", () => {
  it("recognises the common refusals of a log query for its size", () => {
    for (const [code, message] of [
      [-32005, "query returned more than 10000 results"],
      [-32602, "block range is too wide"],
      [-32000, "exceed maximum block range: 2000"],
      [-32602, "Log response size exceeded. You can make eth_getLogs requests with up to a 2K block range"],
      [-32005, "limit exceeded"],
      [-32600, "eth_getLogs block range too large, range: 5000, max: 3000"],
    ] as const)
      assert.equal(isRangeRefusal(code, message), true, message);
    assert.equal(isRangeRefusal(-32005, "daily request count exceeded, request rate limited"), false);
    assert.equal(isRangeRefusal(-32602, "invalid argument 0: hex string without 0x prefix"), false);
    assert.equal(isRangeRefusal(-32000, "header not found"), false);
  });

  it("retries transient failures with exponential backoff and full jitter, then gives up", async () => {
    const delays: number[] = [];
    let calls = 0;
    const failing = withRetry(
      () => {
        calls++;
        return Promise.reject(new RpcError("transient", "HTTP 429", { status: 429 }));
      },
      { retries: 4, baseMs: 100, maxMs: 500, sleep: (ms) => (delays.push(ms), Promise.resolve()), random: () => 0.5 },
    );
    await assert.rejects(failing("eth_getLogs", []), /HTTP 429/);
    assert.equal(calls, 5);
    assert.deepEqual(delays, [50, 100, 200, 250]);
  });

  it("does not retry an error that is not transient", async () => {
    let calls = 0;
    const call = withRetry(
      () => {
        calls++;
        return Promise.reject(new RpcError("rpc", "execution reverted"));
      },
      { retries: 4, baseMs: 1, maxMs: 1, sleep: () => Promise.resolve() },
    );
    await assert.rejects(call("eth_call", []), /execution reverted/);
    assert.equal(calls, 1);
  });
});
