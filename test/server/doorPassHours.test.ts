// The open interval an offline DoorPass of a resource following the opening hours may cover
// (server/door/doorPassHours.ts), from the bits of the contract's `openHours`.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { doorPassHoursQuery, openIntervalFrom } from "../../server/door/doorPassHours.ts";

const HOUR = 3600;
const T0 = 1_800_000_000 - (1_800_000_000 % HOUR); // an hour boundary
/** `openHours`' words for the query at `from`, open at the given hour offsets from its start. */
const wordsOpenAt = (from: number, open: number[]): bigint[] => {
  const { count } = doorPassHoursQuery(from);
  const words = Array.from({ length: Math.ceil(count / 256) }, () => 0n);
  for (const i of open) words[i >> 8] |= 1n << BigInt(i & 255);
  return words;
};
const range = (a: number, b: number) => Array.from({ length: b - a }, (_, i) => a + i);

describe("the open interval of an offline DoorPass", () => {
  it("asks 49 hours from the hour containing the start", () => {
    assert.deepEqual(doorPassHoursQuery(T0 + 1234), { start: T0, count: 49 });
  });

  it("runs from now to the closing while open", () => {
    const now = T0 + 600;
    assert.deepEqual(openIntervalFrom(wordsOpenAt(now, range(0, 8)), now, 900), {
      validFrom: now,
      until: T0 + 8 * HOUR,
    });
  });

  it("starts at the next opening minus the grace while closed, and ends at that interval's closing", () => {
    const now = T0 + 600;
    const words = wordsOpenAt(now, [...range(7, 16), ...range(31, 40)]);
    assert.deepEqual(openIntervalFrom(words, now, 900), { validFrom: T0 + 7 * HOUR - 900, until: T0 + 16 * HOUR });
  });

  it("starts now within the grace before an opening", () => {
    const now = T0 + 50 * 60; // 10 minutes before the next hour opens
    assert.deepEqual(openIntervalFrom(wordsOpenAt(now, range(1, 3)), now, 900), {
      validFrom: now,
      until: T0 + 3 * HOUR,
    });
  });

  it("finds no interval when no hour opens within 24 hours", () => {
    const now = T0 + 600;
    assert.equal(openIntervalFrom(wordsOpenAt(now, []), now, 900), null);
    assert.equal(openIntervalFrom(wordsOpenAt(now, [25, 26]), now, 900), null, "hour 25 opens after now + 24 h");
    assert.deepEqual(openIntervalFrom(wordsOpenAt(now, [24]), now, 900), {
      validFrom: T0 + 24 * HOUR - 900,
      until: T0 + 25 * HOUR,
    });
  });

  it("reaches past any DoorPass when the venue stays open (every hour read is open)", () => {
    const now = T0;
    assert.deepEqual(openIntervalFrom(wordsOpenAt(now, range(0, 49)), now, 0), {
      validFrom: now,
      until: T0 + 49 * HOUR,
    });
  });
});
