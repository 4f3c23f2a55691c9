import { afterEach, describe, expect, it, vi } from "vitest";
import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { getAddress, type Address } from "viem";
import { DoorsForm } from "./DoorsForm.tsx";
import { fakeProtocol, withApp } from "../../test/fakeApp.tsx";
import type { Venue } from "../../lib/protocol.ts";
import type { DoorsStatus } from "../../lib/relayer.ts";
import { pairingCode } from "../../../../protocol/pairing.ts";
import { DOOR_STATUS_POLL_MS } from "../../hooks/useDoorsStatus.ts";

const sent: { functionName: string; args: unknown[] }[] = [];
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
const errors: unknown[] = [];
vi.mock("../../lib/protocol.ts", () => ({
  loadDoors: async () => [
    { id: 1, venueId: 2, allResources: true, active: true, lockKey: KEY1, admits: [] },
    { id: 2, venueId: 2, allResources: false, active: true, lockKey: KEY2, admits: [] },
    { id: 3, venueId: 2, allResources: false, active: true, lockKey: KEY2, admits: [] },
  ],
}));
const KEY1 = "0x1111111111111111111111111111111111111111";
const KEY2 = "0x2222222222222222222222222222222222222222";
afterEach(() => {
  sent.length = 0;
  errors.length = 0;
});

const OPERATOR = getAddress("0x90F79bf6EB2c4f870365E785982E1f101E93b906");
const AGENT_KEY = "0x8626f6940e2eb28930efb4cef49b2d1f2c9c1199";
const venue = { id: 2, operator: OPERATOR, timeZone: "America/Toronto" } as unknown as Venue;
const NOW = Date.UTC(2026, 11, 6, 15, 0) / 1000; // 10:00 in Toronto

const statusAnswer: DoorsStatus = {
  venueId: 2,
  broker: "connected",
  asOfBlock: 10,
  doors: [
    {
      door: 1,
      connection: "online",
      since: NOW,
      state: "locked",
      contact: "closed",
      battery: 80,
      lastOpening: null,
      agent: "le-lab",
      reportedAt: NOW,
    },
    {
      door: 2,
      connection: "offline",
      since: NOW + 3600,
      state: "unknown",
      contact: null,
      battery: null,
      lastOpening: null,
      agent: "le-lab",
      reportedAt: NOW,
    },
    {
      door: 3,
      connection: "unknown",
      since: null,
      state: "unknown",
      contact: null,
      battery: null,
      lastOpening: null,
      agent: null,
      reportedAt: null,
    },
  ],
};

function renderForm(
  o: { me?: Address | null; doorsStatus?: () => Promise<DoorsStatus>; pulse?: (door: number) => Promise<unknown> } = {},
) {
  render(
    withApp(<DoorsForm venue={venue} resources={[]} />, {
      protocol: fakeProtocol({}, {}),
      me: o.me === undefined ? OPERATOR : o.me,
      relayer: {
        doorsStatus: o.doorsStatus ?? (() => Promise.resolve(statusAnswer)),
        pulse: (o.pulse ?? (() => Promise.resolve({}))) as never,
      },
    }),
  );
}
const row = async (id: number) => (await screen.findByText(`#${id}`)).closest("li")!;

describe("DoorsForm pairing", () => {
  it("shows the pairing code of the pasted address, the same in any letter case, and creates the door", async () => {
    renderForm();
    const form = screen.getByRole("form", { name: "New door" });
    const input = within(form).getByLabelText("Lock key address");
    const code = pairingCode(AGENT_KEY)!;
    fireEvent.change(input, { target: { value: AGENT_KEY } });
    expect(within(form).getByText(`Pairing code: ${code}`)).toBeTruthy();
    fireEvent.change(input, { target: { value: getAddress(AGENT_KEY) } });
    expect(within(form).getByText(`Pairing code: ${code}`)).toBeTruthy();
    fireEvent.submit(form);
    await waitFor(() => expect(sent).toHaveLength(1));
    expect(sent[0]).toEqual({ functionName: "createDoor", args: [2, true, getAddress(AGENT_KEY)] });
  });

  it("shows no code for a bad address and sends nothing", async () => {
    renderForm();
    const form = screen.getByRole("form", { name: "New door" });
    // One digit short, then a wrong EIP-55 checksum.
    for (const bad of [AGENT_KEY.slice(0, -1), "0x8626F6940e2eb28930efb4cef49b2d1f2c9c1199"]) {
      fireEvent.change(within(form).getByLabelText("Lock key address"), { target: { value: bad } });
      expect(within(form).queryByText(/Pairing code/)).toBeNull();
      expect(within(form).getByText("Lock key: not an address (0x…).")).toBeTruthy();
      fireEvent.submit(form);
    }
    expect(errors).toEqual([{ key: "form.err.lockKey" }, { key: "form.err.lockKey" }]);
    expect(sent).toEqual([]);
  });

  it("re-pairs an existing door through updateDoor, keeping the rest as it is", async () => {
    renderForm();
    const form = within(await row(2)).getByRole("form", { name: "Pair another agent #2" });
    fireEvent.change(within(form).getByLabelText("Lock key address"), { target: { value: AGENT_KEY } });
    expect(within(form).getByText(`Pairing code: ${pairingCode(AGENT_KEY)}`)).toBeTruthy();
    fireEvent.submit(form);
    await waitFor(() => expect(sent).toHaveLength(1));
    expect(sent[0]).toEqual({ functionName: "updateDoor", args: [2, false, true, AGENT_KEY] });
  });
});

