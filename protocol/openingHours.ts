// The contract's `openHours(resourceId, start, count)` answer, read the same way by the dApp (which
// hours a booking may cover) and the relayer (whether a door may open now): bit `i` of word `i >> 8`
// is set when hour `start + i h` is open for the resource (always, for one that does not follow its
// venue's hours). The rule itself stays on chain; nothing here re-implements it.

export const HOUR = 3600;

/** Whether hour `i` (from the asked start) is open in `openHours`' words. */
export function isOpenBit(words: readonly bigint[], i: number): boolean {
  return ((words[i >> 8] ?? 0n) >> BigInt(i & 255)) & 1n ? true : false;
}

/** Slot starts among `count` hours from `start` whose bit is clear in `openHours`' words. */
export function closedFromBits(words: readonly bigint[], start: number, count: number): Set<number> {
  const closed = new Set<number>();
  for (let i = 0; i < count; i++) if (!isOpenBit(words, i)) closed.add(start + i * HOUR);
  return closed;
}

/**
 * The hours a door decision at `now` asks about for a pass with early-access `graceSeconds`: from the
 * hour containing `now` to the hour containing `now + grace` (an opening within the grace lets the
 * member in early, as the pass's own window does).
 */
export function doorHours(now: number, graceSeconds: number): { start: number; count: number } {
  const start = Math.floor(now / HOUR) * HOUR;
  const last = Math.floor((now + Math.max(0, graceSeconds)) / HOUR) * HOUR;
  return { start, count: (last - start) / HOUR + 1 };
}

/** Whether the venue is open for a door at `now`: one of `doorHours`' hours is open. */
export function openForDoor(words: readonly bigint[], count: number): boolean {
  for (let i = 0; i < count; i++) if (isOpenBit(words, i)) return true;
  return false;
}
