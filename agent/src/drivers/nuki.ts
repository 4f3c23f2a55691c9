// Nuki Smart Lock through the Nuki Bridge's local HTTP API (developer.nuki.io, "Nuki Bridge HTTP
// API"): `GET /lockAction?nukiId=…&deviceType=…&action=3` (3 = unlatch: the door opens, the lock
// relocks by itself), `GET /lockState` for state, door sensor and battery.
// - Hashed token: `ts` (UTC, YYYY-MM-DDTHH:MM:SSZ), `rnr` (a uint16 used once), `hash` =
//   sha256("ts,rnr,token"); the bridge accepts it within 60 s of its clock, each rnr once.
// - The bridge serves one request at a time and answers 503 to a call closer than 0.5 s to the
//   previous one (or while busy): every request to one bridge goes through one queue, ≥ 0.5 s apart,
//   and a 503 (or `success: false`) is retried while the command's budget lasts.
import { createHash, randomInt } from "node:crypto";
import { DriverError, type DriverReading, type LockDriver } from "./driver.ts";
import { abortable, httpRequest } from "./http.ts";

export const NUKI_MIN_GAP_MS = 500;
/** What the driver leaves between calls: the bridge's 0.5 s plus a margin for network jitter. */
const SPACING_MS = NUKI_MIN_GAP_MS + 100;

export type NukiOptions = {
  url: string;
  nukiId: number;
  deviceType?: number;
  token: string;
  /** Lock action for a pulse: 3 unlatch (Smart Lock), 3 electric strike actuation (Opener). */
  action?: number;
  /** The agent's wall clock in ms (tests). */
  now?: () => number;
};

/** One queue per bridge: requests one at a time, starts at least SPACING_MS apart (and after the previous answer). */
class BridgeQueue {
  private tail: Promise<unknown> = Promise.resolve();
  private lastStart = 0;
  private lastEnd = 0;
  private readonly usedRnr = new Set<number>();
  run<T>(signal: AbortSignal, task: () => Promise<T>): Promise<T> {
    const next = this.tail.then(async () => {
      if (signal.aborted) throw new Error("aborted");
      const wait = Math.max(this.lastStart + SPACING_MS, this.lastEnd + 50) - Date.now();
      if (wait > 0) await abortable(wait, signal);
      this.lastStart = Date.now();
      try {
        return await task();
      } finally {
        this.lastEnd = Date.now();
      }
    });
    this.tail = next.catch(() => undefined);
    return next;
  }
  /** A uint16 this agent has not used with this bridge recently. */
  rnr(): number {
    if (this.usedRnr.size > 30_000) this.usedRnr.clear();
    for (;;) {
      const r = randomInt(0, 65_536);
      if (!this.usedRnr.has(r)) {
        this.usedRnr.add(r);
        return r;
      }
    }
  }
}
const bridges = new Map<string, BridgeQueue>();

const STATES: Record<number, DriverReading["state"]> = {
  1: "locked",
  2: "unlocked", // unlocking
  3: "unlocked",
  4: "locked", // locking
  5: "open", // unlatched
  6: "unlocked", // unlocked (lock 'n' go)
  7: "open", // unlatching
  254: "jammed", // motor blocked
};

export class NukiDriver implements LockDriver {
  readonly kind = "nuki";
  private readonly o: NukiOptions;
  private readonly queue: BridgeQueue;
  private readonly base: URL;

  constructor(o: NukiOptions) {
    this.o = o;
    this.base = new URL(o.url);
    const key = this.base.origin;
    let q = bridges.get(key);
    if (!q) bridges.set(key, (q = new BridgeQueue()));
    this.queue = q;
  }

  async pulse(_seconds: number, signal: AbortSignal): Promise<void> {
    // The lock times the unlatch itself; `seconds` does not apply to a motor lock.
    const r = await this.call("/lockAction", { action: String(this.o.action ?? 3) }, signal);
    if (r.success !== true) throw new DriverError("lock_unreachable", "the bridge could not reach the lock");
  }

  async read(signal: AbortSignal): Promise<DriverReading> {
    const r = await this.call("/lockState", {}, signal);
    const state = typeof r.state === "number" ? (STATES[r.state] ?? "unknown") : "unknown";
    const contact = r.doorsensorState === 2 ? "closed" : r.doorsensorState === 3 ? "open" : null;
    const battery =
      typeof r.batteryChargeState === "number" ? r.batteryChargeState : r.batteryCritical === true ? 10 : null;
    return { state, contact, battery };
  }

  /** One call, queued per bridge; 503 and `success: false` retried until the budget ends. */
  private async call(
    path: string,
    extra: Record<string, string>,
    signal: AbortSignal,
  ): Promise<Record<string, unknown>> {
    for (;;) {
      let status: number;
      let body: Record<string, unknown> | null = null;
      try {
        const res = await this.queue.run(signal, () => httpRequest(this.url(path, extra), { signal }));
        status = res.status;
        try {
          body = JSON.parse(res.body) as Record<string, unknown>;
        } catch {
          body = null;
        }
      } catch (err) {
        throw new DriverError("lock_unreachable", `Nuki bridge ${path}: ${(err as Error).message}`);
      }
      if (status === 200 && body && body.success !== false) return body;
      if (status === 401) throw new DriverError("lock_unreachable", "the Nuki bridge refused the token");
      if (status === 404) throw new DriverError("lock_unreachable", "the Nuki bridge does not know this lock");
      if (status !== 503 && status !== 200)
        throw new DriverError("lock_unreachable", `Nuki bridge ${path}: HTTP ${status}`);
      // 503 busy, or success: false (the lock did not answer the bridge): retry while the budget lasts.
      if (signal.aborted) throw new DriverError("lock_unreachable", "the Nuki bridge stayed busy");
    }
  }

  private url(path: string, extra: Record<string, string>): URL {
    const u = new URL(path, this.base);
    const ts = new Date(this.o.now?.() ?? Date.now()).toISOString().replace(/\.\d{3}Z$/, "Z");
    const rnr = this.queue.rnr();
    u.searchParams.set("nukiId", String(this.o.nukiId));
    u.searchParams.set("deviceType", String(this.o.deviceType ?? 0));
    for (const [k, v] of Object.entries(extra)) u.searchParams.set(k, v);
    u.searchParams.set("ts", ts);
    u.searchParams.set("rnr", String(rnr));
    u.searchParams.set("hash", createHash("sha256").update(`${ts},${rnr},${this.o.token}`).digest("hex"));
    return u;
  }
}
