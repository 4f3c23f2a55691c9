// A member's door history names their refused offline entries, and only theirs (issue 20): the
// agent's offline path (agent/src/offline/) writes its refusals to a real door log, the relayer
// ingests the upload (server/audit/doorLogIngest.ts) and GET /api/audit answers each member with
// the records naming their passes. A code of a genuine DoorPass refused at the door (another
// device's signature) is in its member's history with the reason; a DoorPass the venue's relayers
// never signed — even one naming another member's pass — names no pass, so it is in nobody's.
import assert from "node:assert/strict";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { privateKeyToAccount } from "viem/accounts";
import { DoorLog } from "../../agent/src/doorLog.ts";
import { SimulatorDriver } from "../../agent/src/drivers/simulator.ts";
import { lockCrypto } from "../../agent/src/lockCrypto.ts";
import { createAgentLogger } from "../../agent/src/log.ts";
import { offlineCrypto } from "../../agent/src/offline/offlineCrypto.ts";
import { OfflineDoors, type AgentLink } from "../../agent/src/offline/offlineDoors.ts";
import { OfflineGuard } from "../../agent/src/offline/offlineGuard.ts";
import { StatusLists } from "../../agent/src/offline/statusLists.ts";
import { TrustedRelayers, readTrustedRelayers } from "../../agent/src/offline/trustedRelayers.ts";
import { protocolDomain } from "../../protocol/eip712.ts";
import { deviceKeyTypes, type DoorPass } from "../../protocol/doorPass.ts";
import type { Hex } from "../../protocol/types.ts";
import { ingestLogBatch } from "../../server/audit/doorLogIngest.ts";
import { demoLockAddress, demoLockKey } from "../../server/demoKeys.ts";
import { makeCode, newDevice, OTHER_RELAYER_KEY, signDoorPass, type Device } from "../agent/offlineFixture.ts";
import { tempDir } from "../helpers/tempDirs.ts";
import { HOUR, startHarness, type Harness } from "./fixture.ts";
import { sessionCookie } from "./siweSession.ts";

type AgentRecord = { kind: string; result: string; reason: string; pass: string | null; relayer: string | null };