describe("DoorsForm live status", () => {
  it("tells online, offline and unknown apart, never calling an unheard door online or locked", async () => {
    renderForm();
    await waitFor(async () => expect((await row(1)).textContent).toContain("Online since"));
    const online = (await row(1)).textContent;
    expect(online).toContain("Locked");
    expect(online).toContain("Door closed");
    expect(online).toContain("Battery 80 %");
    const offline = (await row(2)).textContent;
    expect(offline).toContain("Offline since");
    expect(offline).not.toContain("Locked");
    const unknown = (await row(3)).textContent;
    expect(unknown).toContain("Status unknown: nothing heard from this door’s agent");
    expect(unknown).not.toMatch(/Online|Locked/);
  });

  it("in French too", async () => {
    render(
      withApp(<DoorsForm venue={venue} resources={[]} />, {
        protocol: fakeProtocol({}, {}),
        me: OPERATOR,
        lang: "fr",
        relayer: { doorsStatus: () => Promise.resolve(statusAnswer) },
      }),
    );
    await waitFor(async () =>
      expect((await screen.findByText("#1")).closest("li")!.textContent).toContain("En ligne depuis"),
    );
    expect((await screen.findByText("#3")).closest("li")!.textContent).toContain("État inconnu");
  });

  it("polls every few seconds while the page is visible, and not while it is hidden", async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    const visibility = (v: "visible" | "hidden") => {
      Object.defineProperty(document, "visibilityState", { value: v, configurable: true });
      document.dispatchEvent(new Event("visibilitychange"));
    };
    try {
      const doorsStatus = vi.fn(() => Promise.resolve(statusAnswer));
      renderForm({ doorsStatus });
      await waitFor(() => expect(doorsStatus).toHaveBeenCalledTimes(1));
      await vi.advanceTimersByTimeAsync(DOOR_STATUS_POLL_MS + 10);
      await waitFor(() => expect(doorsStatus).toHaveBeenCalledTimes(2));
      visibility("hidden");
      await vi.advanceTimersByTimeAsync(3 * DOOR_STATUS_POLL_MS);
      expect(doorsStatus).toHaveBeenCalledTimes(2);
    } finally {
      visibility("visible");
      vi.useRealTimers();
    }
  });

  it("asks for the operator's sign-in instead of guessing, and never calls the relayer without it", async () => {
    const doorsStatus = vi.fn(() => Promise.resolve(statusAnswer));
    renderForm({ me: null, doorsStatus });
    expect(await screen.findByText("Sign in (button at the top) to see the doors’ live status.")).toBeTruthy();
    await row(1);
    expect(doorsStatus).not.toHaveBeenCalled();
    expect(screen.queryByRole("button", { name: "Pulse open" })).toBeNull();
  });
});

describe("DoorsForm remote pulse", () => {
  it("sends nothing until confirmed, then tells the result", async () => {
    const pulse = vi.fn(() => Promise.resolve({ door: 1, result: "opened" as const, requestId: "r", auditId: 4 }));
    renderForm({ pulse });
    const r1 = await row(1);
    await waitFor(() => expect(within(r1).getByRole("button", { name: "Pulse open" })).toBeTruthy());
    fireEvent.click(within(r1).getByRole("button", { name: "Pulse open" }));
    expect(within(r1).getByText(/Open door #1 now/)).toBeTruthy();
    fireEvent.click(within(r1).getByRole("button", { name: "Cancel" }));
    expect(pulse).not.toHaveBeenCalled();
    fireEvent.click(within(r1).getByRole("button", { name: "Pulse open" }));
    fireEvent.click(within(r1).getByRole("button", { name: "Yes, open it" }));
    expect(await within(r1).findByText("Door #1 opened.")).toBeTruthy();
    expect(pulse).toHaveBeenCalledExactlyOnceWith(1);
  });

  it("says so when the door did not answer", async () => {
    renderForm({
      pulse: () =>
        Promise.resolve({ door: 1, result: "unreachable", reason: "lock_unreachable", requestId: "r", auditId: 5 }),
    });
    const r1 = await row(1);
    await waitFor(() => expect(within(r1).getByRole("button", { name: "Pulse open" })).toBeTruthy());
    fireEvent.click(within(r1).getByRole("button", { name: "Pulse open" }));
    fireEvent.click(within(r1).getByRole("button", { name: "Yes, open it" }));
    expect((await within(r1).findByRole("alert")).textContent).toContain("Door #1 did not answer: it did not open.");
  });
});
