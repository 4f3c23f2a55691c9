import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { hashTypedData, keccak256 as viemKeccak256, toHex as viemToHex } from "viem";
import { keccak256 } from "../../server/door/keccak.ts";
import { privateKeyToAccount } from "viem/accounts";
import fc from "fast-check";
import { createDoorHasher, recoverSigner, signDigest, toHex } from "../../server/door/doorCrypto.ts";
import { challengeTypes, openCommandTypes, protocolDomain, unlockRequestTypes } from "../../protocol/eip712.ts";
import { DEMO_RELAYER_PRIVATE_KEY, DEMO_RELAYER_ADDRESS } from "../../server/demoKeys.ts";

const contract = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
const domain = protocolDomain(31337, contract);
const hasher = createDoorHasher(31337, contract);
const hex = (n: number) => fc.uint8Array({ minLength: n, maxLength: n }).map((b) => viemToHex(b));

describe("door crypto", () => {
  it("the unrolled keccak256 equals viem's on every length 0..700 and random inputs", () => {
    for (let n = 0; n <= 700; n++) {
      const b = new Uint8Array(n).map((_, i) => (i * 131 + n * 7) & 0xff);
      assert.equal(Buffer.from(keccak256(b)).toString("hex"), viemKeccak256(b).slice(2), `length ${n}`);
    }
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 1000 }),
        (b) => Buffer.from(keccak256(b)).toString("hex") === viemKeccak256(b).slice(2),
      ),
      { numRuns: 2000, seed: 11 },
    );
  });

  it("challenge digest equals viem hashTypedData", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 32 - 1 }),
        hex(16),
        fc.integer({ min: 0, max: 2 ** 40 }),
        (door, nonce, time) => {
          const expected = hashTypedData({
            domain,
            types: challengeTypes,
            primaryType: "Challenge",
            message: { door, nonce, time: BigInt(time) },
          });
          assert.equal(toHex(hasher.challengeDigest({ door, nonce, time })), expected);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("unlock request digest equals viem hashTypedData", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 32 - 1 }),
        hex(32),
        fc.bigInt({ min: 0n, max: 2n ** 256n - 1n }),
        fc.integer({ min: 0, max: 2 ** 40 }),
        (door, challenge, passId, deadline) => {
          const expected = hashTypedData({
            domain,
            types: unlockRequestTypes,
            primaryType: "UnlockRequest",
            message: { door, challenge, passId, deadline: BigInt(deadline) },
          });
          assert.equal(toHex(hasher.unlockDigest({ door, challenge, passId, deadline })), expected);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("open command digest equals viem hashTypedData", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 32 - 1 }),
        hex(32),
        fc.integer({ min: 0, max: 2 ** 40 }),
        (door, challenge, expires) => {
          const expected = hashTypedData({
            domain,
            types: openCommandTypes,
            primaryType: "OpenCommand",
            message: { door, challenge, expires: BigInt(expires) },
          });
          assert.equal(toHex(hasher.openCommandDigest({ door, challenge, expires })), expected);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("recovers the signer of a viem-signed typed message", async () => {
    const account = privateKeyToAccount(DEMO_RELAYER_PRIVATE_KEY);
    const message = { door: 7, challenge: `0x${"ab".repeat(32)}` as const, passId: 12n, deadline: 1_900_000_000n };
    const signature = await account.signTypedData({
      domain,
      types: unlockRequestTypes,
      primaryType: "UnlockRequest",
      message,
    });
    const digest = hasher.unlockDigest({ ...message, deadline: Number(message.deadline) });
    assert.equal(recoverSigner(digest, signature), DEMO_RELAYER_ADDRESS.toLowerCase());
  });

  it("signDigest produces signatures viem agrees with", async () => {
    const digest = hasher.openCommandDigest({ door: 1, challenge: `0x${"cd".repeat(32)}`, expires: 5 });
    const sig = signDigest(digest, DEMO_RELAYER_PRIVATE_KEY);
    assert.equal(recoverSigner(digest, sig), DEMO_RELAYER_ADDRESS.toLowerCase());
    const { recoverAddress } = await import("viem");
    assert.equal(
      (await recoverAddress({ hash: toHex(digest), signature: sig })).toLowerCase(),
      DEMO_RELAYER_ADDRESS.toLowerCase(),
    );
  });

  it("rejects malformed and high-s signatures", () => {
    const digest = hasher.openCommandDigest({ door: 1, challenge: `0x${"cd".repeat(32)}`, expires: 5 });
    const sig = signDigest(digest, DEMO_RELAYER_PRIVATE_KEY);
    assert.equal(recoverSigner(digest, "0x1234"), null);
    assert.equal(recoverSigner(digest, `${sig.slice(0, 130)}1d` as `0x${string}`), null);
    const n = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
    const s = BigInt(`0x${sig.slice(66, 130)}`);
    const highS = (n - s).toString(16).padStart(64, "0");
    const v = sig.slice(130) === "1b" ? "1c" : "1b";
    assert.equal(recoverSigner(digest, `${sig.slice(0, 66)}${highS}${v}` as `0x${string}`), null);
    assert.equal(recoverSigner(digest, `0x${"00".repeat(65)}`), null);
  });
});
