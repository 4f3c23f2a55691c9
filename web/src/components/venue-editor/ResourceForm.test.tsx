import { describe, expect, it, vi } from "vitest";
import { fireEvent, render, screen } from "@testing-library/react";
import { I18nProvider } from "../../i18n/i18n.tsx";
import { weeklyMaskOf } from "../../lib/openingHours.ts";
import type { Venue } from "../../lib/protocol.ts";
import { ResourceForm } from "./ResourceForm.tsx";

const sent: { functionName: string; args: unknown[] }[] = [];
vi.mock("../../hooks/useTx.ts", () => ({
  useTx: () => ({
    busy: false,
    done: null,
    error: null,
    setError: () => undefined,
    sequence: async (steps: (send: (call: { functionName: string; args: unknown[] }) => Promise<unknown>) => unknown) =>
      steps(async (call) => {
        sent.push(call);
        return { logs: [] };
      }),
  }),
}));
vi.mock("../../hooks/useApp.ts", () => ({ useApp: () => ({ protocol: {} }) }));
vi.mock("@tanstack/react-query", () => ({ useQuery: () => ({ data: [] }) }));
vi.mock("../../hooks/queries.ts", () => ({
  useCurrencies: () => ({
    data: [{ address: "0x0000000000000000000000000000000000000000", symbol: "ETH", decimals: 18 }],
  }),
}));
// The venue is open Monday to Friday, 8:00–18:00.
const WEEKDAYS = weeklyMaskOf([0, 1, 2, 3, 4].map((day) => ({ day, opens: 8, closes: 18 })));
vi.mock("../../hooks/useOpeningHours.ts", () => ({ useVenueOpeningHours: () => ({ data: [WEEKDAYS, {}] }) }));

const venue = { id: 1, timeZone: "America/Toronto" } as Venue;

function renderForm() {
  sent.length = 0;
  render(
    <I18nProvider lang="en">
      <ResourceForm venue={venue} />
    </I18nProvider>,
  );
}

describe("ResourceForm", () => {
  it("warns, when “follows opening hours” is ticked, about the prices the hours would make unbookable", () => {
    renderForm();
    fireEvent.change(screen.getByLabelText("Minimum hours"), { target: { value: "12" } });
    fireEvent.change(screen.getByLabelText("Maximum hours"), { target: { value: "12" } });
    expect(screen.queryByText(/hourly bookings would be impossible/)).toBeNull();
    fireEvent.click(screen.getByLabelText("Bookable during the venue’s opening hours only"));
    expect(
      screen.getByText(
        "The longest opening is 10 h, shorter than the minimum of 12 h: hourly bookings would be impossible.",
      ),
    ).toBeTruthy();
    expect(
      screen.getByText("The maximum of 12 h is under a day: the day and 30-day prices cannot be booked."),
    ).toBeTruthy();
  });

  it("reports every invalid field at once and sends nothing", async () => {
    renderForm();
    fireEvent.change(screen.getByLabelText("Units"), { target: { value: "0" } });
    fireEvent.change(screen.getByLabelText("Price per hour"), { target: { value: "x" } });
    fireEvent.change(screen.getByLabelText("Maximum hours"), { target: { value: "99999" } });
    fireEvent.click(screen.getByRole("button", { name: "Create" }));
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toMatch(/^6 fields to correct:/);
    for (const text of [
      "Name: 1 to 32 bytes.",
      "Units: a whole number from 1 to 255.",
      "Price per hour: an amount above 0.",
      "Price per day: an amount above 0.",
      "Price per 30 days: an amount above 0.",
      "Maximum hours: a whole number from 1 (the minimum) to 8784.",
    ])
      expect(screen.getByText(text)).toBeTruthy();
    expect(sent).toEqual([]);
  });
});
