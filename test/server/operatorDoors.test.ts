// The operator's doors through a real broker and a real door agent: the live status the relayer hears
// (online, offline through the agent's Last Will, back), and the remote pulse — opened and audited
// for the venue's operator, refused with nothing sent to the broker for anyone else.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { connect, type MqttClient } from "mqtt";
import { HOUR, startHarness, type Harness } from "./fixture.ts";
import { sessionCookie } from "./siweSession.ts";
import { startEmbeddedBroker, type EmbeddedBroker } from "../../server/broker/embeddedBroker.ts";
import { DoorAgent } from "../../agent/src/doorAgent.ts";
import { ChainTrust } from "../../agent/src/chainTrust.ts";
import { SimulatorDriver } from "../../agent/src/drivers/simulator.ts";
import { createAgentLogger } from "../../agent/src/log.ts";
import { demoLockKey } from "../../server/demoKeys.ts";
import { MQTT_PROTOCOL_VERSION } from "../../protocol/doorMqtt.ts";
import { PULSES_PER_MIN } from "../../server/http/routes/doorOps.ts";
import type { DoorLiveStatus } from "../../protocol/api/doorOps.ts";

const ORIGIN = "http://localhost:5173";
type StatusAnswer = { venueId: number; broker: string; doors: DoorLiveStatus[] };

