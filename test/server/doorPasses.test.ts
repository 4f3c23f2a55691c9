// POST /api/door-passes and the venues' status lists (issue 20 §1, §3): a holder or current guest gets
// a DoorPass signed by the relayer, inside the pass's window and the venue's maximum validity, with a
// serial unique per venue across restarts; every refusal has its code; a cancel, a transfer or the
// end of a loan revokes the pass's DoorPasses and republishes the venue's signed list.
import assert from "node:assert/strict";
import { gunzipSync } from "node:zlib";
import { after, before, describe, it } from "node:test";
import { hashTypedData, recoverAddress } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { HOUR, ZERO_ADDRESS, startHarness, tempFile, type Harness } from "./fixture.ts";
import { sessionCookie } from "./siweSession.ts";
import { protocolDomain } from "../../protocol/eip712.ts";
import { deviceKeyTypes, doorPassTypes } from "../../protocol/doorPass.ts";
import { bitIsSet, parseStatusList, type StatusListMessage } from "../../protocol/statusList.ts";
import { openSqliteDoorPassStore } from "../../server/door/doorPassStore.ts";
import { offlineCrypto } from "../../agent/src/offline/offlineCrypto.ts";
import { newDevice, type Device } from "../agent/offlineFixture.ts";
import type { LockAdapter } from "../../server/locks/lockAdapter.ts";
import type { Hex } from "../../protocol/types.ts";
import { localDayStart, zoneRule } from "../../protocol/timeZone.ts";
import { isOpenBit } from "../../protocol/openingHours.ts";

type Answer = {
  pass: {
    passId: string;
    venue: number;
    doors: number[];
    validFrom: number;
    validUntil: number;
    serial: number;
    deviceKey: Hex;
  };
  relayer: Hex;
  signature: Hex;
  statusListTopic: string;
};

