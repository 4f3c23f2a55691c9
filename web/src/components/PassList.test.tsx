import { describe, expect, it } from "vitest";
import { render, screen, within } from "@testing-library/react";
import type { Address } from "viem";
import { I18nProvider } from "../i18n/i18n.tsx";
import { memberPass } from "../../../protocol/api/read.ts";
import { PassList, type PassView } from "./PassList.tsx";

const CAD = { address: "0x5FbDB2315678afecb367f032d93F642f64180aa3" as Address, symbol: "tCAD", decimals: 6 };
const ME = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8" as Address;
const HOUR = 3600;
const NOW = Date.UTC(2026, 11, 1, 15, 20) / 1000; // Tue Dec 1, 10:20 in Québec

type Active = Extract<PassView, { status: "active" }>;
type Cancelled = Extract<PassView, { status: "cancelled" }>;
const view = {
  resourceName: "Poste partagé",
  venueName: "etc Saint-Germain",
  timeZone: "America/Toronto",
  graceSeconds: 15 * 60,
  currencyInfo: CAD,
};

/** A standing pass as GET /api/passes lists it (decoded), with its view. */
function pass(id: number, startOffsetH: number, hours: number, over: Partial<Active> = {}): PassView {
  const start = Date.UTC(2026, 11, 1, 15) / 1000 + startOffsetH * HOUR;
  return {
    passId: BigInt(id),
    status: "active",
    role: "holder",
    holder: ME,
    resourceId: 1,
    venueId: 1,
    unit: 0,
    start,
    end: start + hours * HOUR,
    currency: CAD.address,
    amount: 5_000_000n * BigInt(hours),
    gst: 0n,
    qst: 0n,
    serviceFee: 0n,
    policyId: 1,
    releaseTime: start,
    settled: false,
    guest: null,
    guestExpires: 0,
    block: 1,
    ...view,
    ...over,
  };
}

/** A cancelled booking as GET /api/passes lists it (decoded), with its view. */
function cancelled(id: number, startOffsetH: number, hours: number, over: Partial<Cancelled>): PassView {
  const start = Date.UTC(2026, 11, 1, 15) / 1000 + startOffsetH * HOUR;
  return {
    passId: BigInt(id),
    status: "cancelled",
    role: "holder",
    holder: ME,
    resourceId: 1,
    venueId: 1,
    unit: 0,
    start,
    end: start + hours * HOUR,
    currency: CAD.address,
    amount: 5_000_000n * BigInt(hours),
    gst: 0n,
    qst: 0n,
    serviceFee: 0n,
    byOperator: false,
    refund: 0n,
    retained: 0n,
    gstRefund: 0n,
    qstRefund: 0n,
    refundServiceFee: 0n,
    block: 2,
    ...view,
    ...over,
  };
}

const renderList = (passes: PassView[], actions?: Parameters<typeof PassList>[0]["actions"]) =>
  render(
    <I18nProvider lang="en">
      <PassList passes={passes} now={NOW} actions={actions} />
    </I18nProvider>,
  );

const idsIn = (phase: string) =>
  [...document.querySelectorAll(`section.${phase} li[data-pass-id]`)].map((li) => li.getAttribute("data-pass-id"));

