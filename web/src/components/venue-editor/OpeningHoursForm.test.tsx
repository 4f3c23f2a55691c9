import { describe, expect, it, vi } from "vitest";
import { useState } from "react";
import { fireEvent, render, screen } from "@testing-library/react";
import { I18nProvider } from "../../i18n/i18n.tsx";
import type { Lang } from "../../i18n/messages.ts";
import type { UiError } from "../../lib/errors.ts";
import type { Venue } from "../../lib/protocol.ts";
import { OpeningHoursFields } from "./OpeningHoursForm.tsx";

// The transactions the form would send, recorded instead of signed.
const sent: { functionName: string; args: unknown[] }[] = [];
vi.mock("../../hooks/useTx.ts", () => ({
  useTx() {
    const [error, setError] = useState<UiError | null>(null);
    return {
      busy: false,
      done: null,
      error,
      setError,
      async sequence(steps: (send: (call: { functionName: string; args: unknown[] }) => Promise<unknown>) => unknown) {
        setError(null);
        await steps(async (call) => {
          sent.push(call);
          return {};
        });
      },
    };
  },
}));
vi.mock("../../hooks/useNow.ts", () => ({ useNow: () => Date.UTC(2027, 0, 10) / 1000 }));
vi.mock("../../hooks/useApp.ts", () => ({ useApp: () => ({ protocol: {} }) }));
vi.mock("../../hooks/queries.ts", () => ({
  useResources: () => ({
    data: [
      { id: 1, name: "Salle", followsOpeningHours: true },
      { id: 2, name: "Bureau 24/7", followsOpeningHours: false },
    ],
  }),
}));
// The venue's bookings as the relayer's read API would list them.
const standing: { passId: bigint; resourceId: number; start: number; end: number; status: "active" | "cancelled" }[] =
  [];
vi.mock("../../lib/protocol.ts", () => ({ loadBookings: async () => standing }));

const venue = { id: 1, timeZone: "America/Toronto" } as Venue;
/** Monday–Friday 8:00–18:00, as stored on chain. */
const MASK = [0, 1, 2, 3, 4].reduce((m, d) => m | (0b1111111111n << BigInt(24 * d + 8)), 0n);

function renderForm(lang: Lang = "en") {
  sent.length = 0;
  standing.length = 0;
  render(
    <I18nProvider lang={lang}>
      <OpeningHoursFields venue={venue} mask={MASK} />
    </I18nProvider>,
  );
}
const save = (label = "Save") => fireEvent.click(screen.getByRole("button", { name: label }));

