// The door agent: one per venue, serving all its doors. It connects OUT to the network's MQTT broker
// (MQTT 3.1.1, QoS 1, TLS in production; reconnect with exponential backoff and full jitter), so the
// venue needs no inbound port. It answers challenge requests with lock-signed challenges, checks
// open commands (DoorGuard: trusted relayer, this door, single-use challenge, expiry by its clock),
// drives the lock through its driver within the command's budget and answers, signed by the lock
// key. It keeps a retained status per door and per agent (the agent's Last Will marks it offline).
//
// Every decision is first written to the door log (agent/src/doorLog.ts) and answered only once its
// record is durable: a grant is recorded before the lock is driven, so a log that cannot be written
// keeps the door shut (fail closed, reason `log_unavailable`). The log's backlog is uploaded to the
// relayers over the same connection (agent/src/logUploader.ts). `challenge(door)`, `doorStatus(door)`
// and `onDecision` serve a door screen on the LAN.
import { connect, type IClientOptions, type MqttClient } from "mqtt";
import {
  MQTT_PROTOCOL_VERSION,
  encodeDoorMessage,
  parseDoorRequest,
  parseDoorTopic,
  topics,
  type AgentStatus,
  type DoorStatus,
  type OpenAnswer,
  type OpenRequest,
  type OpenResult,
} from "../../protocol/doorMqtt.ts";
import type { Clock } from "./clock.ts";
import { DoorGuard, type TrustSource } from "./doorGuard.ts";
import { DriverError, withinBudget, type LockDriver } from "./drivers/driver.ts";
import { lockCrypto, type Challenge, type Hex } from "./lockCrypto.ts";
import type { AgentLogger } from "./log.ts";
import type { LogEntry, LogKind } from "../../protocol/doorLog.ts";
// Types only: node:sqlite loads where the log is opened (main.ts quiets its experimental warning first).
import type { DecisionLog, DoorLog } from "./doorLog.ts";
import { LogUploader } from "./logUploader.ts";

export type AgentDoor = { id: number; key: Hex; driver: LockDriver; pulseSeconds: number };

export type BrokerOptions = {
  url: string;
  username?: string;
  password?: string;
  /** PEM of the CA that signed the broker's certificate (a private CA); else the system's. */
  ca?: string | Buffer;
};

export type DoorAgentOptions = {
  agentId: string;
  venue: number;
  chainId: number;
  contract: Hex;
  broker: BrokerOptions;
  doors: AgentDoor[];
  trust: TrustSource;
  clock: Clock;
  logger: AgentLogger;
  challengeTtlS?: number;
  /** Most time a driver gets for one pulse; the command's expiry cuts it shorter. */
  driverBudgetMs?: number;
  /** Reconnect backoff: first wait, cap, and the random source of the jitter. */
  reconnect?: { minMs?: number; maxMs?: number; random?: () => number };
  /** How often the doors' state is read from the drivers (0: only after openings). */
  statusIntervalMs?: number;
  keepaliveS?: number;
  /** The door log: every decision is recorded there before it is answered (none: not recorded). */
  doorLog?: DecisionLog;
  /** Acknowledged records older than this are pruned (hourly); default 30 days. */
  logKeepAckedDays?: number;
  /** Records per upload batch, and how long to wait for a relayer's ack before resending. */
  logUpload?: { batch?: number; ackTimeoutMs?: number };
};

export type DoorDecision = {
  door: number;
  id: string;
  relayer: Hex | null;
  result: OpenResult;
  reason: string;
  time: number;
  /** `online` (a relayer's command) unless said otherwise; offline decisions name their pass. */
  kind?: LogKind;
  pass?: string | null;
  /** Decided by the agent alone from a scanned DoorPass (agent/src/offline/), with its pass and serial. */
  offline?: { passId: string | null; serial: number | null };
};

