import { describe, expect, it } from "vitest";
import {
  bookingsInClosure,
  closedFromBits,
  dateNumber,
  dayText,
  firstClosedHour,
  weekSummary,
  weeklyMaskOf,
  openUnitHours,
  parseDayHours,
  parseExceptions,
  parseWeek,
  zoneRule,
} from "./openingHours.ts";

const DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

describe("opening hours input", () => {
  it("reads a day's hours, several intervals and the closed (empty) day", () => {
    expect(parseDayHours("8-18", "Mon")).toEqual({ ok: true, value: [[8, 18]] });
    expect(parseDayHours(" 8–12, 13:00-18h00 ", "Mon")).toEqual({
      ok: true,
      value: [
        [8, 12],
        [13, 18],
      ],
    });
    expect(parseDayHours("0-24", "Mon")).toEqual({ ok: true, value: [[0, 24]] });
    expect(parseDayHours("", "Sun")).toEqual({ ok: true, value: [] });
  });

  it("refuses inverted, overlapping, out-of-day and malformed hours with the contract's reasons", () => {
    expect(parseDayHours("18-8", "Mon")).toEqual({
      ok: false,
      error: { key: "hours.inverted", vars: { day: "Mon", text: "18-8" } },
    });
    expect(parseDayHours("9-9", "Mon")).toMatchObject({ ok: false, error: { key: "hours.inverted" } });
    expect(parseDayHours("8-12, 11-14", "Tue")).toEqual({
      ok: false,
      error: { key: "hours.overlap", vars: { day: "Tue", text: "11-14" } },
    });
    expect(parseDayHours("8-12, 12-14", "Tue").ok).toBe(true); // adjacent is fine
    expect(parseDayHours("20-25", "Sat")).toMatchObject({ ok: false, error: { key: "hours.outOfDay" } });
    expect(parseDayHours("8:30-18", "Sat")).toMatchObject({ ok: false, error: { key: "hours.syntax" } });
    expect(parseDayHours("morning", "Sat")).toMatchObject({ ok: false, error: { key: "hours.syntax" } });
  });

  it("builds the week Monday first and names the day of the first error", () => {
    const week = parseWeek(["8-18", "8-18", "", "", "", "10-14", ""], DAYS);
    expect(week).toEqual({
      ok: true,
      value: [
        { day: 0, opens: 8, closes: 18 },
        { day: 1, opens: 8, closes: 18 },
        { day: 5, opens: 10, closes: 14 },
      ],
    });
    expect(parseWeek(["8-18", "", "", "", "17-9", "", ""], DAYS)).toMatchObject({
      ok: false,
      error: { key: "hours.inverted", vars: { day: "Fri" } },
    });
  });

  it("writes the stored weekly mask back as text", () => {
    const mask = 0b111111111100000000n | (0b11110000000000n << 24n) | (0b11n << (24n * 6n + 22n));
    expect([0, 1, 2, 6].map((d) => dayText(mask, d))).toEqual(["8-18", "10-14", "", "22-24"]);
    expect(dayText((0b1111n << 8n) | (0b11111n << 13n), 0)).toBe("8-12, 13-18");
  });

  it("reads exceptions by date, sorted, closed or with hours", () => {
    expect(parseExceptions("2027-12-25 closed\n2027-12-24 10-12, 13-15\n\n2027-05-24 fermé")).toEqual({
      ok: true,
      value: [
        { date: 20270524, opens: 0, closes: 0 },
        { date: 20271224, opens: 10, closes: 12 },
        { date: 20271224, opens: 13, closes: 15 },
        { date: 20271225, opens: 0, closes: 0 },
      ],
    });
  });

  it("refuses impossible dates, a date given twice and bad hours in exceptions", () => {
    for (const line of ["2027-02-29 closed", "2027-13-01 closed", "27-12-25 closed", "1969-12-31 closed"]) {
      expect(parseExceptions(line)).toMatchObject({ ok: false, error: { key: "hours.badDate" } });
    }
    expect(parseExceptions("2028-02-29 closed").ok).toBe(true); // a leap day
    expect(parseExceptions("2027-12-25 closed\n2027-12-25 10-12")).toMatchObject({
      ok: false,
      error: { key: "hours.duplicateDate", vars: { day: "2027-12-25" } },
    });
    expect(parseExceptions("2027-12-24 14-10")).toMatchObject({ ok: false, error: { key: "hours.inverted" } });
    expect(parseExceptions("2027-12-24")).toMatchObject({ ok: false, error: { key: "hours.syntax" } });
    expect(dateNumber("2027-11-07")).toBe(20271107);
  });
});

