// The receipts service (server/receipts/receiptsService.ts): block times the logs lacked are read
// from the chain once per block, a token's symbol and decimals once per token, and a venue's time
// zone, address and door names come from its on-chain metadata only.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { PublicClient } from "viem";
import { ReceiptsService, venueFacts, onChainMetadata } from "../../server/receipts/receiptsService.ts";
import { ledgerKey, type ChainIndex, type IndexedVenue, type LedgerEntry } from "../../server/index/chainIndex.ts";
import { CAD, runChain } from "./receiptsLedger.ts";

/** The part of the index the service reads. */
function fakeIndex(entries: LedgerEntry[]): ChainIndex {
  const map = new Map(entries.map((e) => [ledgerKey(e.block, e.logIndex), e]));
  return { ledger: { map }, tip: 1_000, reorgs: 0 } as unknown as ChainIndex;
}

function fakeClient(opts: { fail?: boolean } = {}) {
  const calls = { blocks: [] as bigint[], reads: [] as string[] };
  const client = {
    getBlock({ blockNumber }: { blockNumber: bigint }) {
      calls.blocks.push(blockNumber);
      if (opts.fail) return Promise.reject(new Error("HTTP request failed"));
      return Promise.resolve({ timestamp: 1_700_000_000n + blockNumber });
    },
    readContract({ functionName }: { functionName: string }) {
      calls.reads.push(functionName);
      return Promise.resolve(functionName === "symbol" ? "tCAD" : 6);
    },
  };
  return { client: client as unknown as PublicClient, calls };
}

describe("receipts service", () => {
  const undated = runChain([
    { op: "book", resource: 1, currency: CAD, cents: 100, member: 0 },
    { op: "book", resource: 1, currency: CAD, cents: 200, member: 1 },
    { op: "book", resource: 2, currency: CAD, cents: 300, member: 2 },
  ]).ledger.map((e) => ({ ...e, time: null }));

  it("dates documents from their block when the logs did not carry its time, reading each block once", async () => {
    const { client, calls } = fakeClient();
    const service = new ReceiptsService(fakeIndex(undated), client);
    const docs = await service.documents();
    assert.deepEqual(
      docs.map((d) => d.time),
      undated.map((e) => 1_700_000_000 + e.block),
    );
    const blocks = new Set(undated.map((e) => e.block)).size;
    assert.equal(calls.blocks.length, blocks);
    await service.documents();
    assert.equal(calls.blocks.length, blocks, "cached");
  });

  it("fails (and dates nothing wrongly) when the chain cannot be read", async () => {
    const service = new ReceiptsService(fakeIndex(undated), fakeClient({ fail: true }).client);
    await assert.rejects(service.documents(), /HTTP request failed/);
  });

  it("reads a token's symbol and decimals once; ETH is built in", async () => {
    const { client, calls } = fakeClient();
    const service = new ReceiptsService(fakeIndex([]), client);
    assert.deepEqual(await service.currency(CAD), { address: CAD, symbol: "tCAD", decimals: 6 });
    await service.currency(CAD);
    assert.deepEqual(calls.reads.sort(), ["decimals", "symbol"]);
    assert.equal((await service.currency("0x0000000000000000000000000000000000000000")).symbol, "ETH");
  });

  it("takes the venue's time zone, address and doors from on-chain metadata only", () => {
    const venue = (metadataURI: string): IndexedVenue => ({
      id: 1,
      operator: CAD,
      pendingOperator: "0x0000000000000000000000000000000000000000",
      splitId: 1,
      paused: false,
      name: "Le Lab",
      metadataURI,
      taxPayee: CAD,
      doorPassMaxHours: null,
    });
    const meta = { timezone: "America/Vancouver", address: "1 rue X", doors: { "1": "Porte", "2": 3 } };
    const json = JSON.stringify(meta);
    for (const uri of [
      `data:application/json,${encodeURIComponent(json)}`,
      `data:application/json;base64,${Buffer.from(json).toString("base64")}`,
      json,
    ])
      assert.deepEqual(venueFacts(venue(uri)), {
        timeZone: "America/Vancouver",
        address: "1 rue X",
        doors: { "1": "Porte" },
      });
    const fallback = { timeZone: "America/Toronto", address: null, doors: {} };
    assert.deepEqual(venueFacts(venue("https://example.com/venue.json")), fallback, "not chain data: not read");
    assert.deepEqual(venueFacts(venue('{"timezone":"Mars/Olympus"}')), fallback, "unknown zone: the default");
    assert.deepEqual(venueFacts(venue("data:application/json,%7Bnot json")), fallback);
    assert.deepEqual(venueFacts(undefined), fallback);
    assert.deepEqual(onChainMetadata("[1,2]"), {});
  });
});
