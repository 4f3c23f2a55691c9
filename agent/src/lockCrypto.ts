// The lock's cryptography, in plain JavaScript (viem and its noble curves: no native addon, so the
// agent installs on a Raspberry Pi without a compiler). Every digest is EIP-712 under the protocol
// domain (protocol/eip712.ts), the same the relayer and the dApp compute.
import { hashTypedData, keccak256, recoverAddress, stringToBytes } from "viem";
import { privateKeyToAddress, sign, serializeSignature } from "viem/accounts";
import {
  challengeTypes,
  openCommandTypes,
  protocolDomain,
  type Challenge,
  type OpenCommand,
} from "../../protocol/eip712.ts";
import { openAnswerDigest, type OpenResult } from "../../protocol/doorMqtt.ts";

export type Hex = `0x${string}`;

export type LockCrypto = {
  challengeDigest(c: { door: number; nonce: Hex; time: number }): Hex;
  openCommandDigest(c: OpenCommand): Hex;
  answerDigest(a: { door: number; id: string; result: OpenResult; reason: string; time: number }): Hex;
};

export function lockCrypto(chainId: number, contract: Hex): LockCrypto {
  const domain = protocolDomain(chainId, contract);
  return {
    challengeDigest: (c) =>
      hashTypedData({
        domain,
        types: challengeTypes,
        primaryType: "Challenge",
        message: { door: c.door, nonce: c.nonce, time: BigInt(c.time) },
      }),
    openCommandDigest: (c) =>
      hashTypedData({
        domain,
        types: openCommandTypes,
        primaryType: "OpenCommand",
        message: { door: c.door, challenge: c.challenge, expires: BigInt(c.expires) },
      }),
    answerDigest: (a) => openAnswerDigest(chainId, contract, a),
  };
}

/** A 65-byte r‖s‖v signature (v 27/28) of a 32-byte digest. */
export async function signDigest(digest: Hex, key: Hex): Promise<Hex> {
  return serializeSignature(await sign({ hash: digest, privateKey: key }));
}

/** The signer of a 65-byte signature, or null when it does not recover. */
export async function recoverSigner(digest: Hex, signature: Hex): Promise<Hex | null> {
  try {
    return await recoverAddress({ hash: digest, signature });
  } catch {
    return null;
  }
}

export function addressOf(key: Hex): Hex {
  return privateKeyToAddress(key);
}

export function sameAddress(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

export function hashJson(v: unknown): Hex {
  return keccak256(stringToBytes(JSON.stringify(v)));
}

export type { Challenge, OpenCommand };
