// How the relayer reaches locks: through the network's MQTT broker, never by connecting to the
// venue (its agent connects out; protocol/doorMqtt.ts, docs/door-protocol.md §6). Request/response
// over MQTT 3.1.1 at QoS 1: the request goes to the door's cmd topic with this relayer instance's
// response topic and a correlation id (an open command's is its challenge id, covered by the
// relayer's signature); the agent answers there, the answer signed by the door's lock key.
//
// No answer within `timeoutMs` → "unreachable" (the member is told the lock is unreachable). The
// open command expires before the wait ends (server/config.ts caps its TTL), so a command that
// reaches the agent late — the broker restarted, a queued publish — is refused by the agent as
// expired: "unreachable" always means the door did not open.
import { randomBytes } from "node:crypto";
import { connect, type IClientOptions, type MqttClient } from "mqtt";
import {
  MQTT_PROTOCOL_VERSION,
  encodeDoorMessage,
  openRequestId,
  parseDoorAnswer,
  parseDoorTopic,
  topics,
  type DoorAnswer,
} from "../../protocol/doorMqtt.ts";
import type { Challenge, OpenCommand } from "../../protocol/eip712.ts";
import { openAnswerDigest } from "../../protocol/doorAnswer.ts";
import { hexToBuf, recoverSigner, sameAddress, type Hex } from "../door/doorCrypto.ts";
import { readFileSync } from "node:fs";
import type { RelayerConfig } from "../config.ts";
import type { ChainIndex } from "../index/chainIndex.ts";
import type { ChainReader } from "../index/chain.ts";
import type { Logger } from "../logger.ts";
import type { DeliveryResult, LockAdapter } from "./lockAdapter.ts";

export type DoorRoute = { venueId: number; lockKey: Hex };

export type MqttLockAdapterOptions = {
  url: string;
  username?: string;
  password?: string;
  /** PEM of a private CA that signed the broker's certificate. */
  ca?: string | Buffer;
  /** This relayer's instance id (topic-safe): its answers arrive on pp/v1/relayer/<id>/res. */
  instanceId: string;
  /** How long to wait for an agent's answer. */
  timeoutMs: number;
  chainId: number;
  contract: Hex;
  /** The door's venue and lock key (from the index, else the chain), or null for an unknown door. */
  door(doorId: number): Promise<DoorRoute | null>;
  logger: Logger;
  /** Fed the retained door and agent statuses (the operator's live view): this connection then
   * subscribes to both status topic filters too, so a relayer holds one broker connection. */
  statuses?: DoorStatusSink;
};

export type DoorStatusSink = { receive(topic: string, payload: Uint8Array): boolean; connected: boolean };

type Pending = { door: number; settle: (a: DoorAnswer | null) => void; timer: NodeJS.Timeout };

export class MqttLockAdapter implements LockAdapter {
  private readonly o: MqttLockAdapterOptions;
  private readonly responseTopic: string;
  private readonly pending = new Map<string, Pending>();
  private client: MqttClient | null = null;
  /** Answers dropped (unreadable, unsigned, late): a metric for the operator. */
  readonly stats = { late: 0, dropped: 0 };

  constructor(o: MqttLockAdapterOptions) {
    this.o = o;
    this.responseTopic = topics.response(o.instanceId);
  }

  /** Connects and subscribes to this instance's response topic; resolves once subscribed. */
  async start(): Promise<void> {
    this.connect();
    const client = this.client!;
    await new Promise<void>((resolve, reject) => {
      const onError = (err: Error) => reject(err);
      client.once("error", onError);
      client.once("connect", () => {
        client.off("error", onError);
        resolve();
      });
    });
    await client.subscribeAsync(this.subscriptions(), { qos: 1 });
  }

  private subscriptions(): string[] {
    return this.o.statuses ? [this.responseTopic, topics.allDoorStatus, topics.allAgentStatus] : [this.responseTopic];
  }

