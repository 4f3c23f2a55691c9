import { afterEach, describe, expect, it, vi } from "vitest";
import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { getAddress } from "viem";
import { DoorPassHoursForm } from "./DoorPassHoursForm.tsx";
import { parseDoorPassHours } from "../../lib/editorInput.ts";
import { fakeProtocol, withApp } from "../../test/fakeApp.tsx";
import type { Venue } from "../../lib/protocol.ts";
import type { Lang } from "../../i18n/messages.ts";

const sent: { functionName: string; args: unknown[] }[] = [];
const errors: unknown[] = [];
vi.mock("../../hooks/useTx.ts", () => ({
  useTx: () => ({
    busy: false,
    done: null,
    error: null,
    setError: (e: unknown) => errors.push(e),
    run: async (call: { functionName: string; args: unknown[] }) => {
      sent.push(call);
      return {};
    },
  }),
}));
afterEach(() => {
  sent.length = 0;
  errors.length = 0;
});

const OPERATOR = getAddress("0x90F79bf6EB2c4f870365E785982E1f101E93b906");
const venueWith = (doorPassMaxHours: number | null) =>
  ({ id: 2, operator: OPERATOR, timeZone: "America/Toronto", doorPassMaxHours }) as unknown as Venue;

function renderForm(doorPassMaxHours: number | null, o: { lang?: Lang; network?: () => Promise<unknown> } = {}) {
  render(
    withApp(<DoorPassHoursForm venue={venueWith(doorPassMaxHours)} />, {
      protocol: fakeProtocol({}, {}),
      me: OPERATOR,
      lang: o.lang,
      relayer: {
        get: (o.network ?? (() => Promise.resolve({ limits: { doorPassDefaultHours: 24 } }))) as never,
      },
    }),
  );
  return screen.getByRole("form");
}

describe("DoorPassHoursForm", () => {
  it("shows the chain's setting and the exposure it bounds, and sends setDoorPassMaxHours", async () => {
    const form = renderForm(6);
    expect(screen.getByText("Set on chain: 6 h.")).toBeTruthy();
    expect(
      screen.getByText(
        "A pass cancelled while the venue is offline can still open until its door pass ends: at most 6 h.",
      ),
    ).toBeTruthy();
    const input = within(form).getByLabelText("Maximum offline door pass validity (hours, 1–24)");
    expect((input as HTMLInputElement).value).toBe("6");
    fireEvent.change(input, { target: { value: "4" } });
    fireEvent.submit(form);
    await waitFor(() => expect(sent).toHaveLength(1));
    expect(sent[0]).toEqual({ functionName: "setDoorPassMaxHours", args: [2, 4] });
  });

  it("says the network default applies while the operator has set none", async () => {
    renderForm(null);
    expect(await screen.findByText("Not set — the network default of 24 h applies.")).toBeTruthy();
    expect(
      screen.getByText(
        "A pass cancelled while the venue is offline can still open until its door pass ends: at most 24 h.",
      ),
    ).toBeTruthy();
  });

  it("states no figure when neither the chain nor the relayer gives one", async () => {
    renderForm(null, { network: () => Promise.reject(new Error("relayer down")) });
    expect(await screen.findByText("Not set — the relayer’s default applies.")).toBeTruthy();
    expect(screen.queryByText(/at most/)).toBeNull();
  });

  it("refuses 0, 25, 1.5 and words before any transaction, with a clear message", async () => {
    const form = renderForm(null);
    const input = within(form).getByLabelText("Maximum offline door pass validity (hours, 1–24)");
    for (const bad of ["0", "25", "1.5", "six", "", "-3"]) {
      fireEvent.change(input, { target: { value: bad } });
      fireEvent.submit(form);
    }
    expect(sent).toEqual([]);
    expect(errors).toHaveLength(6);
    expect(errors.every((e) => (e as { key: string }).key === "form.err.doorPassHours")).toBe(true);
    fireEvent.change(input, { target: { value: "24" } });
    fireEvent.submit(form);
    await waitFor(() => expect(sent).toEqual([{ functionName: "setDoorPassMaxHours", args: [2, 24] }]));
  });

  it("speaks French", async () => {
    renderForm(null, { lang: "fr" });
    expect(await screen.findByText("Non réglée — la valeur par défaut du réseau, 24 h, s’applique.")).toBeTruthy();
    expect(screen.getByLabelText("Validité maximale d’un laissez-passer hors ligne (heures, 1 à 24)")).toBeTruthy();
  });
});

describe("parseDoorPassHours", () => {
  it("takes whole hours from 1 to 24 only", () => {
    expect([" 1 ", "12", "24"].map(parseDoorPassHours)).toEqual([1, 12, 24]);
    expect(["0", "25", "99", "1e1", "0x2", "2.0", ""].map(parseDoorPassHours)).toEqual(Array(7).fill(null));
  });
});
