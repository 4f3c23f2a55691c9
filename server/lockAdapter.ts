// How the relayer talks to locks. A real lock bridge implements the same two calls (see
// docs/relayer.md): fetch a fresh challenge for a door, and deliver an open command.
import type { Challenge, OpenCommand } from "../protocol/eip712.ts";
import type { LockSimulator } from "./lockSimulator.ts";

export type DeliveryResult =
  | { status: "opened" }
  | { status: "refused"; reason: string }
  | { status: "unreachable"; reason: string };

export interface LockAdapter {
  /** A fresh challenge issued by the door's lock, or null when the adapter serves no such door. */
  getChallenge(doorId: number): Promise<Challenge | null>;
  /** Pushes a signed open command to the door's lock. Never throws. */
  deliver(command: OpenCommand): Promise<DeliveryResult>;
}

/** Adapter for a lock simulator in the same process (tests). */
export class InProcessLockAdapter implements LockAdapter {
  private readonly sim: LockSimulator;
  constructor(sim: LockSimulator) {
    this.sim = sim;
  }
  async getChallenge(doorId: number): Promise<Challenge | null> {
    return this.sim.issueChallenge(doorId);
  }
  async deliver(command: OpenCommand): Promise<DeliveryResult> {
    const r = await this.sim.submit(command.door, command);
    return r.result === "opened" ? { status: "opened" } : { status: "refused", reason: r.reason };
  }
}

/**
 * Adapter for locks reached over HTTP (the lock simulator process, or a bridge speaking the same
 * API): `GET {base}/doors/{id}/challenge` and `POST {base}/doors/{id}/open`.
 */
export class HttpLockAdapter implements LockAdapter {
  private readonly baseUrl: string;
  private readonly timeoutMs: number;
  constructor(baseUrl: string, timeoutMs = 2000) {
    this.baseUrl = baseUrl.replace(/\/$/, "");
    this.timeoutMs = timeoutMs;
  }
  async getChallenge(doorId: number): Promise<Challenge | null> {
    const res = await fetch(`${this.baseUrl}/doors/${doorId}/challenge`, { signal: AbortSignal.timeout(this.timeoutMs) });
    if (res.status === 404) return null;
    if (!res.ok) throw new Error(`lock answered ${res.status}`);
    return (await res.json()) as Challenge;
  }
  async deliver(command: OpenCommand): Promise<DeliveryResult> {
    try {
      const res = await fetch(`${this.baseUrl}/doors/${command.door}/open`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(command),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      const body = (await res.json()) as { result?: string; reason?: string };
      if (body.result === "opened") return { status: "opened" };
      return { status: "refused", reason: String(body.reason ?? `http_${res.status}`) };
    } catch (err) {
      return { status: "unreachable", reason: (err as Error).name === "TimeoutError" ? "timeout" : "connection_failed" };
    }
  }
}