  /**
   * Starts connecting without waiting (the relayer starts even when the broker is down: its doors
   * answer "unreachable" until the connection is up; the client keeps retrying every second).
   */
  connect(): void {
    const options: IClientOptions = {
      protocolVersion: MQTT_PROTOCOL_VERSION,
      clientId: `relayer-${this.o.instanceId}`,
      clean: true,
      keepalive: 30,
      reconnectPeriod: 1000,
      connectTimeout: 5000,
      username: this.o.username,
      password: this.o.password,
      ...(this.o.ca ? { ca: this.o.ca } : {}),
      rejectUnauthorized: true,
      // While disconnected, a publish fails at once instead of waiting in a queue: the member is told
      // "unreachable" within the budget, and nothing stale leaves after a reconnect.
      queueQoSZero: false,
    };
    const client = connect(this.o.url, options);
    this.client = client;
    client.on("message", (topic, payload) => this.onMessage(topic, payload));
    client.on("error", (err) => this.o.logger.warn({ err: err.message }, "broker connection error"));
    client.on("offline", () =>
      this.o.logger.warn({ broker: this.o.url }, "broker unreachable: doors answer unreachable"),
    );
    client.on("close", () => {
      if (this.o.statuses) this.o.statuses.connected = false;
    });
    client.on("connect", () => {
      // Resubscribe on every (re)connection: the session is clean (the retained statuses come again).
      client.subscribe(this.subscriptions(), { qos: 1 }, (err, granted) => {
        // A broker's ACL refuses a subscription with SUBACK 0x80 (128), not with an error.
        const refused = (granted ?? []).filter((g) => g.qos === 128).map((g) => g.topic);
        if (err || refused.length)
          this.o.logger.error({ err: err?.message, refused }, "cannot subscribe to the response and status topics");
        else if (this.o.statuses) this.o.statuses.connected = true;
      });
    });
  }

  async close(): Promise<void> {
    for (const [, p] of this.pending) {
      clearTimeout(p.timer);
      p.settle(null);
    }
    this.pending.clear();
    const client = this.client;
    if (client) await new Promise<void>((resolve) => client.end(true, {}, () => resolve()));
  }

  /** A retained message at QoS 1 (a venue's status list); rejects at once while disconnected. */
  async publishRetained(topic: string, payload: string): Promise<void> {
    const client = this.client;
    if (!client?.connected) throw new Error("broker not connected");
    await client.publishAsync(topic, payload, { qos: 1, retain: true });
  }

  async getChallenge(doorId: number): Promise<Challenge | null> {
    const route = await this.o.door(doorId);
    if (!route) return null;
    const id = randomBytes(16).toString("hex");
    const answer = await this.request(topics.command(route.venueId, doorId), id, doorId, {
      v: 1,
      type: "challenge",
      id,
      replyTo: this.responseTopic,
      door: doorId,
    });
    if (!answer) throw new Error("the door's agent did not answer");
    if (answer.type !== "challenge") throw new Error("unexpected answer");
    return answer.challenge;
  }

  async deliver(command: OpenCommand): Promise<DeliveryResult> {
    let route: DoorRoute | null;
    try {
      route = await this.o.door(command.door);
    } catch {
      return { status: "unreachable", reason: "lock_unreachable" };
    }
    if (!route) return { status: "refused", reason: "unknown_door" };
    const id = openRequestId(command);
    const answer = await this.request(topics.command(route.venueId, command.door), id, command.door, {
      v: 1,
      type: "open",
      id,
      replyTo: this.responseTopic,
      command,
    });
    if (!answer || answer.type !== "open") return { status: "unreachable", reason: "lock_unreachable" };
    if (answer.result === "opened") return { status: "opened" };
    if (answer.result === "jammed") return { status: "refused", reason: "lock_jammed" };
    if (answer.reason === "lock_unreachable") return { status: "unreachable", reason: "lock_unreachable" };
    return { status: "refused", reason: answer.reason };
  }

