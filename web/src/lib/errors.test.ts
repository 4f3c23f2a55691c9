import { describe, expect, it } from "vitest";
import { ContractFunctionRevertedError, encodeErrorResult, zeroAddress, type Abi } from "viem";
import { passepartoutAbi, testCadAbi } from "../../../protocol/abis.ts";
import { toUiError } from "./errors.ts";

/** What simulateContract throws when the contract reverts with `errorName(args)`. */
function reverted(abi: Abi, errorName: string, args: readonly unknown[]) {
  const data = encodeErrorResult({ abi, errorName, args });
  return new ContractFunctionRevertedError({ abi, data, functionName: "createVenue" });
}

describe("toUiError", () => {
  it("names the contract's NameInvalid error (not a VenueNameInvalid it never had)", () => {
    expect(toUiError(reverted(passepartoutAbi, "NameInvalid", [33n])).key).toBe("err.nameInvalid");
  });

  it("explains a token's insufficient balance bubbled up through the booking", () => {
    const abi: Abi = [...passepartoutAbi, ...testCadAbi.filter((x) => x.type === "error")];
    expect(toUiError(reverted(abi, "ERC20InsufficientBalance", [zeroAddress, 1n, 2n])).key).toBe(
      "err.insufficientFunds",
    );
  });

  it("explains a closure refused over a booking (the operator cancels it first)", () => {
    expect(toUiError(reverted(passepartoutAbi, "OpeningClosureHasBookings", [1, 0, 3600n])).key).toBe(
      "err.closureHasBookings",
    );
  });

  it("falls back to the raw name of a contract error it has no message for", () => {
    expect(toUiError(reverted(passepartoutAbi, "TransferToZeroAddress", []))).toMatchObject({
      key: "err.contract",
      vars: { name: "TransferToZeroAddress" },
    });
  });
});
