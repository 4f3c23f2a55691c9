// Which of the member's passes opens a door now, and whether a scanned door code is still usable:
// the decisions of the door page (pages/DoorPage.tsx), kept apart so they are tested alone.
import type { Challenge } from "../../../protocol/eip712.ts";
import type { PassInfo } from "./passes.ts";

export type DoorAdmits = { id: number; active: boolean; admits: readonly number[] };

/**
 * The pass to open `door` with at `now`, or null. A pass fits when it stands (not cancelled), the
 * door admits its resource, and now is inside its window `[start − grace, end)`; a lent pass only
 * while the loan runs. When several fit (a desk and a room behind the same street door, a pass of
 * one's own and one lent by a colleague), they all cover now, so any would open; the rule makes the
 * choice predictable: the member's own pass before a lent one (a lender can take a loan back at any
 * moment), then the one that ends last (the least likely to run out between the signature and the
 * relayer's check), then the lowest pass id.
 */
export function passForDoor<P extends PassInfo>(
  passes: readonly P[],
  door: DoorAdmits,
  graceOf: (resourceId: number) => number,
  now: number,
): P | null {
  if (!door.active) return null;
  const fits = passes.filter(
    (p) =>
      p.status === "active" &&
      door.admits.includes(p.resourceId) &&
      now >= p.start - graceOf(p.resourceId) &&
      now < p.end &&
      (p.role === "holder" || now < p.guestExpires),
  );
  fits.sort(
    (a, b) =>
      Number(a.role !== "holder") - Number(b.role !== "holder") ||
      b.end - a.end ||
      (a.passId < b.passId ? -1 : a.passId > b.passId ? 1 : 0),
  );
  return fits[0] ?? null;
}

/** A scanned challenge older than the relayer accepts (`challengeMaxAgeSeconds`) is spent: scan again. */
export function codeExpired(c: Pick<Challenge, "time">, now: number, maxAgeSeconds: number): boolean {
  return now - c.time > maxAgeSeconds;
}

/**
 * The challenge Open sends: the scanned one while it is usable — readable, never tried, not expired
 * — else undefined, and the relayer fetches a fresh one from the lock (a challenge opens once, so a
 * second press after a refusal must not send it again).
 */
export function scannedChallengeToUse(
  scanned: Challenge | null,
  tried: boolean,
  now: number,
  maxAgeSeconds: number,
): Challenge | undefined {
  return scanned && !tried && !codeExpired(scanned, now, maxAgeSeconds) ? scanned : undefined;
}
