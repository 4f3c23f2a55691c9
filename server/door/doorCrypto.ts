// EIP-712 digests of the door protocol's three messages, and secp256k1 signing and recovery.
//
// The digests equal viem's `hashTypedData` for the types in protocol/eip712.ts (a test checks it),
// but are computed with a precomputed domain separator and type hashes and a fixed-layout
// encoding: one keccak for the struct and one for the digest (server/door/keccak.ts, unrolled). Recovery and signing use libsecp256k1
// (the `secp256k1` N-API addon, loaded without its pure-JS fallback: server/door/secp256k1Native.ts), about
// 50× faster than pure-JS recovery. This is the relayer's main CPU cost, so it is kept tight.
import { domainSeparator, keccak256, stringToBytes } from "viem";
import { keccak256 as keccak } from "./keccak.ts";
import { challengeTypes, openCommandTypes, protocolDomain, unlockRequestTypes } from "../../protocol/eip712.ts";
import { loadNativeSecp256k1 } from "./secp256k1Native.ts";

const secp256k1 = loadNativeSecp256k1();

import type { Hex } from "../../protocol/types.ts";

export type { Hex };

function typeString(name: string, fields: readonly { name: string; type: string }[]): string {
  return `${name}(${fields.map((f) => `${f.type} ${f.name}`).join(",")})`;
}

const CHALLENGE_TYPEHASH = keccak256(stringToBytes(typeString("Challenge", challengeTypes.Challenge)), "bytes");
const UNLOCK_TYPEHASH = keccak256(
  stringToBytes(typeString("UnlockRequest", unlockRequestTypes.UnlockRequest)),
  "bytes",
);
const OPEN_TYPEHASH = keccak256(stringToBytes(typeString("OpenCommand", openCommandTypes.OpenCommand)), "bytes");

const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
const HALF_N = SECP256K1_N >> 1n;

export function hexToBuf(hex: string): Buffer {
  return Buffer.from(hex.slice(2), "hex");
}

function writeUint(buf: Uint8Array, offset: number, value: bigint): void {
  // Big-endian into the 32-byte word at `offset` (the word is zero already).
  let v = value;
  for (let i = offset + 31; v > 0n; i--) {
    buf[i] = Number(v & 0xffn);
    v >>= 8n;
  }
}

function writeSmallUint(buf: Uint8Array, offset: number, value: number): void {
  // Safe integers (≤ 2^53) only: door ids (uint32) and times (uint64 seconds).
  let v = value;
  for (let i = offset + 31; v > 0; i--) {
    buf[i] = v % 256;
    v = Math.floor(v / 256);
  }
}

export type DoorHasher = {
  domainSeparator: Uint8Array;
  challengeDigest(c: { door: number; nonce: Hex; time: number }): Uint8Array;
  unlockDigest(r: { door: number; challenge: Hex; passId: bigint; deadline: number }): Uint8Array;
  openCommandDigest(o: { door: number; challenge: Hex; expires: number }): Uint8Array;
};

/**
 * Digests under the protocol's domain for one chain id and Passepartout contract. `hash` is the
 * unrolled keccak; bench/keccak.ts passes viem's to measure what the unrolled one saves.
 */
export function createDoorHasher(
  chainId: number,
  contract: Hex,
  hash: (data: Uint8Array) => Uint8Array = keccak,
): DoorHasher {
  const domain = protocolDomain(chainId, contract);
  const separator = hexToBuf(domainSeparator({ domain }));
  const outer = new Uint8Array(66);
  outer[0] = 0x19;
  outer[1] = 0x01;
  outer.set(separator, 2);
  const finish = (structHash: Uint8Array): Uint8Array => {
    const msg = outer.slice();
    msg.set(structHash, 34);
    return hash(msg);
  };
  return {
    domainSeparator: separator,
    challengeDigest({ door, nonce, time }) {
      const b = new Uint8Array(128);
      b.set(CHALLENGE_TYPEHASH, 0);
      writeSmallUint(b, 32, door);
      b.set(hexToBuf(nonce).subarray(0, 16), 64); // bytes16: left-aligned
      writeSmallUint(b, 96, time);
      return finish(hash(b));
    },
    unlockDigest({ door, challenge, passId, deadline }) {
      const b = new Uint8Array(160);
      b.set(UNLOCK_TYPEHASH, 0);
      writeSmallUint(b, 32, door);
      b.set(hexToBuf(challenge).subarray(0, 32), 64);
      writeUint(b, 96, passId);
      writeSmallUint(b, 128, deadline);
      return finish(hash(b));
    },
    openCommandDigest({ door, challenge, expires }) {
      const b = new Uint8Array(128);
      b.set(OPEN_TYPEHASH, 0);
      writeSmallUint(b, 32, door);
      b.set(hexToBuf(challenge).subarray(0, 32), 64);
      writeSmallUint(b, 96, expires);
      return finish(hash(b));
    },
  };
}

export function toHex(bytes: Uint8Array): Hex {
  return `0x${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex")}`;
}

// Public key → address, remembered: the same lock keys and members sign again and again, and the
// address is a pure function of the key (saves a keccak per recovery).
const addressCache = new Map<string, Hex>();

function addressOfPublicKey(pub65: Uint8Array): Hex {
  const key = Buffer.from(pub65.buffer, pub65.byteOffset + 1, 64).toString("latin1");
  let a = addressCache.get(key);
  if (a === undefined) {
    a = toHex(keccak(pub65.subarray(1)).subarray(12));
    if (addressCache.size >= 20_000) addressCache.clear();
    addressCache.set(key, a);
  }
  return a;
}

const HALF_N_BYTES = Buffer.from(HALF_N.toString(16).padStart(64, "0"), "hex");
const ZERO_WORD = Buffer.alloc(32);

/**
 * The address that signed `digest` with a 65-byte `r‖s‖v` signature, or null when the signature is
 * malformed, has a high `s` (malleable) or does not recover. Returned in lower case.
 */
export function recoverSigner(digest: Uint8Array, signature: Hex): Hex | null {
  if (signature.length !== 132) return null;
  const sig = hexToBuf(signature);
  if (sig.length !== 65) return null;
  let v = sig[64];
  if (v >= 27) v -= 27;
  if (v !== 0 && v !== 1) return null;
  const s = sig.subarray(32, 64);
  if (s.equals(ZERO_WORD) || s.compare(HALF_N_BYTES) > 0) return null;
  try {
    const pub = secp256k1.ecdsaRecover(sig.subarray(0, 64), v, digest, false);
    return addressOfPublicKey(pub);
  } catch {
    return null;
  }
}

/** Signs a 32-byte digest; returns `r‖s‖v` with v ∈ {27, 28}. */
export function signDigest(digest: Uint8Array, privateKey: Hex): Hex {
  const { signature, recid } = secp256k1.ecdsaSign(digest, hexToBuf(privateKey));
  return `0x${Buffer.from(signature).toString("hex")}${(27 + recid).toString(16)}`;
}

export { sameAddress } from "../../protocol/address.ts";
