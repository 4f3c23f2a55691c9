// How the relayer talks to locks: fetch a fresh challenge for a door, and deliver an open command.
// In production and the demo: through the MQTT broker to the venue's door agent
// (mqttLockAdapter.ts). In the relayer's own tests: a lock simulator in the same process.
import type { Challenge, OpenCommand } from "../../protocol/eip712.ts";
import type { LockSimulator } from "./lockSimulator.ts";

export type DeliveryResult =
  { status: "opened" } | { status: "refused"; reason: string } | { status: "unreachable"; reason: string };

export interface LockAdapter {
  /** A fresh challenge issued by the door's lock, or null when the adapter serves no such door. */
  getChallenge(doorId: number): Promise<Challenge | null>;
  /** Sends a signed open command to the door's lock and waits for its answer. Never throws. */
  deliver(command: OpenCommand): Promise<DeliveryResult>;
  /** Releases the connection (at relayer shutdown). */
  close?(): Promise<void>;
  /** Publishes a retained message to the venues' agents (the status lists); rejects when it cannot. */
  publishRetained?(topic: string, payload: string): Promise<void>;
}

/** Adapter for a lock simulator in the same process (tests). */
export class InProcessLockAdapter implements LockAdapter {
  private readonly sim: LockSimulator;
  constructor(sim: LockSimulator) {
    this.sim = sim;
  }
  getChallenge(doorId: number): Promise<Challenge | null> {
    return Promise.resolve(this.sim.issueChallenge(doorId));
  }
  async deliver(command: OpenCommand): Promise<DeliveryResult> {
    const r = await this.sim.submit(command.door, command);
    return r.result === "opened" ? { status: "opened" } : { status: "refused", reason: r.reason };
  }
}