  private request(
    topic: string,
    id: string,
    door: number,
    message: Parameters<typeof encodeDoorMessage>[0],
  ): Promise<DoorAnswer | null> {
    const client = this.client;
    if (!client?.connected || this.pending.has(id)) return Promise.resolve(null);
    return new Promise((resolve) => {
      const settle = (a: DoorAnswer | null) => {
        this.pending.delete(id);
        resolve(a);
      };
      const timer = setTimeout(() => settle(null), this.o.timeoutMs);
      this.pending.set(id, { door, settle, timer });
      client.publish(topic, encodeDoorMessage(message), { qos: 1 }, (err) => {
        if (err) {
          clearTimeout(timer);
          settle(null);
        }
      });
    });
  }

  private onMessage(topic: string, payload: Buffer): void {
    const t = parseDoorTopic(topic);
    if (this.o.statuses && (t?.kind === "status" || t?.kind === "agent")) {
      if (!this.o.statuses.receive(topic, payload)) {
        this.stats.dropped++;
        this.o.logger.warn({ topic, bytes: payload.byteLength }, "dropped: unreadable status");
      }
      return;
    }
    if (t?.kind !== "res" || t.relayer !== this.o.instanceId) {
      this.stats.dropped++;
      this.o.logger.warn({ topic }, "dropped: message on an unexpected topic");
      return;
    }
    const parsed = parseDoorAnswer(payload);
    if (!parsed.ok) {
      this.stats.dropped++;
      this.o.logger.warn({ topic, bytes: payload.byteLength, problem: parsed.reason }, "dropped: unreadable answer");
      return;
    }
    const answer = parsed.value;
    const p = this.pending.get(answer.id);
    if (!p || p.door !== answer.door) {
      this.stats.late++;
      this.o.logger.debug({ id: answer.id, door: answer.door }, "answer after the wait or for another request");
      return;
    }
    if (answer.type === "challenge") {
      clearTimeout(p.timer);
      p.settle(answer);
      return;
    }
    void this.verified(answer).then((ok) => {
      if (!ok) {
        this.stats.dropped++;
        this.o.logger.warn({ door: answer.door, id: answer.id }, "dropped: answer not signed by the door's lock");
        return;
      }
      clearTimeout(p.timer);
      p.settle(answer);
    });
  }

  /** An open answer counts only when signed by the door's lock key. */
  private async verified(a: Extract<DoorAnswer, { type: "open" }>): Promise<boolean> {
    let route: DoorRoute | null;
    try {
      route = await this.o.door(a.door);
    } catch {
      return false;
    }
    if (!route) return false;
    const digest = openAnswerDigest(this.o.chainId, this.o.contract, a);
    const signer = recoverSigner(hexToBuf(digest), a.signature);
    return signer !== null && sameAddress(signer, route.lockKey);
  }
}

/**
 * The relayer's adapter from its configuration: doors routed by the event index (a door's venue and
 * lock key), by a direct contract read while the index has not seen the door yet.
 */
export function createBrokerLockAdapter(
  config: RelayerConfig,
  d: { index: ChainIndex; reader: ChainReader; contract: Hex; logger: Logger; statuses?: DoorStatusSink },
): MqttLockAdapter {
  const adapter = new MqttLockAdapter({
    url: config.brokerUrl,
    username: config.brokerUsername,
    password: config.brokerPassword,
    ca: config.brokerCaFile ? readFileSync(config.brokerCaFile) : undefined,
    instanceId: config.relayerInstanceId,
    timeoutMs: config.lockTimeoutMs,
    chainId: config.chainId,
    contract: d.contract,
    async door(id) {
      const door = d.index.doors.get(id) ?? (await d.reader.door(id));
      return door && door.active ? { venueId: door.venueId, lockKey: door.lockKey } : null;
    },
    logger: d.logger,
    statuses: d.statuses,
  });
  adapter.connect();
  return adapter;
}
