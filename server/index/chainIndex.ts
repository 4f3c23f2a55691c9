// The event index: the read model of the Passepartout contract, rebuilt from its events and kept
// at the chain's head. Three parts, the way Ponder separates its sync engine from its indexing
// functions:
//
// - the sync engine (server/index/syncEngine.ts): polls the chain, applies each block in its undo
//   journal, rolls back on a reorg, persists every step and the clean stop's snapshot
//   (server/index/indexStore.ts);
// - the projection (server/index/projection.ts, handlers.ts): one handler per event, writing the
//   tables; lookups (server/index/lookups.ts) observe the tables and stay up to date with each
//   change, a rollback included;
// - the queries (this class): what doors, the read API and the receipts ask, answered from a table
//   or a lookup, never from a scan rebuilt on read.
//
// Adding an event (a door status, a check-in): its handler in handlers.ts (a new table: one line in
// projection.ts; a lookup: an observer of that table) and its query here. docs/relayer.md says more.
import type { Hex } from "../../protocol/types.ts";
import type { Reason } from "../../protocol/reasons.ts";
import { IndexProjection } from "./projection.ts";
import { SyncEngine, type IndexOptions } from "./syncEngine.ts";
import { lower, onLoanTo, type IndexedBooking, type IndexedDoor } from "./model.ts";

export * from "./model.ts";
export type { ChainSource, SyncProgress } from "./chainSource.ts";
export type { IndexOptions } from "./syncEngine.ts";

const SLOT = 3600;

export class ChainIndex extends SyncEngine<IndexProjection> {
  readonly venues: IndexProjection["venues"];
  readonly resources: IndexProjection["resources"];
  readonly doors: IndexProjection["doors"];
  readonly doorResources: IndexProjection["doorResources"];
  readonly trustedRelayers: IndexProjection["trustedRelayers"];
  readonly passes: IndexProjection["passes"];
  readonly money: IndexProjection["money"];
  /** Taxes by `splitTaxesKey(split, currency)`. */
  readonly taxes: IndexProjection["taxes"];
  readonly cancellations: IndexProjection["cancellations"];
  readonly policies: IndexProjection["policies"];
  readonly splits: IndexProjection["splits"];
  readonly currencies: IndexProjection["currencies"];
  readonly ledger: IndexProjection["ledger"];

  constructor(opts: IndexOptions) {
    const projection = new IndexProjection();
    super(opts, projection);
    this.venues = projection.venues;
    this.resources = projection.resources;
    this.doors = projection.doors;
    this.doorResources = projection.doorResources;
    this.trustedRelayers = projection.trustedRelayers;
    this.passes = projection.passes;
    this.money = projection.money;
    this.taxes = projection.taxes;
    this.cancellations = projection.cancellations;
    this.policies = projection.policies;
    this.splits = projection.splits;
    this.currencies = projection.currencies;
    this.ledger = projection.ledger;
  }

  /** Same rules, same order as the contract's `canEnter`. */
  canEnter(who: Hex, doorId: number, passId: bigint, time: number): Reason {
    const door = this.doors.get(doorId);
    if (!door || !door.active) return "unknown_door";
    const pass = this.passes.get(passId);
    if (!pass) return "pass_not_found";
    if (!this.doorAdmits(door, pass.resourceId)) return "wrong_door";
    const w = lower(who);
    if (w !== pass.holder && !onLoanTo(pass, w, time)) return "not_holder_or_guest";
    const grace = this.resources.get(pass.resourceId)?.graceSeconds ?? 0;
    if (time + grace < pass.start) return "too_early";
    if (time >= pass.end) return "expired";
    return "granted";
  }

  doorAdmits(door: IndexedDoor, resourceId: number): boolean {
    if (!door.active) return false;
    return door.allResources
      ? this.resources.get(resourceId)?.venueId === door.venueId
      : this.doorResources.has(`${door.id}:${resourceId}`);
  }

  isRelayerTrusted(venueId: number, relayer: Hex): boolean {
    return this.trustedRelayers.has(`${venueId}:${lower(relayer)}`);
  }

  venueOf(pass: { resourceId: number }): number | undefined {
    return this.resources.get(pass.resourceId)?.venueId;
  }

  /**
   * A member's bookings, sorted by (start, pass id): the passes they hold, the passes lent to them
   * (whether the loan still lasts is the caller's question: `onLoanTo`) and their cancellations.
   */
  bookingsOfMember(member: Hex): readonly IndexedBooking[] {
    return this.projection.lookups().bookings.byMember.get(lower(member)) ?? [];
  }

  /** A venue's bookings (standing passes and cancellations), sorted by (start, pass id). */
  bookingsOfVenue(venueId: number): readonly IndexedBooking[] {
    return this.projection.lookups().bookings.byVenue.get(venueId) ?? [];
  }

  /**
   * Units of `resourceId` free in each hour slot of [from, to) (both on the slot grid); null when
   * there is no such resource.
   */
  freeUnits(resourceId: number, from: number, to: number): number[] | null {
    const resource = this.resources.get(resourceId);
    if (!resource) return null;
    if (from % SLOT !== 0 || to % SLOT !== 0 || to < from) throw new RangeError("from and to must be on the slot grid");
    return this.projection
      .lookups()
      .slots.taken(resourceId, from, to)
      .map((n) => Math.max(0, resource.units - n));
  }

  /** Venues operated by `address`. */
  venuesOperatedBy(address: Hex): number[] {
    const a = lower(address);
    return [...this.venues.values()].filter((v) => v.operator === a).map((v) => v.id);
  }
}
