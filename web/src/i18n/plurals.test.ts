import { describe, expect, it } from "vitest";
import { translator } from "./translate.ts";

describe("plurals (Intl.PluralRules)", () => {
  const en = translator("en");
  const fr = translator("fr");

  it("uses the singular in English for 1 only", () => {
    expect(en("op.settled", { n: 0 })).toBe("0 bookings settled.");
    expect(en("op.settled", { n: 1 })).toBe("1 booking settled.");
    expect(en("op.settled", { n: 2 })).toBe("2 bookings settled.");
    expect(en("op.settle", { n: 1 })).toBe("Settle 1 pending booking");
    expect(en("op.settle", { n: 3 })).toBe("Settle 3 pending bookings");
  });

  it("uses the singular in French for 0 and 1, with agreeing adjectives", () => {
    expect(fr("op.settled", { n: 0 })).toBe("0 réservation réglée.");
    expect(fr("op.settled", { n: 1 })).toBe("1 réservation réglée.");
    expect(fr("op.settled", { n: 2 })).toBe("2 réservations réglées.");
    expect(fr("cal.free", { n: 1, units: 12 })).toBe("1 sur 12 libre");
    expect(fr("cal.free", { n: 5, units: 12 })).toBe("5 sur 12 libres");
  });

  it("counts units and resources in both languages", () => {
    expect(en("resource.units", { n: 1 })).toBe("1 unit");
    expect(en("resource.units", { n: 12 })).toBe("12 identical units");
    expect(fr("resource.units", { n: 1 })).toBe("1 unité");
    expect(fr("resource.units", { n: 12 })).toBe("12 unités identiques");
    expect(en("venues.resources", { n: 0 })).toBe("0 resources");
    expect(fr("venues.resources", { n: 0 })).toBe("0 ressource");
    expect(fr("venues.resourceKinds", { n: 2, kinds: "Studio" })).toBe("2 ressources : Studio");
  });
});
