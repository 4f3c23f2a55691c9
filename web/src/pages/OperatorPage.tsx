import { useState } from "react";
import { useQuery } from "@tanstack/react-query";
import type { Address } from "viem";
import { useApp } from "../hooks/useApp.ts";
import { useNow } from "../hooks/useNow.ts";
import {
  useAccount,
  useBookings,
  useCurrencies,
  useRefreshChain,
  useResources,
  useRevenue,
  useVenues,
} from "../hooks/queries.ts";
import { useI18n } from "../i18n/translate.ts";
import {
  claimable,
  claimableFees,
  loadOccupancy,
  loadSplits,
  type Booking,
  type Resource,
  type Venue,
} from "../lib/protocol.ts";
import type { Revenue } from "../lib/readApi.ts";
import { sameAddress } from "../../../protocol/address.ts";
import { formatAmount, formatBps, type Currency } from "../lib/money.ts";
import { toUiError, type UiError } from "../lib/errors.ts";
import { sendTx } from "../lib/wallet.ts";
import { DAY, HOUR, formatWindow, localDayStart } from "../lib/time.ts";
import { ErrorMessage } from "../components/Feedback.tsx";
import { shortAddress } from "../lib/labels.ts";
import { RevenueChart } from "../components/RevenueChart.tsx";
import { VenueEditor, CreateVenue } from "../components/venue-editor/VenueEditor.tsx";
import { useFlow } from "../hooks/useFlow.ts";
import { useRowTx } from "../hooks/useTx.ts";
import { useTitle } from "../hooks/useTitle.ts";
import { useSession } from "../hooks/useSession.ts";
import { ReceiptsExport } from "../components/ReceiptsExport.tsx";
import { useClosedHoursOfDay } from "../hooks/useOpeningHours.ts";
import { openUnitHours } from "../lib/openingHours.ts";
import { bookedUnitHours, listedClaims } from "../lib/operatorFigures.ts";
import { TaxesToRemit } from "../components/TaxesToRemit.tsx";

const same = (a?: string, b?: string) => !!a && !!b && sameAddress(a, b);

export function OperatorPage() {
  const { t } = useI18n();
  const { address } = useAccount();
  const venues = useVenues();
  useTitle(t("op.title"));
  if (!address) return <p>{t("op.connect")}</p>;
  if (venues.isPending) return <p>{t("app.loading")}</p>;
  const mine = (venues.data ?? []).filter(
    (v) => same(v.operator, address) || v.payees.some((p) => same(p, address)) || same(v.taxPayee, address),
  );
  return (
    <section aria-labelledby="op-title">
      <h1 id="op-title">{t("op.title")}</h1>
      {mine.length === 0 && <p>{t("op.none")}</p>}
      {mine.map((v) => (
        <VenueDashboard key={v.id} venue={v} account={address} />
      ))}
      <CreateVenue account={address} />
    </section>
  );
}

