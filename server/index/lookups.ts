// The lookups the queries read, kept up to date on every change of the tables they observe (the
// projection wires them, server/index/projection.ts): a change costs a binary search and a splice in
// the few lists it touches, a read costs its own items. Never a rebuild on read. Because they observe
// the tables, a reorg rollback (which restores table entries) restores them too; `rebuild` computes
// them from scratch: once, on first use after the tables were loaded in bulk or cleared
// (server/index/projection.ts), and in the test that compares both.
import type { Hex } from "../../protocol/types.ts";
import { bookingOrder, type IndexedBooking, type IndexedCancellation, type IndexedPass } from "./model.ts";

const SLOT = 3600;
const SLOTS_PER_DAY = 24;

/** Position of `b` in `list` (sorted by bookingOrder), or where it would go. */
function lowerBound(list: readonly IndexedBooking[], b: IndexedBooking): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (bookingOrder(list[mid], b) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Lists of bookings by key, each sorted by bookingOrder; an emptied list is dropped. */
class SortedLists<K> {
  readonly lists = new Map<K, IndexedBooking[]>();
  /** Puts `b` in `key`'s list, replacing the entry of the same booking if there is one. */
  put(key: K, b: IndexedBooking): void {
    const list = this.lists.get(key);
    if (!list) return void this.lists.set(key, [b]);
    const i = lowerBound(list, b);
    if (i < list.length && bookingOrder(list[i], b) === 0) list[i] = b;
    else if (i === list.length) list.push(b);
    else list.splice(i, 0, b);
  }
  remove(key: K, b: IndexedBooking): void {
    const list = this.lists.get(key);
    if (!list) return;
    const i = lowerBound(list, b);
    if (i < list.length && bookingOrder(list[i], b) === 0) list.splice(i, 1);
    if (list.length === 0) this.lists.delete(key);
  }
  /** Moves `before` from the keys it left to `after` under the keys it has (null: absent). */
  change(before: IndexedBooking | null, keysBefore: K[], after: IndexedBooking | null, keysAfter: K[]): void {
    const moved = !after || (before !== null && bookingOrder(before, after) !== 0);
    if (before) for (const k of keysBefore) if (moved || !keysAfter.includes(k)) this.remove(k, before);
    if (after) for (const k of keysAfter) this.put(k, after);
  }
  /** From scratch: every booking under its keys, then each list sorted. */
  rebuild(items: Iterable<[IndexedBooking, K[]]>): void {
    this.lists.clear();
    for (const [b, keys] of items)
      for (const k of keys) {
        const list = this.lists.get(k);
        if (list) list.push(b);
        else this.lists.set(k, [b]);
      }
    for (const list of this.lists.values()) list.sort(bookingOrder);
  }
}

const passBooking = (p: IndexedPass): IndexedBooking => ({ start: p.start, id: p.id, pass: p, cancellation: null });
const cancellationBooking = (c: IndexedCancellation): IndexedBooking => ({
  start: c.start,
  id: c.id,
  pass: null,
  cancellation: c,
});
/** Who sees a pass in their list: its holder, and its guest (ERC-4907 user) while one is set. */
const membersOfPass = (p: IndexedPass): Hex[] => (p.guest && p.guest !== p.holder ? [p.holder, p.guest] : [p.holder]);

/**
 * Bookings (standing passes and cancellations) by member (holder, guest, refunded holder) and by
 * venue, each sorted by (start, pass id): the read API's pages are a binary search and their items.
 */
export class BookingLookups {
  private readonly members = new SortedLists<Hex>();
  private readonly venues = new SortedLists<number>();
  /** Bookings per resource: a resource whose venue changes moves its bookings only when it has some. */
  private readonly perResource = new Map<number, number>();
  private readonly venueOfResource: (resourceId: number) => number | undefined;
  private readonly all: () => Iterable<IndexedBooking>;

  /** `all` lists every standing pass and cancellation (the tables), for a rebuild. */
  constructor(venueOfResource: (resourceId: number) => number | undefined, all: () => Iterable<IndexedBooking>) {
    this.venueOfResource = venueOfResource;
    this.all = all;
  }

  get byMember(): ReadonlyMap<Hex, readonly IndexedBooking[]> {
    return this.members.lists;
  }
  get byVenue(): ReadonlyMap<number, readonly IndexedBooking[]> {
    return this.venues.lists;
  }

  passChanged(before: IndexedPass | undefined, after: IndexedPass | undefined): void {
    this.changed(before && passBooking(before), after && passBooking(after));
  }

  cancellationChanged(before: IndexedCancellation | undefined, after: IndexedCancellation | undefined): void {
    this.changed(before && cancellationBooking(before), after && cancellationBooking(after));
  }

  /** A resource created, changed or rolled back: its bookings follow it if it changed venue. */
  resourceChanged(resourceId: number, venueBefore: number | undefined, venueAfter: number | undefined): void {
    if (venueBefore === venueAfter || !this.perResource.get(resourceId)) return;
    this.venues.rebuild(this.withVenue(this.all()));
  }

  rebuild(): void {
    const all = [...this.all()];
    this.members.rebuild(all.map((b) => [b, this.membersOf(b)]));
    this.venues.rebuild(this.withVenue(all));
    this.perResource.clear();
    for (const b of all) this.count(b, 1);
  }

  private changed(before: IndexedBooking | undefined, after: IndexedBooking | undefined): void {
    const b = before ?? null;
    const a = after ?? null;
    this.members.change(b, b ? this.membersOf(b) : [], a, a ? this.membersOf(a) : []);
    this.venues.change(b, b ? this.venueKeys(b) : [], a, a ? this.venueKeys(a) : []);
    if (b) this.count(b, -1);
    if (a) this.count(a, 1);
  }

  private membersOf(b: IndexedBooking): Hex[] {
    return b.pass ? membersOfPass(b.pass) : [b.cancellation!.refundTo];
  }

  private venueKeys(b: IndexedBooking): number[] {
    const venueId = this.venueOfResource((b.pass ?? b.cancellation!).resourceId);
    return venueId === undefined ? [] : [venueId];
  }

  private *withVenue(all: Iterable<IndexedBooking>): Iterable<[IndexedBooking, number[]]> {
    for (const b of all) yield [b, this.venueKeys(b)];
  }

  private count(b: IndexedBooking, d: number): void {
    const id = (b.pass ?? b.cancellation!).resourceId;
    const n = (this.perResource.get(id) ?? 0) + d;
    if (n) this.perResource.set(id, n);
    else this.perResource.delete(id);
  }
}

/**
 * Standing passes per resource and hour slot, in one counter array per (resource, UTC day): the
 * availability of a resource over a window reads its slots' counters, never the venue's bookings.
 * A day whose counters all fall back to zero is dropped.
 */
export class SlotCounts {
  private readonly byResource = new Map<number, Map<number, Int32Array>>();

  passChanged(before: IndexedPass | undefined, after: IndexedPass | undefined): void {
    if (
      before &&
      after &&
      before.resourceId === after.resourceId &&
      before.start === after.start &&
      before.end === after.end
    )
      return; // a transfer, a loan or a settlement takes no slot
    if (before) this.add(before, -1);
    if (after) this.add(after, 1);
  }

  rebuild(passes: Iterable<IndexedPass>): void {
    this.byResource.clear();
    for (const p of passes) this.add(p, 1);
  }

  /** Standing passes of `resourceId` in each hour slot of [from, to) (both on the slot grid). */
  taken(resourceId: number, from: number, to: number): number[] {
    const days = this.byResource.get(resourceId);
    const out = new Array<number>((to - from) / SLOT).fill(0);
    if (!days) return out;
    for (let i = 0, h = from / SLOT; i < out.length; i++, h++) {
      const day = Math.floor(h / SLOTS_PER_DAY);
      out[i] = days.get(day)?.[h - day * SLOTS_PER_DAY] ?? 0;
    }
    return out;
  }

  /** Every non-zero counter, as `resource:hour` → count (the lookup's content, for comparisons). */
  entries(): Map<string, number> {
    const out = new Map<string, number>();
    for (const [r, days] of this.byResource)
      for (const [day, slots] of days)
        slots.forEach((n, i) => {
          if (n) out.set(`${r}:${day * SLOTS_PER_DAY + i}`, n);
        });
    return out;
  }

  private add(p: IndexedPass, d: number): void {
    let days = this.byResource.get(p.resourceId);
    if (!days) this.byResource.set(p.resourceId, (days = new Map<number, Int32Array>()));
    const last = Math.ceil(p.end / SLOT);
    for (let h = Math.floor(p.start / SLOT); h < last;) {
      const day = Math.floor(h / SLOTS_PER_DAY);
      let slots = days.get(day);
      if (!slots) days.set(day, (slots = new Int32Array(SLOTS_PER_DAY)));
      const dayEnd = Math.min(last, (day + 1) * SLOTS_PER_DAY);
      for (; h < dayEnd; h++) slots[h - day * SLOTS_PER_DAY] += d;
      if (d < 0 && slots.every((n) => n === 0)) days.delete(day);
    }
    if (days.size === 0) this.byResource.delete(p.resourceId);
  }
}