describe("operator doors: live status and remote pulse", () => {
  let h: Harness;
  let broker: EmbeddedBroker;
  let agent: DoorAgent | undefined;
  let spy: MqttClient;
  const commands: string[] = [];
  const locks = new Map<number, SimulatorDriver>();
  const cookies: Record<"operator" | "member" | "stranger", string> = { operator: "", member: "", stranger: "" };

  const startAgent = async () => {
    const a = new DoorAgent({
      agentId: "le-lab",
      venue: h.venue.venueId,
      chainId: 31337,
      contract: h.p.address,
      broker: { url: broker.url },
      doors: [h.venue.street, h.venue.roomDoor].map((id) => ({
        id,
        key: demoLockKey(id),
        driver: locks.get(id)!,
        pulseSeconds: 1,
      })),
      trust: new ChainTrust(h.chain.rpcUrl, h.p.address),
      clock: () => h.clock.now,
      logger: createAgentLogger("error", () => undefined),
      reconnect: { minMs: 50, maxMs: 200 },
    });
    await a.start();
    return a;
  };

  const status = async (cookie: string | null, venue: number | string = h.venue.venueId) => {
    const r = await fetch(`${h.relayer.url}/api/venues/${venue}/doors/status`, {
      headers: cookie ? { cookie } : {},
    });
    return { status: r.status, body: (await r.json()) as StatusAnswer & { error?: { code: string } } };
  };
  const doorView = async (door: number) => (await status(cookies.operator)).body.doors.find((d) => d.door === door)!;
  const until = async (what: string, test: () => Promise<boolean>, ms = 5000) => {
    const deadline = Date.now() + ms;
    while (!(await test())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const pulse = async (cookie: string | null, door: number | string, origin: string | null = ORIGIN) => {
    const headers: Record<string, string> = {};
    if (cookie) headers.cookie = cookie;
    if (origin) headers.origin = origin;
    const r = await fetch(`${h.relayer.url}/api/doors/${door}/pulse`, { method: "POST", headers });
    return {
      status: r.status,
      body: (await r.json()) as { result?: string; reason?: string; requestId?: string; error?: { code: string } },
    };
  };
  /** The audit records of one request (newest first). */
  const recordsOf = async (requestId: string) =>
    (await h.relayer.ctx.audit.query({ venues: [h.venue.venueId], limit: 1000 })).filter(
      (x) => x.requestId === requestId,
    );
  const pulses = () => [...locks.values()].reduce((n, l) => n + l.pulses.length, 0);

  before(async () => {
    broker = await startEmbeddedBroker();
    h = await startHarness({ BROKER_URL: broker.url, LOCK_TIMEOUT_MS: "2000" }, { lock: "broker" });
    // The relayer and the agent share a clock that ticks with real time (an open command lives 1 s).
    const offset = h.clock.now - Math.floor(Date.now() / 1000);
    Object.defineProperty(h.clock, "now", { get: () => Math.floor(Date.now() / 1000) + offset, configurable: true });
    locks.set(h.venue.street, new SimulatorDriver());
    locks.set(h.venue.roomDoor, new SimulatorDriver());
    // A member holds a pass at the venue: a member, not the operator.
    const member = h.chain.accounts[2];
    const slot = Math.floor((await h.p.chainNow()) / HOUR) * HOUR;
    await h.p.book(member, h.venue.office, slot, slot + HOUR);
    cookies.operator = await sessionCookie(h.relayer.url, h.venue.operator.privateKey, h.clock.now);
    cookies.member = await sessionCookie(h.relayer.url, member.privateKey, h.clock.now);
    cookies.stranger = await sessionCookie(h.relayer.url, h.chain.accounts[3].privateKey, h.clock.now);
    // Everything published to any door's command topic.
    spy = connect(broker.url, {
      protocolVersion: MQTT_PROTOCOL_VERSION,
      clientId: `spy-${randomBytes(3).toString("hex")}`,
    });
    await new Promise<void>((resolve) => spy.once("connect", () => resolve()));
    await spy.subscribeAsync("pp/v1/venue/+/door/+/cmd", { qos: 1 });
    spy.on("message", (_topic, payload) => commands.push((JSON.parse(payload.toString()) as { type: string }).type));
    await until(
      "the relayer's broker connection",
      async () => (await status(cookies.operator)).body.broker === "connected",
    );
  });
  after(async () => {
    await agent?.stop();
    await spy?.endAsync(true);
    await h?.stop();
    await broker?.close();
  });

  describe("live status", () => {
    it("says unknown for every door before any agent was heard — never online, never locked", async () => {
      const r = await status(cookies.operator);
      assert.equal(r.status, 200);
      assert.deepEqual(
        r.body.doors.map((d) => d.door),
        [h.venue.street, h.venue.roomDoor],
      );
      for (const d of r.body.doors) {
        assert.equal(d.connection, "unknown");
        assert.equal(d.state, "unknown");
        assert.equal(d.since, null);
        assert.equal(d.lastOpening, null);
      }
    });

    it("shows the doors online once their agent connects, then offline by its Last Will, then back", async () => {
      const t0 = h.clock.now;
      agent = await startAgent();
      await until("online", async () => (await doorView(h.venue.street)).connection === "online");
      const online = await doorView(h.venue.street);
      assert.equal(online.state, "locked");
      assert.equal(online.agent, "le-lab");
      assert.ok(online.since! >= t0 - 1 && online.since! <= h.clock.now, "online since the agent connected");

      // The agent dies without a goodbye: the broker publishes its Last Will.
      agent.kill();
      const killedAt = h.clock.now;
      await until("offline", async () => (await doorView(h.venue.street)).connection === "offline");
      const offline = await doorView(h.venue.street);
      assert.equal(offline.state, "unknown", "an offline lock's state is not claimed");
      assert.ok(offline.since! >= killedAt - 1 && offline.since! <= h.clock.now + 1, "offline since it was heard so");

      agent = await startAgent();
      await until("online again", async () => (await doorView(h.venue.street)).connection === "online");
      assert.equal((await doorView(h.venue.roomDoor)).connection, "online");
    });

    it("is for the venue's operator only", async () => {
      assert.equal((await status(null)).status, 401);
      assert.equal((await status(cookies.member)).status, 403);
      assert.equal((await status(cookies.stranger)).status, 403);
      assert.equal((await status(cookies.operator, 999)).status, 404);
      assert.equal((await status(cookies.operator, "x")).status, 400);
    });
  });

  describe("remote pulse", () => {
    it("opens the door for the venue's operator, through the agent, and audits it as an operator pulse", async () => {
      agent ??= await startAgent();
      const before = locks.get(h.venue.street)!.pulses.length;
      const r = await pulse(cookies.operator, h.venue.street);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.result, "opened");
      assert.equal(locks.get(h.venue.street)!.pulses.length, before + 1);
      const records = await recordsOf(r.body.requestId!);
      const byReason = new Map(records.map((x) => [x.reason, x]));
      assert.deepEqual([...byReason.keys()].sort(), ["operator_pulse", "operator_pulse_opened"]);
      const intent = byReason.get("operator_pulse")!;
      assert.equal(intent.signer, h.venue.operator.address.toLowerCase());
      assert.equal(intent.door, h.venue.street);
      assert.equal(intent.venue, h.venue.venueId);
      assert.equal(intent.pass, null, "no pass stands in for the operator");
      assert.match(intent.challenge!, /^0x[0-9a-f]{64}$/);
      assert.ok(intent.id < byReason.get("operator_pulse_opened")!.id, "recorded before the outcome");
      // The door's status tells of the opening.
      await until("last opening", async () => (await doorView(h.venue.street)).lastOpening !== null);
    });

    it("refuses a member and a stranger, sends nothing to the broker, and records the attempt", async () => {
      const sent = commands.length;
      const opened = pulses();
      for (const who of ["member", "stranger"] as const) {
        const r = await pulse(cookies[who], h.venue.street);
        assert.equal(r.status, 403, who);
        assert.equal(r.body.error?.code, "forbidden");
      }
      await new Promise((r) => setTimeout(r, 200));
      assert.equal(commands.length, sent, "no command reached the broker");
      assert.equal(pulses(), opened);
      const refused = await h.relayer.ctx.audit.query({ reason: "operator_pulse_forbidden" });
      assert.equal(refused.length, 2);
    });

    it("refuses a request without a session, from another origin, for an unknown door or a bad id", async () => {
      const sent = commands.length;
      assert.equal((await pulse(null, h.venue.street)).status, 401);
      assert.equal((await pulse(cookies.operator, h.venue.street, null)).status, 403);
      assert.equal((await pulse(cookies.operator, h.venue.street, "https://evil.example")).status, 403);
      assert.equal((await pulse(cookies.operator, 999)).status, 404);
      assert.equal((await pulse(cookies.operator, "x")).status, 400);
      await new Promise((r) => setTimeout(r, 200));
      assert.equal(commands.length, sent, "no command reached the broker");
    });

    it("sends no open command when the pulse cannot be recorded (fail closed)", async () => {
      agent ??= await startAgent();
      const audit = h.relayer.ctx.audit;
      const record = audit.record.bind(audit);
      audit.record = () => Promise.reject(new Error("disk full"));
      const sent = commands.length;
      const opened = pulses();
      try {
        const r = await pulse(cookies.operator, h.venue.street);
        assert.equal(r.status, 503);
        assert.equal(r.body.error?.code, "audit_unavailable");
      } finally {
        audit.record = record;
      }
      await new Promise((r) => setTimeout(r, 200));
      assert.deepEqual(commands.slice(sent), ["challenge"], "only the challenge was asked for");
      assert.equal(pulses(), opened);
    });

    it("answers unreachable when the door's agent is gone, and audits that", async () => {
      await agent!.stop();
      agent = undefined;
      const r = await pulse(cookies.operator, h.venue.roomDoor);
      assert.equal(r.status, 200);
      assert.equal(r.body.result, "unreachable");
      const records = await recordsOf(r.body.requestId!);
      assert.deepEqual(
        records.map((x) => x.reason),
        ["operator_pulse_unreachable"],
      );
    });

    it("limits an operator's pulses per minute", async () => {
      agent = await startAgent();
      let limited = 0;
      for (let i = 0; i < PULSES_PER_MIN + 1; i++) {
        const r = await pulse(cookies.operator, h.venue.roomDoor);
        if (r.status === 429) limited++;
      }
      assert.ok(limited >= 1, "the last pulses are refused");
      const sent = commands.length;
      assert.equal((await pulse(cookies.operator, h.venue.roomDoor)).status, 429);
      await new Promise((r) => setTimeout(r, 200));
      assert.equal(commands.length, sent, "a limited pulse sends nothing");
    });
  });
});
