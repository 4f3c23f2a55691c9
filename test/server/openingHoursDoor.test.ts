// The door's reading of the contract's `openHours` bits (protocol/openingHours.ts): which hours a
// decision asks about, and whether one of them is open. The rule itself is the contract's (checked
// against a real chain in doorDecisions.test.ts).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { closedFromBits, doorHours, isOpenBit, openForDoor } from "../../protocol/openingHours.ts";

const H = 3600;
const T = 1_800_000_000 - (1_800_000_000 % H); // an hour start

describe("door hours from openHours bits", () => {
  it("asks the hour containing now alone when the grace stays inside it", () => {
    assert.deepEqual(doorHours(T + 600, 900), { start: T, count: 1 });
    assert.deepEqual(doorHours(T, 0), { start: T, count: 1 });
  });

  it("asks the next hour too when now + grace reaches it (early access before an opening)", () => {
    assert.deepEqual(doorHours(T + 2700, 900), { start: T, count: 2 }); // 45 min in, 15 min grace
    assert.deepEqual(doorHours(T + 2699, 900), { start: T, count: 1 });
    assert.deepEqual(doorHours(T, 86_400), { start: T, count: 25 }); // the largest grace: a day
  });

  it("is open when any asked hour is, closed when none is (missing words read closed)", () => {
    assert.equal(openForDoor([0b10n], 2), true); // closed now, open next hour
    assert.equal(openForDoor([0b01n], 1), true);
    assert.equal(openForDoor([0n], 2), false);
    assert.equal(openForDoor([], 1), false, "an empty answer fails closed");
    assert.equal(isOpenBit([0n, 1n], 256), true, "bit 256 is the second word's first");
  });

  it("lists the closed hours the dApp's calendar greys out", () => {
    assert.deepEqual([...closedFromBits([0b101n], T, 3)], [T + H]);
  });
});
