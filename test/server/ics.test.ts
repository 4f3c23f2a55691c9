// The pass calendar (protocol/ics.ts) parsed back with ical.js (Mozilla's iCalendar library): the
// right instants in the venue's time zone, also across the 2027 daylight-saving changes, and the
// venue's address and doors.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import ICAL from "ical.js";
import { passesCalendar, type CalendarPass } from "../../protocol/ics.ts";

const TZ = "America/Toronto";
const at = (iso: string) => Date.parse(iso) / 1000;

/** Parses a calendar and returns each event's UTC instants and fields. */
function parse(ics: string) {
  const cal = new ICAL.Component(ICAL.parse(ics) as unknown[]);
  for (const tz of cal.getAllSubcomponents("vtimezone")) ICAL.TimezoneService.register(tz);
  try {
    return cal.getAllSubcomponents("vevent").map((v) => {
      const e = new ICAL.Event(v);
      return {
        start: e.startDate.toUnixTime(),
        end: e.endDate.toUnixTime(),
        summary: e.summary,
        location: e.location,
        description: e.description,
        uid: e.uid,
        status: String(v.getFirstPropertyValue("status")),
        tzid: v.getFirstProperty("dtstart")?.getParameter("tzid"),
      };
    });
  } finally {
    ICAL.TimezoneService.reset();
  }
}

const pass = (over: Partial<CalendarPass>): CalendarPass => ({
  passId: 7n,
  chainId: 31337,
  start: at("2027-06-01T13:00:00Z"),
  end: at("2027-06-01T15:00:00Z"),
  title: "Bureau — Le Lab, Saint-Germain",
  venueAddress: "12, rue Principale; Saint-Germain (Québec) J0C 1K0",
  doors: ["Porte principale", "Salle 2"],
  ...over,
});

describe("pass calendar (.ics)", () => {
  it("carries the instants, the venue's time zone, address and doors", () => {
    const ics = passesCalendar([pass({})], TZ, at("2027-05-01T00:00:00Z"));
    assert.ok(
      ics.split("\r\n").every((l) => Buffer.byteLength(l) <= 75),
      "lines folded at 75 octets",
    );
    const [e] = parse(ics);
    assert.equal(e.start, at("2027-06-01T13:00:00Z"));
    assert.equal(e.end, at("2027-06-01T15:00:00Z"));
    assert.equal(e.tzid, TZ);
    assert.equal(e.summary, "Bureau — Le Lab, Saint-Germain");
    assert.equal(e.location, "12, rue Principale; Saint-Germain (Québec) J0C 1K0");
    assert.equal(e.description, "Doors: Porte principale, Salle 2\nPass #7");
    assert.equal(e.uid, "pass-7-chain-31337@passepartout");
    assert.match(ics, /DTSTART;TZID=America\/Toronto:20270601T090000/);
  });

  it("keeps the right instants across 14 March and 7 November 2027", () => {
    const passes = [
      // 01:00–04:00 on 14 March: 3 hours of local wall clock, 2 hours of real time (02:00 skipped).
      pass({ passId: 1n, start: at("2027-03-14T06:00:00Z"), end: at("2027-03-14T08:00:00Z") }),
      // Across 7 November: 00:00 EDT to 02:00 EST (3 hours); the repeated 01:00 hour both times.
      pass({ passId: 2n, start: at("2027-11-07T04:00:00Z"), end: at("2027-11-07T07:00:00Z") }),
      pass({ passId: 3n, start: at("2027-11-07T05:00:00Z"), end: at("2027-11-07T06:00:00Z") }),
      pass({ passId: 4n, start: at("2027-11-07T06:00:00Z"), end: at("2027-11-07T07:00:00Z") }),
      pass({ passId: 5n, start: at("2027-12-24T14:00:00Z"), end: at("2027-12-24T15:00:00Z"), cancelled: true }),
    ];
    const events = parse(passesCalendar(passes, TZ, at("2027-01-01T00:00:00Z")));
    assert.deepEqual(
      events.map((e) => [e.start, e.end]),
      passes.map((p) => [p.start, p.end]),
    );
    assert.equal(events[4].status, "CANCELLED");
  });

  it("escapes text and folds long lines without splitting a character", () => {
    const title = "Salle « Érable », étage 2; \\ accès" + " é".repeat(60);
    const ics = passesCalendar([pass({ title })], TZ, at("2027-05-01T00:00:00Z"));
    assert.equal(parse(ics)[0].summary, title);
    assert.ok(!ics.includes("\uFFFD"));
  });
});