export function VenueDashboard({ venue, account, now: fixedNow }: { venue: Venue; account: Address; now?: number }) {
  const { t, locale } = useI18n();
  const ticking = useNow(30_000);
  const now = fixedNow ?? ticking;
  const resources = useResources(venue.id);
  const session = useSession();
  // Bookings are location history: the relayer shows them to the operator's and payees' sessions.
  // Before sign-in, what only they may see says so: never a zero standing in for "not known".
  const signedIn = !!session.data && same(session.data, account);
  const bookings = useBookings(venue.id, signedIn);
  const revenue = useRevenue(venue.id, signedIn);
  const currencies = useCurrencies();
  const operator = same(venue.operator, account);
  const [manage, setManage] = useState(false);
  const today = localDayStart(now, venue.timeZone);
  const usedCurrencies = [...new Set((resources.data ?? []).map((r) => r.currency))];

  return (
    <article className="venue-dash" aria-labelledby={`dash-${venue.id}`}>
      <h2 id={`dash-${venue.id}`}>
        {venue.name}{" "}
        <span className="badge">
          {t(
            operator
              ? "op.youOperate"
              : venue.payees.some((p) => same(p, account))
                ? "op.youArePayee"
                : "op.youAreTaxPayee",
          )}
        </span>
      </h2>
      <div className="dash-grid">
        <Occupancy venue={venue} resources={resources.data} today={today} />
        <Settle venue={venue} bookings={bookings} signedIn={signedIn} now={now} account={account} />
      </div>
      <section aria-labelledby={`rev-${venue.id}`}>
        <h3 id={`rev-${venue.id}`}>{t("op.revenue")}</h3>
        {!signedIn ? (
          <p className="muted">{t("op.revenueSignIn")}</p>
        ) : (
          currencies.data
            ?.filter((c) => (bookings.data ?? []).some((b) => same(b.currency, c.address)))
            .map((c) => (
              <RevenueChart
                key={c.address}
                currency={c}
                timeZone={venue.timeZone}
                title={t("op.revenue")}
                today={today}
                points={revenuePoints(revenue.data, c, now)}
              />
            ))
        )}
      </section>
      <Claims venue={venue} account={account} currencies={currencies.data ?? []} used={usedCurrencies} />
      <TaxesToRemit venue={venue} account={account} currencies={currencies.data ?? []} signedIn={signedIn} />
      {operator && <VenueReceiptsExport venueId={venue.id} now={now} timeZone={venue.timeZone} />}
      <section aria-labelledby={`bk-${venue.id}`}>
        <h3 id={`bk-${venue.id}`}>{t("op.bookings")}</h3>
        {!signedIn ? (
          <p className="muted">{t("op.signInToSee")}</p>
        ) : bookings.isError ? (
          <ErrorMessage error={toUiError(bookings.error)} />
        ) : !bookings.data ? (
          <p className="muted">{t("app.loading")}</p>
        ) : bookings.data.length === 0 ? (
          <p className="muted">{t("op.noBookings")}</p>
        ) : (
          // Scrollable on narrow screens: a keyboard stop with a name, so it can be scrolled without a mouse.
          <div
            className="table-scroll"
            tabIndex={0}
            role="region"
            aria-label={t("op.table", { name: `${t("op.bookings")} — ${venue.name}` })}
          >
            <table className="bookings">
              <thead>
                <tr>
                  <th scope="col">{t("op.col.pass")}</th>
                  <th scope="col">{t("op.col.resource")}</th>
                  <th scope="col">{t("op.col.window")}</th>
                  <th scope="col">{t("op.col.holder")}</th>
                  <th scope="col">{t("op.col.amount")}</th>
                  <th scope="col">{t("op.col.status")}</th>
                </tr>
              </thead>
              <tbody>
                {[...(bookings.data ?? [])]
                  .sort((a, b) => b.start - a.start)
                  .slice(0, 30)
                  .map((b) => (
                    <tr key={b.passId.toString()}>
                      <td data-label={t("op.col.pass")}>#{b.passId.toString()}</td>
                      <td data-label={t("op.col.resource")}>
                        {resources.data?.find((r) => r.id === b.resourceId)?.name}
                      </td>
                      <td data-label={t("op.col.window")}>{formatWindow(b.start, b.end, locale, venue.timeZone)}</td>
                      <td data-label={t("op.col.holder")} title={b.holder}>
                        {shortAddress(b.holder)}
                      </td>
                      <td data-label={t("op.col.amount")} data-testid="amount">
                        {fmt(b.amount, b.currency, currencies.data, locale)}
                      </td>
                      <td data-label={t("op.col.status")} data-testid="status">
                        {t(
                          b.status === "cancelled"
                            ? "op.status.cancelled"
                            : b.settled
                              ? "op.status.settled"
                              : "op.status.escrow",
                        )}
                      </td>
                    </tr>
                  ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      {operator && (
        <>
          <button type="button" aria-expanded={manage} onClick={() => setManage((m) => !m)}>
            {t("op.manage")} — {venue.name}
          </button>
          {manage && resources.data && <VenueEditor venue={venue} resources={resources.data} />}
        </>
      )}
    </article>
  );
}

function fmt(v: bigint, currency: Address, cs: Currency[] | undefined, locale: string): string {
  const c = cs?.find((x) => same(x.address, currency));
  return c ? formatAmount(v, c, locale) : v.toString();
}

/** The relayer's revenue per local day of use (GET /api/venues/:id/revenue: bookings net of refunds)
 * over the last 14 days and the next 7. */
function revenuePoints(revenue: Revenue | undefined, c: Currency, now: number) {
  const timeZone = revenue?.timeZone ?? "UTC";
  const first = localDayStart(now, timeZone) - 13 * DAY;
  const days = Array.from({ length: 21 }, (_, i) => localDayStart(first + i * DAY + 12 * HOUR, timeZone));
  const sums = new Map(
    (revenue?.daily ?? []).filter((d) => same(d.currency, c.address)).map((d) => [d.dayStart, d.amount]),
  );
  return days.map((day) => ({ day, amount: sums.get(day) ?? 0n }));
}

/**
 * Booked unit-hours of today out of the open ones, from the relayer's public availability: the
 * same figure before and after sign-in, and no figure until it is known.
 */
function Occupancy({ venue, resources, today }: { venue: Venue; resources: Resource[] | undefined; today: number }) {
  const { t } = useI18n();
  const { protocol } = useApp();
  // Occupancy counts open hours only: a resource following the venue's hours offers those of today.
  const closedToday = useClosedHoursOfDay(resources, today);
  const occupancy = useQuery({
    queryKey: ["chain", "occupancyOfDay", venue.id, today, resources?.map((r) => r.id)],
    enabled: resources !== undefined,
    refetchInterval: 15_000,
    queryFn: () => Promise.all(resources!.map((r) => loadOccupancy(protocol, r, today, today + DAY))),
  });
  const title = `occ-${venue.id}`;
  let body;
  if (occupancy.isError) body = <ErrorMessage error={toUiError(occupancy.error)} />;
  else if (!resources || !closedToday.data || !occupancy.data) body = <p className="muted">{t("app.loading")}</p>;
  else {
    const total = resources.reduce(
      (s, r) => s + openUnitHours(r.units, today, today + DAY, closedToday.data.get(r.id) ?? new Set()),
      0,
    );
    const booked = bookedUnitHours(occupancy.data, today, today + DAY);
    body = (
      <>
        <meter min={0} max={Math.max(total, 1)} value={booked} aria-labelledby={title} />
        <p>{t("op.occupancyOf", { booked, total })}</p>
      </>
    );
  }
  return (
    <section aria-labelledby={title}>
      <h3 id={title}>{t("op.occupancy")}</h3>
      {body}
    </section>
  );
}

function Settle({
  venue,
  bookings,
  signedIn,
  now,
  account,
}: {
  venue: Venue;
  bookings: { data?: Booking[]; isError: boolean; error: unknown };
  signedIn: boolean;
  now: number;
  account: Address;
}) {
  const { t } = useI18n();
  const { protocol, wagmi } = useApp();
  const refresh = useRefreshChain();
  const { busy, run } = useFlow();
  const [error, setError] = useState<UiError | null>(null);
  const [done, setDone] = useState<number | null>(null);
  const pending = (bookings.data ?? []).filter(
    (b): b is Extract<Booking, { status: "active" }> => b.status === "active" && !b.settled && b.releaseTime <= now,
  );
  const settle = () =>
    run(async () => {
      setError(null);
      try {
        await sendTx(protocol, wagmi, account, { functionName: "settle", args: [pending.map((b) => b.passId)] });
        setDone(pending.length);
        await refresh();
      } catch (e) {
        setError(toUiError(e));
      }
    });
  return (
    <section aria-labelledby={`settle-${venue.id}`}>
      <h3 id={`settle-${venue.id}`}>{t("op.settleTitle")}</h3>
      {!signedIn ? (
        <p className="muted">{t("op.settleSignIn")}</p>
      ) : bookings.isError ? (
        <ErrorMessage error={toUiError(bookings.error)} />
      ) : !bookings.data ? (
        <p className="muted">{t("app.loading")}</p>
      ) : pending.length === 0 ? (
        <p className="muted">{t("op.settleNone")}</p>
      ) : (
        <button type="button" className="primary" onClick={() => void settle()} disabled={busy}>
          {busy ? t("common.working") : t("op.settle", { n: pending.length })}
        </button>
      )}
      {done !== null && (
        <p className="status ok" role="status">
          {t("op.settled", { n: done })}
        </p>
      )}
      <ErrorMessage error={error} />
    </section>
  );
}

type ClaimRow = {
  splitId: number;
  current: boolean;
  payee: Address;
  index: number;
  share: number;
  currency: Currency;
  amount: bigint;
};

function Claims({
  venue,
  account,
  currencies,
  used,
}: {
  venue: Venue;
  account: Address;
  currencies: Currency[];
  /** The currencies the venue's resources are priced in. */
  used: Address[];
}) {
  const { t, locale } = useI18n();
  const { protocol } = useApp();
  const { run, row, error, done } = useRowTx(account);
  const rows = useQuery({
    queryKey: ["chain", "claims", venue.id, currencies.map((c) => c.address), used],
    enabled: currencies.length > 0,
    refetchInterval: 15_000,
    queryFn: async () => {
      const splits = await loadSplits(protocol, venue.id);
      const out: ClaimRow[] = [];
      const fees: { splitId: number; currency: Currency; amount: bigint }[] = [];
      for (const s of splits) {
        for (const c of currencies) {
          const amounts = await Promise.all(s.payees.map((_, i) => claimable(protocol, s.id, c.address, i)));
          s.payees.forEach((payee, i) =>
            out.push({
              splitId: s.id,
              current: s.id === venue.splitId,
              payee,
              index: i,
              share: s.sharesBps[i],
              currency: c,
              amount: amounts[i],
            }),
          );
          const fee = await claimableFees(protocol, s.id, c.address);
          if (fee > 0n) fees.push({ splitId: s.id, currency: c, amount: fee });
        }
      }
      return { out: listedClaims(out, used), fees };
    },
  });

  return (
    <section aria-labelledby={`claims-${venue.id}`}>
      <h3 id={`claims-${venue.id}`}>{t("op.claims")}</h3>
      <div
        className="table-scroll"
        tabIndex={0}
        role="region"
        aria-label={t("op.table", { name: `${t("op.claims")} — ${venue.name}` })}
      >
        <table className="claims">
          <thead>
            <tr>
              <th scope="col">{t("op.payee")}</th>
              <th scope="col">{t("op.share")}</th>
              <th scope="col">{t("op.claimable")}</th>
              <th scope="col">
                <span className="sr-only">{t("op.claim", { amount: "" })}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.data?.out.map((r) => {
              const key = `${r.splitId}-${r.index}-${r.currency.address}`;
              const amount = formatAmount(r.amount, r.currency, locale);
              return (
                <tr key={key} data-testid={`claim-row-${r.payee.toLowerCase()}-${r.currency.symbol}`}>
                  <td title={r.payee}>
                    {shortAddress(r.payee)} {same(r.payee, account) && <strong>★</strong>}
                    <div className="muted small">
                      {t("op.split", { id: r.splitId })}
                      {r.current && ` (${t("op.currentSplit")})`}
                    </div>
                  </td>
                  <td>{formatBps(r.share, locale)}</td>
                  <td>{amount}</td>
                  <td>
                    {same(r.payee, account) && r.amount > 0n && (
                      <button
                        type="button"
                        className="primary"
                        disabled={row !== null}
                        onClick={() =>
                          void run(
                            key,
                            { functionName: "claim", args: [r.splitId, r.currency.address, r.index] },
                            t("op.claimed", { amount }),
                          )
                        }
                      >
                        {row === key ? t("common.working") : t("op.claim", { amount })}
                      </button>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {rows.data?.fees.map((f) => (
        <p key={`${f.splitId}-${f.currency.address}`}>
          {t("common.pair", { label: t("op.fees"), value: formatAmount(f.amount, f.currency, locale) })}{" "}
          <button
            type="button"
            disabled={row !== null}
            onClick={() =>
              void run(
                `fee-${f.splitId}`,
                { functionName: "claimFees", args: [f.splitId, f.currency.address] },
                t("common.saved"),
              )
            }
          >
            {t("op.claimFees")}
          </button>
        </p>
      ))}
      {done && (
        <p className="status ok" role="status">
          {done}
        </p>
      )}
      <ErrorMessage error={error} />
    </section>
  );
}

/** The CSV export of the venue's receipts, opened on the current month of the venue's time zone. */
function VenueReceiptsExport({ venueId, now, timeZone }: { venueId: number; now: number; timeZone: string }) {
  const { relayer } = useApp();
  const month = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit" }).format(
    new Date(now * 1000),
  );
  return <ReceiptsExport relayer={relayer} venueId={venueId} initialMonth={month} />;
}
