// The agent's offline path end to end at the agent (agent/src/offline/offlineDoors.ts,
// scannerInput.ts): scanned codes are refused with online_use_app while the uplink is up and until
// it has been down for the configured time, then open the door through its driver, and every
// decision goes through the agent's decision path. The scanner is a FIFO (as a keyboard-event reader
// or a serial scanner would feed it); junk and overlong lines are dropped without growth. With a real
// broker: the agent keeps the venue's retained status list and goes offline when the broker stops.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { closeSync, openSync, writeFileSync, writeSync } from "node:fs";
import path from "node:path";
import { after, describe, it } from "node:test";
import { statusListTopic } from "../../protocol/statusList.ts";
import type { DoorDecision } from "../../agent/src/doorAgent.ts";
import { SimulatorDriver } from "../../agent/src/drivers/simulator.ts";
import { loadAgentConfig } from "../../agent/src/config.ts";
import { MIN_CLOCK } from "../../agent/src/offline/minClock.ts";
import { createAgentLogger } from "../../agent/src/log.ts";
import { OfflineDoors, type AgentLink } from "../../agent/src/offline/offlineDoors.ts";
import { ScannerInput } from "../../agent/src/offline/scannerInput.ts";
import { tempDir } from "../helpers/tempDirs.ts";
import type { LogEntry } from "../../protocol/doorLog.ts";
import {
  CONTRACT,
  LOCK_KEY,
  OTHER_RELAYER_KEY,
  makeCode,
  newDevice,
  offlineGuardSetup,
  relayer,
  samplePass,
  statusList,
} from "./offlineFixture.ts";
import { simulators, startAdapter, startAgent, startBroker } from "./brokerHarness.ts";

const T0 = 1_800_000_000 + 305;
const silent = createAgentLogger("error", () => undefined);

class FakeLink implements AgentLink {
  connected = true;
  readonly decisions: DoorDecision[] = [];
  private readonly link = new Set<(up: boolean) => void>();
  private readonly lists = new Set<(p: Buffer) => void>();
  onLink(l: (up: boolean) => void) {
    this.link.add(l);
    return () => this.link.delete(l);
  }
  onStatusList(l: (p: Buffer) => void) {
    this.lists.add(l);
    return () => this.lists.delete(l);
  }
  report(d: DoorDecision) {
    this.decisions.push(d);
  }
  /** The door log: what was written, and a switch that makes writing fail. */
  readonly logged: Omit<LogEntry, "time">[] = [];
  logFails = false;
  onLog: (() => void) | null = null;
  logDecision(entry: Omit<LogEntry, "time">) {
    if (this.logFails) return Promise.reject(new Error("disk full"));
    this.logged.push(entry);
    this.onLog?.();
    return Promise.resolve();
  }
  set(up: boolean) {
    this.connected = up;
    for (const l of this.link) l(up);
  }
  list(p: string) {
    for (const l of this.lists) l(Buffer.from(p));
  }
}

async function offlineDoors(link: AgentLink, clock: { now: number }, driver = new SimulatorDriver()) {
  const dir = tempDir("pp-offline-doors-");
  const { trust, lists, guard } = offlineGuardSetup({ dir, clock: () => clock.now });
  await trust.update([relayer.address]);
  const doors = new OfflineDoors({
    agent: link,
    doors: [{ id: 1, key: LOCK_KEY, driver, pulseSeconds: 3 }],
    guard,
    lists,
    clock: () => clock.now,
    logger: silent,
    offlineAfterS: 30,
    driverBudgetMs: 1000,
  });
  return { doors, lists, driver, dir };
}