describe("PassList", () => {
  it("groups passes into now, upcoming and past, using the early-access grace", () => {
    renderList([
      pass(1, 0, 2), // 10:00–12:00: current
      pass(2, 1, 1), // 11:00 starts in 40 min: upcoming
      pass(3, 1, 1, { passId: 3n, start: NOW + 10 * 60, end: NOW + 70 * 60 }), // starts in 10 min, grace 15: current
      pass(4, -3, 2), // 07:00–09:00: past
      pass(5, 48, 24), // in two days: upcoming
    ]);
    expect(idsIn("current")).toEqual(["3", "1"]); // soonest end first
    expect(idsIn("upcoming")).toEqual(["2", "5"]);
    expect(idsIn("past")).toEqual(["4"]);
    expect(screen.getByRole("heading", { name: "Now (2)" })).toBeTruthy();
    expect(screen.getByRole("heading", { name: "Upcoming (2)" })).toBeTruthy();
    expect(screen.getByRole("heading", { name: "Past (1)" })).toBeTruthy();
  });

  it("shows each pass's window in the venue's time zone, its unit and what was paid", () => {
    renderList([pass(7, 0, 2)]);
    const item = document.querySelector('li[data-pass-id="7"]') as HTMLElement;
    expect(within(item).getByRole("heading").textContent).toBe("Poste partagé · etc Saint-Germain");
    expect(item.querySelector(".window")!.textContent).toMatch(/^Tue, Dec 1, 10:00.*–\s*12:00/);
    expect(item.querySelector("p.small")!.textContent).toBe("Pass #7 · Unit 1 · Paid 10.00\u00a0tCAD");
  });

  it("marks passes lent to the viewer and names the guest of a lent pass", () => {
    renderList([
      pass(8, 0, 1, { role: "guest", holder: "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC" }),
      pass(9, 2, 1, { guest: "0x90F79bf6EB2c4f870365E785982E1f101E93b906", guestExpires: NOW + 3 * HOUR }),
    ]);
    expect(within(document.querySelector('li[data-pass-id="8"]') as HTMLElement).getByText("Lent to you")).toBeTruthy();
    expect(
      within(document.querySelector('li[data-pass-id="9"]') as HTMLElement).getByText(
        /^Guest: 0x90F7…b906 until Tue, Dec 1, 01:20/,
      ),
    ).toBeTruthy();
  });

  it("renders the actions of each pass with its phase", () => {
    renderList([pass(1, 0, 2), pass(2, 5, 1)], (p, phase) => (
      <button type="button">{`act ${p.passId} ${phase}`}</button>
    ));
    expect(screen.getByRole("button", { name: "act 1 current" })).toBeTruthy();
    expect(screen.getByRole("button", { name: "act 2 upcoming" })).toBeTruthy();
  });

  it("keeps cancelled bookings in the history with what was paid and what was refunded", () => {
    renderList([
      cancelled(11, 72, 1, { refund: 5_000_000n, byOperator: false }),
      cancelled(12, 96, 2, { refund: 0n, byOperator: true }),
      pass(13, 5, 1),
    ]);
    expect(idsIn("upcoming")).toEqual(["13"]);
    expect(idsIn("cancelled")).toEqual(["12", "11"]);
    expect(screen.getByRole("heading", { name: "Cancelled (2)" })).toBeTruthy();
    const mine = document.querySelector('li[data-pass-id="11"]') as HTMLElement;
    expect(mine.querySelector("p.small")!.textContent).toBe("Pass #11 · Unit 1 · Paid 5.00\u00a0tCAD");
    expect(within(mine).getByTestId("refund").textContent).toBe("Cancelled by you · refunded 5.00\u00a0tCAD");
    expect(
      within(document.querySelector('li[data-pass-id="12"]') as HTMLElement).getByTestId("refund").textContent,
    ).toBe("Cancelled by the venue · refunded 0.00\u00a0tCAD");
  });

  it("shows no cancelled section when nothing was cancelled", () => {
    renderList([pass(1, 0, 2)]);
    expect(document.querySelector("section.cancelled")).toBeNull();
  });

  it("invites to book when there is no pass", () => {
    renderList([]);
    expect(screen.getByTestId("no-passes").textContent).toBe("No passes yet. Book a space to get one.");
  });

  it("shows the sponsor's service fee beside what a gasless booking paid, and the fee kept from a refund", () => {
    renderList([
      pass(1, 48, 1, { amount: 5_750_000n, serviceFee: 250_000n }),
      cancelled(2, 72, 1, {
        amount: 5_750_000n,
        serviceFee: 250_000n,
        refund: 5_750_000n,
        refundServiceFee: 250_000n,
        byOperator: false,
      }),
    ]);
    const upcoming = document.querySelector('li[data-pass-id="1"]')!;
    expect(upcoming.textContent).toContain("Paid 5.75\u00a0tCAD + 0.25\u00a0tCAD service fee");
    const gone = document.querySelector('li[data-pass-id="2"]')!;
    expect(gone.textContent).toContain("Paid 5.75\u00a0tCAD + 0.25\u00a0tCAD service fee");
    expect(within(gone as HTMLElement).getByTestId("refund").textContent).toContain(
      "refunded 5.75\u00a0tCAD − 0.25\u00a0tCAD service fee",
    );
  });

  it("takes the fee from the read API's answer alone (any browser), in French too", () => {
    // The wire form of GET /api/passes (protocol/api/read.ts), decoded as the dApp's client does:
    // nothing of this browser's storage is involved.
    localStorage.clear();
    const start = Date.UTC(2026, 11, 3, 15) / 1000;
    const wire = (over: object) => ({
      passId: "9",
      role: "holder",
      holder: ME,
      resourceId: 1,
      venueId: 1,
      unit: 0,
      start,
      end: start + HOUR,
      currency: CAD.address,
      amount: "5750000",
      gst: "0",
      qst: "0",
      serviceFee: "250000",
      ...over,
    });
    const active = memberPass.parse(
      wire({
        status: "active",
        policyId: 1,
        releaseTime: start,
        settled: false,
        guest: null,
        guestExpires: 0,
        block: 3,
      }),
    );
    const gone = memberPass.parse(
      wire({
        passId: "10",
        status: "cancelled",
        byOperator: false,
        refund: "5750000",
        retained: "0",
        gstRefund: "0",
        qstRefund: "0",
        refundServiceFee: "200000",
        block: 4,
      }),
    );
    render(
      <I18nProvider lang="fr">
        <PassList passes={[active, gone].map((p) => ({ ...p, ...view }))} now={NOW} />
      </I18nProvider>,
    );
    const li = (id: string) => document.querySelector(`li[data-pass-id="${id}"]`)!;
    expect(li("9").textContent).toContain("Payé 5,75\u00a0tCAD + 0,25\u00a0tCAD de frais de service");
    expect(within(li("10") as HTMLElement).getByTestId("refund").textContent).toContain(
      "remboursé 5,75\u00a0tCAD − 0,20\u00a0tCAD de frais de service",
    );
  });

  it("says only what was paid when no fee was (a booking paid with the member's own gas)", () => {
    renderList([pass(1, 48, 1, { amount: 5_750_000n })]);
    expect(document.querySelector('li[data-pass-id="1"]')!.textContent).not.toContain("service fee");
  });
});