describe("offline door passes at the relayer", () => {
  let h: Harness;
  let slot0: number;
  let device: Device;
  const published: { topic: string; m: StatusListMessage }[] = [];
  const lock: LockAdapter = {
    getChallenge: () => Promise.resolve(null),
    deliver: () => Promise.resolve({ status: "unreachable", reason: "lock_unreachable" }),
    publishRetained(topic, payload) {
      published.push({ topic, m: parseStatusList(payload)! });
      return Promise.resolve();
    },
  };
  const member = () => h.chain.accounts[2];
  const other = () => h.chain.accounts[3];
  const domain = () => protocolDomain(31337, h.p.address);
  const bind = (key: Hex, deviceKey: Hex) =>
    privateKeyToAccount(key).signTypedData({
      domain: domain(),
      types: deviceKeyTypes,
      primaryType: "DeviceKey",
      message: { member: privateKeyToAccount(key).address, deviceKey },
    });
  const ask = async (
    cookie: string | null,
    body: { passId: string; deviceKey?: Hex; deviceKeySignature?: Hex },
    key: Hex = member().privateKey,
  ) => {
    const deviceKey = body.deviceKey ?? device.publicKey;
    const res = await fetch(`${h.relayer.url}/api/door-passes`, {
      method: "POST",
      headers: { "content-type": "application/json", ...(cookie ? { cookie } : {}) },
      body: JSON.stringify({
        deviceKey,
        deviceKeySignature: body.deviceKeySignature ?? (await bind(key, deviceKey)),
        ...body,
      }),
    });
    const json = (await res.json()) as Answer & { error?: { code: string } };
    return { status: res.status, body: json, code: json.error?.code };
  };
  const lastList = (venue: number) => [...published].reverse().find((p) => p.m.venue === venue)?.m;
  const waitList = async (venue: number, serial: number) => {
    for (let i = 0; i < 100; i++) {
      const m = lastList(venue);
      if (m && bitIsSet(gunzipSync(Buffer.from(m.encodedList.slice(1), "base64url")), serial)) return m;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`serial ${serial} never revoked in venue ${venue}'s list`);
  };

  before(async () => {
    h = await startHarness({ LOG_LEVEL: "silent" }, { lock });
    slot0 = Math.floor((await h.p.chainNow()) / HOUR) * HOUR;
    h.clock.now = slot0 + 60;
    device = await newDevice();
  });
  after(async () => {
    await h?.stop();
  });

  it("issues the holder a DoorPass signed by the relayer, inside the pass's window, with the venue's doors", async () => {
    const { passId } = await h.p.book(member(), h.venue.room, slot0, slot0 + 3 * HOUR);
    const cookie = await sessionCookie(h.relayer.url, member().privateKey, h.clock.now);
    const a = await ask(cookie, { passId: String(passId) });
    assert.equal(a.status, 200, JSON.stringify(a.body));
    const p = a.body.pass;
    assert.deepEqual(p.doors, [h.venue.street, h.venue.roomDoor], "the street door and the room's");
    assert.equal(p.venue, h.venue.venueId);
    assert.equal(p.validFrom, h.clock.now);
    assert.equal(p.validUntil, slot0 + 3 * HOUR, "never past the pass's end");
    assert.equal(a.body.statusListTopic, `pp/v1/venue/${h.venue.venueId}/status-list`);
    const digest = hashTypedData({
      domain: domain(),
      types: doorPassTypes,
      primaryType: "DoorPass",
      message: { ...p, passId: BigInt(p.passId), validFrom: BigInt(p.validFrom), validUntil: BigInt(p.validUntil) },
    });
    assert.equal(
      await recoverAddress({ hash: digest, signature: a.body.signature }),
      privateKeyToAccount((await import("../../server/demoKeys.ts")).DEMO_RELAYER_PRIVATE_KEY).address,
    );
    assert.equal(
      offlineCrypto(31337, h.p.address).doorPassDigest({ ...p, passId: BigInt(p.passId) }),
      digest,
      "the agent computes the same digest",
    );
    const again = await ask(cookie, { passId: String(passId) });
    assert.equal(again.body.pass.serial, p.serial + 1, "serials are allocated per venue");
    await waitList(h.venue.venueId, 0).catch(() => undefined);
    assert.ok(lastList(h.venue.venueId), "the venue has a status list once a DoorPass exists");
  });

  it("starts a future pass's DoorPass at its start minus the grace, and caps it at 24 hours", async () => {
    const start = slot0 + 48 * HOUR;
    const { passId } = await h.p.book(member(), h.venue.office, start, start + 30 * HOUR);
    const cookie = await sessionCookie(h.relayer.url, member().privateKey, h.clock.now);
    const a = await ask(cookie, { passId: String(passId) });
    assert.equal(a.status, 200);
    assert.deepEqual(a.body.pass.doors, [h.venue.street], "an office opens only the street door");
    assert.equal(a.body.pass.validFrom, start - 900);
    assert.equal(a.body.pass.validUntil, start - 900 + 24 * HOUR);
  });

  describe("when the request cannot be granted", () => {
    it("refuses with one code each, issuing nothing", async () => {
      const { passId } = await h.p.book(member(), h.venue.office, slot0, slot0 + HOUR);
      const id = String(passId);
      const mine = await sessionCookie(h.relayer.url, member().privateKey, h.clock.now);
      const theirs = await sessionCookie(h.relayer.url, other().privateKey, h.clock.now);
      assert.equal((await ask(null, { passId: id })).code, "unauthorized");
      assert.deepEqual(
        [(await ask(mine, { passId: "999999" })).status, (await ask(mine, { passId: "999999" })).code],
        [404, "pass_not_found"],
      );
      const notHolder = await ask(theirs, { passId: id }, other().privateKey);
      assert.deepEqual([notHolder.status, notHolder.code], [403, "not_holder_or_guest"]);
      const offCurve = await ask(mine, { passId: id, deviceKey: `0x02${"00".repeat(31)}01` }); // x = 1: no point of P-256
      assert.deepEqual([offCurve.status, offCurve.code], [400, "bad_device_key"]);
      const uncompressed = await ask(mine, { passId: id, deviceKey: `0x04${"11".repeat(32)}` });
      assert.deepEqual([uncompressed.status, uncompressed.code], [400, "bad_device_key"]);
      const foreignBinding = await ask(mine, {
        passId: id,
        deviceKeySignature: await bind(other().privateKey, device.publicKey),
      });
      assert.deepEqual([foreignBinding.status, foreignBinding.code], [403, "device_binding_invalid"]);
      assert.equal((await ask(mine, { passId: "x" })).code, "bad_request");
      const saved = h.clock.now;
      h.clock.now = slot0 + HOUR;
      const expired = await ask(mine, { passId: id });
      h.clock.now = saved;
      assert.deepEqual([expired.status, expired.code], [410, "pass_expired"]);
    });
  });

  describe("for a guest", () => {
    it("issues a DoorPass only while the loan lasts, and the loan's end revokes it", async () => {
      const guest = other();
      const { passId } = await h.p.book(member(), h.venue.office, slot0, slot0 + 3 * HOUR);
      await h.p.write(member(), { functionName: "setUser", args: [passId, guest.address, BigInt(slot0 + 2 * HOUR)] });
      const cookie = await sessionCookie(h.relayer.url, guest.privateKey, h.clock.now);
      const a = await ask(cookie, { passId: String(passId) }, guest.privateKey);
      assert.equal(a.status, 200, JSON.stringify(a.body));
      assert.equal(a.body.pass.validUntil, slot0 + 2 * HOUR, "the loan's expiry, before the pass's end");
      await h.p.write(member(), { functionName: "setUser", args: [passId, ZERO_ADDRESS, 0n] });
      const list = await waitList(h.venue.venueId, a.body.pass.serial);
      const recovered = await recoverAddress({
        hash: offlineCrypto(31337, h.p.address).statusListDigest(list),
        signature: list.signature,
      });
      assert.equal(recovered.toLowerCase(), list.relayer.toLowerCase());
      const refused = await ask(cookie, { passId: String(passId) }, guest.privateKey);
      assert.equal(refused.code, "not_holder_or_guest", "the loan ended");
    });
  });

  describe("when the pass's resource follows the venue's opening hours (9:00–18:00, America/Toronto)", () => {
    const TZ = "America/Toronto";
    const GRACE = 900; // the seeded resources' early access
    let monthPass: bigint; // a 30-day pass of a room following the hours
    let openedAt: number;
    let following: number;
    /** `hour`:`minute` local (Toronto) on the local day after `t`'s. */
    const nextDayAt = (t: number, hour: number, minute = 0) =>
      localDayStart(localDayStart(t, TZ) + 36 * HOUR, TZ) + hour * HOUR + minute * 60;
    const weekly = Array.from({ length: 7 }, (_, day) => ({ day, opens: 9, closes: 18 }));
    const setHours = async (days: typeof weekly) => {
      const year = new Date(slot0 * 1000).getUTCFullYear();
      await h.p.write(h.venue.operator, {
        functionName: "setOpeningHours",
        args: [h.venue.venueId, days, zoneRule(TZ, year)!],
      });
    };
    const askAt = async (now: number, passId: bigint) => {
      const saved = h.clock.now;
      h.clock.now = now;
      try {
        // A session is dated by the relayer's clock: sign in at the time asked.
        const cookie = await sessionCookie(h.relayer.url, member().privateKey, now);
        return await ask(cookie, { passId: String(passId) });
      } finally {
        h.clock.now = saved;
      }
    };

    before(async () => {
      await setHours(weekly);
      const { venueId, ...room } = await h.p.read("resource", [h.venue.room]);
      await h.p.write(h.venue.operator, {
        functionName: "createResource",
        args: [venueId, { ...room, name: "Salle (heures)", maxHours: 720, followsOpeningHours: true }],
      });
      following = Number(await h.p.read("resourceCount", []));
      await h.p.write(h.venue.operator, { functionName: "setDoorResource", args: [h.venue.roomDoor, following, true] });
      const words = await h.p.read("openHours", [following, BigInt(slot0 + HOUR), 48n]);
      const i = Array.from({ length: 48 }, (_, k) => k).find((k) => isOpenBit(words, k))!;
      openedAt = slot0 + (i + 1) * HOUR;
      monthPass = (await h.p.book(member(), following, openedAt, openedAt + 720 * HOUR)).passId;
    });
    after(async () => {
      await setHours([]); // the other tests' venue has no hours (its resources do not follow them anyway)
    });

    it("issues at 10:00 a DoorPass that ends at the 18:00 closing", async () => {
      const now = nextDayAt(openedAt, 10);
      const a = await askAt(now, monthPass);
      assert.equal(a.status, 200, JSON.stringify(a.body));
      assert.equal(a.body.pass.validFrom, now);
      assert.equal(a.body.pass.validUntil, nextDayAt(openedAt, 18), "one open interval, not 24 h");
    });

    it("issues at 2:00 (closed) a DoorPass from the next opening minus the grace (8:45) to 18:00", async () => {
      const a = await askAt(nextDayAt(openedAt, 2), monthPass);
      assert.equal(a.status, 200, JSON.stringify(a.body));
      assert.equal(a.body.pass.validFrom, nextDayAt(openedAt, 9) - GRACE);
      assert.equal(a.body.pass.validUntil, nextDayAt(openedAt, 18));
    });

    it("issues within the grace before the opening from now, and after closing for the next day", async () => {
      const early = nextDayAt(openedAt, 8, 50);
      const a = await askAt(early, monthPass);
      assert.deepEqual([a.body.pass.validFrom, a.body.pass.validUntil], [early, nextDayAt(openedAt, 18)]);
      const evening = await askAt(nextDayAt(openedAt, 18, 30), monthPass);
      assert.deepEqual(
        [evening.body.pass.validFrom, evening.body.pass.validUntil],
        [nextDayAt(nextDayAt(openedAt, 12), 9) - GRACE, nextDayAt(nextDayAt(openedAt, 12), 18)],
        "the next day's interval",
      );
    });

    it("leaves a resource that does not follow the hours unchanged: at 2:00 its DoorPass starts now", async () => {
      const end = slot0 + 49 * HOUR;
      const { passId } = await h.p.book(member(), h.venue.office, slot0 + HOUR, end);
      const now = nextDayAt(slot0, 2);
      const a = await askAt(now, passId);
      assert.equal(a.status, 200, JSON.stringify(a.body));
      assert.deepEqual([a.body.pass.validFrom, a.body.pass.validUntil], [now, Math.min(now + 24 * HOUR, end)]);
    });

    it("fails closed (chain_unavailable, 503) when the hours cannot be read, issuing nothing", async () => {
      const reader = h.relayer.ctx.reader;
      const original = reader.openHours.bind(reader);
      const before = (await askAt(nextDayAt(openedAt, 10), monthPass)).body.pass.serial;
      reader.openHours = () => Promise.reject(new Error("RPC down"));
      try {
        const r = await askAt(nextDayAt(openedAt, 10), monthPass);
        assert.deepEqual([r.status, r.code], [503, "chain_unavailable"]);
      } finally {
        reader.openHours = original;
      }
      const after = (await askAt(nextDayAt(openedAt, 10), monthPass)).body.pass.serial;
      assert.equal(after, before + 1, "the refusal allocated no serial");
    });

    it("refuses venue_closed (409) when the venue opens at no hour in the next 24 hours", async () => {
      await setHours([]);
      try {
        const r = await askAt(nextDayAt(openedAt, 10), monthPass);
        assert.deepEqual([r.status, r.code], [409, "venue_closed"]);
      } finally {
        await setHours(weekly);
      }
    });
  });

  describe("the venue's maximum validity, set by its operator on chain", () => {
    const venueApi = async () => {
      const res = await fetch(`${h.relayer.url}/api/venues/${h.venue.venueId}`);
      return ((await res.json()) as { venue: { doorPassMaxHours: number | null } }).venue.doorPassMaxHours;
    };
    const indexed = async (hours: number) => {
      for (let i = 0; i < 100 && (await venueApi()) !== hours; i++) await new Promise((r) => setTimeout(r, 50));
      assert.equal(await venueApi(), hours, "the read API shows the operator's setting");
    };
    const network = async () => {
      const res = await fetch(`${h.relayer.url}/api/network`);
      return ((await res.json()) as { limits: { doorPassDefaultHours: number } }).limits.doorPassDefaultHours;
    };

    it("caps a new DoorPass at 2 h, then at 6 h, after the operator's settings; null and the default before", async () => {
      assert.equal(await venueApi(), null, "unset: null, not a figure");
      assert.equal(await network(), 24, "the relayer's default applies");
      const { passId } = await h.p.book(member(), h.venue.room, slot0 + 100 * HOUR, slot0 + 130 * HOUR);
      const cookie = await sessionCookie(h.relayer.url, member().privateKey, h.clock.now);
      const unset = await ask(cookie, { passId: String(passId) });
      assert.equal(unset.body.pass.validUntil - unset.body.pass.validFrom, 24 * HOUR);
      for (const hours of [2, 6]) {
        await h.p.write(h.venue.operator, { functionName: "setDoorPassMaxHours", args: [h.venue.venueId, hours] });
        await indexed(hours);
        const a = await ask(cookie, { passId: String(passId) });
        assert.equal(a.status, 200, JSON.stringify(a.body));
        assert.ok(a.body.pass.validUntil - a.body.pass.validFrom <= hours * HOUR, `at most ${hours} h`);
        assert.equal(a.body.pass.validUntil, a.body.pass.validFrom + hours * HOUR);
      }
    });
  });

  describe("revocation", () => {
    it("flips a cancelled pass's serial in a newer, signed list, and a transfer's", async () => {
      const cookie = await sessionCookie(h.relayer.url, member().privateKey, h.clock.now);
      const cancelled = await h.p.book(member(), h.venue.office, slot0 + 5 * HOUR, slot0 + 6 * HOUR);
      const a = await ask(cookie, { passId: String(cancelled.passId) });
      const before = lastList(h.venue.venueId)?.epoch ?? 0;
      await h.p.write(member(), { functionName: "cancel", args: [cancelled.passId] });
      const list = await waitList(h.venue.venueId, a.body.pass.serial);
      assert.ok(list.epoch > before, "a newer epoch");
      const moved = await h.p.book(member(), h.venue.office, slot0 + 7 * HOUR, slot0 + 8 * HOUR);
      const b = await ask(cookie, { passId: String(moved.passId) });
      await h.p.write(member(), {
        functionName: "transferFrom",
        args: [member().address, other().address, moved.passId],
      });
      const after = await waitList(h.venue.venueId, b.body.pass.serial);
      const bits = gunzipSync(Buffer.from(after.encodedList.slice(1), "base64url"));
      assert.equal(bits.length, 16384, "at least 131,072 bits, as W3C's lists");
      assert.ok(bitIsSet(bits, a.body.pass.serial), "earlier revocations stay");
      assert.ok(!bitIsSet(bits, b.body.pass.serial + 1), "nothing else is revoked");
    });
  });
});

