// The lock simulator on its own (trust answered by a stub instead of the chain).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { generatePrivateKey, privateKeyToAddress } from "viem/accounts";
import { LockSimulator, verifyLockLog } from "../../server/locks/lockSimulator.ts";
import { createDoorHasher, signDigest, toHex } from "../../server/door/doorCrypto.ts";
import { DEMO_RELAYER_ADDRESS, DEMO_RELAYER_PRIVATE_KEY, demoLockAddress, demoLockKey } from "../../server/demoKeys.ts";

const contract = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
const hasher = createDoorHasher(31337, contract);

function setup(trusted = new Set([DEMO_RELAYER_ADDRESS.toLowerCase()])) {
  const clock = { now: 1_800_000_000 };
  const sim = new LockSimulator({
    chainId: 31337,
    contract,
    doorKeys: new Map([[3, demoLockKey(3)]]),
    trust: {
      doorVenue: () => Promise.resolve(1),
      isRelayerTrusted: (_v, r) => Promise.resolve(trusted.has(r.toLowerCase())),
    },
    clock: () => clock.now,
    trustCacheMs: 0,
  });
  return { sim, clock };
}

function command(challengeId: `0x${string}`, expires: number, key = DEMO_RELAYER_PRIVATE_KEY, door = 3) {
  const signature = signDigest(hasher.openCommandDigest({ door, challenge: challengeId, expires }), key);
  return { door, challenge: challengeId, expires, relayer: privateKeyToAddress(key), signature };
}

describe("lock simulator", () => {
  it("issues challenges signed by the door's lock key", () => {
    const { sim } = setup();
    const c = sim.issueChallenge(3)!;
    assert.equal(sim.lockAddress(3), demoLockAddress(3));
    assert.equal(sim.issueChallenge(4), null);
    assert.equal(toHex(hasher.challengeDigest(c)), sim.challengeId(c));
  });

  it("opens once for a trusted, unexpired command, then refuses the replay", async () => {
    const { sim, clock } = setup();
    const id = sim.challengeId(sim.issueChallenge(3)!);
    const cmd = command(id, clock.now + 5);
    assert.deepEqual(await sim.submit(3, cmd), { result: "opened", reason: "opened" });
    assert.deepEqual(await sim.submit(3, cmd), { result: "refused", reason: "challenge_used" });
  });

  it("refuses expired commands, unknown challenges, forged signatures and untrusted relayers", async () => {
    const { sim, clock } = setup();
    const id = () => sim.challengeId(sim.issueChallenge(3)!);
    assert.equal((await sim.submit(3, command(id(), clock.now - 1))).reason, "command_expired");
    assert.equal((await sim.submit(3, command(`0x${"11".repeat(32)}`, clock.now + 5))).reason, "unknown_challenge");
    const forged = { ...command(id(), clock.now + 5, generatePrivateKey()), relayer: DEMO_RELAYER_ADDRESS };
    assert.equal((await sim.submit(3, forged)).reason, "bad_signature");
    assert.equal(
      (await sim.submit(3, command(id(), clock.now + 5, generatePrivateKey()))).reason,
      "relayer_not_trusted",
    );
    assert.equal((await sim.submit(3, { nonsense: true })).reason, "malformed_command");
    const old = id();
    clock.now += 121;
    assert.equal((await sim.submit(3, command(old, clock.now + 5))).reason, "challenge_expired");
  });

  it("keeps a log that verifies, and detects tampering", async () => {
    const { sim, clock } = setup();
    await sim.submit(3, command(sim.challengeId(sim.issueChallenge(3)!), clock.now + 5));
    await sim.submit(3, command(sim.challengeId(sim.issueChallenge(3)!), clock.now - 5));
    const keys = new Map([[3, demoLockAddress(3)]]);
    const log = sim.log(3);
    assert.deepEqual(
      log.map((e) => e.result),
      ["opened", "refused"],
    );
    assert.deepEqual(verifyLockLog(log, keys, hasher), { ok: true });
    const tampered = [{ ...log[0], reason: "x" }, log[1]];
    assert.equal(verifyLockLog(tampered, keys, hasher).ok, false);
    assert.equal(verifyLockLog([log[1]], keys, hasher).ok, false);
    assert.equal(verifyLockLog(log, new Map([[3, demoLockAddress(4)]]), hasher).ok, false);
  });
});
