// The door log's record hash and the digest its lock key signs, for the relayer (viem). The agent
// computes the same without viem (agent/src/lockCrypto.ts); test/agent/doorLog.test.ts checks that
// both agree.
import { hashTypedData, keccak256, stringToBytes } from "viem";
import { protocolDomain } from "./eip712.ts";
import { canonicalRecord, doorLogRecordTypes, type LogRecord } from "./doorLog.ts";

type Hex = `0x${string}`;

/** keccak256 of the record's canonical form (prevHash included). */
export function logRecordHash(r: Omit<LogRecord, "hash" | "signature">): Hex {
  return keccak256(stringToBytes(canonicalRecord(r)));
}

/** The EIP-712 digest DoorLogRecord(door, seq, hash) the door's lock key signs. */
export function logRecordDigest(chainId: number, contract: Hex, r: Pick<LogRecord, "door" | "seq" | "hash">): Hex {
  return hashTypedData({
    domain: protocolDomain(chainId, contract),
    types: doorLogRecordTypes,
    primaryType: "DoorLogRecord",
    message: { door: r.door, seq: BigInt(r.seq), hash: r.hash },
  });
}
