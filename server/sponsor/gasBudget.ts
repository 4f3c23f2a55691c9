// The sponsor's gas budget: how much gas it may pay for per window (a day by default), so a burst
// of requests cannot drain its ETH, and each member's fair share of it, so one member cannot spend
// what the others need. A transaction's gas limit is reserved when it is submitted, then the
// reservation is replaced by the gas its receipt says it used. Kept in the sponsor's store (shared
// by the relayers using the key, surviving restarts); windows are aligned on the injected clock.
import type { Clock } from "../clock.ts";
import type { SponsorStore } from "./sponsorStore.ts";

export type BudgetLimits = {
  /** Gas per window for everyone. */
  perWindow: number;
  /** Most of `perWindow` one member may use, in basis points. */
  memberShareBps: number;
  windowS: number;
  /** Prefix of the budget's counters (the sponsor's address: keys sharing a store keep their own). */
  scope?: string;
};

export type Reservation = { window: number; member: string; gas: number };

export class GasBudget {
  readonly limits: BudgetLimits;
  private readonly store: SponsorStore;
  private readonly clock: Clock;

  private readonly total: string;

  constructor(store: SponsorStore, limits: BudgetLimits, clock: Clock) {
    this.store = store;
    this.limits = limits;
    this.clock = clock;
    this.total = limits.scope === undefined ? "gas" : `${limits.scope}:gas`;
  }

  private memberKey(member: string): string {
    return `${this.total}:${member.toLowerCase()}`;
  }

  /** Start of the current window (UNIX seconds). */
  window(): number {
    return Math.floor(this.clock() / this.limits.windowS) * this.limits.windowS;
  }

  /** Gas one member may use per window. */
  memberCap(): number {
    return Math.floor((this.limits.perWindow * this.limits.memberShareBps) / 10_000);
  }

  /** Gas used (reserved for pending transactions, used for mined ones) in the current window. */
  async used(member?: string): Promise<number> {
    return this.store.used(this.window(), member === undefined ? this.total : this.memberKey(member));
  }

  /** Gas left in the current window. */
  async remaining(): Promise<number> {
    return Math.max(0, this.limits.perWindow - (await this.used()));
  }

  /**
   * Takes `gas` for `member` from the window's budget and from the member's share; nothing is taken
   * when either would be passed. Callers hold the sender lease, so no other reservation interleaves
   * between the share's check and the take.
   */
  async reserve(member: string, gas: number): Promise<Reservation | "budget_exhausted" | "share_exhausted"> {
    const window = this.window();
    if ((await this.store.used(window, this.total)) + gas > this.limits.perWindow) return "budget_exhausted";
    if ((await this.store.used(window, this.memberKey(member))) + gas > this.memberCap()) return "share_exhausted";
    if (!(await this.store.take(window, this.total, gas, this.limits.perWindow))) return "budget_exhausted";
    await this.store.add(window, this.memberKey(member), gas);
    return { window, member, gas };
  }

  /** Replaces a reservation by the gas actually used (0 when nothing was sent). */
  async settle(r: Reservation, used: number): Promise<void> {
    const delta = used - r.gas;
    if (delta === 0) return;
    await this.store.add(r.window, this.total, delta);
    await this.store.add(r.window, this.memberKey(r.member), delta);
  }

  /** Seconds until the budget refills. */
  resetInS(): number {
    return Math.max(1, this.window() + this.limits.windowS - this.clock());
  }
}
