// The lock's cryptography on two small audited libraries (@noble/curves, @noble/hashes: plain
// JavaScript, no native addon, so the agent installs on a Raspberry Pi without a compiler and
// stays small). Every digest is EIP-712 under the protocol domain (protocol/eip712.ts), encoded
// here for the three fixed door types; test/agent/lockCrypto.test.ts checks them against viem's
// hashTypedData, which the relayer and the dApp use.
import { secp256k1 } from "@noble/curves/secp256k1";
import { keccak_256 } from "@noble/hashes/sha3.js";
import { DOMAIN_NAME, DOMAIN_VERSION, type Challenge, type OpenCommand } from "../../protocol/eip712.ts";
import type { OpenResult } from "../../protocol/doorMqtt.ts";
import { canonicalRecord, type LogRecord } from "../../protocol/doorLog.ts";

export type Hex = `0x${string}`;

const utf8 = (s: string) => new TextEncoder().encode(s);
const toHex = (b: Uint8Array): Hex => `0x${Buffer.from(b).toString("hex")}`;
const fromHex = (h: string) => Uint8Array.from(Buffer.from(h.replace(/^0x/, ""), "hex"));
const keccak = (b: Uint8Array) => keccak_256(b);

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
/** An unsigned integer as one 32-byte ABI word. */
function word(n: bigint | number): Uint8Array {
  return fromHex(BigInt(n).toString(16).padStart(64, "0"));
}
/** bytesN, left-aligned in a word. */
function fixedBytes(h: string): Uint8Array {
  const w = new Uint8Array(32);
  w.set(fromHex(h).subarray(0, 32));
  return w;
}

const DOMAIN_TYPEHASH = keccak(
  utf8("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"),
);
const CHALLENGE_TYPEHASH = keccak(utf8("Challenge(uint32 door,bytes16 nonce,uint64 time)"));
const OPEN_TYPEHASH = keccak(utf8("OpenCommand(uint32 door,bytes32 challenge,uint64 expires)"));
const LOG_RECORD_TYPEHASH = keccak(utf8("DoorLogRecord(uint32 door,uint64 seq,bytes32 hash)"));
const ANSWER_TYPEHASH = keccak(
  utf8("OpenAnswer(uint32 door,bytes32 challenge,string result,string reason,uint64 time)"),
);

export type LockCrypto = {
  challengeDigest(c: { door: number; nonce: Hex; time: number }): Hex;
  openCommandDigest(c: Pick<OpenCommand, "door" | "challenge" | "expires">): Hex;
  /** `id` is the open request's id: the challenge id without its 0x. */
  answerDigest(a: { door: number; id: string; result: OpenResult; reason: string; time: number }): Hex;
  /** The door log record's EIP-712 digest, signed by the door's lock key (protocol/doorLog.ts). */
  logRecordDigest(r: Pick<LogRecord, "door" | "seq" | "hash">): Hex;
};

/** keccak256 of a door log record's canonical form (protocol/doorLog.ts). */
export function logRecordHash(r: Omit<LogRecord, "hash" | "signature">): Hex {
  return toHex(keccak(utf8(canonicalRecord(r))));
}

/** The EIP-712 digest of a struct hash under the protocol domain of `chainId` and `contract`. */
export function typedDigest(chainId: number, contract: Hex): (structHash: Uint8Array) => Hex {
  const separator = keccak(
    concat(
      DOMAIN_TYPEHASH,
      keccak(utf8(DOMAIN_NAME)),
      keccak(utf8(DOMAIN_VERSION)),
      word(chainId),
      word(BigInt(contract)),
    ),
  );
  return (structHash) => toHex(keccak(concat(new Uint8Array([0x19, 0x01]), separator, structHash)));
}

export function lockCrypto(chainId: number, contract: Hex): LockCrypto {
  const digest = typedDigest(chainId, contract);
  return {
    challengeDigest: (c) => digest(keccak(concat(CHALLENGE_TYPEHASH, word(c.door), fixedBytes(c.nonce), word(c.time)))),
    openCommandDigest: (c) =>
      digest(keccak(concat(OPEN_TYPEHASH, word(c.door), fixedBytes(c.challenge), word(c.expires)))),
    logRecordDigest: (r) => digest(keccak(concat(LOG_RECORD_TYPEHASH, word(r.door), word(r.seq), fixedBytes(r.hash)))),
    answerDigest: (a) =>
      digest(
        keccak(
          concat(
            ANSWER_TYPEHASH,
            word(a.door),
            fixedBytes(a.id),
            keccak(utf8(a.result)),
            keccak(utf8(a.reason)),
            word(a.time),
          ),
        ),
      ),
  };
}

/** A 65-byte r‖s‖v signature (v 27/28, low s) of a 32-byte digest. */
export function signDigest(digest: Hex, key: Hex): Promise<Hex> {
  return Promise.resolve(signDigestSync(digest, key));
}

/** signDigest without the promise (the door log signs inside its write). */
export function signDigestSync(digest: Hex, key: Hex): Hex {
  const sig = secp256k1.sign(fromHex(digest), fromHex(key), { lowS: true });
  return toHex(concat(sig.toCompactRawBytes(), new Uint8Array([27 + sig.recovery])));
}

/** recoverSigner without the promise. */
export function recoverSignerSync(digest: Hex, signature: Hex): Hex | null {
  return recover(digest, signature);
}

function addressOfPoint(uncompressed: Uint8Array): Hex {
  return toHex(keccak(uncompressed.subarray(1)).subarray(12));
}

/** The signer of a 65-byte signature, or null when it does not recover. */
export function recoverSigner(digest: Hex, signature: Hex): Promise<Hex | null> {
  return Promise.resolve(recover(digest, signature));
}

function recover(digest: Hex, signature: Hex): Hex | null {
  try {
    const bytes = fromHex(signature);
    if (bytes.length !== 65) return null;
    const v = bytes[64] >= 27 ? bytes[64] - 27 : bytes[64];
    if (v !== 0 && v !== 1) return null;
    const sig = secp256k1.Signature.fromCompact(bytes.subarray(0, 64)).addRecoveryBit(v);
    if (sig.hasHighS()) return null;
    return addressOfPoint(sig.recoverPublicKey(fromHex(digest)).toRawBytes(false));
  } catch {
    return null;
  }
}

export function addressOf(key: Hex): Hex {
  return addressOfPoint(secp256k1.getPublicKey(fromHex(key), false));
}

export function sameAddress(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

export { keccak as keccak256, toHex as bytesToHex, fromHex as hexToBytes, concat as concatBytes, word as abiWord };
export type { Challenge, OpenCommand };