export class DoorAgent {
  readonly o: DoorAgentOptions;
  readonly guard: DoorGuard;
  private readonly crypto;
  private readonly doors = new Map<number, AgentDoor>();
  private readonly status = new Map<number, DoorStatus>();
  private client: MqttClient | null = null;
  private stopping = false;
  private attempts = 0;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private statusTimer: NodeJS.Timeout | undefined;
  private pruneTimer: NodeJS.Timeout | undefined;
  /** Uploads the door log's backlog (only with a DoorLog, not a bare DecisionLog). */
  readonly uploader: LogUploader | null;
  private onlineSince = 0;
  private readonly listeners = new Set<(d: DoorDecision) => void>();
  private readonly linkListeners = new Set<(up: boolean) => void>();
  private readonly statusListListeners = new Set<(payload: Buffer) => void>();
  private connectedWaiters: (() => void)[] = [];
  /** Counters for the operator and the benchmark. */
  readonly stats = { commands: 0, opened: 0, refused: 0, dropped: 0, connects: 0 };

  constructor(o: DoorAgentOptions) {
    this.o = o;
    this.crypto = lockCrypto(o.chainId, o.contract);
    for (const d of o.doors) this.doors.set(d.id, d);
    this.guard = new DoorGuard({
      crypto: this.crypto,
      keys: new Map(o.doors.map((d) => [d.id, d.key])),
      trust: o.trust,
      clock: o.clock,
      challengeTtlS: o.challengeTtlS ?? 120,
    });
    const log = uploadable(o.doorLog);
    this.uploader = log
      ? new LogUploader({
          log,
          venue: o.venue,
          agentId: o.agentId,
          logger: o.logger,
          publish: (topic, payload) => this.publishRaw(topic, payload),
          ...o.logUpload,
        })
      : null;
    const now = o.clock();
    for (const d of o.doors)
      this.status.set(d.id, {
        v: 1,
        door: d.id,
        agent: o.agentId,
        online: false,
        since: now,
        state: "unknown",
        contact: null,
        lastOpening: null,
        battery: null,
        time: now,
      });
  }

  /** Connects (and keeps reconnecting) to the broker. Resolves on the first connection. */
  start(): Promise<void> {
    const o = this.o;
    const options: IClientOptions = {
      protocolVersion: MQTT_PROTOCOL_VERSION,
      clientId: `agent-${o.agentId}`,
      clean: true,
      keepalive: o.keepaliveS ?? 30,
      reconnectPeriod: 0, // our own backoff with jitter, below
      // mqtt-packet would otherwise pre-allocate 65,536 two-byte Buffers for packet ids (≈13 MB
      // of RSS measured, a sixth of a small Pi's budget for the agent) to save an allocation.
      writeCache: false,
      connectTimeout: 10_000,
      username: o.broker.username,
      password: o.broker.password,
      ...(o.broker.ca ? { ca: o.broker.ca } : {}),
      rejectUnauthorized: true,
      will: {
        topic: topics.agentStatus(o.venue, o.agentId),
        payload: Buffer.from(encodeDoorMessage(this.agentStatus(false))),
        qos: 1,
        retain: true,
      },
    };
    const client = connect(o.broker.url, options);
    this.client = client;
    client.on("connect", () => void this.onConnect());
    client.on("close", () => this.onClose());
    client.on("error", (err) => o.logger.warn({ err: err.message }, "broker connection error"));
    client.on("message", (topic, payload) => void this.receive(topic, payload));
    if (o.statusIntervalMs) this.statusTimer = setInterval(() => void this.refreshAll(), o.statusIntervalMs).unref();
    const log = uploadable(o.doorLog);
    if (log) {
      const prune = () => {
        try {
          const pruned = log.prune(o.logKeepAckedDays ?? 30);
          if (pruned) o.logger.info({ pruned }, "acknowledged door log records pruned");
        } catch (err) {
          o.logger.warn({ err: (err as Error).message }, "door log not pruned");
        }
      };
      prune();
      this.pruneTimer = setInterval(prune, 3_600_000).unref();
    }
    return new Promise((resolve) => this.connectedWaiters.push(resolve));
  }

