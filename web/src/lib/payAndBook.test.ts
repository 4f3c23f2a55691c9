// The booking's payment path, decided from what the page shows, against a fake wallet.
import { describe, expect, it } from "vitest";
import { encodeEventTopics, encodeAbiParameters, zeroAddress, type Address, type TransactionReceipt } from "viem";
import { passepartoutAbi } from "../../../protocol/abis.ts";
import { bookingCost, bookingProblem, payAndBook, type BookingOrder, type BookingWallet } from "./payAndBook.ts";
import type { Gasless } from "./gasless.ts";
import { UiError } from "./errors.ts";

const CAD: Address = "0x00000000000000000000000000000000000000ca";
const MEMBER: Address = "0x00000000000000000000000000000000000000aa";
const H = 3600;
const START = 1_800_000_000 - (1_800_000_000 % H);

const CONTRACT: Address = "0x0000000000000000000000000000000000000001";
const SPONSOR: Address = "0x00000000000000000000000000000000000000bb";

/** A receipt carrying the Booked event of pass `passId` (and the sponsor's SponsorFeePaid, if any). */
function receiptFor(passId: bigint, fee = 0n): TransactionReceipt {
  const topics = encodeEventTopics({
    abi: passepartoutAbi,
    eventName: "Booked",
    args: { passId, resourceId: 5, holder: MEMBER },
  });
  const data = encodeAbiParameters(
    [
      { type: "address" },
      { type: "uint16" },
      { type: "uint64" },
      { type: "uint64" },
      { type: "address" },
      { type: "uint96" },
      { type: "uint32" },
      { type: "uint96" },
      { type: "uint96" },
    ],
    [MEMBER, 0, BigInt(START), BigInt(START + H), CAD, 5_000_000n, 1, 250_000n, 0n],
  );
  const feeLog = {
    address: CONTRACT,
    topics: encodeEventTopics({
      abi: passepartoutAbi,
      eventName: "SponsorFeePaid",
      args: { passId, sponsor: SPONSOR },
    }),
    data: encodeAbiParameters([{ type: "uint256" }, { type: "bool" }], [fee, false]),
  };
  return {
    status: "success",
    logs: [{ address: CONTRACT, topics, data }, ...(fee > 0n ? [feeLog] : [])],
  } as unknown as TransactionReceipt;
}

/** A wallet that records every call; `permits` says whether the token signs EIP-2612 permits. */
function fakeWallet(o: { allowance?: bigint; permits?: boolean; feeCharged?: bigint } = {}) {
  const calls: { what: string; args: unknown[] }[] = [];
  const wallet: BookingWallet = {
    contract: CONTRACT,
    allowance: (token) => (calls.push({ what: "allowance", args: [token] }), Promise.resolve(o.allowance ?? 0n)),
    signPermit: (token, value, deadline) => {
      calls.push({ what: "signPermit", args: [token, value, deadline] });
      return Promise.resolve(
        o.permits === false ? null : { v: 27, r: `0x${"01".repeat(32)}` as const, s: `0x${"02".repeat(32)}` as const },
      );
    },
    approve: (token, value) => Promise.resolve(calls.push({ what: "approve", args: [token, value] })),
    send: (call, onSent) => {
      calls.push({ what: "send", args: [call.functionName, call.args, call.value] });
      onSent();
      return Promise.resolve(receiptFor(7n));
    },
    relay: (_g, call, onSent) => {
      calls.push({ what: "relay", args: [call.functionName, call.args] });
      onSent();
      return Promise.resolve(receiptFor(8n, o.feeCharged ?? 250_000n));
    },
    now: () => 1_000,
  };
  return { wallet, calls };
}

const gasless: Gasless = {
  forwarder: "0x00000000000000000000000000000000000000f0",
  sponsor: SPONSOR,
  terms: {
    sponsor: "0x00000000000000000000000000000000000000bb",
    forwarder: "0x00000000000000000000000000000000000000f0",
    currency: CAD,
    fees: { book: "250000", cancel: "250000", lend: "0" },
    maxCallGas: "400000",
    available: true,
    reason: null,
  },
};

const order = (over: Partial<BookingOrder> = {}): BookingOrder => ({
  resourceId: 5,
  start: START,
  end: START + 2 * H,
  policyId: 1,
  transferable: true,
  currency: CAD,
  member: MEMBER,
  price: 5_750_000n,
  balance: 100_000_000n,
  gasless: null,
  ...over,
});

describe("bookingCost", () => {
  it("adds the sponsor's booking fee to the price on the gasless path, nothing on the normal path", () => {
    expect(bookingCost(5_750_000n, gasless)).toEqual({ price: 5_750_000n, fee: 250_000n, total: 6_000_000n });
    expect(bookingCost(5_750_000n, null)).toEqual({ price: 5_750_000n, fee: 0n, total: 5_750_000n });
  });
});