describe("the DoorPass store", () => {
  it("keeps serials unique and revocations across a restart", async () => {
    const file = tempFile("door-passes.sqlite");
    const first = openSqliteDoorPassStore(file);
    const a = await first.issue({ venue: 4, passId: 9n, member: "0xAA", validUntil: 2000 });
    const b = await first.issue({ venue: 4, passId: 10n, member: "0xbb", validUntil: 2000 });
    assert.deepEqual([a, b], [0, 1]);
    assert.equal(await first.issue({ venue: 5, passId: 11n, member: "0xbb", validUntil: 2000 }), 0, "per venue");
    assert.deepEqual(await first.revoke(9n, 1000), [4]);
    assert.equal((await first.nextList(4, 1000)).epoch, 1);
    await first.close();
    const second = openSqliteDoorPassStore(file);
    assert.equal(await second.issue({ venue: 4, passId: 12n, member: "0xcc", validUntil: 2000 }), 2);
    const list = await second.nextList(4, 1000);
    assert.deepEqual(list.revoked, [0]);
    assert.equal(list.epoch, 2, "epochs never go back");
    assert.deepEqual((await second.nextList(4, 2000)).revoked, [], "an ended DoorPass needs no bit");
    assert.deepEqual(await second.revoke(10n, 1000, "0xcc"), [], "another member's DoorPass is untouched");
    assert.deepEqual(await second.revoke(10n, 1000, "0xBB"), [4]);
    assert.deepEqual(await second.revoke(10n, 1000), [], "already revoked");
    await second.close();
  });
});
