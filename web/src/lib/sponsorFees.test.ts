import { describe, expect, it } from "vitest";
import { encodeAbiParameters, encodeEventTopics, erc20Abi, type Address, type TransactionReceipt } from "viem";
import { feeAmong, feeInReceipt, rememberSponsorFee, rememberedSponsorFee } from "./sponsorFees.ts";

const MEMBER: Address = "0x00000000000000000000000000000000000000aa";
const CONTRACT: Address = "0x0000000000000000000000000000000000000001";
const SPONSOR: Address = "0x00000000000000000000000000000000000000bb";
const CAD: Address = "0x00000000000000000000000000000000000000ca";
const OTHER: Address = "0x00000000000000000000000000000000000000cb";

const transfer = (token: Address, from: Address, to: Address, value: bigint) =>
  ({
    address: token,
    topics: encodeEventTopics({ abi: erc20Abi, eventName: "Transfer", args: { from, to } }),
    data: encodeAbiParameters([{ type: "uint256" }], [value]),
  }) as unknown as TransactionReceipt["logs"][number];

describe("the sponsor's fee in a transaction", () => {
  it("a gasless booking: the member's transfer to the sponsor, not the price into escrow", () => {
    const receipt = {
      logs: [
        transfer(CAD, MEMBER, CONTRACT, 5_750_000n),
        transfer(CAD, MEMBER, SPONSOR, 250_000n),
        transfer(OTHER, MEMBER, SPONSOR, 9n), // another token
      ],
    };
    expect(feeInReceipt(receipt, { token: CAD, payer: MEMBER, contract: CONTRACT, member: MEMBER })).toBe(250_000n);
  });

  it("a gasless cancellation: the contract's payment to the sponsor, not the refund to the member", () => {
    const transfers = [
      { from: CONTRACT, to: MEMBER, value: 5_500_000n },
      { from: CONTRACT, to: SPONSOR, value: 250_000n },
    ];
    expect(feeAmong(transfers, { payer: CONTRACT, contract: CONTRACT, member: MEMBER })).toBe(250_000n);
  });

  it("a booking paid with the member's own gas moves no fee", () => {
    expect(
      feeAmong([{ from: MEMBER, to: CONTRACT, value: 5_750_000n }], {
        payer: MEMBER,
        contract: CONTRACT,
        member: MEMBER,
      }),
    ).toBe(0n);
  });
});

describe("remembered fees", () => {
  it("keeps the booking's and the cancellation's fee per chain, contract and pass", () => {
    const m = new Map<string, string>();
    const store = { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v) };
    const at = { chainId: 31337, contract: CONTRACT };
    rememberSponsorFee(store, at, 7n, "book", 250_000n);
    rememberSponsorFee(store, at, 7n, "cancel", 200_000n);
    expect(rememberedSponsorFee(store, at, 7n, "book")).toBe(250_000n);
    expect(rememberedSponsorFee(store, at, 7n, "cancel")).toBe(200_000n);
    expect(rememberedSponsorFee(store, at, 8n, "book")).toBeUndefined();
    expect(rememberedSponsorFee(store, { chainId: 1, contract: CONTRACT }, 7n, "book")).toBeUndefined();
  });
});
