import { describe, expect, it, vi } from "vitest";
import { render, screen } from "@testing-library/react";
import { I18nProvider } from "../i18n/i18n.tsx";
import type { Lang } from "../i18n/messages.ts";
import { weeklyMaskOf } from "../lib/openingHours.ts";
import { VenuePage } from "./VenuePage.tsx";

// A venue whose metadata still carries the free text of earlier versions, and whose chain hours differ.
const venue = {
  id: 2,
  name: "etc Saint-Germain",
  timeZone: "America/Toronto",
  paused: false,
  meta: { openingHours: "Mo-Su 06:00-23:00", address: "Saint-Germain-de-Kamouraska, QC" },
};
const resources = [
  { id: 5, name: "Poste partagé", kind: 0, units: 12, followsOpeningHours: false, meta: {} },
  { id: 6, name: "Salle", kind: 2, units: 1, followsOpeningHours: true, meta: {} },
];
const MASK = weeklyMaskOf([
  ...[0, 1, 2, 3, 4].map((day) => ({ day, opens: 7, closes: 22 })),
  { day: 5, opens: 9, closes: 17 },
]);
vi.mock("../hooks/queries.ts", () => ({
  useVenue: () => ({ isPending: false, data: venue }),
  useResources: () => ({ data: resources }),
  useCurrency: () => ({ data: undefined }),
}));
vi.mock("../hooks/useOpeningHours.ts", () => ({ useVenueOpeningHours: () => ({ data: [MASK, {}] }) }));
vi.mock("../hooks/useNow.ts", () => ({ useNow: () => Date.UTC(2027, 0, 10) / 1000 }));

function renderPage(lang: Lang) {
  render(
    <I18nProvider lang={lang}>
      <VenuePage venueId={2} />
    </I18nProvider>,
  );
}

describe("VenuePage", () => {
  it("shows the weekly hours the chain enforces, with French day names, not the metadata's text", () => {
    renderPage("fr");
    expect(screen.getByRole("heading", { name: "Heures d’ouverture" })).toBeTruthy();
    expect(screen.getByText("lundi – vendredi")).toBeTruthy();
    expect(screen.getByText("7 h–22 h")).toBeTruthy();
    expect(screen.getByText("samedi")).toBeTruthy();
    expect(screen.getByText("dimanche")).toBeTruthy();
    expect(screen.getByText("fermé")).toBeTruthy();
    expect(screen.queryByText(/Mo-Su/)).toBeNull();
  });

  it("says which resources follow the hours and which are bookable around the clock", () => {
    renderPage("en");
    expect(screen.getByText("Monday – Friday")).toBeTruthy();
    expect(screen.getByText("Bookable around the clock")).toBeTruthy();
    expect(screen.getByText(/^During opening hours; a day or 30-day pass covers/)).toBeTruthy();
  });
});