const waitFor = async (what: string, ok: () => boolean, ms = 5000) => {
  for (const end = Date.now() + ms; Date.now() < end;) {
    if (ok()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
};

describe("the offline path at the agent", () => {
  it("opens only once the uplink has been down for the configured time, through the decision path", async () => {
    const link = new FakeLink();
    const clock = { now: T0 };
    const { doors, driver } = await offlineDoors(link, clock);
    link.list(JSON.stringify(await statusList(1, 1, T0, [])));
    await waitFor("the status list", () => doors.active === false);
    const device = await newDevice();
    const code = async () => (await makeCode(samplePass(device, { doors: [1] }), device, clock.now)).text;
    assert.equal((await doors.scan(1, await code())).reason, "online_use_app", "online: doors decide on chain");
    link.set(false);
    clock.now += 29;
    assert.equal((await doors.scan(1, await code())).reason, "online_use_app", "not down long enough");
    clock.now += 1;
    const opened = await doors.scan(1, await code());
    assert.equal(opened.result, "opened");
    assert.deepEqual(opened.offline, { passId: "12", serial: 7 });
    assert.equal(driver.pulses.length, 1);
    assert.equal(driver.pulses[0].seconds, 3);
    link.set(true);
    assert.equal((await doors.scan(1, await code())).reason, "online_use_app", "back online");
    assert.deepEqual(
      link.decisions.map((d) => d.reason),
      ["online_use_app", "online_use_app", "opened", "online_use_app"],
      "every decision is reported",
    );
    assert.deepEqual(
      link.logged.map((e) => [e.kind, e.result, e.reason, e.pass]),
      [
        ["offline", "refused", "online_use_app", null],
        ["offline", "refused", "online_use_app", null],
        ["offline", "granted", "granted", "12"],
        ["offline", "refused", "online_use_app", null],
      ],
      "every decision is in the door log",
    );
    doors.close();
  });

  it("writes the grant to the door log before the lock moves, and keeps the door shut without a record", async () => {
    const link = new FakeLink();
    const clock = { now: T0 };
    const { doors, driver } = await offlineDoors(link, clock);
    link.list(JSON.stringify(await statusList(1, 1, T0, [])));
    link.set(false);
    clock.now += 30;
    const device = await newDevice();
    const code = async () => (await makeCode(samplePass(device, { doors: [1] }), device, clock.now)).text;
    let pulsesWhenLogged = -1;
    link.onLog = () => (pulsesWhenLogged = driver.pulses.length);
    assert.equal((await doors.scan(1, await code())).result, "opened");
    assert.equal(pulsesWhenLogged, 0, "the record was durable before the pulse");
    link.logFails = true;
    clock.now += 30; // a new slot: a fresh code, not a replay
    const refused = await doors.scan(1, await code());
    assert.equal(refused.result, "refused");
    assert.equal(refused.reason, "log_unavailable");
    assert.equal(driver.pulses.length, 1, "no record, no opening");
    doors.close();
  });

  it("logs a refused code with its pass only when the DoorPass's relayer signature verified", async () => {
    const link = new FakeLink();
    const clock = { now: T0 };
    const { doors } = await offlineDoors(link, clock);
    link.list(JSON.stringify(await statusList(1, 1, T0, [])));
    link.set(false);
    clock.now += 30;
    const device = await newDevice();
    const thief = await newDevice();
    const pass = samplePass(device, { doors: [1] });
    const stolen = await doors.scan(1, (await makeCode(pass, thief, clock.now)).text);
    assert.deepEqual([stolen.reason, stolen.offline], ["bad_device_signature", { passId: "12", serial: 7 }]);
    const forged = await doors.scan(
      1,
      (await makeCode(pass, device, clock.now, { relayerKey: OTHER_RELAYER_KEY })).text,
    );
    assert.deepEqual([forged.reason, forged.offline], ["relayer_not_trusted", { passId: null, serial: null }]);
    await doors.scan(1, "PP1garbage");
    const lower = relayer.address.toLowerCase();
    assert.deepEqual(
      link.logged.map((e) => [e.result, e.reason, e.pass, e.relayer]),
      [
        ["refused", "bad_device_signature", "12", lower],
        ["refused", "relayer_not_trusted", null, null],
        ["refused", "malformed_code", null, null],
      ],
    );
    doors.close();
  });

  it("reports a jammed lock as the online path does", async () => {
    const link = new FakeLink();
    const clock = { now: T0 };
    const { doors } = await offlineDoors(link, clock, new SimulatorDriver({ jam: true }));
    link.list(JSON.stringify(await statusList(1, 1, T0, [])));
    link.set(false);
    clock.now += 60;
    const device = await newDevice();
    const d = await doors.scan(1, (await makeCode(samplePass(device, { doors: [1] }), device, clock.now)).text);
    assert.deepEqual([d.result, d.reason], ["jammed", "jammed"]);
  });

  it("reads codes line by line from a FIFO, dropping junk and overlong lines", async () => {
    const link = new FakeLink();
    const clock = { now: T0 };
    const { doors, dir } = await offlineDoors(link, clock);
    link.list(JSON.stringify(await statusList(1, 1, T0, [])));
    link.set(false);
    clock.now += 60;
    const fifo = path.join(dir, "scanner");
    execFileSync("mkfifo", [fifo]);
    const scanner = new ScannerInput({ path: fifo, onLine: (l) => doors.scan(1, l), logger: silent, maxLine: 600 });
    const device = await newDevice();
    const { text } = await makeCode(samplePass(device, { doors: [1] }), device, clock.now);
    const fd = openSync(fifo, "w");
    writeSync(fd, `junk\r\n${"X".repeat(5000)}\n${text.slice(0, 100)}`);
    writeSync(fd, `${text.slice(100)}\r\n\n`);
    closeSync(fd); // the writer goes away: the scanner keeps reading
    await waitFor("two decisions", () => link.decisions.length === 2);
    await scanner.idle();
    assert.deepEqual(
      link.decisions.map((d) => d.reason),
      ["malformed_code", "opened"],
    );
    assert.equal(scanner.stats.dropped, 1, "the overlong line");
    const fd2 = openSync(fifo, "w");
    writeSync(fd2, `${text}\n`);
    closeSync(fd2);
    await waitFor("the replay", () => link.decisions.length === 3);
    assert.equal(link.decisions[2].reason, "code_used");
    scanner.close();
  });
});

describe("the offline path with a real broker", () => {
  const cleanup: (() => Promise<void>)[] = [];
  after(async () => {
    for (const c of cleanup.reverse()) await c();
  });

  it("keeps the venue's retained status list and opens offline once the broker is gone", async () => {
    const broker = await startBroker("aedes");
    cleanup.push(() => broker.stop());
    const adapter = await startAdapter(broker);
    cleanup.push(() => adapter.close());
    const clock = { now: T0 };
    // The relayer published the venue's list before the agent started: retained, it gets it on subscribing.
    await adapter.publishRetained(statusListTopic(1), JSON.stringify(await statusList(1, 4, T0, [8])));
    const drivers = simulators(1);
    const agent = startAgent(broker, 1, drivers, { clock: () => clock.now });
    const { doors, lists } = await offlineDoors(agent, clock, drivers.get(1));
    const reported: DoorDecision[] = [];
    agent.onDecision((d) => reported.push(d));
    await agent.start();
    cleanup.push(() => agent.stop());
    await waitFor("the retained list", () => lists.epoch === 4);
    assert.equal(lists.isRevoked(8), true);
    const device = await newDevice();
    const code = async () => (await makeCode(samplePass(device, { doors: [1] }), device, clock.now)).text;
    assert.equal((await doors.scan(1, await code())).reason, "online_use_app");
    await broker.stop();
    await waitFor("the link down", () => !agent.connected);
    clock.now += 31;
    assert.equal((await doors.scan(1, await code())).result, "opened");
    assert.deepEqual(
      reported.map((d) => [d.reason, d.offline?.serial ?? null]),
      [
        ["online_use_app", null],
        ["opened", 7],
      ],
      "the agent's onDecision sees offline decisions",
    );
    doors.close();
  });
});

describe("the offline configuration", () => {
  const base = {
    agentId: "a1",
    venue: 1,
    chain: { rpcUrl: "http://127.0.0.1:8545", chainId: 31337, contract: CONTRACT },
    broker: { url: "mqtts://broker.example:8883" },
    doors: [{ id: 1, lockKeyFile: "k", driver: { type: "simulator" } }],
  };
  const load = (offline: unknown) => {
    const file = path.join(tempDir("pp-offline-config-"), "agent.json");
    writeFileSync(file, JSON.stringify({ ...base, offline }));
    return loadAgentConfig(file);
  };

  it("defaults to 30 s before going offline, one slot of skew, and the release date as the sane clock", () => {
    const c = load({ stateDir: "state", scanners: [{ door: 1, path: "/dev/ttyACM0" }] });
    assert.deepEqual(
      [c.offline?.afterS, c.offline?.skewSlots, c.offline?.minClock, c.offline?.trustMaxAgeS],
      [30, 1, MIN_CLOCK, 7 * 86_400],
    );
  });

  it("refuses a scanner at a door the agent does not serve, in one line", () => {
    assert.throws(
      () => load({ stateDir: "state", scanners: [{ door: 2, path: "/dev/ttyACM0" }] }),
      /^Error: invalid agent configuration: offline\.scanners: every scanner's door must be one of doors$/,
    );
    assert.throws(() => load({ stateDir: "state", skewSlots: 9 }), /offline\.skewSlots/);
  });
});
