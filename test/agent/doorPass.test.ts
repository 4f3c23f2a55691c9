// The offline door code (protocol/doorPass.ts): its binary form round-trips, stays under 400 bytes,
// and anything else is refused with one DoorCodeError; the agent's digests agree with viem's and it
// verifies WebCrypto's P-256 signatures.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { hashTypedData, keccak256, recoverTypedDataAddress, toBytes } from "viem";
import {
  DoorCodeError,
  base64urlDecode,
  base64urlEncode,
  decodeDoorCode,
  decodeDoorCodeBytes,
  deviceSlotMessage,
  doorPassTypes,
  encodeDoorCode,
  encodeDoorCodeBytes,
  slotOf,
} from "../../protocol/doorPass.ts";
import { statusListTypes } from "../../protocol/statusList.ts";
import { offlineCrypto, verifyDeviceSignature } from "../../agent/src/offline/offlineCrypto.ts";
import { CHAIN_ID, CONTRACT, domain, makeCode, newDevice, relayer, samplePass, statusList } from "./offlineFixture.ts";

const now = 1_800_000_100;
const crypto = offlineCrypto(CHAIN_ID, CONTRACT);

describe("the offline door code", () => {
  it("round-trips and fits a cheap scanner (≤ 400 bytes)", async () => {
    const device = await newDevice();
    const { code, text } = await makeCode(samplePass(device), device, now);
    const bytes = encodeDoorCodeBytes(code);
    assert.equal(bytes.length, 194); // two doors, one-byte pass id
    assert.equal(text.length, 262);
    assert.deepEqual(decodeDoorCode(text), code);
    assert.deepEqual(decodeDoorCode(`  ${text}\r\n`), code, "a scanner's line ending is ignored");
    const big = await makeCode(
      samplePass(device, { passId: (1n << 256n) - 1n, doors: Array.from({ length: 16 }, (_, i) => i * 1000) }),
      device,
      now,
    );
    assert.ok(big.text.length <= 400, `largest code: ${big.text.length} characters`);
    assert.deepEqual(decodeDoorCode(big.text), big.code);
  });

  it("hashes DoorPass and StatusList exactly as viem does, and the relayer's signature recovers", async () => {
    const device = await newDevice();
    const pass = samplePass(device);
    const message = { ...pass, validFrom: BigInt(pass.validFrom), validUntil: BigInt(pass.validUntil) };
    assert.equal(
      crypto.doorPassDigest(pass),
      hashTypedData({ domain, types: doorPassTypes, primaryType: "DoorPass", message }),
    );
    const { code } = await makeCode(pass, device, now);
    const signer = await recoverTypedDataAddress({
      domain,
      types: doorPassTypes,
      primaryType: "DoorPass",
      message,
      signature: code.relayerSignature,
    });
    assert.equal(signer, relayer.address);
    const list = await statusList(1, 3, now, [7]);
    assert.equal(
      crypto.statusListDigest(list),
      hashTypedData({
        domain,
        types: statusListTypes,
        primaryType: "StatusList",
        message: { venue: 1, epoch: 3n, time: BigInt(now), list: keccak256(toBytes(list.encodedList)) },
      }),
    );
  });

  it("verifies the device key's WebCrypto signature over its slot, and nothing else", async () => {
    const device = await newDevice();
    const other = await newDevice();
    const pass = samplePass(device);
    const { code } = await makeCode(pass, device, now);
    const msg = (slot: number, venue = 1, serial = 7) => deviceSlotMessage(CHAIN_ID, CONTRACT, venue, serial, slot);
    assert.equal(verifyDeviceSignature(device.publicKey, msg(slotOf(now)), code.deviceSignature), true);
    assert.equal(verifyDeviceSignature(device.publicKey, msg(slotOf(now) + 1), code.deviceSignature), false);
    assert.equal(verifyDeviceSignature(device.publicKey, msg(slotOf(now), 2), code.deviceSignature), false);
    assert.equal(verifyDeviceSignature(device.publicKey, msg(slotOf(now), 1, 8), code.deviceSignature), false);
    assert.equal(verifyDeviceSignature(other.publicKey, msg(slotOf(now)), code.deviceSignature), false);
    assert.equal(verifyDeviceSignature(`0x02${"00".repeat(32)}`, msg(slotOf(now)), code.deviceSignature), false);
    assert.equal(verifyDeviceSignature(device.publicKey, msg(slotOf(now)), `0x${"00".repeat(64)}`), false);
  });

  describe("when the code is malformed", () => {
    const refuses = (text: string, message: RegExp) =>
      assert.throws(
        () => decodeDoorCode(text),
        (e: unknown) => e instanceof DoorCodeError && message.test(e.message),
      );

    it("refuses text that is not a code", () => {
      refuses("", /does not start with PP1/);
      refuses("hello", /does not start with PP1/);
      refuses("PP1", /truncated/);
      refuses("PP1AAA*", /not base64url/);
      refuses("PP1AAAAA=", /not base64url/);
      refuses("PP1AAAAAé", /not base64url/);
      refuses("PP1A", /impossible length/);
      refuses(`PP1${"A".repeat(700)}`, /longer than 600/);
    });

    it("refuses every bad field, truncation and trailing byte", async () => {
      const device = await newDevice();
      const { code } = await makeCode(samplePass(device), device, now);
      const good = encodeDoorCodeBytes(code);
      const text = (b: Uint8Array) => `PP1${base64urlEncode(b)}`;
      const patched = (at: number, value: number) => {
        const b = good.slice();
        b[at] = value;
        return text(b);
      };
      refuses(patched(0, 2), /unknown code version 2/);
      refuses(patched(1, 0), /passId length/);
      refuses(patched(1, 33), /passId length/);
      refuses(text(good.subarray(0, good.length - 1)), /truncated/);
      refuses(text(new Uint8Array([...good, 0])), /1 unexpected bytes/);
      const doorCount = 2 + 1 + 4;
      refuses(patched(doorCount, 0), /1 to 16 doors/);
      refuses(patched(doorCount, 17), /1 to 16 doors/);
      const secondDoor = doorCount + 1 + 4 + 3;
      refuses(patched(secondDoor, 1), /ascending/);
      const keyAt = doorCount + 1 + 8 + 12;
      refuses(patched(keyAt, 4), /compressed P-256/);
      refuses(patched(keyAt + 33 + 64, 29), /v must be 27 or 28/);
      const validUntil = doorCount + 1 + 8 + 4;
      const b = good.slice();
      b.set(good.subarray(doorCount + 1 + 8, doorCount + 1 + 12), validUntil); // validUntil = validFrom
      refuses(text(b), /validUntil must be after validFrom/);
      const leading = new Uint8Array([1, 2, 0, 12, ...good.subarray(3)]);
      refuses(text(leading), /leading zero/);
      assert.throws(() => decodeDoorCodeBytes(new Uint8Array(0)), DoorCodeError);
    });

    it("refuses to encode a bad pass (a bug, not input)", async () => {
      const device = await newDevice();
      const { code } = await makeCode(samplePass(device), device, now);
      for (const pass of [
        { ...code.pass, doors: [] },
        { ...code.pass, doors: [2, 1] },
        { ...code.pass, validUntil: code.pass.validFrom },
        { ...code.pass, deviceKey: `0x04${"11".repeat(32)}` as const },
        { ...code.pass, passId: -1n },
        { ...code.pass, serial: 2 ** 32 },
      ])
        assert.throws(() => encodeDoorCode({ ...code, pass }), DoorCodeError);
    });

    it("decodes base64url strictly", () => {
      for (let n = 0; n < 8; n++) {
        const b = Uint8Array.from({ length: n }, (_, i) => 251 - i * 17);
        assert.deepEqual(base64urlDecode(base64urlEncode(b)), b);
        assert.equal(base64urlEncode(b), Buffer.from(b).toString("base64url"));
      }
      assert.throws(() => base64urlDecode("AB"), /spare bits/);
    });
  });
});
