import { describe, expect, it } from "vitest";
import { render, screen, within } from "@testing-library/react";
import { zeroAddress } from "viem";
import { I18nProvider } from "../i18n/i18n.tsx";
import type { Lang } from "../i18n/messages.ts";
import { BookingSummary, type BookingSummaryProps } from "./BookingSummary.tsx";

const CAD = { address: "0x5FbDB2315678afecb367f032d93F642f64180aa3" as const, symbol: "tCAD", decimals: 6 };
const ETH = { address: zeroAddress, symbol: "ETH", decimals: 18 };
const FLEXIBLE = [
  { secondsBeforeStart: 24 * 3600, refundBps: 10_000 },
  { secondsBeforeStart: 0, refundBps: 5_000 },
];
// Tuesday 2026-12-01 14:00 UTC = 09:00 in Québec (EST, UTC−5).
const START = Date.UTC(2026, 11, 1, 14) / 1000;

function renderSummary(props: Partial<BookingSummaryProps>, lang: Lang = "en") {
  return render(
    <I18nProvider lang={lang}>
      <BookingSummary
        start={START}
        end={START + 2 * 3600}
        timeZone="America/Toronto"
        currency={CAD}
        price={10_000_000n}
        quoting={false}
        quoteError={null}
        tiers={FLEXIBLE}
        {...props}
      />
    </I18nProvider>,
  );
}

describe("BookingSummary", () => {
  it("shows the quoted price in the resource's currency and the window in the venue's time zone", () => {
    renderSummary({});
    expect(screen.getByTestId("price").textContent).toBe("10.00\u00a0tCAD");
    expect(screen.getByTestId("window").textContent).toMatch(/Tue, Dec 1, 09:00.*–\s*11:00/);
    expect(screen.getByText(/never be charged more than this quote/)).toBeTruthy();
  });

  it("shows the pre-tax price, GST and QST beside the total when the venue charges taxes", () => {
    const taxes = { preTax: 10_000_000n, gst: 500_000n, qst: 1_000_000n };
    renderSummary({ price: 11_500_000n, taxes });
    expect(screen.getByTestId("price").querySelector("strong")?.textContent).toBe("11.50\u00a0tCAD");
    expect(screen.getByTestId("taxes").textContent).toBe(
      "10.00\u00a0tCAD before tax + GST 0.50\u00a0tCAD + QST 1.00\u00a0tCAD",
    );
    renderSummary({ price: 11_500_000n, taxes }, "fr");
    expect(screen.getAllByTestId("taxes")[1].textContent).toBe(
      "10,00\u00a0tCAD avant taxes + TPS 0,50\u00a0tCAD + TVQ 1,00\u00a0tCAD",
    );
  });

  it("shows no tax line for an untaxed venue", () => {
    renderSummary({ taxes: { preTax: 10_000_000n, gst: 0n, qst: 0n } });
    expect(screen.queryByTestId("taxes")).toBeNull();
  });

  it("spells out every refund tier with its deadline, then the no-refund step", () => {
    renderSummary({});
    const items = within(screen.getByTestId("policy"))
      .getAllByRole("listitem")
      .map((li) => li.textContent);
    expect(items).toHaveLength(3);
    expect(items[0]).toMatch(/^Cancel before Mon, Nov 30, 09:00.*: 100%.*\(full price\) refunded$/);
    expect(items[1]).toMatch(/^Cancel before the start \(Tue, Dec 1, 09:00.*\): 50% refunded$/);
    expect(items[2]).toMatch(/^From Tue, Dec 1, 09:00.*: no refund$/);
  });

  it("describes the policy relative to the start before a start is picked", () => {
    renderSummary({ start: null, end: null, price: undefined });
    expect(screen.getByTestId("window").textContent).toBe("Pick a start hour in the calendar.");
    const items = within(screen.getByTestId("policy"))
      .getAllByRole("listitem")
      .map((li) => li.textContent);
    expect(items[0]).toMatch(/^Cancel at least 1 d before the start: 100%/);
    expect(items[2]).toBe("Later: no refund");
  });

  it("says when a booking is non-refundable", () => {
    renderSummary({ tiers: [] });
    expect(screen.getByTestId("policy").textContent).toBe("Non-refundable: no refund if you cancel.");
  });

  it("shows progress while quoting and the reason when no price exists", () => {
    renderSummary({ price: undefined, quoting: true });
    expect(screen.getByTestId("price").textContent).toBe("Getting the price…");
    renderSummary({ price: undefined, quoteError: "BookingDurationOutOfRange" });
    expect(screen.getAllByTestId("price")[1].textContent).toBe("No price for this window: BookingDurationOutOfRange");
  });

  it("formats amounts and dates the French way", () => {
    renderSummary({}, "fr");
    expect(screen.getByTestId("price").textContent).toBe("10,00\u00a0tCAD");
    expect(screen.getByTestId("window").textContent).toMatch(/mar\. 1 déc\..*09\u00a0h\u00a000.*11\u00a0h\u00a000/);
    const items = within(screen.getByTestId("policy"))
      .getAllByRole("listitem")
      .map((li) => li.textContent);
    expect(items[0]).toMatch(/^Annulation avant le lun\. 30 nov\..*: 100\s%.*remboursé$/);
  });

  it("shows ETH prices with up to six decimals", () => {
    renderSummary({ currency: ETH, price: 2_500_000_000_000_000n });
    expect(screen.getByTestId("price").textContent).toBe("0.0025\u00a0ETH");
  });

  it("on a gasless booking, shows the sponsor's fee and the total that leaves the wallet", () => {
    renderSummary({ price: 5_750_000n, fee: 250_000n });
    expect(screen.getByTestId("price").textContent).toBe("5.75\u00a0tCAD");
    expect(screen.getByTestId("fee").textContent).toBe("0.25\u00a0tCAD");
    expect(screen.getByTestId("total").textContent).toBe("6.00\u00a0tCAD");
  });

  it("shows no fee line when the booking pays its own gas", () => {
    renderSummary({ price: 5_750_000n, fee: 0n });
    expect(screen.queryByTestId("fee")).toBeNull();
    expect(screen.queryByTestId("total")).toBeNull();
  });
});
