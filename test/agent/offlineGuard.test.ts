// The agent's offline decision on a scanned DoorPass code (agent/src/offline/offlineGuard.ts): it
// admits a fresh code of a trusted, unrevoked DoorPass for this venue and door, once per slot, and
// refuses every fault of issue 20 with its own reason; the trusted relayer set and the newest status
// list survive a restart on disk, signed, and an older or untrusted list is refused.
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { beforeEach, describe, it } from "node:test";
import { privateKeyToAddress } from "viem/accounts";
import { DOOR_SLOT_SECONDS, encodeDoorCode } from "../../protocol/doorPass.ts";
import type { OfflineGuard } from "../../agent/src/offline/offlineGuard.ts";
import type { StatusLists } from "../../agent/src/offline/statusLists.ts";
import { TrustedRelayers } from "../../agent/src/offline/trustedRelayers.ts";
import { tempDir } from "../helpers/tempDirs.ts";
import {
  CHAIN_ID,
  CONTRACT,
  LOCK_KEY,
  OTHER_RELAYER_KEY,
  TRUSTED_RELAYERS_FILE,
  makeCode,
  newDevice,
  offlineGuardSetup,
  relayer,
  samplePass,
  statusList,
  type Device,
} from "./offlineFixture.ts";

const MIN_CLOCK = 1_790_000_000;
const T0 = 1_800_000_000 + 10 * DOOR_SLOT_SECONDS + 5; // inside the sample pass's window, 5 s into a slot

type Setup = { guard: OfflineGuard; trust: TrustedRelayers; lists: StatusLists; clock: { now: number }; dir: string };

async function setup(o: { revoked?: number[]; relayers?: `0x${string}`[]; dir?: string } = {}): Promise<Setup> {
  const dir = o.dir ?? tempDir("pp-offline-");
  const clock = { now: T0 };
  const { guard, trust, lists } = offlineGuardSetup({
    dir,
    clock: () => clock.now,
    maxAgeS: 7 * 86_400,
    minClock: MIN_CLOCK,
  });
  if (o.dir) await trust.load();
  else await trust.update(o.relayers ?? [relayer.address]);
  if (o.dir) await lists.load();
  else assert.equal(await lists.accept(JSON.stringify(await statusList(1, 1, T0 - 60, o.revoked ?? []))), "accepted");
  return { guard, trust, lists, clock, dir };
}

