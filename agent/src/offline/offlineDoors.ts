// The agent's offline path: scanned DoorPass codes decide at the door once the uplink (the broker
// connection) has been down for `offlineAfterS`; before that, a scanned code is refused with
// `online_use_app` (online, doors decide on chain: the offline path never weakens an online door).
// An admitted code drives the door's driver as an online opening does (a timed pulse within the
// budget). Every decision is first written to the door log (`logDecision`, awaited: a grant is
// durable before the lock moves, and no record means no opening), then told to the decision
// listeners (`report`). The venue's status lists arrive through the agent's subscription.
import type { LogEntry } from "../../../protocol/doorLog.ts";
import type { OpenResult } from "../../../protocol/doorMqtt.ts";
import type { Clock } from "../clock.ts";
import type { AgentDoor, DoorDecision } from "../doorAgent.ts";
import { withinBudget, type DriverError } from "../drivers/driver.ts";
import type { AgentLogger } from "../log.ts";
import type { OfflineGuard, ProvenPass } from "./offlineGuard.ts";
import type { StatusLists } from "./statusLists.ts";

/** What the offline path needs of the agent (DoorAgent has it). */
export type AgentLink = {
  readonly connected: boolean;
  onLink(listener: (up: boolean) => void): () => void;
  onStatusList(listener: (payload: Buffer) => void): () => void;
  report(d: DoorDecision): void;
  logDecision(entry: Omit<LogEntry, "time">): Promise<void>;
};

export type OfflineDoorsOptions = {
  agent: AgentLink;
  doors: AgentDoor[];
  guard: OfflineGuard;
  lists: StatusLists;
  clock: Clock;
  logger: AgentLogger;
  /** Seconds the uplink must have been down before scanned codes open doors. */
  offlineAfterS: number;
  driverBudgetMs: number;
};

export class OfflineDoors {
  private readonly o: OfflineDoorsOptions;
  private readonly doors: Map<number, AgentDoor>;
  /** When the uplink went down; null while it is up. */
  private downSince: number | null;
  private readonly unsubscribe: (() => void)[] = [];

  constructor(o: OfflineDoorsOptions) {
    this.o = o;
    this.doors = new Map(o.doors.map((d) => [d.id, d]));
    this.downSince = o.agent.connected ? null : o.clock();
    this.unsubscribe.push(
      o.agent.onLink((up) => {
        if (up) this.downSince = null;
        else this.downSince ??= o.clock();
      }),
      o.agent.onStatusList((payload) => void this.statusList(payload)),
    );
  }

  /** Whether scanned codes decide now (the uplink has been down long enough). */
  get active(): boolean {
    return this.downSince !== null && this.o.clock() - this.downSince >= this.o.offlineAfterS;
  }

  close(): void {
    for (const u of this.unsubscribe.splice(0)) u();
  }

  /** Decides one scanned line at `door`, drives the lock when admitted, and reports the decision. */
  async scan(door: number, line: string): Promise<DoorDecision> {
    const o = this.o;
    const d = this.doors.get(door);
    let decision: DoorDecision;
    if (!d) throw new Error(`door ${door} is not served here`);
    if (!this.active) {
      decision = await this.refused(door, "", "online_use_app", null);
    } else {
      const v = await o.guard.check(line, door);
      if (!v.ok) {
        decision = await this.refused(door, v.id, v.reason, v.pass);
      } else {
        const pass = v.passId.toString();
        const entry = { door, kind: "offline", ref: v.id, relayer: v.relayer, pass } as const;
        if (!(await this.logged({ ...entry, result: "granted", reason: "granted" }))) {
          decision = this.decided(door, v.id, v.relayer, "refused", "log_unavailable", pass, v.serial);
        } else {
          let result: OpenResult = "opened";
          let reason = "opened";
          try {
            await withinBudget(o.driverBudgetMs, (signal) => d.driver.pulse(d.pulseSeconds, signal));
          } catch (err) {
            const e = err as DriverError;
            result = e.code === "jammed" ? "jammed" : "refused";
            reason = e.code;
            o.logger.warn({ door, driver: d.driver.kind, err: e.message }, "lock driver failed");
            await this.logged({ ...entry, result: "lock_failed", reason: e.code });
          }
          decision = this.decided(door, v.id, v.relayer, result, reason, pass, v.serial);
        }
      }
    }
    if (decision.result === "opened") o.logger.info({ door, id: decision.id, offline: true }, "door opened offline");
    else o.logger.warn({ door, id: decision.id, reason: decision.reason, offline: true }, "scanned code refused");
    o.agent.report(decision);
    return decision;
  }

  /** A refused code, in the door log (an unreadable one under the reference "unreadable"), naming its
   * DoorPass only when the guard proved it (its relayer's signature verified against the trusted set). */
  private async refused(door: number, id: string, reason: string, pass: ProvenPass | null): Promise<DoorDecision> {
    const passId = pass ? pass.passId.toString() : null;
    await this.logged({
      door,
      kind: "offline",
      result: "refused",
      reason,
      ref: id || "unreadable",
      relayer: pass?.relayer ?? null,
      pass: passId,
    });
    return this.decided(door, id, pass?.relayer ?? null, "refused", reason, passId, pass?.serial ?? null);
  }

  /** Writes a decision to the door log; false (logged) when it cannot be written. */
  private async logged(entry: Omit<LogEntry, "time">): Promise<boolean> {
    try {
      await this.o.agent.logDecision(entry);
      return true;
    } catch (err) {
      this.o.logger.error({ door: entry.door, err: (err as Error).message }, "door log write failed");
      return false;
    }
  }

  private decided(
    door: number,
    id: string,
    relayer: DoorDecision["relayer"],
    result: OpenResult,
    reason: string,
    passId: string | null,
    serial: number | null,
  ): DoorDecision {
    return { door, id, relayer, result, reason, time: this.o.clock(), offline: { passId, serial } };
  }

  private async statusList(payload: Buffer): Promise<void> {
    const outcome = await this.o.lists.accept(payload);
    if (outcome === "accepted") this.o.logger.info({ epoch: this.o.lists.epoch }, "status list kept");
    else this.o.logger.warn({ outcome, bytes: payload.byteLength }, "status list refused");
  }
}
