import { webcrypto } from "node:crypto";
import { afterEach, describe, expect, it, vi } from "vitest";
import { privateKeyToAccount } from "viem/accounts";
import { decodeDoorCode, deviceSlotMessage } from "../../../protocol/doorPass.ts";
import { makeRelayer, RelayerRequestError } from "./relayer.ts";
import { isDue } from "./doorPassRenewal.ts";
import { memoryStore } from "../test/memoryStore.ts";
import { bindingTypedData, codeFor, deviceKey, fetchDoorPass, saveBinding, type HeldDoorPass } from "./offlinePass.ts";

const subtle = webcrypto.subtle as unknown as SubtleCrypto;
const CONTRACT = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
const member = privateKeyToAccount(`0x${"42".repeat(32)}`);

const held = (publicKey: `0x${string}`, over: Partial<HeldDoorPass["pass"]> = {}): HeldDoorPass => ({
  pass: {
    passId: 12n,
    venue: 1,
    doors: [1, 2],
    validFrom: 1_800_000_000,
    validUntil: 1_800_014_400,
    serial: 7,
    deviceKey: publicKey,
    ...over,
  },
  relayerSignature: `0x${"11".repeat(64)}1b`,
  fetchedAt: 1_800_000_000,
});

describe("offline door passes in the dApp", () => {
  afterEach(() => vi.unstubAllGlobals());

  it("makes one non-extractable device key per browser and keeps it", async () => {
    const store = memoryStore();
    const a = await deviceKey(store, subtle);
    const b = await deviceKey(store, subtle);
    expect(b).toBe(a);
    expect(a.publicKey).toMatch(/^0x0[23][0-9a-f]{64}$/);
    expect(a.privateKey.extractable).toBe(false);
    await expect(subtle.exportKey("pkcs8", a.privateKey)).rejects.toThrow();
  });

  it("binds the key with one signature of the member's wallet, kept for the next DoorPasses", async () => {
    const store = memoryStore();
    const key = await deviceKey(store, subtle);
    const signature = await member.signTypedData(bindingTypedData(31337, CONTRACT, member.address, key.publicKey));
    await saveBinding(store, key, member.address, signature);
    expect((await deviceKey(store, subtle)).binding).toEqual({ member: member.address, signature });
  });

  it("shows a code that changes every 30 s, signed by the device key over its slot", async () => {
    const store = memoryStore();
    const key = await deviceKey(store, subtle);
    const now = 1_800_000_100;
    const c = await codeFor(held(key.publicKey), key, 31337, CONTRACT, now, subtle);
    expect(c.changesInS).toBe(20);
    const decoded = decodeDoorCode(c.text);
    expect(decoded.slot).toBe(Math.floor(now / 30));
    expect(decoded.pass.serial).toBe(7);
    const pub = await subtle.importKey(
      "raw",
      Buffer.from(key.publicKey.slice(2), "hex"),
      { name: "ECDSA", namedCurve: "P-256" },
      false,
      ["verify"],
    );
    const ok = await subtle.verify(
      { name: "ECDSA", hash: "SHA-256" },
      pub,
      Buffer.from(decoded.deviceSignature.slice(2), "hex"),
      deviceSlotMessage(31337, CONTRACT, 1, 7, decoded.slot) as BufferSource,
    );
    expect(ok).toBe(true);
    const next = await codeFor(held(key.publicKey), key, 31337, CONTRACT, now + 20, subtle);
    expect(next.slot).toBe(c.slot + 1);
    expect(next.text).not.toBe(c.text);
  });

  it("refreshes a DoorPass with less than half its validity left while the booking goes on, never after the booking", () => {
    const h = held("0x02");
    const end = h.pass.validUntil + 3 * 3600;
    const needsRefresh = (x: HeldDoorPass | undefined, b: { end: number }, now: number) =>
      isDue(x, { start: h.pass.validFrom, end: b.end }, "0x02", now);
    expect(needsRefresh(undefined, { end }, h.pass.validFrom)).toBe(true);
    expect(needsRefresh(h, { end }, h.pass.validFrom)).toBe(false);
    expect(needsRefresh(h, { end }, h.pass.validUntil - 600)).toBe(true);
    expect(needsRefresh(h, { end: h.pass.validUntil }, h.pass.validUntil - 600)).toBe(false); // it covers the booking
    expect(needsRefresh(h, { end }, end)).toBe(false);
  });

  it("asks at most every 10 minutes for a DoorPass clamped to the venue's closing", () => {
    // Renewed at 17:46:40 for a pass of a resource following the hours: it ends at the 18:00 closing,
    // under 10 minutes are soon left, and asking again before it ends gives the same end.
    const h = { ...held("0x02", { validFrom: 1_800_001_000, validUntil: 1_800_001_800 }), fetchedAt: 1_800_001_000 };
    const end = h.pass.validUntil + 48 * 3600;
    const needsRefresh = (x: HeldDoorPass, b: { end: number }, now: number) =>
      isDue(x, { start: x.pass.validFrom, end: b.end }, "0x02", now);
    expect(needsRefresh(h, { end }, 1_800_001_300)).toBe(false); // 500 s left, fetched 300 s ago
    expect(needsRefresh(h, { end }, 1_800_001_599)).toBe(false);
    expect(needsRefresh(h, { end }, 1_800_001_600)).toBe(true);
  });

  it("fetches a DoorPass through the relayer, and keeps the relayer's refusal codes", async () => {
    const store = memoryStore();
    const key = await deviceKey(store, subtle);
    await expect(fetchDoorPass(makeRelayer("http://r"), 12n, key, 0)).rejects.toThrow(/bind the device key/);
    const bound = { ...key, binding: { member: member.address, signature: `0x${"22".repeat(65)}` as const } };
    const pass = {
      passId: "12",
      venue: 1,
      doors: [1],
      validFrom: 5,
      validUntil: 9,
      serial: 3,
      deviceKey: key.publicKey,
    };
    const fetchMock = vi.fn(() =>
      Promise.resolve(
        new Response(
          JSON.stringify({
            pass,
            relayer: `0x${"33".repeat(20)}`,
            signature: `0x${"44".repeat(65)}`,
            statusListTopic: "pp/v1/venue/1/status-list",
          }),
        ),
      ),
    );
    vi.stubGlobal("fetch", fetchMock);
    const got = await fetchDoorPass(makeRelayer("http://r"), 12n, bound, 100);
    expect(got.pass.passId).toBe(12n);
    expect(got.relayerSignature).toBe(`0x${"44".repeat(65)}`);
    const sent = JSON.parse((fetchMock.mock.calls[0] as unknown as [string, RequestInit])[1].body as string) as object;
    expect(sent).toEqual({ passId: "12", deviceKey: key.publicKey, deviceKeySignature: bound.binding.signature });
    vi.stubGlobal(
      "fetch",
      vi.fn(() =>
        Promise.resolve(
          new Response(JSON.stringify({ error: { code: "pass_expired", message: "ended" } }), { status: 410 }),
        ),
      ),
    );
    const err = await fetchDoorPass(makeRelayer("http://r"), 12n, bound, 100).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RelayerRequestError);
    expect((err as RelayerRequestError).code).toBe("pass_expired");
  });
});
