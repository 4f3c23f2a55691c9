// Two relayers sharing the sponsor's key (issue 17, item 14): they send one at a time through a
// lease in their shared store (the SQLite file beside the audit trail on one host, PostgreSQL for
// a fleet), so the same signed request sent to both becomes one transaction, none reverts at the
// sponsor's cost, nothing answers 500, and the gas budget survives a restart.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { createPublicClient, http, type PublicClient } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { HOUR, startHarness, type Harness } from "./fixture.ts";
import { gaslessKit } from "./gaslessRequests.ts";
import { startPostgres, type PgCluster } from "../helpers/postgres.ts";
import { loadConfig } from "../../server/config.ts";
import { startRelayer, type RunningRelayer } from "../../server/relayer.ts";
import { InProcessLockAdapter } from "../../server/locks/lockAdapter.ts";
import { openSponsorStore } from "../../server/sponsor/sponsorStore.ts";
import { DEMO_SPONSOR_PRIVATE_KEY } from "../../server/demoKeys.ts";
import type { Hex } from "../../protocol/types.ts";

type Answer = { status: number; body: { hash?: Hex; error?: { code: string } } };

for (const kind of ["sqlite", "postgres"] as const) {
  describe(`two relayers sharing the sponsor key and a ${kind === "sqlite" ? "SQLite" : "PostgreSQL"} store`, () => {
    let pg: PgCluster | undefined;
    let h: Harness;
    let pub: PublicClient;
    let second: RunningRelayer | undefined;
    let desk: number;
    let slot0: number;
    /** Gas the sponsor's transactions used, from their receipts. */
    let spent = 0n;
    const sponsor = privateKeyToAccount(DEMO_SPONSOR_PRIVATE_KEY).address;
    const sponsorDb = () => pg?.url ?? path.join(path.dirname(h.auditDb), "sponsor.sqlite");
    const startSecond = (env: Record<string, string> = {}) =>
      startRelayer(
        loadConfig({
          PORT: "0",
          RPC_URL: h.chain.rpcUrl,
          AUDIT_DB: h.auditDb,
          INDEX_DB: `${h.indexDb}.second`,
          SPONSOR_DB: sponsorDb(),
          LOG_LEVEL: "silent",
          INDEX_POLL_MS: "100",
          RATE_LIMIT_IP_PER_MIN: "1000000",
          ...env,
        }),
        {
          clock: h.clock.fn,
          lock: new InProcessLockAdapter(h.sim),
          deployments: h.chain.deployments,
          defaultMetrics: false,
        },
      );

    before(async () => {
      if (kind === "postgres") pg = await startPostgres();
      try {
        h = await startHarness({ LOG_LEVEL: "silent", ...(pg ? { SPONSOR_DB: pg.url } : {}) });
        pub = createPublicClient({ transport: http(h.chain.rpcUrl, { retryCount: 0 }), cacheTime: 0 });
        desk = await gaslessKit(h, pub).cadDesk(20);
        slot0 = Math.floor((await h.p.chainNow()) / HOUR) * HOUR;
        second = await startSecond();
      } catch (err) {
        pg?.stop();
        throw err;
      }
    });
    after(async () => {
      await second?.close();
      await h?.stop();
      pg?.stop();
    });

    async function relay(base: string, request: unknown): Promise<Answer> {
      const res = await fetch(`${base}/api/sponsor/relay`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ request }),
      });
      return { status: res.status, body: (await res.json()) as Answer["body"] };
    }

    it("the same signed request sent to both relayers is one transaction: no 500, no reverted transaction", async () => {
      const kit = gaslessKit(h, pub);
      const members = await Promise.all([1, 2, 3, 4, 5, 6].map(() => kit.newMember()));
      const requests = [];
      for (const [i, m] of members.entries())
        requests.push((await kit.bookingRequest(m, desk, slot0 + (i + 1) * HOUR)).request);
      const fromBlock = await pub.getBlockNumber();
      const nonce = await pub.getTransactionCount({ address: sponsor });
      const answers = await Promise.all(requests.flatMap((r) => [relay(h.relayer.url, r), relay(second!.url, r)]));
      for (const a of answers) assert.equal(a.status, 200, JSON.stringify(a.body));
      for (let i = 0; i < requests.length; i++)
        assert.equal(
          answers[2 * i].body.hash,
          answers[2 * i + 1].body.hash,
          "both relayers answer the one transaction",
        );
      assert.equal(
        await pub.getTransactionCount({ address: sponsor }),
        nonce + requests.length,
        "one transaction each",
      );
      // Every transaction the sponsor paid for since succeeded.
      const toBlock = await pub.getBlockNumber();
      let paid = 0;
      for (let b = fromBlock + 1n; b <= toBlock; b++) {
        const block = await pub.getBlock({ blockNumber: b, includeTransactions: true });
        for (const tx of block.transactions) {
          if (tx.from.toLowerCase() !== sponsor.toLowerCase()) continue;
          paid++;
          const receipt = await pub.getTransactionReceipt({ hash: tx.hash });
          assert.equal(receipt.status, "success", tx.hash);
          spent += receipt.gasUsed;
        }
      }
      assert.equal(paid, requests.length);
      for (const m of members) assert.equal(await h.p.read("balanceOf", [m.address]), 1n, "one pass each");
    });

    it("keeps the gas budget in the shared store: a restarted relayer does not start afresh", async () => {
      const store = await openSponsorStore(sponsorDb());
      let used = 0;
      try {
        const window = Math.floor(h.clock.now / 86_400) * 86_400;
        // Each relayer settles its transactions from their receipts in the background.
        for (let i = 0; i < 200 && used !== Number(spent); i++) {
          await new Promise((r) => setTimeout(r, 50));
          used = await store.used(window, `${sponsor.toLowerCase()}:gas`);
        }
      } finally {
        await store.close();
      }
      assert.equal(used, Number(spent), "the store holds the gas the receipts say was used");
      await second?.close();
      second = undefined;
      // Restarted with a budget that leaves less than one request's worth after what was spent.
      second = await startSecond({ SPONSOR_GAS_BUDGET_PER_DAY: String(used + 399_999) });
      const terms = (await (await fetch(`${second.url}/api/sponsor`)).json()) as { available: boolean; reason: string };
      assert.deepEqual([terms.available, terms.reason], [false, "budget_exhausted"]);
    });
  });
}
