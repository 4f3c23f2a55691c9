import { describe, expect, it } from "vitest";
import { durationChoices, firstBookableHour } from "./bookingWindow.ts";

const H = 3600;
const NOW = 1_800_000_000 - (1_800_000_000 % H) + 1_234; // 20 min into an hour
const HOUR0 = NOW - (NOW % H);

describe("durationChoices", () => {
  it("offers every whole 30-day month up to the maximum (1 h to 3 × 30 days)", () => {
    const d = durationChoices(1, 3 * 720);
    expect(d.slice(-3)).toEqual([720, 1440, 2160]);
    expect(d[0]).toBe(1);
  });

  it("keeps to the resource's range, its minimum and maximum included", () => {
    expect(durationChoices(2, 5)).toEqual([2, 3, 4, 5]);
    expect(durationChoices(24, 100)).toEqual([24, 48, 72, 100]);
    expect(durationChoices(0, 0).at(-1)).toBe(720); // no maximum set: one month
  });
});

describe("firstBookableHour", () => {
  const base = { now: NOW, horizonHours: 24 * 7, units: 2, booked: new Map<number, number>() };

  it("is the current hour when it is open and has a free unit", () => {
    expect(firstBookableHour({ ...base, closed: new Set() })).toBe(HOUR0);
  });

  it("skips closed hours to the next open one", () => {
    const closed = new Set([HOUR0, HOUR0 + H, HOUR0 + 2 * H]);
    expect(firstBookableHour({ ...base, closed })).toBe(HOUR0 + 3 * H);
  });

  it("skips full hours, and is unknown while the closed hours load", () => {
    const booked = new Map([[HOUR0, 2]]);
    expect(firstBookableHour({ ...base, booked, closed: new Set() })).toBe(HOUR0 + H);
    expect(firstBookableHour({ ...base, closed: undefined })).toBeUndefined();
  });

  it("is null when nothing within the horizon can be booked", () => {
    const closed = new Set(Array.from({ length: 10 }, (_, i) => HOUR0 + i * H));
    expect(firstBookableHour({ ...base, horizonHours: 5, closed })).toBeNull();
  });
});
