// The relayer's side of the door log upload (protocol/doorLog.ts): subscribed to every agent's log
// topic on the broker, it checks and stores each batch (server/audit/doorLogIngest.ts), one batch
// at a time per agent, and acks on the agent's logack topic with the highest contiguous sequence
// held. A forked history is refused and reported three ways: an error log line, the metric
// relayer_door_log_refusals_total{status="fork"}, and a row in door_log_forks that the venue's
// operator reads in GET /api/audit?venue=….
import { connect, type IClientOptions, type MqttClient } from "mqtt";
import { MQTT_PROTOCOL_VERSION } from "../../protocol/doorMqtt.ts";
import { encodeLogMessage, logTopics, parseLogTopic, parseLogUpload, type LogAck } from "../../protocol/doorLog.ts";
import { ingestLogBatch, type IngestDeps } from "../audit/doorLogIngest.ts";
import type { Logger } from "../logger.ts";

export type DoorLogReceiverOptions = Omit<IngestDeps, "onFork" | "onInvalid"> & {
  url: string;
  username?: string;
  password?: string;
  ca?: string | Buffer;
  instanceId: string;
  logger: Logger;
  /** Called for every refused or stored batch (metrics). */
  onOutcome?(status: LogAck["status"], stored: number): void;
};

export class DoorLogReceiver {
  private readonly o: DoorLogReceiverOptions;
  private client: MqttClient | null = null;
  /** Per agent, the batch being handled: the next waits for it (order and idempotence). */
  private readonly queues = new Map<string, Promise<void>>();
  readonly stats = { batches: 0, dropped: 0 };

  constructor(o: DoorLogReceiverOptions) {
    this.o = o;
  }

  /** Starts connecting (the broker may be down: the client retries every second). */
  connect(): void {
    const options: IClientOptions = {
      protocolVersion: MQTT_PROTOCOL_VERSION,
      clientId: `relayer-${this.o.instanceId}-log`,
      clean: true,
      keepalive: 30,
      reconnectPeriod: 1000,
      connectTimeout: 5000,
      username: this.o.username,
      password: this.o.password,
      ...(this.o.ca ? { ca: this.o.ca } : {}),
      rejectUnauthorized: true,
    };
    const client = connect(this.o.url, options);
    this.client = client;
    client.on("connect", () =>
      client.subscribe(logTopics.allUploads, { qos: 1 }, (err) => {
        if (err) this.o.logger.error({ err: err.message }, "cannot subscribe to the door log uploads");
      }),
    );
    client.on("error", (err) => this.o.logger.debug({ err: err.message }, "door log receiver: broker error"));
    client.on("message", (topic, payload) => this.onMessage(topic, payload));
  }

  /** Resolves once subscribed (tests). */
  async ready(): Promise<void> {
    const client = this.client!;
    if (!client.connected) await new Promise<void>((resolve) => client.once("connect", () => resolve()));
    await client.subscribeAsync(logTopics.allUploads, { qos: 1 });
  }

  async close(): Promise<void> {
    const client = this.client;
    if (client) await new Promise<void>((resolve) => client.end(true, {}, () => resolve()));
    await Promise.allSettled([...this.queues.values()]);
  }

  private onMessage(topic: string, payload: Buffer): void {
    const t = parseLogTopic(topic);
    if (t?.kind !== "log") {
      this.stats.dropped++;
      return;
    }
    const parsed = parseLogUpload(payload, t.agent);
    if (!parsed.ok) {
      this.stats.dropped++;
      this.o.logger.warn(
        { topic, bytes: payload.byteLength, problem: parsed.problem },
        "dropped: unreadable door log upload",
      );
      return;
    }
    const key = `${t.venue}/${t.agent}`;
    const previous = this.queues.get(key) ?? Promise.resolve();
    const next = previous.then(() => this.handle(t.venue, t.agent, parsed.value.records));
    this.queues.set(key, next);
    void next.finally(() => {
      if (this.queues.get(key) === next) this.queues.delete(key);
    });
  }

  private async handle(venue: number, agent: string, records: Parameters<typeof ingestLogBatch>[3]): Promise<void> {
    const log = this.o.logger;
    let ack: LogAck;
    try {
      ack = await ingestLogBatch(
        {
          ...this.o,
          onFork: (f) =>
            log.error({ ...f }, "door log fork: an agent offered another history than the one held (refused)"),
          onInvalid: (r) => log.warn(r, "door log record refused"),
        },
        venue,
        agent,
        records,
      );
    } catch (err) {
      // The store is unavailable: no ack, the agent resends after its timeout.
      log.error({ venue, agent, err: (err as Error).message }, "door log batch not stored");
      return;
    }
    this.stats.batches++;
    const stored = ack.status === "ok" ? records.length : 0;
    this.o.onOutcome?.(ack.status, stored);
    this.client?.publish(logTopics.ack(venue, agent), encodeLogMessage(ack), { qos: 1 }, (err) => {
      if (err) log.warn({ venue, agent, err: err.message }, "door log ack not sent");
    });
  }
}
