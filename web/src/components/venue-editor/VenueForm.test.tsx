import { describe, expect, it, vi } from "vitest";
import { fireEvent, render, screen } from "@testing-library/react";
import { I18nProvider } from "../../i18n/i18n.tsx";
import type { Venue } from "../../lib/protocol.ts";
import { VenueForm } from "./VenueForm.tsx";

const sent: { functionName: string; args: unknown[] }[] = [];
vi.mock("../../hooks/useTx.ts", () => ({
  useTx: () => ({
    busy: false,
    done: null,
    error: null,
    setError: () => undefined,
    run: async (call: { functionName: string; args: unknown[] }) => {
      sent.push(call);
      return {};
    },
  }),
}));

const venue = {
  id: 3,
  name: "L'Ancienne Caisse",
  timeZone: "America/Toronto",
  meta: { address: "Saint-Jean-Port-Joli, QC", openingHours: "Mo-Fr 08:00-20:00" },
} as unknown as Venue;

function renderForm() {
  sent.length = 0;
  render(
    <I18nProvider lang="en">
      <VenueForm venue={venue} />
    </I18nProvider>,
  );
}
const save = () => fireEvent.click(screen.getByRole("button", { name: "Save" }));

describe("VenueForm", () => {
  it("refuses a time zone the platform does not know, with the empty name, before sending anything", async () => {
    renderForm();
    fireEvent.change(screen.getByLabelText("Time zone"), { target: { value: "Mars/Olympus_Mons" } });
    fireEvent.change(screen.getByLabelText("Name (≤ 32 bytes, on chain)"), { target: { value: "" } });
    save();
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("2 fields to correct:");
    expect(alert.textContent).toContain(
      "Time zone: “Mars/Olympus_Mons” is not an IANA time zone (e.g. America/Toronto).",
    );
    expect(alert.textContent).toContain("Name: 1 to 32 bytes.");
    expect(sent).toEqual([]);
  });

  it("has no free-text opening hours, and drops the old text from the metadata it saves", async () => {
    renderForm();
    expect(screen.queryByLabelText("Opening hours")).toBeNull();
    fireEvent.change(screen.getByLabelText("Time zone"), { target: { value: "America/St_Johns" } });
    save();
    await vi.waitFor(() => expect(sent.length).toBe(1));
    const uri = sent[0].args[2] as string;
    const meta = JSON.parse(decodeURIComponent(uri.slice(uri.indexOf(",") + 1))) as Record<string, unknown>;
    expect(meta.timezone).toBe("America/St_Johns");
    expect(meta).not.toHaveProperty("openingHours");
  });
});
