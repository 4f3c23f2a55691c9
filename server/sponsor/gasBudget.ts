// The sponsor's gas budget: how much gas it may pay for per window (a day by default), so a burst
// of requests cannot drain its ETH. Reserved when a transaction is submitted; the clock is injected.
import type { Clock } from "../clock.ts";

export class GasBudget {
  private used = 0n;
  private windowStart: number;
  readonly limit: bigint;
  private readonly windowS: number;
  private readonly clock: Clock;

  constructor(limit: bigint, windowS: number, clock: Clock) {
    this.limit = limit;
    this.windowS = windowS;
    this.clock = clock;
    this.windowStart = clock();
  }

  private roll(): void {
    const now = this.clock();
    if (now - this.windowStart >= this.windowS) {
      this.windowStart = now;
      this.used = 0n;
    }
  }

  /** Gas left in the current window. */
  remaining(): bigint {
    this.roll();
    return this.limit - this.used;
  }

  /** Takes `gas` from the window's budget; false (nothing taken) when it does not fit. */
  reserve(gas: bigint): boolean {
    if (gas > this.remaining()) return false;
    this.used += gas;
    return true;
  }

  /** Seconds until the budget refills. */
  resetInS(): number {
    this.roll();
    return Math.max(1, this.windowStart + this.windowS - this.clock());
  }
}
