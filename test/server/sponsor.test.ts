// The sponsor of gasless calls (server/sponsor, POST /api/sponsor/relay) against a real chain: it
// relays a 0-ETH member's signed booking, cancellation and lending, refuses what would revert with
// the contract's own error name (sending nothing), limits requests per member, keeps a gas budget
// and says when it is out of ETH.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createPublicClient, encodeFunctionData, http, parseEventLogs, type PublicClient } from "viem";
import { generatePrivateKey, privateKeyToAccount, type PrivateKeyAccount } from "viem/accounts";
import { HOUR, ZERO_ADDRESS, startHarness, type Harness } from "./fixture.ts";
import { passepartoutAbi, passepartoutForwarderAbi, testCadAbi } from "../../protocol/abis.ts";
import {
  signForwardRequest,
  signPermit,
  type SignedForwardRequest,
  type TypedDataSigner,
} from "../../protocol/gasless.ts";
import type { Hex } from "../../protocol/types.ts";
import { DEMO_SPONSOR_PRIVATE_KEY } from "../../server/demoKeys.ts";
import { createSponsor, type SponsorOptions } from "../../server/sponsor/sponsor.ts";
import { GasBudget } from "../../server/sponsor/gasBudget.ts";
import { createLogger } from "../../server/logger.ts";
import { RelayerError } from "../../server/errors.ts";

const FEE = 250_000n; // the default SPONSOR_BOOK_FEE / SPONSOR_CANCEL_FEE: 0.25 CAD
const CAD = (n: number) => BigInt(Math.round(n * 1e6));

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

  /** A fresh account with 0 ETH and 1,000 CAD. */
  async function newMember(): Promise<PrivateKeyAccount> {
    const account = privateKeyToAccount(generatePrivateKey());
    const minter = h.chain.accounts[0];
    const data = encodeFunctionData({ abi: testCadAbi, functionName: "mint", args: [account.address, CAD(1000)] });
    const hash = await h.chain.rpc<Hex>("eth_sendTransaction", [{ from: minter.address, to: cad, data }]);
    await pub.waitForTransactionReceipt({ hash, pollingInterval: 20 });
    return account;
  }

  const sign =
    (m: PrivateKeyAccount): TypedDataSigner =>
    (typedData) =>
      m.signTypedData(typedData);

  async function forward(m: PrivateKeyAccount, data: Hex, over: Partial<{ nonce: bigint }> = {}) {
    const nonce =
      over.nonce ??
      (await pub.readContract({
        address: forwarder,
        abi: passepartoutForwarderAbi,
        functionName: "nonces",
        args: [m.address],
      }));
    return signForwardRequest(sign(m), {
      chainId: 31337,
      forwarder,
      from: m.address,
      to: h.p.address,
      data,
      nonce,
      deadline: slot0 + 24 * HOUR,
    });
  }

  /** A signed gasless booking of one desk hour `hoursAhead` after the current slot. */
  async function bookingRequest(m: PrivateKeyAccount, hoursAhead: number, maxFee = FEE, permitValue?: bigint) {
    const start = BigInt(slot0 + hoursAhead * HOUR);
    const price = await h.p.read("quote", [desk, start, start + BigInt(HOUR)]);
    const deadline = BigInt(slot0 + 24 * HOUR);
    const nonce = await pub.readContract({ address: cad, abi: testCadAbi, functionName: "nonces", args: [m.address] });
    const permit = await signPermit(sign(m), {
      chainId: 31337,
      token: cad,
      tokenName: "Test CAD",
      owner: m.address,
      spender: h.p.address,
      value: permitValue ?? price + maxFee,
      nonce,
      deadline,
    });
    const data = encodeFunctionData({
      abi: passepartoutAbi,
      functionName: "bookSponsored",
      args: [
        desk,
        start,
        start + BigInt(HOUR),
        65535,
        price,
        m.address,
        1,
        true,
        ZERO_ADDRESS, // any sponsor may relay it
        maxFee,
        deadline,
        permit.v,
        permit.r,
        permit.s,
      ],
    });
    return { request: await forward(m, data), price };
  }

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
      await assertRefused(request, "ERC2771ForwarderInvalidSigner"); // replay: the nonce moved on
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

    it("refills its gas budget when the window has passed (injected clock)", () => {
      const clock = { now: 1_000 };
      const budget = new GasBudget(500_000n, 3_600, () => clock.now);
      assert.equal(budget.reserve(300_000n), true);
      assert.equal(budget.reserve(300_000n), false, "over the budget: nothing taken");
      assert.equal(budget.remaining(), 200_000n);
      assert.equal(budget.resetInS(), 3_600);
      clock.now += 3_599;
      assert.equal(budget.reserve(300_000n), false);
      clock.now += 1;
      assert.equal(budget.reserve(300_000n), true);
      assert.equal(budget.remaining(), 200_000n);
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
