// The simulated lock (the demo's and the benchmark's): a strike that unlocks for the pulse and
// locks again by itself, with an optional simulated door contact. Faults can be injected for tests:
// `latencyMs` per call, `jam` (the bolt reports jammed), `hang` (calls never settle).
import { DriverError, type DriverReading, type LockDriver } from "./driver.ts";

export type SimulatorOptions = { latencyMs?: number; jam?: boolean; hang?: boolean };

export class SimulatorDriver implements LockDriver {
  readonly kind = "simulator";
  readonly options: SimulatorOptions;
  /** Every accepted pulse (seconds, wall-clock ms), oldest first. */
  readonly pulses: { seconds: number; at: number }[] = [];
  private state: DriverReading["state"] = "locked";
  private relock: NodeJS.Timeout | undefined;

  constructor(options: SimulatorOptions = {}) {
    this.options = { ...options };
  }

  async pulse(seconds: number, signal: AbortSignal): Promise<void> {
    await this.act(signal);
    if (this.options.jam) {
      this.state = "jammed";
      throw new DriverError("jammed", "the simulated bolt is jammed");
    }
    this.pulses.push({ seconds, at: Date.now() });
    this.state = "unlocked";
    clearTimeout(this.relock);
    this.relock = setTimeout(() => (this.state = "locked"), seconds * 1000);
    this.relock.unref();
  }

  async read(signal: AbortSignal): Promise<DriverReading> {
    await this.act(signal);
    return { state: this.state, contact: null, battery: null };
  }

  close(): void {
    clearTimeout(this.relock);
  }

  private async act(signal: AbortSignal): Promise<void> {
    if (this.options.hang) await new Promise(() => undefined);
    if (this.options.latencyMs) await new Promise((r) => setTimeout(r, this.options.latencyMs));
    if (signal.aborted) throw new DriverError("lock_unreachable", "aborted");
  }
}
