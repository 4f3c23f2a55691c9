// Door decisions against a real hardhat node and the real contracts. "Door opened" is read from
// the lock simulator's own log, which is verified (hash chain + lock-key signatures).
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { generatePrivateKey } from "viem/accounts";
import { HOUR, startHarness, unlock, ZERO_ADDRESS, type Harness } from "./fixture.ts";
import { verifyLockLog } from "../../server/locks/lockSimulator.ts";
import { createDoorHasher, signDigest } from "../../server/door/doorCrypto.ts";
import { createChainClient, createChainReader } from "../../server/index/chain.ts";
import { AuditLog } from "../../server/audit/auditLog.ts";
import { localDayStart, zoneRule } from "../../protocol/timeZone.ts";
import { isOpenBit } from "../../protocol/openingHours.ts";
import { decodeDoorCode, encodeDoorCode } from "../../protocol/doorCode.ts";

describe("door decisions on a real chain", () => {
  let h: Harness;
  let slot0: number;
  let passA: bigint; // office, [slot0, slot0 + 2h), member
  let passRoom: bigint; // room, [slot0, slot0 + 2h), member
  const acct = (i: number) => h.chain.accounts[i];
  const member = () => acct(2);

  before(async () => {
    h = await startHarness();
    slot0 = Math.floor((await h.p.chainNow()) / HOUR) * HOUR;
    passA = (await h.p.book(member(), h.venue.office, slot0, slot0 + 2 * HOUR)).passId;
    passRoom = (await h.p.book(member(), h.venue.room, slot0, slot0 + 2 * HOUR)).passId;
    h.clock.now = slot0 + 600;
  });
  after(async () => {
    await h?.stop();
  });

  const lastLockEntry = (door: number) => h.sim.log(door).at(-1)!;

  describe("when the holder asks inside the window", () => {
    it("grants, returns a signed open command, and the lock's own log shows the door opened", async () => {
      const r = await unlock(h, { key: member().privateKey, passId: passA, door: h.venue.street });
      assert.equal(r.status, 200);
      assert.equal(r.body.granted, true);
      assert.equal(r.body.reason, "granted");
      assert.equal(r.body.openCommand!.challenge, r.challengeId);
      assert.equal(r.body.lock!.status, "opened");
      const entry = lastLockEntry(h.venue.street);
      assert.equal(entry.result, "opened");
      assert.equal(entry.challenge, r.challengeId);
    });

    it("grants inside the early-access grace and denies just before it", async () => {
      const start = slot0 + 4 * HOUR;
      const { passId } = await h.p.book(member(), h.venue.office, start, start + HOUR);
      h.clock.now = start - 600; // grace is 900 s
      const early = await unlock(h, { key: member().privateKey, passId, door: h.venue.street });
      assert.equal(early.body.reason, "granted");
      assert.equal(lastLockEntry(h.venue.street).challenge, early.challengeId);
      h.clock.now = start - 901;
      const tooEarly = await unlock(h, { key: member().privateKey, passId, door: h.venue.street });
      assert.equal(tooEarly.status, 200, "a denial is an answer, not an HTTP error");
      assert.equal(tooEarly.body.granted, false);
      assert.equal(tooEarly.body.reason, "too_early");
      h.clock.now = slot0 + 600;
    });

    it("denies at and after the end of the window", async () => {
      h.clock.now = slot0 + 2 * HOUR;
      const r = await unlock(h, { key: member().privateKey, passId: passA, door: h.venue.street });
      assert.equal(r.body.reason, "expired");
      h.clock.now = slot0 + 600;
    });

    it("denies a room door that does not admit the pass's resource, and grants the right pass there", async () => {
      const wrong = await unlock(h, { key: member().privateKey, passId: passA, door: h.venue.roomDoor });
      assert.equal(wrong.body.reason, "wrong_door");
      const right = await unlock(h, { key: member().privateKey, passId: passRoom, door: h.venue.roomDoor });
      assert.equal(right.body.reason, "granted");
      assert.equal(lastLockEntry(h.venue.roomDoor).result, "opened");
    });

    it("denies an unknown pass", async () => {
      const r = await unlock(h, { key: member().privateKey, passId: 999_999n, door: h.venue.street });
      assert.equal(r.body.reason, "pass_not_found");
    });
  });

  describe("when the request is not what it claims", () => {
    it("denies a signature made by someone else (bad_signature) and another signer's own request (not_holder_or_guest)", async () => {
      const forged = await unlock(h, {
        key: acct(3).privateKey,
        signer: member().address,
        passId: passA,
        door: h.venue.street,
      });
      assert.equal(forged.body.reason, "bad_signature");
      const other = await unlock(h, { key: acct(3).privateKey, passId: passA, door: h.venue.street });
      assert.equal(other.body.reason, "not_holder_or_guest");
    });

    it("denies a replayed challenge, and the lock refuses a replayed open command", async () => {
      const first = await unlock(h, { key: member().privateKey, passId: passA, door: h.venue.street });
      assert.equal(first.body.reason, "granted");
      const again = await unlock(h, {
        key: member().privateKey,
        passId: passA,
        door: h.venue.street,
        challenge: first.challenge,
      });
      assert.equal(again.body.reason, "challenge_used");
      const replay = await h.sim.submit(h.venue.street, first.body.openCommand);
      assert.deepEqual(replay, { result: "refused", reason: "challenge_used" });
      assert.equal(lastLockEntry(h.venue.street).reason, "challenge_used");
    });

    it("denies a challenge not signed by the door's lock key", async () => {
      const hasher = createDoorHasher(31337, h.p.address);
      const c = { door: h.venue.street, nonce: `0x${"42".repeat(16)}` as const, time: h.clock.now };
      const forged = { ...c, signature: signDigest(hasher.challengeDigest(c), generatePrivateKey()) };
      const r = await unlock(h, { key: member().privateKey, passId: passA, door: h.venue.street, challenge: forged });
      assert.equal(r.body.reason, "challenge_forged");
      // A genuine challenge of another door is not a challenge of this door.
      const roomChallenge = h.sim.issueChallenge(h.venue.roomDoor)!;
      const mismatch = await unlock(h, {
        key: member().privateKey,
        passId: passA,
        door: h.venue.street,
        challenge: roomChallenge,
      });
      assert.equal(mismatch.body.reason, "challenge_forged");
    });

    it("a door screen's code read back is the lock's challenge; an altered code or one under another door's link is challenge_forged", async () => {
      const code = encodeDoorCode(h.sim.issueChallenge(h.venue.street)!);
      const swap = (i: number) => `${code.slice(0, i)}${code[i] === "A" ? "B" : "A"}${code.slice(i + 1)}`;
      const altered = await unlock(h, {
        key: member().privateKey,
        passId: passA,
        door: h.venue.street,
        challenge: decodeDoorCode(h.venue.street, swap(5)), // a nonce bit changed
      });
      assert.equal(altered.body.reason, "challenge_forged");
      const moved = await unlock(h, {
        key: member().privateKey,
        passId: passRoom,
        door: h.venue.roomDoor,
        challenge: decodeDoorCode(h.venue.roomDoor, code),
      });
      assert.equal(moved.body.reason, "challenge_forged");
      const genuine = await unlock(h, {
        key: member().privateKey,
        passId: passA,
        door: h.venue.street,
        challenge: decodeDoorCode(h.venue.street, code),
      });
      assert.equal(genuine.body.reason, "granted");
    });

    it("denies a stale challenge", async () => {
      const c = h.sim.issueChallenge(h.venue.street)!;
      h.clock.now += 61;
      const r = await unlock(h, { key: member().privateKey, passId: passA, door: h.venue.street, challenge: c });
      assert.equal(r.body.reason, "challenge_stale");
      h.clock.now = slot0 + 600;
    });

    it("denies an expired deadline", async () => {
      const r = await unlock(h, {
        key: member().privateKey,
        passId: passA,
        door: h.venue.street,
        deadline: h.clock.now - 1,
      });
      assert.equal(r.body.reason, "deadline_expired");
    });

    it("denies a request for another chain or another contract", async () => {
      const chain = await unlock(h, { key: member().privateKey, passId: passA, door: h.venue.street, chainId: 1 });
      assert.equal(chain.body.reason, "wrong_chain");
      const contract = await unlock(h, {
        key: member().privateKey,
        passId: passA,
        door: h.venue.street,
        contract: "0x000000000000000000000000000000000000dEaD",
      });
      assert.equal(contract.body.reason, "wrong_contract");
    });

    it("denies an unknown door", async () => {
      const hasher = createDoorHasher(31337, h.p.address);
      const c = { door: 77, nonce: `0x${"07".repeat(16)}` as const, time: h.clock.now };
      const challenge = { ...c, signature: signDigest(hasher.challengeDigest(c), generatePrivateKey()) };
      const r = await unlock(h, { key: member().privateKey, passId: passA, door: 77, challenge });
      assert.equal(r.body.reason, "unknown_door");
      const res = await fetch(`${h.relayer.url}/api/doors/77/challenge`);
      assert.equal(res.status, 404);
    });
  });

  describe("when the pass changes on chain", () => {
    it("grants a guest, then denies the guest once the holder revokes", async () => {
      const guest = acct(4);
      await h.p.write(member(), { functionName: "setUser", args: [passA, guest.address, BigInt(slot0 + 2 * HOUR)] });
      const granted = await unlock(h, { key: guest.privateKey, passId: passA, door: h.venue.street });
      assert.equal(granted.body.reason, "granted");
      assert.equal(lastLockEntry(h.venue.street).challenge, granted.challengeId);
      await h.p.write(member(), { functionName: "setUser", args: [passA, ZERO_ADDRESS, 0n] });
      const revoked = await unlock(h, { key: guest.privateKey, passId: passA, door: h.venue.street });
      assert.equal(revoked.body.reason, "not_holder_or_guest");
    });

    it("denies the previous holder after a transfer and grants the new holder", async () => {
      const { passId } = await h.p.book(member(), h.venue.office, slot0, slot0 + HOUR);
      const buyer = acct(5);
      await h.p.write(member(), { functionName: "transferFrom", args: [member().address, buyer.address, passId] });
      const old = await unlock(h, { key: member().privateKey, passId, door: h.venue.street });
      assert.equal(old.body.reason, "not_holder_or_guest");
      const fresh = await unlock(h, { key: buyer.privateKey, passId, door: h.venue.street });
      assert.equal(fresh.body.reason, "granted");
    });

    it("denies a cancelled pass from the block that cancelled it", async () => {
      const start = slot0 + 6 * HOUR;
      const { passId } = await h.p.book(member(), h.venue.office, start, start + HOUR);
      h.clock.now = start + 60;
      assert.equal(
        (await unlock(h, { key: member().privateKey, passId, door: h.venue.street })).body.reason,
        "granted",
      );
      await h.p.write(member(), { functionName: "cancel", args: [passId] });
      const r = await unlock(h, { key: member().privateKey, passId, door: h.venue.street });
      assert.equal(r.body.reason, "pass_not_found");
      h.clock.now = slot0 + 600;
    });
  });

  describe("when the member uses a contract wallet (ERC-1271)", () => {
    it("grants when the wallet's owner signed and denies another key's signature", async () => {
      const owner = acct(6);
      const wallet = await h.p.deployWallet(owner);
      const { passId } = await h.p.book(owner, h.venue.office, slot0, slot0 + HOUR, wallet);
      const ok = await unlock(h, { key: owner.privateKey, signer: wallet, passId, door: h.venue.street });
      assert.equal(ok.body.reason, "granted");
      assert.equal(lastLockEntry(h.venue.street).challenge, ok.challengeId);
      const bad = await unlock(h, { key: acct(7).privateKey, signer: wallet, passId, door: h.venue.street });
      assert.equal(bad.body.reason, "bad_signature");
      // The owner's own address does not hold the pass: the wallet does.
      const asOwner = await unlock(h, { key: owner.privateKey, passId, door: h.venue.street });
      assert.equal(asOwner.body.reason, "not_holder_or_guest");
    });
  });

  describe("when the pass's resource follows the venue's opening hours", () => {
    const TZ = "America/Toronto";
    let monthPass: bigint; // a 30-day pass of a room following the hours (9:00–18:00 every day)
    let openedAt: number; // its start: an opening hour
    let nightDesk: bigint; // a 48-hour pass of the office, which does not follow the hours
    /** `hour`:`minute` local (Toronto) on the local day after `t`'s. */
    const nextDayAt = (t: number, hour: number, minute = 0) =>
      localDayStart(localDayStart(t, TZ) + 36 * HOUR, TZ) + hour * HOUR + minute * 60;

    before(async () => {
      const op = h.venue.operator;
      const year = new Date(slot0 * 1000).getUTCFullYear();
      const weekly = Array.from({ length: 7 }, (_, day) => ({ day, opens: 9, closes: 18 }));
      await h.p.write(op, { functionName: "setOpeningHours", args: [h.venue.venueId, weekly, zoneRule(TZ, year)!] });
      const { venueId, ...room } = await h.p.read("resource", [h.venue.room]);
      await h.p.write(op, {
        functionName: "createResource",
        args: [venueId, { ...room, name: "Salle (heures)", maxHours: 720, followsOpeningHours: true }],
      });
      const following = Number(await h.p.read("resourceCount", []));
      // The first opening hour ahead, as the contract sees it.
      const words = await h.p.read("openHours", [following, BigInt(slot0 + HOUR), 48n]);
      const i = Array.from({ length: 48 }, (_, k) => k).find((k) => isOpenBit(words, k))!;
      openedAt = slot0 + (i + 1) * HOUR;
      monthPass = (await h.p.book(member(), following, openedAt, openedAt + 720 * HOUR)).passId;
      nightDesk = (await h.p.book(member(), h.venue.office, slot0 + HOUR, slot0 + 49 * HOUR)).passId;
    });
    after(() => {
      h.clock.now = slot0 + 600;
    });

    it("denies a 30-day pass at 2:00 venue time (venue_closed) and grants it at 10:00", async () => {
      h.clock.now = nextDayAt(openedAt, 2);
      const night = await unlock(h, { key: member().privateKey, passId: monthPass, door: h.venue.street });
      assert.equal(night.status, 200, "a denial is an answer");
      assert.equal(night.body.reason, "venue_closed");
      assert.notEqual(lastLockEntry(h.venue.street).challenge, night.challengeId, "the door stayed shut");
      h.clock.now = nextDayAt(openedAt, 10);
      const day = await unlock(h, { key: member().privateKey, passId: monthPass, door: h.venue.street });
      assert.equal(day.body.reason, "granted");
      assert.equal(lastLockEntry(h.venue.street).challenge, day.challengeId);
    });

    it("lets the pass in within the resource's grace before an opening (15 min), not earlier", async () => {
      h.clock.now = nextDayAt(openedAt, 8, 46);
      assert.equal(
        (await unlock(h, { key: member().privateKey, passId: monthPass, door: h.venue.street })).body.reason,
        "granted",
      );
      h.clock.now = nextDayAt(openedAt, 8, 44);
      assert.equal(
        (await unlock(h, { key: member().privateKey, passId: monthPass, door: h.venue.street })).body.reason,
        "venue_closed",
      );
      h.clock.now = nextDayAt(openedAt, 18, 0); // closing time: the 18:00 hour is closed
      assert.equal(
        (await unlock(h, { key: member().privateKey, passId: monthPass, door: h.venue.street })).body.reason,
        "venue_closed",
      );
    });

    it("does not concern a resource that does not follow the hours: its pass opens at 2:00", async () => {
      h.clock.now = nextDayAt(slot0, 2);
      const r = await unlock(h, { key: member().privateKey, passId: nightDesk, door: h.venue.street });
      assert.equal(r.body.reason, "granted");
    });

    it("decides the same from the contract when the index cannot be used", async () => {
      const index = h.relayer.ctx.index;
      const original = index.ensureFresh.bind(index);
      index.ensureFresh = () => Promise.resolve(false);
      try {
        h.clock.now = nextDayAt(openedAt, 2);
        const night = await unlock(h, { key: member().privateKey, passId: monthPass, door: h.venue.street });
        assert.equal(night.body.reason, "venue_closed");
        h.clock.now = nextDayAt(openedAt, 10);
        const day = await unlock(h, { key: member().privateKey, passId: monthPass, door: h.venue.street });
        assert.equal(day.body.reason, "granted");
      } finally {
        index.ensureFresh = original;
      }
    });

    it("fails closed (chain_unavailable) when the hours cannot be read", async () => {
      const reader = h.relayer.ctx.reader;
      const original = reader.openHours.bind(reader);
      reader.openHours = () => Promise.reject(new Error("RPC down"));
      try {
        h.clock.now = nextDayAt(openedAt, 11); // an hour whose answer no earlier decision cached
        const r = await unlock(h, { key: member().privateKey, passId: monthPass, door: h.venue.street });
        assert.equal(r.body.reason, "chain_unavailable");
        assert.equal(r.status, 503);
      } finally {
        reader.openHours = original;
      }
    });
  });

  describe("when the index cannot be used", () => {
    it("falls back to a direct canEnter read with the same answers", async () => {
      const index = h.relayer.ctx.index;
      const original = index.ensureFresh.bind(index);
      index.ensureFresh = () => Promise.resolve(false);
      try {
        const granted = await unlock(h, { key: member().privateKey, passId: passRoom, door: h.venue.roomDoor });
        assert.equal(granted.body.reason, "granted");
        const wrong = await unlock(h, { key: member().privateKey, passId: passA, door: h.venue.roomDoor });
        assert.equal(wrong.body.reason, "wrong_door");
        const other = await unlock(h, { key: acct(3).privateKey, passId: passA, door: h.venue.street });
        assert.equal(other.body.reason, "not_holder_or_guest");
      } finally {
        index.ensureFresh = original;
      }
    });
  });

  describe("records", () => {
    it("the lock log verifies against the lock keys registered on chain", async () => {
      const d = h.chain.deployments.contracts.Passepartout;
      const reader = createChainReader(createChainClient(h.chain.rpcUrl, 2000), d.address);
      const keys = new Map<number, `0x${string}`>();
      for (const door of [h.venue.street, h.venue.roomDoor]) keys.set(door, (await reader.door(door))!.lockKey);
      const log = h.sim.log();
      assert.ok(log.filter((e) => e.result === "opened").length >= 6);
      assert.deepEqual(verifyLockLog(log, keys, createDoorHasher(31337, h.p.address)), { ok: true });
      const tampered = log.map((e) => ({ ...e }));
      tampered[0] = { ...tampered[0], result: tampered[0].result === "opened" ? "refused" : "opened" };
      assert.equal(verifyLockLog(tampered, keys, createDoorHasher(31337, h.p.address)).ok, false);
    });

    it("every answered decision has its audit record with reason and block", async () => {
      const audit = new AuditLog(h.auditDb);
      try {
        const rows = await audit.query({ limit: 1000 });
        assert.ok(rows.length >= 25);
        const granted = rows.filter((r) => r.decision === "granted");
        assert.ok(granted.every((r) => r.reason === "granted" && r.venue === h.venue.venueId));
        // Decisions from the index name the block they were based on (the two fallback reads do not).
        assert.equal(granted.filter((r) => r.block === null).length, 2);
        assert.ok(rows.some((r) => r.reason === "venue_closed" && r.decision === "denied"));
        assert.ok(rows.some((r) => r.reason === "challenge_used"));
        assert.ok(rows.some((r) => r.reason === "wrong_chain"));
      } finally {
        await audit.close();
      }
    });
  });
});
