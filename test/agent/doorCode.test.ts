// The door code (protocol/doorCode.ts): a lock-signed challenge packed into 114 characters for the
// door screen's QR code and read back by the dApp, signature intact; anything else is one clear error.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { hashTypedData, recoverAddress } from "viem";
import { challengeTypes, protocolDomain, type Challenge } from "../../protocol/eip712.ts";
import {
  DOOR_CODE_LENGTH,
  DoorCodeError,
  decodeDoorCode,
  doorLink,
  doorRoute,
  encodeDoorCode,
} from "../../protocol/doorCode.ts";
import { addressOf, lockCrypto, signDigest, type Hex } from "../../agent/src/lockCrypto.ts";

const contract: Hex = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
const crypto = lockCrypto(31337, contract);
const key: Hex = `0x${"4c".repeat(32)}`;

async function signed(door: number, nonce: Hex, time: number): Promise<Challenge> {
  return { door, nonce, time, signature: await signDigest(crypto.challengeDigest({ door, nonce, time }), key) };
}

const recover = (c: Challenge) =>
  recoverAddress({
    hash: hashTypedData({
      domain: protocolDomain(31337, contract),
      types: challengeTypes,
      primaryType: "Challenge",
      message: { door: c.door, nonce: c.nonce, time: BigInt(c.time) },
    }),
    signature: c.signature,
  });

describe("the door code", () => {
  it("round-trips lock-signed challenges of both signature parities, and the signature still recovers to the lock", async () => {
    const parities = new Set<string>();
    for (let i = 0; i < 24; i++) {
      const c = await signed(
        1 + i * 178_956_970,
        `0x${(i + 1).toString(16).padStart(2, "0").repeat(16)}`,
        1_764_650_000 + i,
      );
      const code = encodeDoorCode(c);
      assert.equal(code.length, DOOR_CODE_LENGTH);
      assert.match(code, /^[A-Za-z0-9_-]+$/);
      const back = decodeDoorCode(c.door, code);
      assert.deepEqual(back, c);
      parities.add(c.signature.slice(-2));
      assert.equal((await recover(back)).toLowerCase(), addressOf(key));
    }
    assert.deepEqual([...parities].sort(), ["1b", "1c"], "both v = 27 and v = 28 were exercised");
  });

  it("keeps times up to 2^40 − 1 and refuses what it cannot carry", async () => {
    const c = await signed(3, `0x${"00".repeat(16)}`, 2 ** 40 - 1);
    assert.equal(decodeDoorCode(3, encodeDoorCode(c)).time, 2 ** 40 - 1);
    assert.throws(() => encodeDoorCode({ ...c, time: 2 ** 40 }), DoorCodeError);
    assert.throws(() => encodeDoorCode({ ...c, time: -1 }), DoorCodeError);
    assert.throws(() => encodeDoorCode({ ...c, signature: `0x${"11".repeat(64)}` }), /signature must be 65 bytes/);
    const highS = `0x${"11".repeat(32)}${"ff".repeat(32)}1b` as Hex;
    assert.throws(() => encodeDoorCode({ ...c, signature: highS }), /lower half/);
    assert.throws(() => encodeDoorCode({ ...c, signature: `0x${"11".repeat(64)}05` }), /v must be/);
  });

  it("refuses a malformed code with one clear error", async () => {
    const code = encodeDoorCode(await signed(5, `0x${"ab".repeat(16)}`, 1_764_650_000));
    const bad = [
      "",
      code.slice(1),
      `${code}A`,
      `${code.slice(0, -1)}!`,
      `${code.slice(0, 50)}+${code.slice(51)}`, // base64 (not url) alphabet
      `${code.slice(0, -1)}B`, // non-zero padding bits: a second spelling of the same bytes
    ];
    for (const c of bad)
      assert.throws(
        () => decodeDoorCode(5, c),
        (e: unknown) => e instanceof DoorCodeError && e.code === "door_code_malformed",
        JSON.stringify(c),
      );
    assert.throws(() => decodeDoorCode(-1, code), /door must be a uint32/);
    assert.throws(() => decodeDoorCode(2 ** 32, code), /door must be a uint32/);
  });

  it("a code read under another door's link names that door, so its lock signature no longer verifies", async () => {
    const c = await signed(5, `0x${"ab".repeat(16)}`, 1_764_650_000);
    const moved = decodeDoorCode(6, encodeDoorCode(c));
    assert.equal(moved.door, 6);
    assert.notEqual((await recover(moved)).toLowerCase(), addressOf(key));
  });

  it("builds the dApp's door link and reads it back only from that dApp", async () => {
    const c = await signed(7, `0x${"cd".repeat(16)}`, 1_764_650_000);
    const link = doorLink("https://app.example.org/", 7, c);
    assert.equal(link, `https://app.example.org/#/door/7?c=${encodeDoorCode(c)}`);
    assert.ok(link.length < 160, `${link.length} characters`);
    assert.equal(doorLink("https://app.example.org/pp/#/passes", 7), "https://app.example.org/pp/#/door/7");
    assert.deepEqual(doorRoute(link, "https://app.example.org"), {
      door: 7,
      code: encodeDoorCode(c),
      hash: `#/door/7?c=${encodeDoorCode(c)}`,
    });
    assert.deepEqual(doorRoute("https://app.example.org/#/door/12", "https://app.example.org/"), {
      door: 12,
      code: null,
      hash: "#/door/12",
    });
    for (const other of [
      link.replace("app.example.org", "evil.example"),
      link.replace("https:", "http:"),
      link.replace("/#/", "/x/#/"),
      "https://app.example.org/#/venue/7",
      "https://app.example.org/#/door/0",
      "https://app.example.org/#/door/4294967296",
      "https://app.example.org/#/door/7?c=a b",
      "not a url",
    ])
      assert.equal(doorRoute(other, "https://app.example.org/"), null, other);
  });
});
