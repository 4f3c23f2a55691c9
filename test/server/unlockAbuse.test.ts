// Requests that name someone they cannot prove to be: junk naming a member must not lock that
// member out (limits key on what is proven) nor enter the member's door history (audited as
// unauthenticated); a hostile ERC-1271 "wallet" that burns gas must not slow ordinary members.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { createPublicClient, createWalletClient, http, type Abi, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { createSiweMessage } from "viem/siwe";
import { HOUR, startHarness, unlock, type Harness } from "./fixture.ts";
import { ROOT } from "../helpers/localChain.ts";
import { asDecision, signUnlockRequest, type ErrorAnswer, type UnlockAnswer } from "../../scripts/lib/doorClient.ts";

const ORIGIN = "http://localhost:5173";

describe("requests that name someone they cannot prove to be", () => {
  let h: Harness;
  let passId: bigint;
  const member = () => h.chain.accounts[2];
  const attacker = () => h.chain.accounts[3];
  const junkIds: string[] = [];

  before(async () => {
    // Production-like per-signer limit (60/min); the per-IP limit stays out of the way (one IP here).
    h = await startHarness({ RATE_LIMIT_ADDRESS_PER_MIN: "60", DECISION_CHAIN_BUDGET_MS: "750" });
    const slot0 = Math.floor((await h.p.chainNow()) / HOUR) * HOUR;
    passId = (await h.p.book(member(), h.venue.office, slot0, slot0 + 3 * HOUR)).passId;
    h.clock.now = slot0 + 600;
  });
  after(async () => {
    await h?.stop();
  });

  /** Posts a signed request; `express` sends it through the express route instead of the fast path. */
  async function post(body: unknown, express = false): Promise<{ status: number; answer: UnlockAnswer }> {
    const res = await fetch(`${h.relayer.url}/api/unlock`, {
      method: "POST",
      headers: { "content-type": express ? "application/json; x=1" : "application/json" },
      body: JSON.stringify(body),
    });
    return { status: res.status, answer: asDecision((await res.json()) as UnlockAnswer | ErrorAnswer) };
  }

  /** A request signed by `key` that claims `signer`, with a genuine challenge of the street door. */
  function claim(key: Hex, signer: Hex) {
    const challenge = h.sim.issueChallenge(h.venue.street)!;
    return signUnlockRequest({
      account: key,
      chainId: 31337,
      contract: h.p.address,
      door: h.venue.street,
      challenge,
      passId,
      deadline: h.clock.now + 60,
      signer,
    });
  }

  async function signIn(key: Hex): Promise<string> {
    const account = privateKeyToAccount(key);
    const { nonce } = (await (await fetch(`${h.relayer.url}/api/siwe/nonce`)).json()) as { nonce: string };
    const message = createSiweMessage({
      address: account.address,
      domain: "localhost:5173",
      uri: ORIGIN,
      chainId: 31337,
      nonce,
      version: "1",
      issuedAt: new Date(h.clock.now * 1000),
      expirationTime: new Date((h.clock.now + 3600) * 1000),
    });
    const signature = await account.signMessage({ message });
    const res = await fetch(`${h.relayer.url}/api/siwe/verify`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ message, signature }),
    });
    assert.equal(res.status, 200, "signed in");
    return res.headers
      .getSetCookie()
      .find((c) => c.startsWith("pp_session="))!
      .split(";")[0];
  }

  describe("when 70 junk requests name a member", () => {
    it("denies them as bad_signature and does not lock the member out (fast path and express route)", async () => {
      for (let k = 0; k < 70; k++) {
        const { status, answer } = await post(await claim(attacker().privateKey, member().address), k % 2 === 1);
        assert.equal(status, 200);
        assert.equal(answer.reason, "bad_signature", `junk request ${k}`);
        junkIds.push(answer.requestId);
      }
      const fast = await post(await claim(member().privateKey, member().address));
      assert.equal(fast.answer.reason, "granted", "the member still gets in (fast path)");
      const slow = await post(await claim(member().privateKey, member().address), true);
      assert.equal(slow.answer.reason, "granted", "the member still gets in (express route)");
    });

    it("audits them as unauthenticated: not in the member's door history, visible to the operator as claims", async () => {
      const stored = await h.relayer.ctx.audit.query({ requestIds: junkIds });
      assert.equal(stored.length, junkIds.length);
      for (const r of stored) {
        assert.equal(r.signer, null);
        assert.equal(r.claimedSigner, member().address.toLowerCase());
        assert.equal(r.reason, "bad_signature");
      }
      assert.ok(
        !(await h.relayer.ctx.audit.query({ signer: member().address, limit: 1000 })).some((r) =>
          junkIds.includes(r.requestId),
        ),
      );

      const mine = (await (
        await fetch(`${h.relayer.url}/api/audit?limit=1000`, { headers: { cookie: await signIn(member().privateKey) } })
      ).json()) as { records: { requestId: string; signer: string; reason: string }[] };
      assert.ok(
        mine.records.some((r) => r.reason === "granted"),
        "the member's own decisions are there",
      );
      assert.ok(mine.records.every((r) => r.signer === member().address.toLowerCase()));
      assert.ok(!mine.records.some((r) => junkIds.includes(r.requestId)), "no junk in the member's history");

      const venue = (await (
        await fetch(`${h.relayer.url}/api/audit?venue=${h.venue.venueId}&limit=1000`, {
          headers: { cookie: await signIn(h.venue.operator.privateKey) },
        })
      ).json()) as { records: { requestId: string; signer: string | null; claimedSigner: string | null }[] };
      const junkAtVenue = venue.records.filter((r) => junkIds.includes(r.requestId));
      assert.equal(junkAtVenue.length, junkIds.length, "the operator sees the attempts at the door");
      assert.ok(junkAtVenue.every((r) => r.signer === null && r.claimedSigner === member().address.toLowerCase()));
    });
  });

  describe("when the signer is a contract that burns all the gas it is given (ERC-1271)", () => {
    let burner: Hex;
    before(async () => {
      const art = JSON.parse(
        readFileSync(
          path.join(ROOT, "artifacts/contracts/mocks/GasBurningERC1271Wallet.sol/GasBurningERC1271Wallet.json"),
          "utf8",
        ),
      ) as { abi: Abi; bytecode: Hex };
      const transport = http(h.chain.rpcUrl, { retryCount: 0 });
      const chain = {
        id: 31337,
        name: "hardhat",
        nativeCurrency: { name: "ETH", symbol: "ETH", decimals: 18 },
        rpcUrls: { default: { http: [h.chain.rpcUrl] } },
      } as const;
      const wallet = createWalletClient({ account: privateKeyToAccount(attacker().privateKey), chain, transport });
      const hash = await wallet.deployContract({ abi: art.abi, bytecode: art.bytecode, args: [] });
      burner = (await createPublicClient({ transport }).waitForTransactionReceipt({ hash, pollingInterval: 20 }))
        .contractAddress!;
    });

    it("keeps an EOA member's unlock fast while 15 such requests are in flight, and asks the burner only a few times", async () => {
      const checker = h.relayer.ctx.contractSignatures;
      const callsBefore = checker.calls;
      const junk = await Promise.all(Array.from({ length: 15 }, () => claim(attacker().privateKey, burner)));
      const started = performance.now();
      const inFlight = junk.map((body, k) =>
        post(body, k % 2 === 1).then((r) => ({ ...r, ms: performance.now() - started })),
      );
      await new Promise((r) => setTimeout(r, 30));
      const t0 = performance.now();
      const r = await unlock(h, { key: member().privateKey, passId, door: h.venue.street });
      const memberMs = performance.now() - t0;
      assert.equal(r.body.reason, "granted");
      const answers = await Promise.all(inFlight);
      for (const a of answers) {
        assert.ok(a.answer.reason === "bad_signature" || a.answer.reason === "rate_limited", a.answer.reason);
        assert.ok(a.ms < 1500, `a burner request answered in ${a.ms.toFixed(0)} ms`);
      }
      // Unbounded, one such call kept the node busy for about a second, and 15 pushed a member to 7.5 s.
      assert.ok(memberMs < 1000, `the member's unlock took ${memberMs.toFixed(0)} ms`);
      const calls = checker.calls - callsBefore;
      assert.ok(calls <= 4, `isValidSignature called ${calls} times for 15 requests`);
      // None of them is filed under the burner: its signature never verified.
      const stored = await h.relayer.ctx.audit.query({ requestIds: answers.map((a) => a.answer.requestId) });
      assert.ok(stored.every((s) => s.signer === null && s.claimedSigner === burner.toLowerCase()));
    });
  });
});