describe("refused offline entries in the member's history", () => {
  let h: Harness;
  let log: DoorLog | undefined;
  before(async () => {
    h = await startHarness();
  });
  after(async () => {
    log?.close();
    await h?.stop();
  });

  it("shows a member the refusals of their proven DoorPass with the reason; a forged one is nobody's", async () => {
    const contract = h.p.address;
    const slot0 = Math.floor(h.clock.now / HOUR) * HOUR;
    const [member, other] = [h.chain.accounts[2], h.chain.accounts[3]];
    const device = await newDevice();

    // Online: the member obtains a DoorPass from the relayer; the other member books too.
    const cookie = await sessionCookie(h.relayer.url, member.privateKey, h.clock.now);
    const mine = await h.p.book(member, h.venue.office, slot0, slot0 + 3 * HOUR);
    const theirs = await h.p.book(other, h.venue.room, slot0, slot0 + 2 * HOUR);
    const res = await fetch(`${h.relayer.url}/api/door-passes`, {
      method: "POST",
      headers: { "content-type": "application/json", cookie },
      body: JSON.stringify({
        passId: String(mine.passId),
        deviceKey: device.publicKey,
        deviceKeySignature: await privateKeyToAccount(member.privateKey).signTypedData({
          domain: protocolDomain(31337, contract),
          types: deviceKeyTypes,
          primaryType: "DeviceKey",
          message: { member: member.address, deviceKey: device.publicKey },
        }),
      }),
    });
    assert.equal(res.status, 200);
    const issued = (await res.json()) as { pass: Omit<DoorPass, "passId"> & { passId: string }; signature: Hex };
    const pass: DoorPass = { ...issued.pass, passId: BigInt(issued.pass.passId) };

    // The agent, offline: its trusted set read from the chain, every decision into its door log.
    const street = h.venue.street;
    const dir = tempDir("pp-offline-history-");
    log = new DoorLog({
      file: path.join(dir, "door-log.sqlite"),
      agentId: "history-agent",
      crypto: lockCrypto(31337, contract),
      keys: new Map([[street, demoLockKey(street)]]),
      clock: h.clock.fn,
    });
    const doorLog = log;
    const link: AgentLink = {
      connected: false,
      onLink: () => () => undefined,
      onStatusList: () => () => undefined,
      report: () => undefined,
      logDecision: async (entry) => void (await doorLog.append({ ...entry, time: h.clock.now })),
    };
    const trust = new TrustedRelayers({
      file: path.join(dir, "trust.json"),
      venue: 1,
      chainId: 31337,
      contract,
      key: demoLockKey(street),
      maxAgeS: 86_400,
      clock: h.clock.fn,
    });
    await trust.update(await readTrustedRelayers(h.chain.rpcUrl, contract, 1));
    const crypto = offlineCrypto(31337, contract);
    const lists = new StatusLists({ venue: 1, crypto, trust, file: path.join(dir, "list.json") });
    const doors = new OfflineDoors({
      agent: link,
      doors: [{ id: street, key: demoLockKey(street), driver: new SimulatorDriver(), pulseSeconds: 1 }],
      guard: new OfflineGuard({
        venue: 1,
        chainId: 31337,
        contract,
        crypto,
        trust,
        lists,
        clock: h.clock.fn,
        skewSlots: 1,
        minClock: 1_700_000_000,
      }),
      lists,
      clock: h.clock.fn,
      logger: createAgentLogger("error", () => undefined),
      offlineAfterS: 0,
      driverBudgetMs: 1000,
    });
    const code = async (p: DoorPass, d: Device, relayerSignature?: Hex) =>
      (await makeCode(p, d, h.clock.now, { contract, relayerSignature: relayerSignature ?? issued.signature })).text;
    const thief = await newDevice();
    const forge = async (p: DoorPass) => code(p, device, await signDoorPass(p, OTHER_RELAYER_KEY, contract));
    const decisions = [
      await doors.scan(street, await code(pass, thief)), // a screenshot of the DoorPass, signed by another device
      await doors.scan(street, await forge(pass)), // the member's pass, DoorPass not signed by a trusted relayer
      await doors.scan(street, await forge({ ...pass, passId: theirs.passId })), // planting in another's history
    ];
    doors.close();
    assert.deepEqual(
      decisions.map((d) => [d.reason, d.offline?.passId]),
      [
        ["bad_device_signature", String(mine.passId)],
        ["relayer_not_trusted", null],
        ["relayer_not_trusted", null],
      ],
    );

    // Uploaded: the relayer checks the chain and the lock signatures and stores the records.
    const ack = await ingestLogBatch(
      {
        store: h.relayer.ctx.doorLog,
        chainId: 31337,
        contract,
        door: (id) => Promise.resolve(id === street ? { venueId: 1, lockKey: demoLockAddress(id) } : null),
        now: h.clock.fn,
        onFork: () => assert.fail("no fork"),
        onInvalid: (r) => assert.fail(r.problem),
      },
      1,
      "history-agent",
      log.records(1, 100),
    );
    assert.deepEqual([ack.status, ack.acked], ["ok", 3]);

    const history = async (key: Hex) => {
      const c = await sessionCookie(h.relayer.url, key, h.clock.now);
      const r = await fetch(`${h.relayer.url}/api/audit`, { headers: { cookie: c } });
      assert.equal(r.status, 200);
      return ((await r.json()) as { agentRecords: AgentRecord[] }).agentRecords;
    };
    assert.deepEqual(
      (await history(member.privateKey)).map((r) => [r.kind, r.result, r.reason, r.pass]),
      [["offline", "refused", "bad_device_signature", String(mine.passId)]],
      "the member sees the refused code of their DoorPass, with the reason; not the forged ones",
    );
    assert.deepEqual(
      await history(other.privateKey),
      [],
      "a forged DoorPass naming their pass is not in their history",
    );
    const operator = await sessionCookie(h.relayer.url, h.venue.operator.privateKey, h.clock.now);
    const all = (await (
      await fetch(`${h.relayer.url}/api/audit?venue=1`, { headers: { cookie: operator } })
    ).json()) as { agentRecords: AgentRecord[] };
    assert.deepEqual(
      all.agentRecords.map((r) => [r.reason, r.pass]).sort(),
      [
        ["bad_device_signature", String(mine.passId)],
        ["relayer_not_trusted", null],
        ["relayer_not_trusted", null],
      ],
      "the operator sees every refusal, the unproven ones without a pass",
    );
  });
});
