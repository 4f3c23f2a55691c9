import { afterEach, describe, expect, it, vi } from "vitest";
import { configure, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { getAddress, zeroAddress, type Address } from "viem";
import { VenueDashboard } from "./OperatorPage.tsx";
import { PayeesFields } from "../components/venue-editor/PayeesForm.tsx";
import { fakeProtocol, TOKEN, withApp, type ChainViews } from "../test/fakeApp.tsx";
import type { ReadApi } from "../lib/readApi.ts";
import {
  availability as availabilityAnswer,
  bookingsAnswer,
  revenue,
  splitsAnswer,
  taxesAnswer,
  venueAnswer,
} from "../../../protocol/api/read.ts";
import { loadVenue } from "../lib/protocol.ts";
import { localDayStart } from "../lib/time.ts";

const sent: unknown[] = [];
vi.mock("../lib/wallet.ts", () => ({
  sendTx: async (_p: unknown, _w: unknown, _a: unknown, call: unknown) => {
    sent.push(call);
    return { blockNumber: 1n };
  },
}));
afterEach(() => {
  sent.length = 0;
});

const OPERATOR = getAddress("0x90F79bf6EB2c4f870365E785982E1f101E93b906");
const OWNER = getAddress("0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65");
const TZ = "America/Toronto";
const NOW = Date.UTC(2026, 11, 6, 16, 30) / 1000; // 11:30 in Toronto
const TODAY = localDayStart(NOW, TZ);
const HOUR = 3600;

// The read model's answers as they travel (JSON), parsed with the schemas the dApp parses them with.
const desk = {
  id: 5,
  venueId: 2,
  name: "Poste partagé",
  kind: 0,
  units: 12,
  currency: TOKEN.toLowerCase(),
  pricePerHour: "5000000",
  pricePerDay: "25000000",
  pricePerMonth: "250000000",
  minHours: 1,
  maxHours: 720,
  horizonHours: 2160,
  graceSeconds: 900,
  policyId: 1,
  transferable: true,
  followsOpeningHours: false,
  metadataURI: "",
};
const venueWire = {
  id: 2,
  operator: OPERATOR.toLowerCase(),
  pendingOperator: zeroAddress,
  splitId: 2,
  paused: false,
  name: "etc Saint-Germain",
  metadataURI: `data:application/json,${encodeURIComponent(JSON.stringify({ timezone: TZ }))}`,
  payees: [OPERATOR.toLowerCase(), OWNER.toLowerCase()],
  taxPayee: OPERATOR.toLowerCase(),
  doorPassMaxHours: null,
  resources: [desk],
  doors: [],
};

const apiVenue = venueAnswer.parse({ venue: venueWire, asOfBlock: 1 }).venue;

/** Two members booked this morning's 9:00 and 10:00 hours: 2 unit-hours of 12 × 24. */
const availability: ReadApi["availability"] = (resourceId, from, to) =>
  Promise.resolve(
    availabilityAnswer.parse({
      resourceId,
      from,
      to,
      units: 12,
      slotSeconds: HOUR,
      free: Array.from({ length: (to - from) / HOUR }, (_, i) => (i === 9 || i === 10 ? 11 : 12)),
      asOfBlock: 1,
    }),
  );

const bookingsOf = (bookings: unknown[]) =>
  Promise.resolve(bookingsAnswer.parse({ venueId: 2, bookings, next: null, asOfBlock: 1 }).bookings);
const taxesOf = (taxes: unknown[]) => Promise.resolve(taxesAnswer.parse({ venueId: 2, taxes, asOfBlock: 1 }).taxes);

function api(over: Partial<ReadApi> = {}): Partial<ReadApi> {
  return {
    venues: () => Promise.resolve([apiVenue]),
    venue: () => Promise.resolve(apiVenue),
    availability,
    splits: () =>
      Promise.resolve(
        splitsAnswer.parse({
          venueId: 2,
          splits: [{ id: 2, venueId: 2, payees: [OPERATOR, OWNER], sharesBps: [8000, 2000] }],
          asOfBlock: 1,
        }).splits,
      ),
    bookings: () => bookingsOf([]),
    revenue: () => Promise.resolve(revenue.parse({ venueId: 2, timeZone: TZ, totals: [], daily: [], asOfBlock: 1 })),
    taxes: () => taxesOf([]),
    ...over,
  };
}

/** claimable: 3.88 tCAD for the operator in the current split, nothing in ETH. */
const views = (over: ChainViews = {}): ChainViews => ({
  claimable: (_split: number, currency: Address, index: number) =>
    currency === zeroAddress ? 0n : index === 0 ? 3_880_000n : 970_000n,
  claimableFees: () => 0n,
  taxPool: () => [0n, 0n, 0n],
  ...over,
});

async function dashboard(opts: { me: Address | null; lang?: "en" | "fr"; api?: Partial<ReadApi>; views?: ChainViews }) {
  const protocol = fakeProtocol(opts.api ?? api(), opts.views ?? views());
  const venue = await loadVenue(protocol, 2);
  render(
    withApp(<VenueDashboard venue={venue} account={OPERATOR} now={NOW} />, { protocol, me: opts.me, lang: opts.lang }),
  );
}

// A dashboard renders many sections and chains several queries: on a loaded machine it takes
// seconds to settle, so waits and tests get room (a wait still fails on what never appears).
const SLOW = { timeout: 30_000 };
configure({ asyncUtilTimeout: 8_000 });

describe("the operator dashboard before sign-in", SLOW, () => {
  it("shows today's real occupancy from the public availability and says what needs a sign-in: never a false zero", async () => {
    const bookings = vi.fn(() => bookingsOf([]));
    await dashboard({ me: null, api: api({ bookings }) });
    await screen.findByText("2 of 288 unit-hours booked");
    expect(screen.queryByText(/^0 of/)).toBeNull();
    expect(screen.getByText("Sign in (button at the top) to see the bookings to settle.")).toBeTruthy();
    expect(screen.queryByText("Nothing to settle right now.")).toBeNull();
    expect(screen.getByText("Sign in (button at the top) to see the revenue.")).toBeTruthy();
    expect(screen.getByText("Sign in (button at the top) to see the taxes collected.")).toBeTruthy();
    expect(bookings).not.toHaveBeenCalled();
  });

  it("shows no figure while the availability is still loading", async () => {
    await dashboard({
      me: null,
      api: api({ availability: () => new Promise(() => undefined) }),
    });
    const occupancy = (await screen.findByText("Occupancy today")).closest("section")!;
    await within(occupancy).findByText("Loading…");
    expect(within(occupancy).queryByText(/unit-hours booked/)).toBeNull();
  });

  it("once signed in, counts the bookings to settle from the operator's bookings", async () => {
    const booking = (passId: string, start: number) => ({
      passId,
      status: "active" as const,
      holder: OWNER.toLowerCase(),
      resourceId: 5,
      venueId: 2,
      unit: 0,
      start,
      end: start + HOUR,
      currency: TOKEN.toLowerCase(),
      amount: "5000000",
      gst: "250000",
      qst: "500000",
      block: 3,
      policyId: 1,
      releaseTime: start,
      settled: false,
      guest: null,
      guestExpires: 0,
      serviceFee: "0",
    });
    await dashboard({
      me: OPERATOR,
      api: api({
        bookings: () => bookingsOf([booking("1", TODAY + 9 * HOUR), booking("2", TODAY + 10 * HOUR)]),
      }),
    });
    await screen.findByRole("button", { name: "Settle 2 pending bookings" });
    await screen.findByText("2 of 288 unit-hours booked");
  });
});

describe("the claims table", SLOW, () => {
  it("lists no ETH row for a venue priced only in the stablecoin", async () => {
    await dashboard({ me: OPERATOR, api: api() });
    await screen.findByTestId(`claim-row-${OPERATOR.toLowerCase()}-tCAD`);
    expect(screen.getByTestId(`claim-row-${OWNER.toLowerCase()}-tCAD`)).toBeTruthy();
    expect(screen.queryByTestId(`claim-row-${OPERATOR.toLowerCase()}-ETH`)).toBeNull();
    expect(screen.queryByTestId(`claim-row-${OWNER.toLowerCase()}-ETH`)).toBeNull();
    expect(screen.queryByText(/0\s+ETH/)).toBeNull();
  });

  it("lists an ETH row when ETH holds a balance (an older resource's)", async () => {
    await dashboard({
      me: OPERATOR,
      api: api(),
      views: views({
        claimable: (_s: number, currency: Address, index: number) =>
          currency === zeroAddress ? (index === 1 ? 10n ** 16n : 0n) : 3_880_000n,
      }),
    });
    const row = await screen.findByTestId(`claim-row-${OWNER.toLowerCase()}-ETH`);
    expect(within(row).getByText(/^0\.01\s+ETH$/)).toBeTruthy();
    expect(screen.queryByTestId(`claim-row-${OPERATOR.toLowerCase()}-ETH`)).toBeNull();
  });

  it("in French, claiming money and removing a payee are two different words", async () => {
    await dashboard({ me: OPERATOR, lang: "fr", api: api() });
    const claim = await screen.findByRole("button", { name: /^Encaisser 3,88\s+tCAD$/ });
    expect(claim).toBeTruthy();
    expect(screen.getByRole("heading", { name: "Soldes à encaisser" })).toBeTruthy();
    fireEvent.click(claim);
    await screen.findByText(/^3,88\s+tCAD encaissé\.$/);
    expect(sent).toEqual([{ functionName: "claim", args: [2, TOKEN, 0] }]);

    render(
      withApp(
        <PayeesFields
          rows={[
            { address: OPERATOR, percent: "80" },
            { address: OWNER, percent: "20" },
          ]}
          setRows={() => undefined}
        />,
        { protocol: fakeProtocol({}, {}), me: null, lang: "fr" },
      ),
    );
    const remove = screen.getAllByRole("button", { name: "Retirer" });
    expect(remove).toHaveLength(2);
    expect(screen.queryAllByRole("button", { name: /^Retirer \d/ })).toHaveLength(0);
  });
});

describe("taxes to remit", SLOW, () => {
  const taxes = [
    {
      currency: TOKEN.toLowerCase(),
      gst: { collected: "1250000", refunded: "250000", settled: "750000", claimed: "250000" },
      qst: { collected: "2500000", refunded: "500000", settled: "1500000", claimed: "500000" },
      splits: [{ splitId: 2, toClaim: "1500000" }],
    },
  ];

  it("shows GST and QST apart — collected, refunded, in escrow, claimed, to claim — and the tax payee claims the taxPool", async () => {
    await dashboard({
      me: OPERATOR,
      api: api({ taxes: () => taxesOf(taxes) }),
      views: views({ taxPool: () => [750_000n, 1_500_000n, 750_000n] }),
    });
    const table = await screen.findByRole("table", { name: "Taxes in tCAD" });
    const row = (name: string) =>
      within(within(table).getByRole("rowheader", { name }).closest("tr")!)
        .getAllByRole("cell")
        .map((c) => c.textContent);
    expect(row("GST")).toEqual([
      "1.25\u00a0tCAD",
      "0.25\u00a0tCAD",
      "0.25\u00a0tCAD",
      "0.25\u00a0tCAD",
      "0.50\u00a0tCAD",
    ]);
    expect(row("QST")).toEqual([
      "2.50\u00a0tCAD",
      "0.50\u00a0tCAD",
      "0.50\u00a0tCAD",
      "0.50\u00a0tCAD",
      "1.00\u00a0tCAD",
    ]);
    expect(row("GST + QST")).toEqual([
      "3.75\u00a0tCAD",
      "0.75\u00a0tCAD",
      "0.75\u00a0tCAD",
      "0.75\u00a0tCAD",
      "1.50\u00a0tCAD",
    ]);
    // The button's amount is the contract's taxPool: GST + QST − claimed.
    const claim = screen.getByRole("button", { name: "Claim 1.50\u00a0tCAD of taxes" });
    fireEvent.click(claim);
    await screen.findByText(/^1\.50\s+tCAD of taxes paid to the tax payee\.$/);
    expect(sent).toEqual([{ functionName: "claimTaxes", args: [2, TOKEN] }]);
  });

  it("says so when no tax was collected, and offers no claim", async () => {
    await dashboard({ me: OPERATOR, api: api() });
    await screen.findByText("No GST or QST collected yet.");
    expect(screen.queryByRole("button", { name: /of taxes/ })).toBeNull();
    await waitFor(() => expect(screen.queryByText("Loading…")).toBeNull());
  });
});