describe("time-zone rule from the IANA database", () => {
  it("derives America/Toronto's rule: second Sunday of March to first Sunday of November at 2:00", () => {
    expect(zoneRule("America/Toronto", 2027)).toEqual({
      standardOffset: -300,
      daylightOffset: -240,
      dstStart: { month: 3, week: 2, weekday: 0, hour: 2 },
      dstEnd: { month: 11, week: 1, weekday: 0, hour: 2 },
    });
  });

  it("derives last-Sunday rules (Paris), southern zones (Sydney) and fixed zones (Regina, Tokyo)", () => {
    expect(zoneRule("Europe/Paris", 2027)).toEqual({
      standardOffset: 60,
      daylightOffset: 120,
      dstStart: { month: 3, week: 5, weekday: 0, hour: 2 },
      dstEnd: { month: 10, week: 5, weekday: 0, hour: 3 },
    });
    expect(zoneRule("Australia/Sydney", 2027)).toEqual({
      standardOffset: 600,
      daylightOffset: 660,
      dstStart: { month: 10, week: 1, weekday: 0, hour: 2 },
      dstEnd: { month: 4, week: 1, weekday: 0, hour: 3 },
    });
    const none = { month: 0, week: 0, weekday: 0, hour: 0 };
    expect(zoneRule("America/Regina", 2027)).toEqual({
      standardOffset: -360,
      daylightOffset: -360,
      dstStart: none,
      dstEnd: none,
    });
    expect(zoneRule("Asia/Tokyo", 2027)?.standardOffset).toBe(540);
  });
});

describe("closed hours and occupancy", () => {
  const start = Date.UTC(2027, 2, 15, 0) / 1000;

  it("turns the contract's bit words into closed slot starts", () => {
    const words = [(1n << 12n) | (1n << 13n) | (1n << 255n), 1n];
    const closed = closedFromBits(words, start, 257);
    expect(closed.has(start + 12 * 3600)).toBe(false);
    expect(closed.has(start + 255 * 3600)).toBe(false);
    expect(closed.has(start + 256 * 3600)).toBe(false); // bit 0 of the second word
    expect(closed.has(start)).toBe(true);
    expect(closed.size).toBe(257 - 4);
  });

  it("counts open unit-hours only", () => {
    const closed = new Set(Array.from({ length: 14 }, (_, i) => start + (i < 12 ? i : i + 10) * 3600));
    expect(openUnitHours(3, start, start + 24 * 3600, closed)).toBe(3 * 10);
    expect(openUnitHours(3, start, start + 24 * 3600, new Set())).toBe(72);
  });
});

/** Monday–Friday 7:00–22:00, Saturday 9:00–17:00 (Le Lab in the demo). */
const LE_LAB = weeklyMaskOf([
  ...[0, 1, 2, 3, 4].map((day) => ({ day, opens: 7, closes: 22 })),
  { day: 5, opens: 9, closes: 17 },
]);

describe("the weekly hours on the venue page", () => {
  it("groups days with the same hours, in English and French day names", () => {
    expect(weekSummary(LE_LAB, "en-CA")).toEqual([
      { days: "Monday – Friday", hours: "7:00–22:00" },
      { days: "Saturday", hours: "9:00–17:00" },
      { days: "Sunday", hours: null },
    ]);
    expect(weekSummary(LE_LAB, "fr-CA")).toEqual([
      { days: "lundi – vendredi", hours: "7 h–22 h" },
      { days: "samedi", hours: "9 h–17 h" },
      { days: "dimanche", hours: null },
    ]);
  });

  it("shows split days and nothing for a venue without hours", () => {
    const mask = weeklyMaskOf([
      { day: 6, opens: 8, closes: 12 },
      { day: 6, opens: 13, closes: 24 },
    ]);
    expect(weekSummary(mask, "en")).toEqual([
      { days: "Monday – Saturday", hours: null },
      { days: "Sunday", hours: "8:00–12:00, 13:00–24:00" },
    ]);
    expect(weekSummary(0n, "en")).toEqual([]);
  });
});

