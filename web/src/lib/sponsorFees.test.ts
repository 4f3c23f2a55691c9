import { describe, expect, it } from "vitest";
import { encodeAbiParameters, encodeEventTopics, erc20Abi, type Address, type TransactionReceipt } from "viem";
import { passepartoutAbi } from "../../../protocol/abis.ts";
import { sponsorFeeIn } from "./sponsorFees.ts";

const MEMBER: Address = "0x00000000000000000000000000000000000000aa";
const CONTRACT: Address = "0x0000000000000000000000000000000000000001";
const SPONSOR: Address = "0x00000000000000000000000000000000000000bb";
const CAD: Address = "0x00000000000000000000000000000000000000ca";
const IMPOSTOR: Address = "0x00000000000000000000000000000000000000cc";

type Log = TransactionReceipt["logs"][number];
const feePaid = (at: Address, passId: bigint, fee: bigint, onCancel: boolean) =>
  ({
    address: at,
    topics: encodeEventTopics({
      abi: passepartoutAbi,
      eventName: "SponsorFeePaid",
      args: { passId, sponsor: SPONSOR },
    }),
    data: encodeAbiParameters([{ type: "uint256" }, { type: "bool" }], [fee, onCancel]),
  }) as unknown as Log;
const transfer = (from: Address, to: Address, value: bigint) =>
  ({
    address: CAD,
    topics: encodeEventTopics({ abi: erc20Abi, eventName: "Transfer", args: { from, to } }),
    data: encodeAbiParameters([{ type: "uint256" }], [value]),
  }) as unknown as Log;

describe("the sponsor's fee in a transaction's receipt", () => {
  it("a gasless booking: the contract's SponsorFeePaid, not the token transfers around it", () => {
    const receipt = {
      logs: [
        transfer(MEMBER, CONTRACT, 5_750_000n),
        transfer(MEMBER, SPONSOR, 250_000n),
        feePaid(CONTRACT, 7n, 250_000n, false),
      ],
    };
    expect(sponsorFeeIn(receipt, CONTRACT, false)).toBe(250_000n);
    expect(sponsorFeeIn(receipt, CONTRACT, true)).toBe(0n);
  });

  it("a gasless cancellation: the fee taken from the refund", () => {
    const receipt = { logs: [transfer(CONTRACT, MEMBER, 5_500_000n), feePaid(CONTRACT, 7n, 250_000n, true)] };
    expect(sponsorFeeIn(receipt, CONTRACT, true)).toBe(250_000n);
  });

  it("ignores the same event from another contract, and a transfer alone is no fee", () => {
    const receipt = { logs: [feePaid(IMPOSTOR, 7n, 9_000_000n, false), transfer(MEMBER, SPONSOR, 250_000n)] };
    expect(sponsorFeeIn(receipt, CONTRACT, false)).toBe(0n);
  });
});
