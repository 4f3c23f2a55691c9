// The sponsor of gasless calls (server/sponsor, POST /api/sponsor/relay) against a real chain: it
// relays a 0-ETH member's signed booking, cancellation and lending, refuses what would revert with
// the contract's own error name (sending nothing), limits requests per member, keeps a gas budget
// and says when it is out of ETH.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  createPublicClient,
  createWalletClient,
  encodeFunctionData,
  http,
  parseEventLogs,
  type PublicClient,
} from "viem";
import { generatePrivateKey, privateKeyToAccount, type PrivateKeyAccount } from "viem/accounts";
import { HOUR, ZERO_ADDRESS, startHarness, type Harness } from "./fixture.ts";
import { passepartoutAbi, testCadAbi } from "../../protocol/abis.ts";
import { signForwardRequest, type SignedForwardRequest } from "../../protocol/gasless.ts";
import type { Hex } from "../../protocol/types.ts";
import { DEMO_SPONSOR_PRIVATE_KEY } from "../../server/demoKeys.ts";
import { createSponsor, type Sponsor, type SponsorOptions } from "../../server/sponsor/sponsor.ts";
import { freePort } from "../helpers/localChain.ts";
import { CAD, SPONSOR_FEE, gaslessKit } from "./gaslessRequests.ts";
import { GasBudget } from "../../server/sponsor/gasBudget.ts";
import { sessionCookie } from "./siweSession.ts";
import { openSqliteSponsorStore, type SponsorStore } from "../../server/sponsor/sponsorStore.ts";
import { createLogger } from "../../server/logger.ts";
import { RelayerError } from "../../server/errors.ts";

const FEE = SPONSOR_FEE; // the default SPONSOR_BOOK_FEE / SPONSOR_CANCEL_FEE: 0.25 CAD

type ErrorBody = { error: { code: string; message: string; details?: { errorName: string; args: string[] } } };

