// Decodes why a sponsored call would revert, with the ABIs the dApp decodes with: Passepartout's
// custom errors (and those of the forwarder and the stablecoin), so the sponsor refuses with the
// same error name the member would have seen had it sent the transaction itself.
import { BaseError, decodeErrorResult, isHex, type Abi } from "viem";
import { passepartoutAbi, passepartoutForwarderAbi, testCadAbi } from "../../protocol/abis.ts";

/** Errors only, from every contract a sponsored call runs through (duplicates are harmless). */
const ERROR_ABI: Abi = [...passepartoutAbi, ...passepartoutForwarderAbi, ...testCadAbi].filter(
  (item) => item.type === "error",
);

export type RevertReason = { errorName: string; args: string[] };

/** The revert data carried by a viem error (an eth_call or estimateGas that reverted), if any. */
function revertData(err: unknown): `0x${string}` | undefined {
  if (!(err instanceof BaseError)) return undefined;
  let found: `0x${string}` | undefined;
  err.walk((e) => {
    const data = (e as { data?: unknown }).data;
    const hex = typeof data === "object" && data !== null ? (data as { data?: unknown }).data : data;
    if (found === undefined && typeof hex === "string" && isHex(hex) && hex.length >= 10) found = hex;
    return false;
  });
  return found;
}

/** The decoded custom error of a reverted call; `{ errorName: "unknown" }` when it has none we know. */
export function revertReason(err: unknown): RevertReason | null {
  const data = revertData(err);
  if (data === undefined) return null;
  try {
    const decoded = decodeErrorResult({ abi: ERROR_ABI, data });
    return {
      errorName: decoded.errorName,
      args: (decoded.args ?? []).map((a) => (typeof a === "bigint" ? a.toString() : String(a))),
    };
  } catch {
    return { errorName: "unknown", args: [data.slice(0, 10)] };
  }
}