describe("OpeningHoursForm", () => {
  it("starts from the stored hours and explains the venue's zone", () => {
    renderForm();
    expect(screen.getByLabelText<HTMLInputElement>("Monday").value).toBe("8-18");
    expect(screen.getByLabelText<HTMLInputElement>("Sunday").value).toBe("");
    expect(screen.getByText(/Time zone America\/Toronto: UTC−5, daylight time UTC−4/)).toBeTruthy();
  });

  it("refuses inverted hours with a message naming the day, and sends nothing", async () => {
    renderForm();
    fireEvent.change(screen.getByLabelText("Tuesday"), { target: { value: "18-8" } });
    save();
    expect(
      await screen.findByText("Tuesday: “18-8” closes before it opens (split a night over two days)."),
    ).toBeTruthy();
    expect(sent).toEqual([]);
  });

  it("refuses overlapping hours and a bad exception date, in French too", async () => {
    renderForm("fr");
    fireEvent.change(screen.getByLabelText("mercredi"), { target: { value: "8-12, 11-14" } });
    save("Enregistrer");
    expect(await screen.findByText("mercredi : « 11-14 » chevauche d’autres heures du même jour.")).toBeTruthy();
    fireEvent.change(screen.getByLabelText("mercredi"), { target: { value: "8-12, 12-14" } });
    fireEvent.change(screen.getByLabelText(/^Exceptions/), { target: { value: "2027-02-30 fermé" } });
    save("Enregistrer");
    expect(await screen.findByText("« 2027-02-30 » n’est pas une date (AAAA-MM-JJ).")).toBeTruthy();
    expect(sent).toEqual([]);
  });

  it("sends the week with Toronto's rule, then the exceptions and the dates to clear", async () => {
    renderForm();
    fireEvent.change(screen.getByLabelText("Saturday"), { target: { value: "10-14" } });
    fireEvent.change(screen.getByLabelText(/^Exceptions/), {
      target: { value: "2027-12-25 closed\n2027-12-24 10-14" },
    });
    fireEvent.change(screen.getByLabelText(/^Dates back/), { target: { value: "2027-05-24" } });
    save();
    await vi.waitFor(() => expect(sent.length).toBe(3));
    const [hours, exceptions, cleared] = sent;
    expect(hours.functionName).toBe("setOpeningHours");
    expect(hours.args[1]).toEqual([
      ...[0, 1, 2, 3, 4].map((day) => ({ day, opens: 8, closes: 18 })),
      { day: 5, opens: 10, closes: 14 },
    ]);
    expect(hours.args[2]).toEqual({
      standardOffset: -300,
      daylightOffset: -240,
      dstStart: { month: 3, week: 2, weekday: 0, hour: 2 },
      dstEnd: { month: 11, week: 1, weekday: 0, hour: 2 },
    });
    expect(exceptions).toEqual({
      functionName: "setOpeningExceptions",
      args: [
        1,
        [
          { date: 20271224, opens: 10, closes: 14 },
          { date: 20271225, opens: 0, closes: 0 },
        ],
      ],
    });
    expect(cleared).toEqual({ functionName: "clearOpeningExceptions", args: [1, [20270524]] });
  });

  it("reports every invalid field at once, and sends nothing", async () => {
    renderForm();
    fireEvent.change(screen.getByLabelText("Tuesday"), { target: { value: "18-8" } });
    fireEvent.change(screen.getByLabelText("Wednesday"), { target: { value: "8-12, 11-14" } });
    fireEvent.change(screen.getByLabelText(/^Exceptions/), { target: { value: "2027-02-30 closed\n2027-12-24 9" } });
    fireEvent.change(screen.getByLabelText(/^Dates back/), { target: { value: "2027-13-01" } });
    save();
    expect(await screen.findByText("5 fields to correct:")).toBeTruthy();
    for (const text of [
      "Tuesday: “18-8” closes before it opens (split a night over two days).",
      "Wednesday: “11-14” overlaps other hours of the same day.",
      "“2027-02-30” is not a date (YYYY-MM-DD).",
      "2027-12-24: “9” is not hours like 8-18.",
      "“2027-13-01” is not a date (YYYY-MM-DD).",
    ])
      expect(screen.getByText(text)).toBeTruthy();
    expect(sent).toEqual([]);
  });

  it("lists the bookings a closure would leave in closed hours, then cancels them with the closure in one action", async () => {
    renderForm();
    const start = Date.UTC(2027, 11, 24, 15) / 1000; // Friday 24 December 2027, 10:00 EST
    standing.push(
      { passId: 7n, resourceId: 1, start, end: start + 7200, status: "active" },
      { passId: 8n, resourceId: 2, start, end: start + 7200, status: "active" }, // 24/7: not affected
      { passId: 9n, resourceId: 1, start: start + 86_400 * 3, end: start + 86_400 * 3 + 3600, status: "active" },
    );
    fireEvent.change(screen.getByLabelText(/^Exceptions/), { target: { value: "2027-12-24 closed" } });
    save();
    expect(
      await screen.findByText(
        "1 booking falls in the hours you are closing. The chain refuses the closure while it stands: cancel it with a full refund, then save.",
      ),
    ).toBeTruthy();
    expect(screen.getByText(/^Pass #7: Salle,/)).toBeTruthy();
    expect(screen.queryByText(/^Pass #8/)).toBeNull();
    expect(sent).toEqual([]);
    fireEvent.click(screen.getByRole("button", { name: "Cancel these bookings (full refund) and save" }));
    await vi.waitFor(() => expect(sent.length).toBe(3));
    expect(sent.map((c) => c.functionName)).toEqual(["cancel", "setOpeningHours", "setOpeningExceptions"]);
    expect(sent[0].args).toEqual([7n]);
  });
});