  /** Marks every door offline (retained), then disconnects (at most ~2 s). */
  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.reconnectTimer);
    clearInterval(this.statusTimer);
    clearInterval(this.pruneTimer);
    this.uploader?.disconnected();
    const client = this.client;
    const bounded = (p: Promise<unknown>, ms: number) =>
      Promise.race([p.catch(() => undefined), new Promise((r) => setTimeout(r, ms).unref())]);
    if (client?.connected) {
      const now = this.o.clock();
      await bounded(
        Promise.all([
          ...[...this.status.values()].map((s) =>
            this.publish(topics.doorStatus(this.o.venue, s.door), { ...s, online: false, since: now, time: now }, true),
          ),
          this.publish(topics.agentStatus(this.o.venue, this.o.agentId), this.agentStatus(false), true),
        ]),
        1000,
      );
    }
    if (client) await bounded(new Promise<void>((resolve) => client.end(true, {}, () => resolve())), 1000);
    for (const d of this.doors.values()) d.driver.close?.();
  }

  /** Cuts the broker connection without a goodbye (tests: the broker then publishes the Last Will). */
  kill(): void {
    this.stopping = true;
    clearTimeout(this.reconnectTimer);
    clearInterval(this.statusTimer);
    clearInterval(this.pruneTimer);
    this.uploader?.disconnected();
    this.client?.stream.destroy();
    this.client?.end(true);
  }

  get connected(): boolean {
    return this.client?.connected ?? false;
  }

  /** A fresh lock-signed challenge for a door served here (the door screen's QR code). */
  challenge(door: number): Promise<Challenge | null> {
    return this.guard.issueChallenge(door);
  }

  /** The door's last known status. */
  doorStatus(door: number): DoorStatus | undefined {
    return this.status.get(door);
  }

  /** Every decision taken here, as it is answered. */
  onDecision(listener: (d: DoorDecision) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Writes a decision to the door log; resolves once its record is durable, rejects when it cannot
   * be written — the caller must then not open (fail closed). A grant is logged before the lock is
   * driven, a lock failure after it (`lock_failed`). The offline path logs through here too.
   */
  async logDecision(entry: Omit<LogEntry, "time"> & { time?: number }): Promise<void> {
    const log = this.o.doorLog;
    if (!log) return;
    await log.append({ ...entry, time: entry.time ?? this.o.clock() });
    this.uploader?.kick();
  }

  /** Reports a decision to the listeners (the door screen, tests) once it is recorded and taken. */
  emitDecision(d: DoorDecision): void {
    for (const l of this.listeners) l(d);
  }

  /** logDecision, reporting a failure on the agent's log as false. */
  private async recorded(entry: Omit<LogEntry, "time">): Promise<boolean> {
    try {
      await this.logDecision(entry);
      return true;
    } catch (err) {
      this.o.logger.error(
        { door: entry.door, ref: entry.ref, err: (err as Error).message },
        "door log write failed: the door stays shut",
      );
      return false;
    }
  }

  /** The broker connection coming up (true) or going down (false). */
  onLink(listener: (up: boolean) => void): () => void {
    this.linkListeners.add(listener);
    return () => this.linkListeners.delete(listener);
  }

  /** The venue's retained status list (offline DoorPass revocations), as the broker delivers it. */
  onStatusList(listener: (payload: Buffer) => void): () => void {
    this.statusListListeners.add(listener);
    return () => this.statusListListeners.delete(listener);
  }

  /** A decision taken outside the broker path (the offline path), told to every decision listener. */
  report(d: DoorDecision): void {
    if (d.result === "opened") this.stats.opened++;
    else this.stats.refused++;
    this.emitDecision(d);
  }

  private agentStatus(online: boolean): AgentStatus {
    return { v: 1, agent: this.o.agentId, online, since: this.o.clock(), doors: [...this.doors.keys()] };
  }

  private async onConnect(): Promise<void> {
    const o = this.o;
    this.attempts = 0;
    this.stats.connects++;
    this.onlineSince = o.clock();
    o.logger.info({ broker: o.broker.url, doors: [...this.doors.keys()] }, "connected to the broker");
    const client = this.client!;
    try {
      await client.subscribeAsync(
        [
          ...[...this.doors.keys()].map((d) => topics.command(o.venue, d)),
          ...(this.uploader ? [this.uploader.ackTopic] : []),
          ...(this.statusListListeners.size ? [topics.statusList(o.venue)] : []),
        ],
        { qos: 1 },
      );
      await this.publish(topics.agentStatus(o.venue, o.agentId), this.agentStatus(true), true);
      await Promise.all([...this.doors.keys()].map((d) => this.refresh(d, true)));
    } catch (err) {
      o.logger.warn({ err: (err as Error).message }, "subscribing or announcing failed: reconnecting");
      client.stream?.destroy();
      return;
    }
    for (const w of this.connectedWaiters.splice(0)) w();
    this.uploader?.connectedNow();
    for (const l of this.linkListeners) l(true);
  }

  private onClose(): void {
    this.uploader?.disconnected();
    for (const l of this.linkListeners) l(false);
    if (this.stopping) return;
    const { minMs = 250, maxMs = 30_000, random = Math.random } = this.o.reconnect ?? {};
    // Exponential backoff with full jitter: hundreds of agents coming back after a broker restart
    // spread over the window instead of knocking all at once.
    const ceiling = Math.min(maxMs, minMs * 2 ** Math.min(this.attempts, 16));
    const wait = Math.round(ceiling * random());
    this.attempts++;
    this.o.logger.info({ attempt: this.attempts, waitMs: wait }, "broker connection lost: reconnecting");
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = setTimeout(() => {
      if (!this.stopping) this.client?.reconnect();
    }, wait);
  }

  /** Handles one message from the broker (public for tests: a topic the broker would not route). */
  async receive(topic: string, payload: Buffer): Promise<void> {
    const log = this.o.logger;
    if (this.uploader && topic === this.uploader.ackTopic) {
      this.uploader.onAck(payload);
      return;
    }
    const t = parseDoorTopic(topic);
    if (t?.kind === "status-list" && t.venue === this.o.venue && this.statusListListeners.size) {
      for (const l of this.statusListListeners) l(payload);
      return;
    }
    if (!t || t.kind !== "cmd" || t.venue !== this.o.venue || !this.doors.has(t.door)) {
      this.stats.dropped++;
      log.warn({ topic, bytes: payload.byteLength }, "dropped: message on a topic this agent does not serve");
      return;
    }
    const parsed = parseDoorRequest(payload);
    if (!parsed.ok) {
      this.stats.dropped++;
      log.warn({ topic, bytes: payload.byteLength, problem: parsed.reason }, "dropped: unreadable command");
      return;
    }
    const req = parsed.value;
    try {
      if (req.type === "challenge") {
        const challenge = req.door === t.door ? await this.guard.issueChallenge(t.door) : null;
        await this.publish(req.replyTo, { v: 1, type: "challenge", id: req.id, door: t.door, challenge }, false);
        return;
      }
      await this.open(t.door, req);
    } catch (err) {
      log.error({ topic, err: (err as Error).message }, "answer not sent");
    }
  }

  private async open(door: number, req: OpenRequest): Promise<void> {
    const o = this.o;
    this.stats.commands++;
    const cmd = req.command;
    const verdict = await this.guard.admit(door, cmd);
    let result: OpenResult = "refused";
    let reason: string;
    const entry = { door, kind: "online" as const, ref: cmd.challenge, relayer: cmd.relayer, pass: null };
    if (!verdict.ok) {
      reason = verdict.reason;
      if (!(await this.recorded({ ...entry, result: "refused", reason }))) reason = "log_unavailable";
    } else if (!(await this.recorded({ ...entry, result: "granted", reason: "granted" }))) {
      reason = "log_unavailable";
    } else {
      const d = this.doors.get(door)!;
      // The driver may act only while the command is valid: until the end of second `expires`.
      const left = Math.min(o.driverBudgetMs ?? 3000, (cmd.expires + 1 - o.clock()) * 1000);
      try {
        await withinBudget(left, (signal) => d.driver.pulse(d.pulseSeconds, signal));
        result = "opened";
        reason = "opened";
      } catch (err) {
        const e = err as DriverError;
        result = e.code === "jammed" ? "jammed" : "refused";
        reason = e.code;
        o.logger.warn({ door, driver: d.driver.kind, err: e.message }, "lock driver failed");
        // The grant is in the log already; the failure follows it (the door did not open either way).
        await this.recorded({ ...entry, result: "lock_failed", reason });
      }
    }
    const time = o.clock();
    const signature = await this.guard.sign(door, this.crypto.answerDigest({ door, id: req.id, result, reason, time }));
    const answer: OpenAnswer = { v: 1, type: "open", id: req.id, door, result, reason, time, signature };
    if (result === "opened") this.stats.opened++;
    else this.stats.refused++;
    const line = { door, challenge: cmd.challenge, relayer: cmd.relayer, result, reason };
    if (result === "opened") o.logger.info(line, "door opened");
    else o.logger.warn(line, "open command refused");
    this.emitDecision({ door, id: req.id, relayer: cmd.relayer, result, reason, time, kind: "online", pass: null });
    await this.publish(req.replyTo, answer, false);
    await this.publish(
      topics.doorEvents(o.venue, door),
      { ...answer, type: "decision", relayer: cmd.relayer },
      false,
    ).catch((err: Error) => o.logger.warn({ door, err: err.message }, "decision event not published"));
    if (result !== "refused" || reason === "lock_unreachable") {
      const s = this.status.get(door)!;
      if (result === "opened") this.status.set(door, { ...s, lastOpening: time });
      void this.refresh(door, false);
    }
  }

  private async refreshAll(): Promise<void> {
    await Promise.all([...this.doors.keys()].map((d) => this.refresh(d, false)));
  }

  /** Reads the driver (briefly) and publishes the door's retained status when it changed. */
  private async refresh(door: number, announce: boolean): Promise<void> {
    const d = this.doors.get(door)!;
    const prev = this.status.get(door)!;
    let reading;
    try {
      reading = await withinBudget(2000, (signal) => d.driver.read(signal));
    } catch {
      reading = { state: "unknown" as const };
    }
    const now = this.o.clock();
    const next: DoorStatus = {
      ...prev,
      online: true,
      since: announce || !prev.online ? this.onlineSince : prev.since,
      state: reading.state,
      contact: reading.contact ?? null,
      battery: reading.battery ?? null,
      time: now,
    };
    const changed =
      announce ||
      prev.online !== next.online ||
      prev.state !== next.state ||
      prev.contact !== next.contact ||
      prev.battery !== next.battery ||
      prev.lastOpening !== next.lastOpening;
    this.status.set(door, next);
    if (changed && this.client?.connected)
      await this.publish(topics.doorStatus(this.o.venue, door), next, true).catch(() => undefined);
  }

  private publish(topic: string, message: Parameters<typeof encodeDoorMessage>[0], retain: boolean): Promise<void> {
    const client = this.client;
    if (!client) return Promise.reject(new Error("not connected"));
    return client.publishAsync(topic, encodeDoorMessage(message), { qos: 1, retain }).then(() => undefined);
  }

  private publishRaw(topic: string, payload: string): Promise<void> {
    const client = this.client;
    if (!client?.connected) return Promise.reject(new Error("not connected"));
    return client.publishAsync(topic, payload, { qos: 1 }).then(() => undefined);
  }
}

/** The full door log (upload, pruning), as opposed to a bare DecisionLog. */
function uploadable(log: DecisionLog | undefined): DoorLog | null {
  return log && typeof (log as Partial<DoorLog>).records === "function" ? (log as DoorLog) : null;
}
