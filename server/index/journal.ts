// The projection's tables: Maps whose every write is journaled for reorg rollback, remembered as
// dirty until the sync engine persists it, and reported to the lookups observing the table. A
// rollback puts entries back through the same path (`restore`), so the lookups follow it exactly.

/** One undo step: the entry `key` of `map` had `old` (or nothing) before the block changed it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- one journal holds every table's steps
export type Undo = { map: JournaledMap<any, any>; key: unknown; had: boolean; old: unknown };

/** The undo steps of the block being applied (null: not journaled, a block deeper than any reorg). */
export class Journal {
  current: Undo[] | null = null;
}

/** Told of every change of one entry: its value before and after (undefined: absent). */
export type TableObserver<K, V> = (key: K, before: V | undefined, after: V | undefined) => void;

/** A Map whose writes are recorded in the current block's journal and remembered as dirty until persisted. */
export class JournaledMap<K, V> {
  readonly name: string;
  readonly map = new Map<K, V>();
  /** Keys changed since the last commit to the index file. */
  readonly dirty = new Set<K>();
  private readonly journal: Journal;
  private readonly observers: TableObserver<K, V>[] = [];
  constructor(name: string, journal: Journal) {
    this.name = name;
    this.journal = journal;
  }
  /** Calls `o` after every change of an entry (set, delete, restore; not `load` and `clear`). */
  observe(o: TableObserver<K, V>): void {
    this.observers.push(o);
  }
  get(k: K): V | undefined {
    return this.map.get(k);
  }
  has(k: K): boolean {
    return this.map.has(k);
  }
  values(): IterableIterator<V> {
    return this.map.values();
  }
  keys(): IterableIterator<K> {
    return this.map.keys();
  }
  set(k: K, v: V): void {
    const before = this.record(k);
    this.map.set(k, v);
    this.notify(k, before, v);
  }
  delete(k: K): void {
    if (!this.map.has(k)) return;
    const before = this.record(k);
    this.map.delete(k);
    this.notify(k, before, undefined);
  }
  /** Puts back what an undo step recorded. */
  restore(k: K, had: boolean, old: V | undefined): void {
    const before = this.map.get(k);
    this.dirty.add(k);
    if (had) this.map.set(k, old as V);
    else this.map.delete(k);
    this.notify(k, before, had ? old : undefined);
  }
  /** Fills an entry from the index file (unjournaled, unobserved: the lookups are rebuilt after loading). */
  load(k: K, v: V): void {
    this.map.set(k, v);
  }
  /** Empties the table (unobserved: the lookups are rebuilt after). */
  clear(): void {
    this.map.clear();
    this.dirty.clear();
  }
  private record(k: K): V | undefined {
    this.dirty.add(k);
    const before = this.map.get(k);
    this.journal.current?.push({ map: this, key: k, had: this.map.has(k), old: before });
    return before;
  }
  private notify(k: K, before: V | undefined, after: V | undefined): void {
    for (const o of this.observers) o(k, before, after);
  }
}
