// Issue 20's path across the real pieces: a relayer on a chain issues DoorPasses and, when a pass is
// cancelled, publishes the venue's signed status list through the broker (relayer credentials, the
// generated ACL); the venue's agent, its trusted relayers read from the chain, keeps the list; the
// broker goes away; after the outage delay the agent opens for the standing pass and refuses the
// cancelled one — all decided at the agent alone.
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { after, describe, it } from "node:test";
import { privateKeyToAccount } from "viem/accounts";
import { protocolDomain } from "../../protocol/eip712.ts";
import { deviceKeyTypes } from "../../protocol/doorPass.ts";
import { createAgentLogger } from "../../agent/src/log.ts";
import { OfflineDoors } from "../../agent/src/offline/offlineDoors.ts";
import { readTrustedRelayers } from "../../agent/src/offline/trustedRelayers.ts";
import { HOUR, startHarness, type Harness } from "../server/fixture.ts";
import { sessionCookie } from "../server/siweSession.ts";
import { tempDir } from "../helpers/tempDirs.ts";
import { PASSWORDS, simulators, startAdapter, startAgent, startBroker, type Broker } from "./brokerHarness.ts";
import { LOCK_KEY, makeCode, newDevice, offlineGuardSetup } from "./offlineFixture.ts";
import type { DoorPass } from "../../protocol/doorPass.ts";
import type { Hex } from "../../protocol/types.ts";

describe("offline doors across relayer, broker and agent", () => {
  const cleanup: (() => Promise<unknown>)[] = [];
  after(async () => {
    for (const c of cleanup.reverse()) await c().catch(() => undefined);
  });

  it("revokes a cancelled pass at the agent before the outage, and opens for the others during it", async () => {
    const broker: Broker = await startBroker("aedes");
    cleanup.push(() => broker.stop());
    const dir = tempDir("pp-offline-e2e-");
    writeFileSync(path.join(dir, "ca.pem"), broker.ca!);
    const lock = await startAdapter(broker);
    const h: Harness = await startHarness(
      { BROKER_URL: broker.url, BROKER_PASSWORD: PASSWORDS.get("relayer")!, BROKER_CA_FILE: path.join(dir, "ca.pem") },
      { lock },
    );
    cleanup.push(() => h.stop());
    assert.equal(h.venue.venueId, 1, "the broker's ACL names venue 1");
    const contract = h.p.address;
    const slot0 = Math.floor(h.clock.now / HOUR) * HOUR;
    const member = h.chain.accounts[2];
    const device = await newDevice();

    // The agent: its venue's trusted relayers from the chain, the status list from the broker.
    const drivers = simulators(h.venue.street);
    const agent = startAgent(broker, 1, drivers, { clock: h.clock.fn });
    const { trust, lists, guard } = offlineGuardSetup({ dir, clock: h.clock.fn, chainId: 31337, contract });
    await trust.update(await readTrustedRelayers(h.chain.rpcUrl, contract, 1));
    const doors = new OfflineDoors({
      agent,
      doors: [{ id: h.venue.street, key: LOCK_KEY, driver: drivers.get(h.venue.street)!, pulseSeconds: 1 }],
      guard,
      lists,
      clock: h.clock.fn,
      logger: createAgentLogger("error", () => undefined),
      offlineAfterS: 30,
      driverBudgetMs: 1000,
    });
    await agent.start();
    cleanup.push(async () => {
      doors.close();
      await agent.stop();
    });

    // Online: the member gets two DoorPasses; one booking is then cancelled.
    const cookie = await sessionCookie(h.relayer.url, member.privateKey, h.clock.now);
    const deviceKeySignature = await privateKeyToAccount(member.privateKey).signTypedData({
      domain: protocolDomain(31337, contract),
      types: deviceKeyTypes,
      primaryType: "DeviceKey",
      message: { member: member.address, deviceKey: device.publicKey },
    });
    const doorPass = async (passId: bigint) => {
      const res = await fetch(`${h.relayer.url}/api/door-passes`, {
        method: "POST",
        headers: { "content-type": "application/json", cookie },
        body: JSON.stringify({ passId: String(passId), deviceKey: device.publicKey, deviceKeySignature }),
      });
      assert.equal(res.status, 200);
      const a = (await res.json()) as { pass: Omit<DoorPass, "passId"> & { passId: string }; signature: Hex };
      return { pass: { ...a.pass, passId: BigInt(a.pass.passId) }, signature: a.signature };
    };
    const kept = await h.p.book(member, h.venue.office, slot0, slot0 + 3 * HOUR);
    const gone = await h.p.book(member, h.venue.office, slot0, slot0 + 2 * HOUR);
    const keptPass = await doorPass(kept.passId);
    const gonePass = await doorPass(gone.passId);
    await h.p.write(h.venue.operator, { functionName: "cancel", args: [gone.passId] }); // the venue closes that room
    for (let i = 0; lists.isRevoked(gonePass.pass.serial) !== true; i++) {
      assert.ok(i < 200, "the cancellation reached the agent's status list");
      await new Promise((r) => setTimeout(r, 25));
    }

    // The outage: the broker is gone; after 30 s the agent decides alone.
    const code = async (p: { pass: DoorPass; signature: Hex }) =>
      (await makeCode(p.pass, device, h.clock.now, { relayerSignature: p.signature, contract })).text;
    assert.equal((await doors.scan(h.venue.street, await code(keptPass))).reason, "online_use_app");
    await broker.stop();
    for (let i = 0; agent.connected; i++) {
      assert.ok(i < 200, "the agent saw the link go down");
      await new Promise((r) => setTimeout(r, 25));
    }
    h.clock.now += 31;
    assert.equal((await doors.scan(h.venue.street, await code(keptPass))).reason, "opened");
    assert.equal((await doors.scan(h.venue.street, await code(gonePass))).reason, "door_pass_revoked");
    assert.equal(drivers.get(h.venue.street)!.pulses.length, 1);
  });
});