describe("the offline decision", () => {
  let device: Device;
  let s: Setup;
  beforeEach(async () => {
    device = await newDevice();
    s = await setup({ revoked: [99] });
  });

  it("admits a fresh code of a trusted, unrevoked DoorPass at a door it names", async () => {
    const { text } = await makeCode(samplePass(device), device, T0);
    const v = await s.guard.check(text, 2);
    assert.equal(v.ok, true, v.ok ? "" : v.reason);
    assert.ok(v.ok && v.serial === 7 && v.passId === 12n && v.relayer === relayer.address.toLowerCase());
  });

  it("refuses a code replayed after its slot, and accepts one of the neighbouring slot (skew)", async () => {
    const { text } = await makeCode(samplePass(device), device, T0);
    s.clock.now = T0 + DOOR_SLOT_SECONDS; // next slot: within one slot of skew
    assert.equal((await s.guard.check(text, 1)).ok, true);
    s.clock.now = T0 + 2 * DOOR_SLOT_SECONDS;
    assert.deepEqual(await reason(s.guard.check(text, 2)), "code_stale");
  });

  it("refuses a screenshot shown a second time in the same slot (single use per door and slot)", async () => {
    const { text } = await makeCode(samplePass(device), device, T0);
    assert.equal((await s.guard.check(text, 1)).ok, true, "the member comes in");
    assert.equal(await reason(s.guard.check(text, 1)), "code_used", "the screenshot does not");
    assert.equal((await s.guard.check(text, 2)).ok, true, "the member's next door in the same slot opens");
  });

  it("refuses a code signed by another device key than the DoorPass names", async () => {
    const thief = await newDevice();
    const { text } = await makeCode(samplePass(device), thief, T0);
    assert.equal(await reason(s.guard.check(text, 1)), "bad_device_signature");
  });

  it("refuses a DoorPass signed by an untrusted relayer key, or by one removed since", async () => {
    const forged = await makeCode(samplePass(device), device, T0, { relayerKey: OTHER_RELAYER_KEY });
    assert.equal(await reason(s.guard.check(forged.text, 1)), "relayer_not_trusted");
    const genuine = await makeCode(samplePass(device), device, T0);
    await s.trust.update([privateKeyToAddress(OTHER_RELAYER_KEY)]); // the operator removed ours on chain
    assert.equal(await reason(s.guard.check(genuine.text, 1)), "relayer_not_trusted");
    const broken = await makeCode(samplePass(device), device, T0, { relayerSignature: `0x${"00".repeat(64)}1b` });
    assert.equal(await reason(s.guard.check(broken.text, 1)), "bad_relayer_signature");
  });

  it("refuses another venue's DoorPass, and a door the DoorPass does not name", async () => {
    const other = await makeCode(samplePass(device, { venue: 2 }), device, T0);
    assert.equal(await reason(s.guard.check(other.text, 1)), "wrong_venue");
    const mine = await makeCode(samplePass(device), device, T0);
    assert.equal(await reason(s.guard.check(mine.text, 3)), "door_not_in_pass");
  });

  it("refuses outside the DoorPass's window", async () => {
    const early = await makeCode(samplePass(device, { validFrom: T0 + 1 }), device, T0);
    assert.equal(await reason(s.guard.check(early.text, 1)), "door_pass_not_yet_valid");
    const late = await makeCode(samplePass(device, { validFrom: T0 - 3600, validUntil: T0 }), device, T0);
    assert.equal(await reason(s.guard.check(late.text, 1)), "door_pass_expired");
  });

  it("refuses when the agent's clock is beyond the skew, or unset", async () => {
    const { text } = await makeCode(samplePass(device), device, T0);
    s.clock.now = T0 - 2 * DOOR_SLOT_SECONDS; // the agent's clock runs a minute behind the phone's
    assert.equal(await reason(s.guard.check(text, 1)), "code_stale");
    s.clock.now = 30; // a Pi without RTC before NTP: 1970
    assert.equal(await reason(s.guard.check(text, 1)), "clock_unset");
  });

  it("refuses a revoked serial, and keeps refusing it when an older list is replayed", async () => {
    const { text } = await makeCode(samplePass(device), device, T0);
    assert.equal(await s.lists.accept(JSON.stringify(await statusList(1, 2, T0, [7]))), "accepted");
    assert.equal(await reason(s.guard.check(text, 1)), "door_pass_revoked");
    assert.equal(await s.lists.accept(JSON.stringify(await statusList(1, 1, T0, []))), "status_list_old");
    assert.equal(await s.lists.accept(JSON.stringify(await statusList(1, 2, T0, []))), "status_list_old", "same epoch");
    assert.equal(await reason(s.guard.check(text, 1)), "door_pass_revoked");
  });

  it("keeps only lists signed by a trusted relayer for this venue", async () => {
    const untrusted = await statusList(1, 5, T0, [], OTHER_RELAYER_KEY);
    assert.equal(await s.lists.accept(JSON.stringify(untrusted)), "relayer_not_trusted");
    assert.equal(
      await s.lists.accept(JSON.stringify({ ...(await statusList(1, 6, T0, [7])), time: T0 + 1 })),
      "bad_signature",
    );
    assert.equal(await s.lists.accept(JSON.stringify(await statusList(2, 7, T0, []))), "wrong_venue");
    assert.equal(await s.lists.accept("{"), "malformed");
    const bomb = await statusList(1, 8, T0, []);
    assert.equal(await s.lists.accept(JSON.stringify({ ...bomb, encodedList: "uAAAA" })), "bad_signature");
    assert.equal(s.lists.epoch, 1);
  });

  it("refuses without a status list, without a recent trusted set, and junk", async () => {
    const { text } = await makeCode(samplePass(device), device, T0);
    const bare = await setup({ dir: tempDir("pp-offline-empty-") });
    assert.equal(await reason(bare.guard.check(text, 1)), "trust_unavailable");
    await bare.trust.update([relayer.address]);
    assert.equal(await reason(bare.guard.check(text, 1)), "status_list_missing");
    s.clock.now = T0 + 8 * 86_400; // the trusted set was read from chain 8 days ago
    const later = await makeCode(samplePass(device, { validUntil: T0 + 9 * 86_400 }), device, s.clock.now);
    assert.equal(await reason(s.guard.check(later.text, 1)), "trust_unavailable");
    for (const junk of ["", "PP1", "hello", "PP1" + "A".repeat(300), "\u0000\u0001"])
      assert.equal(await reason(s.guard.check(junk, 1)), "malformed_code");
  });
});

