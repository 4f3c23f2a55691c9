import { describe, expect, it } from "vitest";
import type { Address } from "viem";
import { feeInTransaction } from "./sponsorFees.ts";

const MEMBER: Address = "0x00000000000000000000000000000000000000aa";
const CONTRACT: Address = "0x0000000000000000000000000000000000000001";
const SPONSOR: Address = "0x00000000000000000000000000000000000000bb";

describe("feeInTransaction", () => {
  it("a gasless booking: the member's transfer to the sponsor, not the price into escrow nor another transaction", () => {
    const transfers = [
      { transactionHash: "0x1", from: MEMBER, to: CONTRACT, value: 5_750_000n },
      { transactionHash: "0x1", from: MEMBER, to: SPONSOR, value: 250_000n },
      { transactionHash: "0x2", from: MEMBER, to: SPONSOR, value: 250_000n },
    ];
    expect(feeInTransaction(transfers, "0x1", { payer: MEMBER, contract: CONTRACT, member: MEMBER })).toBe(250_000n);
  });

  it("a gasless cancellation: the contract's payment to the sponsor, not the refund to the member", () => {
    const transfers = [
      { transactionHash: "0x3", from: CONTRACT, to: MEMBER, value: 5_500_000n },
      { transactionHash: "0x3", from: CONTRACT, to: SPONSOR, value: 250_000n },
    ];
    expect(feeInTransaction(transfers, "0x3", { payer: CONTRACT, contract: CONTRACT, member: MEMBER })).toBe(250_000n);
  });

  it("a booking paid with the member's own gas moves no fee", () => {
    const transfers = [{ transactionHash: "0x4", from: MEMBER, to: CONTRACT, value: 5_750_000n }];
    expect(feeInTransaction(transfers, "0x4", { payer: MEMBER, contract: CONTRACT, member: MEMBER })).toBe(0n);
  });
});