describe("the booking window rule of a resource following the hours", () => {
  const H = 3600;
  const t0 = Date.UTC(2027, 2, 15, 12) / 1000; // Monday 8:00 EDT
  const closed = new Set(Array.from({ length: 14 }, (_, i) => t0 + (10 + i) * H)); // 18:00–8:00 EDT
  it("wants every hour open under a day", () => {
    expect(firstClosedHour(t0, t0 + 10 * H, closed)).toBeNull();
    expect(firstClosedHour(t0, t0 + 23 * H, closed)).toBe(t0 + 10 * H);
  });
  it("takes a day or month pass that starts at an open hour, across closed nights", () => {
    expect(firstClosedHour(t0, t0 + 24 * H, closed)).toBeNull();
    expect(firstClosedHour(t0 + 10 * H, t0 + 34 * H, closed)).toBe(t0 + 10 * H);
  });
});

describe("bookings caught by a closure (the contract's OpeningClosureHasBookings rule)", () => {
  const H = 3600;
  const MON_FRI_8_18 = weeklyMaskOf([0, 1, 2, 3, 4].map((day) => ({ day, opens: 8, closes: 18 })));
  const following = new Set([1]);
  const now = Date.UTC(2027, 2, 1) / 1000;
  const b = (passId: number, resourceId: number, startUtc: number, hours: number, cancelled = false) => ({
    passId,
    resourceId,
    start: startUtc,
    end: startUtc + hours * H,
    status: cancelled ? ("cancelled" as const) : ("active" as const),
  });
  const may24 = (h: number) => Date.UTC(2027, 4, 24, h) / 1000; // Monday, EDT = UTC − 4
  const caught = (
    list: ReturnType<typeof b>[],
    exceptions: { date: number; opens: number; closes: number }[],
    cleared: number[] = [],
    at = now,
  ) =>
    bookingsInClosure(list, following, { weekly: MON_FRI_8_18, exceptions, cleared }, "America/Toronto", at).map(
      (x) => x.passId,
    );

  it("finds a following resource's booking on a closed date, not the 24/7 one, a cancelled one or the next day's", () => {
    const list = [b(1, 1, may24(14), 2), b(2, 2, may24(14), 2), b(3, 1, may24(16), 1, true), b(4, 1, may24(38), 1)];
    expect(caught(list, [{ date: 20270524, opens: 0, closes: 0 }])).toEqual([1]);
  });

  it("finds a booking outside shorter hours and not one inside them", () => {
    const list = [b(1, 1, may24(19), 1), b(2, 1, may24(15), 1)]; // 15:00 and 11:00 EDT
    expect(caught(list, [{ date: 20270524, opens: 10, closes: 14 }])).toEqual([1]);
  });

  it("ignores a day pass's closed night on the next date, and hours already over", () => {
    expect(caught([b(1, 1, may24(12), 24)], [{ date: 20270525, opens: 0, closes: 0 }])).toEqual([]);
    expect(caught([b(1, 1, may24(12), 24)], [{ date: 20270524, opens: 0, closes: 0 }])).toEqual([1]);
    expect(caught([b(1, 1, may24(14), 1)], [{ date: 20270524, opens: 0, closes: 0 }], [], may24(15))).toEqual([]);
  });

  it("finds a booking on a Sunday opened by an exception that is cleared", () => {
    const sunday = Date.UTC(2027, 4, 30, 17) / 1000; // 13:00 EDT
    expect(caught([b(1, 1, sunday, 1)], [], [20270530])).toEqual([1]);
  });
});
