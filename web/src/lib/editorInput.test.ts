import { describe, expect, it } from "vitest";
import { followWarnings, knownTimeZone, payeesInput, resourceInput, venueInput } from "./editorInput.ts";
import { weeklyMaskOf } from "./openingHours.ts";

const A = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";

describe("venue editor input", () => {
  it("accepts a zone of the platform's IANA list and refuses one that is not (Mars/Olympus_Mons)", () => {
    expect(knownTimeZone("America/Toronto")).toBe("America/Toronto");
    expect(knownTimeZone("America/St_Johns")).toBe("America/St_Johns");
    expect(knownTimeZone("UTC")).toBe("UTC");
    expect(knownTimeZone("Mars/Olympus_Mons")).toBeNull();
    expect(knownTimeZone("")).toBeNull();
    expect(venueInput({ name: "Le Lab", timezone: "Mars/Olympus_Mons" }, null)).toEqual({
      ok: false,
      errors: [{ key: "form.err.timezone", vars: { zone: "Mars/Olympus_Mons" } }],
    });
    expect(venueInput({ name: "Le Lab", timezone: " America/Toronto " }, null)).toEqual({
      ok: true,
      value: { timezone: "America/Toronto", payees: null },
    });
  });

  it("resolves a zone written another way to the platform's own name", () => {
    expect(knownTimeZone("america/toronto")).toBe("America/Toronto");
  });

  it("reports every invalid field of the venue form at once", () => {
    const r = venueInput({ name: "", timezone: "Nowhere" }, [
      { address: "0x123", percent: "70" },
      { address: A, percent: "0" },
    ]);
    expect(r.ok).toBe(false);
    expect(r.ok ? [] : r.errors.map((e) => e.key)).toEqual([
      "form.err.name",
      "form.err.timezone",
      "form.err.payeeAddress",
      "form.err.payeeShare",
      "form.err.sharesTotal",
    ]);
  });

  it("takes payees whose shares add up to 100 %", () => {
    expect(payeesInput([{ address: A, percent: "100" }])).toEqual({ ok: true, value: [[A], [10_000]] });
  });

  it("reports every invalid field of the resource form at once", () => {
    const r = resourceInput(
      {
        name: "Un nom bien trop long pour la chaîne, vraiment",
        units: "0",
        hour: "abc",
        day: "25",
        month: "0",
        minHours: "5",
        maxHours: "2",
        horizonHours: "1.5",
        grace: "-1",
        tiers: "24=150",
      },
      6,
    );
    expect(r.ok ? [] : r.errors.map((e) => e.key)).toEqual([
      "form.err.name",
      "form.err.units",
      "form.err.priceHour",
      "form.err.priceMonth",
      "form.err.maxHours",
      "form.err.horizon",
      "form.err.grace",
      "form.err.tiers",
    ]);
    const ok = resourceInput(
      {
        name: "Salle",
        units: "2",
        hour: "25",
        day: "150,5",
        month: "2500",
        minHours: "1",
        maxHours: "72",
        horizonHours: "1440",
        grace: "15",
        tiers: null,
      },
      6,
    );
    expect(ok).toMatchObject({ ok: true, value: { units: 2, pricePerDay: 150_500_000n, graceSeconds: 900 } });
  });
});

describe("ticking “follows opening hours”", () => {
  const weekdays = weeklyMaskOf([0, 1, 2, 3, 4].map((day) => ({ day, opens: 8, closes: 18 })));
  it("warns when nothing, or no hourly booking, or no day or 30-day pass could be booked", () => {
    expect(followWarnings(0n, 1, 720).map((w) => w.key)).toEqual(["form.warn.noHours"]);
    expect(followWarnings(weekdays, 12, 720).map((w) => w.key)).toEqual(["form.warn.tooShort"]);
    expect(followWarnings(weekdays, 1, 12).map((w) => w.key)).toEqual(["form.warn.noDay"]);
    expect(followWarnings(weekdays, 1, 72).map((w) => w.key)).toEqual(["form.warn.noMonth"]);
    expect(followWarnings(weekdays, 1, 2_160)).toEqual([]);
  });
});