describe("sponsor of gasless calls", () => {
  let h: Harness;
  let pub: PublicClient;
  let cad: Hex;
  let forwarder: Hex;
  let desk: number;
  let slot0: number;
  const sponsor = privateKeyToAccount(DEMO_SPONSOR_PRIVATE_KEY);

  before(async () => {
    h = await startHarness({ LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "silent" });
    pub = createPublicClient({ transport: http(h.chain.rpcUrl, { retryCount: 0 }) });
    cad = h.chain.deployments.contracts.TestCAD.address;
    forwarder = h.chain.deployments.contracts.PassepartoutForwarder.address;
    const params = {
      name: "Bureau CAD",
      metadataURI: "",
      kind: 1,
      units: 2,
      currency: cad,
      pricePerHour: CAD(5),
      pricePerDay: CAD(25),
      pricePerMonth: CAD(300),
      minHours: 1,
      maxHours: 48,
      horizonHours: 24 * 30,
      graceSeconds: 900,
      policyId: 1,
      transferable: true,
      followsOpeningHours: false,
    };
    // Policy 1: full refund until the start, so a cancellation has a refund to pay the fee from.
    await h.p.write(h.venue.operator, {
      functionName: "createPolicy",
      args: [[{ secondsBeforeStart: 0, refundBps: 10_000 }]],
    });
    await h.p.write(h.venue.operator, { functionName: "createResource", args: [h.venue.venueId, params] });
    desk = Number(await h.p.read("resourceCount", []));
    slot0 = Math.floor((await h.p.chainNow()) / HOUR) * HOUR;
  });
  after(async () => {
    await h?.stop();
  });

  const kit = () => gaslessKit(h, pub);
  const newMember = (key?: Hex) => kit().newMember(key);
  const sign = (m: PrivateKeyAccount) => kit().sign(m);
  const forward = (m: PrivateKeyAccount, data: Hex, over: { nonce?: bigint } = {}) =>
    kit().forward(m, data, { deadline: slot0 + 24 * HOUR, ...over });

  /** A signed gasless booking of one desk hour `hoursAhead` after the current slot (policy 1). */
  const bookingRequest = (m: PrivateKeyAccount, hoursAhead: number, maxFee = FEE, permitValue?: bigint) =>
    kit().bookingRequest(m, desk, slot0 + hoursAhead * HOUR, {
      policyId: 1,
      maxFee,
      permitValue,
      deadline: slot0 + 24 * HOUR,
    });

  async function relay(request: SignedForwardRequest) {
    const res = await fetch(`${h.relayer.url}/api/sponsor/relay`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ request }),
    });
    return { status: res.status, body: (await res.json()) as { hash: Hex; call: string; fee: string } & ErrorBody };
  }

  const cadOf = (who: Hex) =>
    pub.readContract({ address: cad, abi: testCadAbi, functionName: "balanceOf", args: [who] });
  const sponsorNonce = () => pub.getTransactionCount({ address: sponsor.address });

  it("publishes its terms: sponsor, forwarder, fee currency, fees, and that it can pay", async () => {
    const res = await fetch(`${h.relayer.url}/api/sponsor`);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), {
      sponsor: sponsor.address,
      forwarder,
      currency: cad,
      fees: { book: "250000", cancel: "250000", lend: "0" },
      maxCallGas: "400000",
      available: true,
      reason: null,
    });
  });

  it("relays a 0-ETH member's booking, cancellation and lending; the member never holds ETH", async () => {
    const m = await newMember();
    const { request, price } = await bookingRequest(m, 3);
    const before = { member: await cadOf(m.address), sponsor: await cadOf(sponsor.address) };
    const booked = await relay(request);
    assert.equal(booked.status, 200, JSON.stringify(booked.body));
    assert.deepEqual([booked.body.call, booked.body.fee], ["bookSponsored", "250000"]);
    const receipt = await pub.waitForTransactionReceipt({ hash: booked.body.hash, pollingInterval: 20 });
    assert.equal(receipt.status, "success");
    const [event] = parseEventLogs({ abi: passepartoutAbi, logs: receipt.logs, eventName: "Booked" });
    const passId = event.args.passId;
    assert.equal((await h.p.read("ownerOf", [passId])).toLowerCase(), m.address.toLowerCase());
    assert.equal(event.args.payer.toLowerCase(), m.address.toLowerCase());
    assert.equal(await cadOf(m.address), before.member - price - FEE);
    assert.equal(await cadOf(sponsor.address), before.sponsor + FEE);

    const lend = encodeFunctionData({
      abi: passepartoutAbi,
      functionName: "setUser",
      args: [passId, h.chain.accounts[5].address, BigInt(slot0 + 10 * HOUR)],
    });
    const lent = await relay(await forward(m, lend));
    assert.equal(lent.status, 200, JSON.stringify(lent.body));
    assert.equal(lent.body.fee, "0");
    await pub.waitForTransactionReceipt({ hash: lent.body.hash, pollingInterval: 20 });
    assert.equal(await h.p.read("userOf", [passId]), h.chain.accounts[5].address);

    const cancel = encodeFunctionData({
      abi: passepartoutAbi,
      functionName: "cancelSponsored",
      args: [passId, ZERO_ADDRESS, FEE, 0n],
    });
    const beforeCancel = await cadOf(m.address);
    const cancelled = await relay(await forward(m, cancel));
    assert.equal(cancelled.status, 200, JSON.stringify(cancelled.body));
    await pub.waitForTransactionReceipt({ hash: cancelled.body.hash, pollingInterval: 20 });
    // Refunded in full, less the sponsor's fee.
    assert.equal(await cadOf(m.address), beforeCancel + price - FEE);
    assert.equal(await cadOf(sponsor.address), before.sponsor + 2n * FEE);
    assert.equal(await pub.getBalance({ address: m.address }), 0n);
  });

  it("puts the fee on the record: the read API's pass carries it, and the cancellation the fee taken from its refund", async () => {
    const key = generatePrivateKey();
    const m = await newMember(key);
    const { request } = await bookingRequest(m, 4);
    const booked = await relay(request);
    assert.equal(booked.status, 200, JSON.stringify(booked.body));
    const receipt = await pub.waitForTransactionReceipt({ hash: booked.body.hash, pollingInterval: 20 });
    const [event] = parseEventLogs({ abi: passepartoutAbi, logs: receipt.logs, eventName: "SponsorFeePaid" });
    assert.deepEqual(
      [event.args.sponsor, event.args.fee, event.args.onCancel],
      [sponsor.address, FEE, false],
      "the contract records the fee it paid the sponsor",
    );
    const passId = String(event.args.passId);
    // What any browser of the member reads (no local state): GET /api/passes, signed in.
    const cookie = await sessionCookie(h.relayer.url, key, h.clock.now);
    type Pass = { passId: string; status: string; serviceFee: string; refundServiceFee?: string; amount: string };
    const passOf = async (minBlock: bigint): Promise<Pass> => {
      for (let i = 0; ; i++) {
        const res = await fetch(`${h.relayer.url}/api/passes?holder=${m.address}`, { headers: { cookie } });
        const body = (await res.json()) as { passes: Pass[]; asOfBlock: number };
        assert.equal(res.status, 200, JSON.stringify(body));
        const p = body.passes.find((x) => x.passId === passId);
        if (p && body.asOfBlock >= Number(minBlock)) return p;
        if (i > 100) assert.fail(`pass ${passId} not indexed at block ${minBlock}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    const active = await passOf(receipt.blockNumber);
    assert.equal(active.status, "active");
    assert.equal(active.serviceFee, String(FEE));

    const cancel = encodeFunctionData({
      abi: passepartoutAbi,
      functionName: "cancelSponsored",
      args: [BigInt(passId), ZERO_ADDRESS, FEE, 0n],
    });
    const cancelled = await relay(await forward(m, cancel));
    assert.equal(cancelled.status, 200, JSON.stringify(cancelled.body));
    const cancelReceipt = await pub.waitForTransactionReceipt({ hash: cancelled.body.hash, pollingInterval: 20 });
    const gone = await passOf(cancelReceipt.blockNumber);
    assert.equal(gone.status, "cancelled");
    assert.equal(gone.serviceFee, String(FEE), "the booking's fee stays on the cancelled booking");
    assert.equal(gone.refundServiceFee, String(FEE));
  });

  describe("when the call would revert", () => {
    async function assertRefused(request: SignedForwardRequest, errorName: string, args?: string[]) {
      const nonce = await sponsorNonce();
      const { status, body } = await relay(request);
      assert.equal(status, 422, JSON.stringify(body));
      assert.equal(body.error.code, "sponsor_refused");
      assert.equal(body.error.details?.errorName, errorName);
      if (args) assert.deepEqual(body.error.details?.args, args);
      assert.equal(await sponsorNonce(), nonce, "nothing was sent");
    }

    it("refuses a fee cap below its fee with the contract's SponsorFeeAboveCap", async () => {
      const m = await newMember();
      const { request } = await bookingRequest(m, 4, FEE - 1n);
      await assertRefused(request, "SponsorFeeAboveCap", [FEE.toString(), (FEE - 1n).toString()]);
    });

    it("refuses a taken slot with the contract's BookingNoFreeUnit", async () => {
      const [a, b, c] = [await newMember(), await newMember(), await newMember()];
      for (const m of [a, b]) {
        const { request } = await bookingRequest(m, 5);
        const ok = await relay(request);
        assert.equal(ok.status, 200, JSON.stringify(ok.body));
        await pub.waitForTransactionReceipt({ hash: ok.body.hash, pollingInterval: 20 });
      }
      await assertRefused((await bookingRequest(c, 5)).request, "BookingNoFreeUnit");
    });

    it("refuses a permit for the wrong amount with SponsorPermitInvalid", async () => {
      const m = await newMember();
      const start = BigInt(slot0 + 6 * HOUR);
      const price = await h.p.read("quote", [desk, start, start + BigInt(HOUR)]);
      // The permit covers the price but not the fee the request also caps.
      const { request } = await bookingRequest(m, 6, FEE, price);
      await assertRefused(request, "SponsorPermitInvalid", [cad, m.address, "0", (price + FEE).toString()]);
    });

    it("refuses a forged, replayed or expired request with the forwarder's error", async () => {
      const m = await newMember();
      const other = await newMember();
      const { request } = await bookingRequest(m, 7);
      await assertRefused({ ...request, from: other.address }, "ERC2771ForwarderInvalidSigner");
      await assertRefused(await forward(m, request.data, { nonce: 5n }), "ERC2771ForwarderInvalidSigner");
      const ok = await relay(request);
      assert.equal(ok.status, 200, JSON.stringify(ok.body));
      await pub.waitForTransactionReceipt({ hash: ok.body.hash, pollingInterval: 20 });
      // A replay of a relayed request answers its transaction again and sends nothing (the same request
      // may reach two relayers of a fleet).
      const nonce = await sponsorNonce();
      const replayed = await relay(request);
      assert.deepEqual([replayed.status, replayed.body.hash], [200, ok.body.hash]);
      assert.equal(await sponsorNonce(), nonce, "nothing was sent");
      // Another request with the spent nonce is the forwarder's refusal.
      const later = await bookingRequest(m, 8);
      await assertRefused(await forward(m, later.request.data, { nonce: 0n }), "ERC2771ForwarderInvalidSigner");
      const expired = await signForwardRequest(sign(m), {
        chainId: 31337,
        forwarder,
        from: m.address,
        to: h.p.address,
        data: request.data,
        nonce: 1n,
        deadline: slot0 - 1,
      });
      await assertRefused(expired, "ERC2771ForwarderExpiredRequest", [String(slot0 - 1)]);
    });

    it("refuses to cancel a pass that does not exist with the contract's PassNotFound", async () => {
      const m = await newMember();
      const cancel = encodeFunctionData({
        abi: passepartoutAbi,
        functionName: "cancelSponsored",
        args: [999n, ZERO_ADDRESS, FEE, 0n],
      });
      await assertRefused(await forward(m, cancel), "PassNotFound", ["999"]);
    });

    it("refuses calls it does not sponsor and malformed bodies", async () => {
      const m = await newMember();
      const book = encodeFunctionData({
        abi: passepartoutAbi,
        functionName: "book",
        args: [desk, 0n, 0n, 0, 0n, m.address, 1, true],
      });
      await assertRefused(await forward(m, book), "call_not_sponsored");
      const res = await fetch(`${h.relayer.url}/api/sponsor/relay`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ request: { from: "0x12" } }),
      });
      assert.equal(res.status, 400);
      assert.equal(((await res.json()) as ErrorBody).error.code, "bad_request");
    });
  });

  describe("its limits", () => {
    const stores: SponsorStore[] = [];
    const store = () => {
      const st = openSqliteSponsorStore(":memory:");
      stores.push(st);
      return st;
    };
    after(async () => {
      for (const st of stores) await st.close();
    });
    const options = (over: Partial<SponsorOptions>): SponsorOptions => ({
      client: pub,
      rpcUrl: h.chain.rpcUrl,
      privateKey: DEMO_SPONSOR_PRIVATE_KEY,
      passepartout: h.p.address,
      forwarder,
      currency: cad,
      fees: { book: FEE, cancel: FEE },
      maxCallGas: 400_000n,
      ratePerHour: 100,
      gasBudget: 10_000_000n,
      budgetWindowS: 86_400,
      clock: h.clock.fn,
      logger: createLogger("silent"),
      store: store(),
      ...over,
    });
    const codeOf = async (p: Promise<unknown>) => {
      try {
        await p;
        return "ok";
      } catch (err) {
        assert.ok(err instanceof RelayerError, String(err));
        return err.code;
      }
    };

    it("says clearly when it is out of ETH, and sends nothing", async () => {
      const broke = generatePrivateKey();
      const s = createSponsor(options({ privateKey: broke }));
      const terms = await s.terms();
      assert.deepEqual([terms.available, terms.reason], [false, "out_of_funds"]);
      const m = await newMember();
      const { request } = await bookingRequest(m, 8);
      const relayed = s.relay({ ...request, value: 0n, gas: BigInt(request.gas) });
      await assert.rejects(relayed, (err: RelayerError) => {
        assert.equal(err.code, "sponsor_out_of_funds");
        assert.match(err.message, /out of ETH/);
        return true;
      });
      assert.equal(await pub.getTransactionCount({ address: privateKeyToAccount(broke).address }), 0);
    });

    it("limits sponsored requests per member", async () => {
      const s = createSponsor(options({ ratePerHour: 1 }));
      const m = await newMember();
      const first = await bookingRequest(m, 9, FEE - 1n); // refused by the contract, but counted
      assert.equal(
        await codeOf(s.relay({ ...first.request, value: 0n, gas: BigInt(first.request.gas) })),
        "sponsor_refused",
      );
      const second = await bookingRequest(m, 9);
      assert.equal(
        await codeOf(s.relay({ ...second.request, value: 0n, gas: BigInt(second.request.gas) })),
        "rate_limited",
      );
      // Another member is not affected.
      const n = await newMember();
      const third = await bookingRequest(n, 10, FEE - 1n);
      assert.equal(
        await codeOf(s.relay({ ...third.request, value: 0n, gas: BigInt(third.request.gas) })),
        "sponsor_refused",
      );
    });

    it("refills its gas budget when the window has passed (injected clock)", async () => {
      const clock = { now: 36_000 + 1_000 };
      const budget = new GasBudget(
        store(),
        { perWindow: 500_000, memberShareBps: 10_000, windowS: 3_600 },
        () => clock.now,
      );
      assert.equal(typeof (await budget.reserve("0xa", 300_000)), "object");
      assert.equal(await budget.reserve("0xa", 300_000), "budget_exhausted", "over the budget: nothing taken");
      assert.equal(await budget.remaining(), 200_000);
      assert.equal(budget.resetInS(), 2_600, "windows are aligned on the clock");
      clock.now += 2_599;
      assert.equal(await budget.reserve("0xa", 300_000), "budget_exhausted");
      clock.now += 1;
      assert.equal(typeof (await budget.reserve("0xa", 300_000)), "object");
      assert.equal(await budget.remaining(), 200_000);
    });

    it("files its lease, nonce and budget under its key: relayers with keys of their own may share a store", async () => {
      const st = store();
      assert.equal(await st.acquireLease("0xa", "relayer1", 0, 30_000), true);
      assert.equal(await st.acquireLease("0xa", "relayer2", 1, 30_000), false, "one sender per key");
      assert.equal(await st.acquireLease("0xb", "relayer2", 1, 30_000), true, "another key, another lease");
      assert.equal(await st.acquireLease("0xa", "relayer2", 30_001, 30_000), true, "a lease that ran out is taken");
      await st.releaseLease("0xa", "relayer2", 7, 30_002);
      assert.deepEqual(await st.nextNonce("0xa"), { nonce: 7, atMs: 30_002 });
      assert.equal(await st.nextNonce("0xb"), null, "no nonce of another key");
      const limits = { perWindow: 100, memberShareBps: 10_000, windowS: 60 };
      const a = new GasBudget(st, { ...limits, scope: "0xa" }, () => 0);
      const b = new GasBudget(st, { ...limits, scope: "0xb" }, () => 0);
      assert.equal(typeof (await a.reserve("0xm", 100)), "object");
      assert.equal(await b.remaining(), 100, "each key its own budget");
    });

    it("gives each member a share of the budget and charges what was used, not what was reserved", async () => {
      const budget = new GasBudget(
        store(),
        { perWindow: 1_000_000, memberShareBps: 4_000, windowS: 86_400 },
        () => 1_000,
      );
      const first = await budget.reserve("0xa", 300_000);
      assert.equal(typeof first, "object");
      assert.equal(await budget.reserve("0xa", 300_000), "share_exhausted", "400,000 is a's share");
      assert.equal(await budget.used(), 300_000, "a refusal takes nothing");
      assert.equal(typeof (await budget.reserve("0xb", 300_000)), "object", "b has its own share");
      if (typeof first !== "object") return;
      await budget.settle(first, 90_000); // the receipt said 90,000
      assert.deepEqual([await budget.used("0xa"), await budget.used()], [90_000, 390_000]);
      assert.equal(typeof (await budget.reserve("0xa", 300_000)), "object", "the unused gas is a's again");
    });

    it("stops at its gas budget", async () => {
      const s = createSponsor(options({ gasBudget: 100_000n, budgetWindowS: 3_600 }));
      const m = await newMember();
      const { request } = await bookingRequest(m, 11);
      const data = { ...request, value: 0n, gas: BigInt(request.gas) };
      assert.equal(await codeOf(s.relay(data)), "sponsor_budget_exhausted");
      assert.deepEqual([(await s.terms()).available, (await s.terms()).reason], [false, "budget_exhausted"]);
      const big = createSponsor(options({ gasBudget: 1_000_000n, budgetWindowS: 3_600 }));
      const relayed = await big.relay(data);
      await pub.waitForTransactionReceipt({ hash: relayed.hash, pollingInterval: 20 });
      assert.equal(
        (await h.p.read("ownerOf", [(await h.p.read("nextPassId", [])) - 1n])).toLowerCase(),
        m.address.toLowerCase(),
      );
    });

    /** A member holding a pass, with ETH to approve `operators` for all its passes. */
    async function holderWithPass(hoursAhead: number, operators: PrivateKeyAccount[]) {
      const m = await newMember();
      const big = createSponsor(options({}));
      const { request } = await bookingRequest(m, hoursAhead);
      const booked = await big.relay({ ...request, value: 0n, gas: BigInt(request.gas) });
      const receipt = await pub.waitForTransactionReceipt({ hash: booked.hash, pollingInterval: 20 });
      const [event] = parseEventLogs({ abi: passepartoutAbi, logs: receipt.logs, eventName: "Booked" });
      const funded = await h.chain.rpc<Hex>("eth_sendTransaction", [
        { from: h.chain.accounts[0].address, to: m.address, value: "0x2386f26fc10000" },
      ]);
      await pub.waitForTransactionReceipt({ hash: funded, pollingInterval: 20 });
      const wallet = createWalletClient({ account: m, transport: http(h.chain.rpcUrl, { retryCount: 0 }) });
      for (const op of operators) {
        const hash = await wallet.sendTransaction({
          to: h.p.address,
          data: encodeFunctionData({
            abi: passepartoutAbi,
            functionName: "setApprovalForAll",
            args: [op.address, true],
          }),
          chain: null,
        });
        await pub.waitForTransactionReceipt({ hash, pollingInterval: 20 });
      }
      return { m, passId: event.args.passId };
    }
    const lendBy = async (s: Sponsor, who: PrivateKeyAccount, passId: bigint, guest = h.chain.accounts[6].address) => {
      const data = encodeFunctionData({
        abi: passepartoutAbi,
        functionName: "setUser",
        args: [passId, guest, BigInt(slot0 + 20 * HOUR)],
      });
      const signed = await forward(who, data);
      return codeOf(
        s.relay({ ...signed, value: 0n, gas: BigInt(signed.gas) }).then(async (r) => {
          await pub.waitForTransactionReceipt({ hash: r.hash, pollingInterval: 20 });
        }),
      );
    };

    it("counts the lends of a holder's operators against the holder, not per operator address", async () => {
      const ops = [0, 1, 2].map(() => privateKeyToAccount(generatePrivateKey()));
      const { passId } = await holderWithPass(13, ops);
      const s = createSponsor(options({ ratePerHour: 2 }));
      assert.equal(await lendBy(s, ops[0], passId), "ok");
      assert.equal(await lendBy(s, ops[1], passId), "ok");
      assert.equal(await lendBy(s, ops[2], passId), "rate_limited", "a third operator address gets no new quota");
    });

    it("caps free calls per pass and per member (operators included)", async () => {
      const ops = [0, 1].map(() => privateKeyToAccount(generatePrivateKey()));
      const { m, passId } = await holderWithPass(14, ops);
      const s = createSponsor(options({ freeCallsPerPass: 2, freeCallsPerMember: 3 }));
      assert.equal(await lendBy(s, m, passId), "ok");
      assert.equal(await lendBy(s, ops[0], passId), "ok");
      const nonce = await sponsorNonce();
      assert.equal(await lendBy(s, ops[1], passId), "sponsor_free_calls_exhausted", "two free calls per pass");
      assert.equal(await sponsorNonce(), nonce, "nothing was sent");
      // A second pass of the same holder: one more free call for the member, then none.
      const big = createSponsor(options({}));
      const { request } = await bookingRequest(m, 15);
      const booked = await big.relay({ ...request, value: 0n, gas: BigInt(request.gas) });
      const receipt = await pub.waitForTransactionReceipt({ hash: booked.hash, pollingInterval: 20 });
      const [event] = parseEventLogs({ abi: passepartoutAbi, logs: receipt.logs, eventName: "Booked" });
      assert.equal(await lendBy(s, ops[0], event.args.passId), "ok");
      assert.equal(await lendBy(s, ops[1], event.args.passId), "sponsor_free_calls_exhausted", "three per member");
      // Another member's free calls are untouched.
      const other = await holderWithPass(16, []);
      assert.equal(await lendBy(s, other.m, other.passId), "ok");
    });

    it("charges its budget the gas the receipt says was used, not the gas limit it reserved", async () => {
      const s = createSponsor(options({}));
      const m = await newMember();
      const { request } = await bookingRequest(m, 17);
      const relayed = await s.relay({ ...request, value: 0n, gas: BigInt(request.gas) });
      const receipt = await pub.waitForTransactionReceipt({ hash: relayed.hash, pollingInterval: 20 });
      const tx = await pub.getTransaction({ hash: relayed.hash });
      await s.settled();
      const spent = await s.budget(m.address);
      assert.ok(receipt.gasUsed < tx.gas, `${receipt.gasUsed} used of ${tx.gas} reserved`);
      assert.equal(BigInt(spent.used), receipt.gasUsed);
      assert.equal(BigInt((await s.budget()).used), receipt.gasUsed);
      assert.equal(BigInt((await s.budget()).remaining), 10_000_000n - receipt.gasUsed);
    });

    it("gives each member a fair share of the day's budget: one member cannot starve the others", async () => {
      // Calibration: the gas a first gasless booking reserves (limit) and uses.
      const probe = createSponsor(options({}));
      const first = await bookingRequest(await newMember(), 18);
      const probed = await probe.relay({ ...first.request, value: 0n, gas: BigInt(first.request.gas) });
      const used = (await pub.waitForTransactionReceipt({ hash: probed.hash, pollingInterval: 20 })).gasUsed;
      const limit = (await pub.getTransaction({ hash: probed.hash })).gas;
      // A share that holds one booking but not two; a budget of ten shares.
      const share = used + limit / 2n;
      const s = createSponsor(options({ gasBudget: share * 10n, memberShareBps: 1_000 }));
      const [greedy, other] = [await newMember(), await newMember()];
      const one = await bookingRequest(greedy, 19);
      const ok = await s.relay({ ...one.request, value: 0n, gas: BigInt(one.request.gas) });
      await pub.waitForTransactionReceipt({ hash: ok.hash, pollingInterval: 20 });
      await s.settled();
      const two = await bookingRequest(greedy, 20);
      assert.equal(
        await codeOf(s.relay({ ...two.request, value: 0n, gas: BigInt(two.request.gas) })),
        "sponsor_share_exhausted",
      );
      const theirs = await bookingRequest(other, 20);
      assert.equal(await codeOf(s.relay({ ...theirs.request, value: 0n, gas: BigInt(theirs.request.gas) })), "ok");
      assert.equal((await s.terms()).available, true, "the sponsor itself still has budget");
    });

    it("answers a failed send as a retryable 503, with nothing charged", async () => {
      // Reads and simulation work; the send goes to a node that does not answer.
      const s = createSponsor(options({ rpcUrl: `http://127.0.0.1:${await freePort()}` }));
      const m = await newMember();
      const { request } = await bookingRequest(m, 21);
      let err: unknown;
      await s.relay({ ...request, value: 0n, gas: BigInt(request.gas) }).catch((e: unknown) => (err = e));
      assert.ok(err instanceof RelayerError, String(err));
      assert.equal(err.code, "sponsor_unavailable");
      assert.equal(err.status, 503);
      assert.equal((await s.budget()).used, 0, "the reservation was given back");
    });

    it("charges nothing and relays for free when the network sponsors (fee 0)", async () => {
      const s = createSponsor(options({ fees: { book: 0n, cancel: 0n } }));
      const m = await newMember();
      const { request, price } = await bookingRequest(m, 12, 0n);
      const before = await cadOf(m.address);
      const relayed = await s.relay({ ...request, value: 0n, gas: BigInt(request.gas) });
      assert.equal(relayed.fee, "0");
      await pub.waitForTransactionReceipt({ hash: relayed.hash, pollingInterval: 20 });
      assert.equal(await cadOf(m.address), before - price);
    });
  });
});
