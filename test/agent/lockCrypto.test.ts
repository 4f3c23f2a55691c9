// The agent's own EIP-712 encoder and signatures (noble) agree with viem, which the relayer and the
// dApp use, and with the relayer's native recovery.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { hashTypedData, recoverAddress } from "viem";
import { privateKeyToAddress } from "viem/accounts";
import { challengeTypes, openCommandTypes, protocolDomain } from "../../protocol/eip712.ts";
import { openAnswerTypes } from "../../protocol/doorMqtt.ts";
import { openAnswerDigest } from "../../protocol/doorAnswer.ts";
import { addressOf, lockCrypto, recoverSigner, signDigest, type Hex } from "../../agent/src/lockCrypto.ts";
import {
  createDoorHasher,
  hexToBuf,
  recoverSigner as nativeRecover,
  signDigest as nativeSign,
} from "../../server/door/doorCrypto.ts";

const contract: Hex = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
const domain = protocolDomain(31337, contract);
const c = lockCrypto(31337, contract);
const key: Hex = `0x${"4c".repeat(32)}`;

describe("the agent's lock cryptography", () => {
  it("hashes Challenge, OpenCommand and OpenAnswer exactly as viem does", () => {
    const ch: { door: number; nonce: Hex; time: number } = {
      door: 7,
      nonce: `0x${"ab".repeat(16)}`,
      time: 1_764_650_000,
    };
    assert.equal(
      c.challengeDigest(ch),
      hashTypedData({
        domain,
        types: challengeTypes,
        primaryType: "Challenge",
        message: { ...ch, time: BigInt(ch.time) },
      }),
    );
    const oc: { door: number; challenge: Hex; expires: number } = {
      door: 4294967295,
      challenge: `0x${"cd".repeat(32)}`,
      expires: 1_764_650_005,
    };
    assert.equal(
      c.openCommandDigest(oc),
      hashTypedData({
        domain,
        types: openCommandTypes,
        primaryType: "OpenCommand",
        message: { ...oc, expires: BigInt(oc.expires) },
      }),
    );
    const a = {
      door: 7,
      id: "ef".repeat(32),
      result: "refused" as const,
      reason: "challenge_used",
      time: 1_764_650_001,
    };
    assert.equal(c.answerDigest(a), openAnswerDigest(31337, contract, a));
    assert.ok(openAnswerTypes.OpenAnswer.length === 5);
    assert.equal(
      c.challengeDigest(ch),
      `0x${Buffer.from(createDoorHasher(31337, contract).challengeDigest(ch)).toString("hex")}`,
    );
  });
  it("signs low-s 65-byte signatures that viem and the relayer's native recovery read", async () => {
    const digest = c.challengeDigest({ door: 1, nonce: `0x${"00".repeat(16)}`, time: 1 });
    const sig = await signDigest(digest, key);
    assert.equal(sig.length, 132);
    assert.equal(await recoverAddress({ hash: digest, signature: sig }), privateKeyToAddress(key));
    assert.equal(nativeRecover(hexToBuf(digest), sig)?.toLowerCase(), privateKeyToAddress(key).toLowerCase());
    assert.equal(addressOf(key), privateKeyToAddress(key).toLowerCase());
    assert.equal(
      (await recoverSigner(digest, nativeSign(hexToBuf(digest), key)))?.toLowerCase(),
      privateKeyToAddress(key).toLowerCase(),
    );
  });
  it("refuses high-s, short and garbage signatures", async () => {
    const digest = c.challengeDigest({ door: 1, nonce: `0x${"00".repeat(16)}`, time: 1 });
    const sig = await signDigest(digest, key);
    const n = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
    const s = BigInt(`0x${sig.slice(66, 130)}`);
    const high =
      `${sig.slice(0, 66)}${(n - s).toString(16).padStart(64, "0")}${sig.slice(130) === "1b" ? "1c" : "1b"}` as Hex;
    assert.equal(await recoverSigner(digest, high), null);
    assert.equal(await recoverSigner(digest, sig.slice(0, 130) as Hex), null);
    assert.equal(await recoverSigner(digest, `0x${"00".repeat(65)}`), null);
  });
});