describe("bookingProblem", () => {
  it("refuses a balance that covers the price but not the sponsor's fee", () => {
    expect(bookingProblem(order({ balance: 5_750_000n, gasless }))?.key).toBe("err.insufficientFunds");
    expect(bookingProblem(order({ balance: 6_000_000n, gasless }))).toBeNull();
    expect(bookingProblem(order({ balance: 5_750_000n }))).toBeNull();
  });

  it("refuses a window that runs into a closed hour", () => {
    expect(bookingProblem(order({ closed: new Set([START + H]) }))?.key).toBe("err.closedHours");
    expect(bookingProblem(order({ closed: new Set([START + 2 * H]) }))).toBeNull();
  });
});

describe("payAndBook", () => {
  it("gasless: one permit for price + fee, the sponsor relays bookSponsored with the fee as the signed cap", async () => {
    const { wallet, calls } = fakeWallet();
    const steps: string[] = [];
    const booked = await payAndBook(wallet, order({ gasless }), (s) => steps.push(s));
    expect(booked).toEqual({
      passId: 8n,
      path: "sponsored",
      cost: { price: 5_750_000n, fee: 250_000n, total: 6_000_000n },
      feePaid: 250_000n,
    });
    expect(calls.map((c) => c.what)).toEqual(["signPermit", "relay"]);
    expect(calls[0].args).toEqual([CAD, 6_000_000n, 2_800n]);
    const [fn, args] = calls[1].args as [string, readonly unknown[]];
    expect(fn).toBe("bookSponsored");
    // The terms the page showed, the sponsor the member names, the fee cap it signs.
    expect(args.slice(0, 10)).toEqual([
      5,
      BigInt(START),
      BigInt(START + 2 * H),
      0xffff,
      5_750_000n,
      MEMBER,
      1,
      true,
      SPONSOR,
      250_000n,
    ]);
    expect(steps).toEqual(["sponsor", "pending"]);
  });

  it("gasless without a permit-capable token: says so and sends nothing", async () => {
    const { wallet, calls } = fakeWallet({ permits: false });
    await expect(payAndBook(wallet, order({ gasless }))).rejects.toMatchObject({ key: "err.sponsorPermit" });
    expect(calls.map((c) => c.what)).toEqual(["signPermit"]);
  });

  it("ETH: book with the quoted total as value", async () => {
    const { wallet, calls } = fakeWallet();
    const booked = await payAndBook(wallet, order({ currency: zeroAddress }));
    expect(booked.path).toBe("native");
    expect(calls).toHaveLength(1);
    expect(calls[0].args[0]).toBe("book");
    expect(calls[0].args[2]).toBe(5_750_000n);
  });

  it("an allowance that already covers the price: plain book, no signature", async () => {
    const { wallet, calls } = fakeWallet({ allowance: 5_750_000n });
    expect((await payAndBook(wallet, order())).path).toBe("allowance");
    expect(calls.map((c) => [c.what, c.args[0]])).toEqual([
      ["allowance", CAD],
      ["send", "book"],
    ]);
  });

  it("a token with EIP-2612: bookWithPermit for the price", async () => {
    const { wallet, calls } = fakeWallet();
    const steps: string[] = [];
    const booked = await payAndBook(wallet, order(), (s) => steps.push(s));
    expect(booked).toMatchObject({ passId: 7n, path: "permit" });
    expect(calls.map((c) => c.what)).toEqual(["allowance", "signPermit", "send"]);
    expect(calls[1].args[1]).toBe(5_750_000n);
    expect(calls[2].args[0]).toBe("bookWithPermit");
    expect(steps).toEqual(["permit", "confirm", "pending"]);
  });

  it("a token without permits: approve the price, then book", async () => {
    const { wallet, calls } = fakeWallet({ permits: false });
    expect((await payAndBook(wallet, order())).path).toBe("approve");
    expect(calls.map((c) => c.what)).toEqual(["allowance", "signPermit", "approve", "send"]);
    expect(calls[2].args).toEqual([CAD, 5_750_000n]);
  });

  it("checks before any wallet call: a short balance or a closed hour is a UiError and nothing is signed", async () => {
    const { wallet, calls } = fakeWallet();
    const short = payAndBook(wallet, order({ balance: 5_900_000n, gasless }));
    await expect(short).rejects.toBeInstanceOf(UiError);
    await expect(short).rejects.toMatchObject({ key: "err.insufficientFunds" });
    await expect(payAndBook(wallet, order({ closed: new Set([START]) }))).rejects.toMatchObject({
      key: "err.closedHours",
    });
    expect(calls).toEqual([]);
  });

  it("reports the fee the sponsor actually took (below the signed cap) from the receipt", async () => {
    const { wallet } = fakeWallet({ feeCharged: 100_000n });
    expect((await payAndBook(wallet, order({ gasless }))).feePaid).toBe(100_000n);
  });
});
