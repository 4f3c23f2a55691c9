// The projection: the tables the event handlers (server/index/handlers.ts) write, and the lookups
// (server/index/lookups.ts) that observe them. The sync engine journals, persists and rolls back
// every table listed here; a new table is one line below.
import type { Log } from "viem";
import type { Hex } from "../../protocol/types.ts";
import { decodePassepartoutLog, handlers, type EventHandler, type EventName } from "./handlers.ts";
import { Journal, JournaledMap } from "./journal.ts";
import { BookingLookups, SlotCounts } from "./lookups.ts";
import {
  ledgerKey,
  lower,
  type IndexedBooking,
  type IndexedCancellation,
  type IndexedCurrency,
  type IndexedDoor,
  type IndexedPass,
  type IndexedPolicy,
  type IndexedResource,
  type IndexedSplit,
  type IndexedVenue,
  type LedgerEntry,
  type SplitTaxes,
  type VenueMoney,
} from "./model.ts";
import type { Projection } from "./syncEngine.ts";

export class IndexProjection implements Projection {
  readonly journal = new Journal();
  readonly tables: JournaledMap<unknown, unknown>[] = [];

  readonly venues = this.table<number, IndexedVenue>("venues");
  readonly resources = this.table<number, IndexedResource>("resources");
  readonly doors = this.table<number, IndexedDoor>("doors");
  /** `doorId:resourceId` of every resource a room door admits. */
  readonly doorResources = this.table<string, true>("doorResources");
  /** `venueId:relayer` of every relayer key a venue trusts. */
  readonly trustedRelayers = this.table<string, true>("trustedRelayers");
  readonly passes = this.table<bigint, IndexedPass>("passes");
  /** Totals by `venueId:currency`. */
  readonly money = this.table<string, VenueMoney>("money");
  /** Taxes by `splitTaxesKey(splitId, currency)`. */
  readonly taxes = this.table<string, SplitTaxes>("taxes");
  readonly cancellations = this.table<bigint, IndexedCancellation>("cancellations");
  readonly policies = this.table<number, IndexedPolicy>("policies");
  readonly splits = this.table<number, IndexedSplit>("splits");
  readonly currencies = this.table<Hex, IndexedCurrency>("currencies");
  /** Receipt-relevant events by `ledgerKey` (chain order). */
  readonly ledger = this.table<string, LedgerEntry>("ledger");

  /** Bookings by member and by venue, sorted (observes passes, cancellations and resources). */
  private readonly bookings = new BookingLookups(
    (resourceId) => this.resources.get(resourceId)?.venueId,
    () => this.allBookings(),
  );
  /** Standing passes per resource and hour slot (observes passes). */
  private readonly slots = new SlotCounts();
  /**
   * False after the tables were loaded in bulk or cleared (a start, a rebuild from the deploy
   * block, a cold sync after it): the lookups are then built once from the tables on first use,
   * and from there kept up to date by each change.
   */
  private built = false;

  constructor() {
    this.passes.observe((_, before, after) => {
      if (!this.built) return;
      this.bookings.passChanged(before, after);
      this.slots.passChanged(before, after);
    });
    this.cancellations.observe((_, before, after) => {
      if (this.built) this.bookings.cancellationChanged(before, after);
    });
    this.resources.observe((id, before, after) => {
      if (this.built) this.bookings.resourceChanged(id, before?.venueId, after?.venueId);
    });
  }

  /** The lookups the queries read (built from the tables on the first use after a bulk load). */
  lookups(): { readonly bookings: BookingLookups; readonly slots: SlotCounts } {
    if (!this.built) {
      this.bookings.rebuild();
      this.slots.rebuild(this.passes.values());
      this.built = true;
    }
    return { bookings: this.bookings, slots: this.slots };
  }

  apply(log: Log, block: number): void {
    const ev = decodePassepartoutLog(log);
    if (!ev) return; // not an event we know
    const handler = handlers[ev.eventName] as EventHandler<EventName> | undefined;
    if (!handler) return;
    const stamp = (log as { blockTimestamp?: bigint | string | number | null }).blockTimestamp;
    const logIndex = Number(log.logIndex);
    const position = {
      block,
      logIndex,
      txHash: lower(log.transactionHash!),
      time: stamp === undefined || stamp === null ? null : Number(stamp),
    };
    handler(this, ev.args, { block, position, key: ledgerKey(block, logIndex) });
  }

  tablesReplaced(): void {
    this.built = false;
  }

  private *allBookings(): Iterable<IndexedBooking> {
    for (const p of this.passes.values()) yield { start: p.start, id: p.id, pass: p, cancellation: null };
    for (const c of this.cancellations.values()) yield { start: c.start, id: c.id, pass: null, cancellation: c };
  }

  private table<K, V>(name: string): JournaledMap<K, V> {
    const t = new JournaledMap<K, V>(name, this.journal);
    this.tables.push(t as JournaledMap<unknown, unknown>);
    return t;
  }
}

/** What the handlers write. */
export type Tables = Pick<
  IndexProjection,
  | "venues"
  | "resources"
  | "doors"
  | "doorResources"
  | "trustedRelayers"
  | "passes"
  | "money"
  | "taxes"
  | "cancellations"
  | "policies"
  | "splits"
  | "currencies"
  | "ledger"
>;
