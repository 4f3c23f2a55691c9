// The door's opening-hours check: a pass of a resource that follows its venue's opening hours opens
// doors only while the venue is open, or within the resource's early-access grace before an opening
// (a day or 30-day pass spans closed nights; its window alone would let it in at 2 AM). The rule is
// the contract's own: its `openHours` view, read through the chain reader (protocol/openingHours.ts
// reads the bits), so the door, `book` and the dApp's calendar agree. Runs after `canEnter` granted.
import { doorHours, openForDoor } from "../../protocol/openingHours.ts";
import type { ChainIndex } from "../index/chainIndex.ts";
import type { ChainReader, PassHours } from "../index/chain.ts";

/** The answers of `openHours` per resource and hours asked, valid for the index block they were read at. */
export class OpenHoursCache {
  private readonly entries = new Map<string, { block: number; words: readonly bigint[] }>();
  private readonly maxEntries: number;
  constructor(maxEntries = 1_000) {
    this.maxEntries = maxEntries;
  }
  get(key: string, block: number): readonly bigint[] | undefined {
    const e = this.entries.get(key);
    return e && e.block === block ? e.words : undefined;
  }
  set(key: string, block: number, words: readonly bigint[]): void {
    if (this.entries.size >= this.maxEntries) this.entries.clear(); // bounded; refilled on demand
    this.entries.set(key, { block, words });
  }
}

/** Thrown when the index lacks what the check needs: the caller fails closed. */
export class HoursUnknown extends Error {}

/**
 * Whether the venue lets the pass through at `now`: true for a resource that does not follow the
 * hours. `read` wraps chain reads in the decision's budget (its failures deny, fail closed).
 * With `block` (the index is fresh), the pass's terms come from the index and the hours are cached
 * for that block: the venue's hours change only by an event, which moves the index to a new block.
 */
export async function venueOpenForPass(
  passId: bigint,
  now: number,
  o: {
    index: ChainIndex;
    reader: ChainReader;
    cache: OpenHoursCache;
    block: number | null;
    read: <T>(f: () => Promise<T>) => Promise<T>;
  },
): Promise<boolean> {
  let terms: PassHours;
  if (o.block !== null) {
    const pass = o.index.passes.get(passId);
    const resource = pass && o.index.resources.get(pass.resourceId);
    if (!pass || !resource) throw new HoursUnknown(`pass ${passId} or its resource is not indexed`);
    const { graceSeconds, followsOpeningHours } = resource;
    terms = { resourceId: resource.id, graceSeconds, followsOpeningHours };
  } else {
    terms = await o.read(() => o.reader.passHours(passId));
  }
  if (!terms.followsOpeningHours) return true;
  const { start, count } = doorHours(now, terms.graceSeconds);
  const key = `${terms.resourceId}:${start}:${count}`;
  let words = o.block !== null ? o.cache.get(key, o.block) : undefined;
  if (!words) {
    words = await o.read(() => o.reader.openHours(terms.resourceId, start, count));
    if (o.block !== null) o.cache.set(key, o.block, words);
  }
  return openForDoor(words, count);
}