describe("what a refusal says about the DoorPass", () => {
  let device: Device;
  let s: Setup;
  beforeEach(async () => {
    device = await newDevice();
    s = await setup({ revoked: [99] });
  });
  const proven = { passId: 12n, serial: 7, relayer: relayer.address.toLowerCase() };
  const passOf = async (p: ReturnType<OfflineGuard["check"]>) => {
    const v = await p;
    assert.equal(v.ok, false);
    return v.ok ? undefined : { reason: v.reason, pass: v.pass };
  };

  it("names no pass before the relayer's signature verified against the trusted set", async () => {
    const untrusted = await makeCode(samplePass(device), device, T0, { relayerKey: OTHER_RELAYER_KEY });
    assert.deepEqual(await passOf(s.guard.check(untrusted.text, 1)), { reason: "relayer_not_trusted", pass: null });
    const broken = await makeCode(samplePass(device), device, T0, { relayerSignature: `0x${"00".repeat(64)}1b` });
    assert.deepEqual(await passOf(s.guard.check(broken.text, 1)), { reason: "bad_relayer_signature", pass: null });
    // A genuine DoorPass with its pass id changed: the signature recovers to some other key.
    const genuine = await makeCode(samplePass(device), device, T0);
    const edited = encodeDoorCode({ ...genuine.code, pass: { ...genuine.code.pass, passId: 13n } });
    assert.deepEqual(await passOf(s.guard.check(edited, 1)), { reason: "relayer_not_trusted", pass: null });
    assert.deepEqual(await passOf(s.guard.check("PP1junk", 1)), { reason: "malformed_code", pass: null });
    s.clock.now = 30;
    assert.deepEqual(await passOf(s.guard.check(genuine.text, 1)), { reason: "clock_unset", pass: null });
  });

  it("names the proven pass, serial and relayer in every refusal after that check", async () => {
    const other = await makeCode(samplePass(device, { venue: 2 }), device, T0);
    assert.deepEqual(await passOf(s.guard.check(other.text, 1)), { reason: "wrong_venue", pass: proven });
    const mine = await makeCode(samplePass(device), device, T0);
    assert.deepEqual(await passOf(s.guard.check(mine.text, 3)), { reason: "door_not_in_pass", pass: proven });
    const early = await makeCode(samplePass(device, { validFrom: T0 + 1 }), device, T0);
    assert.deepEqual(await passOf(s.guard.check(early.text, 1)), { reason: "door_pass_not_yet_valid", pass: proven });
    const thief = await newDevice();
    const stolen = await makeCode(samplePass(device), thief, T0);
    assert.deepEqual(await passOf(s.guard.check(stolen.text, 1)), { reason: "bad_device_signature", pass: proven });
    assert.equal((await s.guard.check(mine.text, 1)).ok, true);
    assert.deepEqual(await passOf(s.guard.check(mine.text, 1)), { reason: "code_used", pass: proven });
    s.clock.now = T0 + 2 * DOOR_SLOT_SECONDS;
    assert.deepEqual(await passOf(s.guard.check(mine.text, 2)), { reason: "code_stale", pass: proven });
    const revoked = await makeCode(samplePass(device, { serial: 99 }), device, s.clock.now);
    assert.deepEqual(await passOf(s.guard.check(revoked.text, 1)), {
      reason: "door_pass_revoked",
      pass: { ...proven, serial: 99 },
    });
  });
});

describe("the offline state on disk", () => {
  it("survives a restart: the trusted set and the newest list, both checked again", async () => {
    const device = await newDevice();
    const first = await setup({ revoked: [7] });
    const { text } = await makeCode(samplePass(device), device, T0);
    const again = await setup({ dir: first.dir });
    assert.equal(again.trust.fetchedAt, T0);
    assert.equal(again.lists.epoch, 1);
    assert.equal(await reason(again.guard.check(text, 1)), "door_pass_revoked");
  });

  it("refuses a trusted set edited by hand, or signed by another agent's key", async () => {
    const first = await setup();
    const file = path.join(first.dir, TRUSTED_RELAYERS_FILE);
    const f = JSON.parse(readFileSync(file, "utf8")) as { relayers: string[] };
    writeFileSync(
      file,
      JSON.stringify({ ...f, relayers: [...f.relayers, privateKeyToAddress(OTHER_RELAYER_KEY).toLowerCase()] }),
    );
    const edited = new TrustedRelayers({
      file,
      venue: 1,
      chainId: CHAIN_ID,
      contract: CONTRACT,
      key: LOCK_KEY,
      maxAgeS: 86_400,
      clock: () => T0,
    });
    assert.equal(await edited.load(), "refused");
    assert.equal(edited.verdict(relayer.address), "unavailable");
    const otherAgent = new TrustedRelayers({
      file: path.join(first.dir, TRUSTED_RELAYERS_FILE),
      venue: 1,
      chainId: CHAIN_ID,
      contract: CONTRACT,
      key: `0x${"78".repeat(32)}`,
      maxAgeS: 86_400,
      clock: () => T0,
    });
    assert.equal(await otherAgent.load(), "refused");
  });
});

async function reason(p: ReturnType<OfflineGuard["check"]>): Promise<string> {
  const v = await p;
  return v.ok ? "admitted" : v.reason;
}
