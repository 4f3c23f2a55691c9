// Uploads the door log's backlog to the relayers over the broker the agent is already connected to
// (protocol/doorLog.ts): on every (re)connection and after every new record, the records from the
// relayers' acknowledged sequence on, in order, one batch in flight at a time, QoS 1. A relayer
// answers on the agent's logack topic with the highest contiguous sequence it holds; the next batch
// starts there, so a batch lost halfway (the broker or the relayer dropped) is sent again from the
// first record not held: no gap, and a record sent twice is stored once (keyed by agent and seq).
// A refused history (fork, bad record) stops the upload until the next connection, loudly.
import { encodeLogMessage, logTopics, parseLogAck, MAX_LOG_BATCH } from "../../protocol/doorLog.ts";
import type { DoorLog } from "./doorLog.ts";
import type { AgentLogger } from "./log.ts";

export type LogUploaderOptions = {
  log: DoorLog;
  venue: number;
  agentId: string;
  logger: AgentLogger;
  publish(topic: string, payload: string): Promise<void>;
  batch?: number;
  /** No ack within this → the batch is sent again. */
  ackTimeoutMs?: number;
};

export class LogUploader {
  private readonly o: LogUploaderOptions;
  private connected = false;
  private refused = false;
  /** The next sequence to send (the relayers' acked + 1). */
  private from = 1;
  private inFlight: { upTo: number; timer: NodeJS.Timeout } | null = null;
  readonly stats = { batches: 0, records: 0, resent: 0, refusals: 0 };

  constructor(o: LogUploaderOptions) {
    this.o = o;
  }

  get ackTopic(): string {
    return logTopics.ack(this.o.venue, this.o.agentId);
  }

  /** Uploading resumes from the last acknowledged record. */
  connectedNow(): void {
    this.connected = true;
    this.refused = false;
    this.from = this.o.log.acked + 1;
    this.clearInFlight();
    this.kick();
  }

  disconnected(): void {
    this.connected = false;
    this.clearInFlight();
  }

  /** Sends the next batch when connected and none is in flight. */
  kick(): void {
    if (!this.connected || this.refused || this.inFlight) return;
    const from = Math.max(this.from, this.o.log.firstKept());
    const records = this.o.log.records(from, this.o.batch ?? MAX_LOG_BATCH);
    if (records.length === 0) return;
    const upTo = records[records.length - 1].seq;
    const timer = setTimeout(() => {
      this.inFlight = null;
      this.stats.resent++;
      this.kick();
    }, this.o.ackTimeoutMs ?? 5000);
    timer.unref();
    this.inFlight = { upTo, timer };
    this.stats.batches++;
    this.stats.records += records.length;
    const message = encodeLogMessage({ v: 1, type: "log", records });
    this.o.publish(logTopics.upload(this.o.venue, this.o.agentId), message).catch((err: Error) => {
      this.o.logger.warn({ err: err.message }, "door log batch not sent: retrying on the next connection");
      this.clearInFlight();
    });
  }

  /** A relayer's answer on the logack topic. */
  onAck(payload: Buffer): void {
    const parsed = parseLogAck(payload);
    if (!parsed.ok) {
      this.o.logger.warn({ problem: parsed.problem }, "dropped: unreadable door log ack");
      return;
    }
    const ack = parsed.value;
    const log = this.o.log;
    if (ack.acked > log.head.seq) {
      // A relayer holding more than this agent ever wrote: another database with this agent id.
      this.o.logger.error(
        { acked: ack.acked, head: log.head.seq },
        "relayers hold more door log records than this agent wrote",
      );
    }
    if (ack.status === "fork" || ack.status === "invalid") {
      // Not an acknowledgement of these records: after a fork, `acked` counts another history's.
      this.refused = true;
      this.stats.refusals++;
      this.clearInFlight();
      this.o.logger.error(
        { status: ack.status, seq: ack.seq, problem: ack.problem, acked: ack.acked },
        "door log refused by the relayer: upload stopped until the next connection",
      );
      return;
    }
    log.markAcked(ack.acked);
    // A late "ok" for an earlier batch (several relayers answer each batch) changes nothing.
    if (ack.status === "ok" && this.inFlight && ack.acked < this.inFlight.upTo) return;
    if (ack.status === "gap") this.o.logger.warn({ acked: ack.acked }, "door log gap at the relayer: resending");
    this.from = ack.acked + 1;
    this.clearInFlight();
    this.kick();
  }

  private clearInFlight(): void {
    if (this.inFlight) clearTimeout(this.inFlight.timer);
    this.inFlight = null;
  }
}
