import { useEffect, useMemo, useRef, useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { zeroAddress } from "viem";
import { useApp } from "../hooks/useApp.ts";
import { useNow } from "../hooks/useNow.ts";
import {
  useAccount,
  useBalance,
  useOccupancy,
  useCurrency,
  usePolicy,
  useRefreshChain,
  useResource,
  useSponsorTerms,
  useVenue,
} from "../hooks/queries.ts";
import { useI18n, type Translate } from "../i18n/translate.ts";
import { quoteBreakdown, type Resource } from "../lib/protocol.ts";
import { formatAmount, isNative } from "../lib/money.ts";
import { isNotFound, toUiError, type UiError } from "../lib/errors.ts";
import { useTitle } from "../hooks/useTitle.ts";
import { NotFound } from "./NotFound.tsx";
import { DAY, HOUR, formatDateTime, slotStart } from "../lib/time.ts";
import { href } from "../lib/route.ts";
import { BookingSummary } from "../components/BookingSummary.tsx";
import { WeekCalendar } from "../components/WeekCalendar.tsx";
import { useClosedHours } from "../hooks/useOpeningHours.ts";
import { ErrorMessage, Status } from "../components/Feedback.tsx";
import { PriceList } from "../components/Price.tsx";
import { kindLabel } from "../lib/labels.ts";
import { useFlow } from "../hooks/useFlow.ts";
import { forwarderOf, gaslessPath, type Gasless } from "../lib/gasless.ts";
import { bookingCost, bookingWallet, payAndBook, type BookingStep } from "../lib/payAndBook.ts";
import { MONTH_HOURS, durationChoices, firstBookableHour } from "../lib/bookingWindow.ts";

function durationLabel(hours: number, t: Translate): string {
  if (hours % MONTH_HOURS === 0) return t("dur.month", { n: hours / MONTH_HOURS });
  if (hours % 24 === 0) return t("dur.d", { n: hours / 24 });
  return t("dur.h", { n: hours });
}

export function ResourcePage({ resourceId }: { resourceId: number }) {
  const { t } = useI18n();
  const resource = useResource(resourceId);
  const venue = useVenue(resource.data?.venueId);
  useTitle(resource.data && venue.data ? `${resource.data.name} · ${venue.data.name}` : null);
  if (resource.isPending || (resource.data && venue.isPending)) return <p>{t("app.loading")}</p>;
  if (!resource.data || !venue.data) {
    const err = resource.error ?? venue.error;
    return isNotFound(err) ? <NotFound what="resource" /> : <ErrorMessage error={toUiError(err)} />;
  }
  return <BookResource resource={resource.data} venueName={venue.data.name} timeZone={venue.data.timeZone} />;
}

function BookResource({
  resource: r,
  venueName,
  timeZone,
}: {
  resource: Resource;
  venueName: string;
  timeZone: string;
}) {
  const { t, locale } = useI18n();
  const { protocol, wagmi, relayer } = useApp();
  const now = useNow(30_000);
  const { address, connected } = useAccount();
  const currency = useCurrency(r.currency);
  const policy = usePolicy(r.policyId);
  const refresh = useRefreshChain();
  const durations = durationChoices(r.minHours, r.maxHours);
  const [start, setStart] = useState<number | null>(null);
  const [hours, setHours] = useState<number>(durations[0] ?? 1);
  const [step, setStep] = useState<BookingStep | null>(null);
  const [error, setError] = useState<UiError | null>(null);
  const [booked, setBooked] = useState<bigint | null>(null);
  const flow = useFlow();
  const end = start === null ? null : start + hours * HOUR;
  // Balances are polled only while a booking is being composed (and never in a hidden tab).
  const composing = start !== null;

  const quote = useQuery({
    queryKey: ["chain", "quote", r.id, start, end],
    queryFn: () => quoteBreakdown(protocol, r.id, start!, end!),
    enabled: start !== null,
    refetchInterval: 10_000,
    retry: false,
  });

  // The balance is known before the click: say it next to the button, not after a failed attempt.
  const balance = useBalance(address, r.currency, composing);
  // A member without ETH books gaslessly when the relayer's sponsor is paid in this currency.
  const forwarder = forwarderOf(protocol);
  const mayGoGasless = address !== undefined && !isNative(r.currency) && forwarder !== undefined;
  const ethBalance = useBalance(mayGoGasless ? address : undefined, zeroAddress, composing);
  const terms = useSponsorTerms(mayGoGasless);
  const sponsorship = useMemo((): { gasless: Gasless | null; error: UiError | null } | undefined => {
    if (!mayGoGasless) return { gasless: null, error: null };
    if (ethBalance.isError) return { gasless: null, error: null }; // the normal path says what fails
    if (ethBalance.data === undefined || terms.data === undefined) return undefined;
    try {
      return {
        gasless: gaslessPath({ forwarder, ethBalance: ethBalance.data, terms: terms.data, currency: r.currency }),
        error: null,
      };
    } catch (e) {
      return { gasless: null, error: toUiError(e) };
    }
  }, [mayGoGasless, ethBalance.isError, ethBalance.data, terms.data, forwarder, r.currency]);
  const gasless = sponsorship?.gasless ?? null;
  // What leaves the wallet: the price with taxes and, gasless, the sponsor's fee.
  const cost = quote.data && sponsorship ? bookingCost(quote.data.total, gasless) : undefined;
  const shortBy =
    cost !== undefined && balance.data !== undefined && balance.data < cost.total
      ? { balance: balance.data, total: cost.total }
      : null;
  const short = shortBy !== null;
  const doneRef = useRef<HTMLParagraphElement>(null);
  useEffect(() => {
    if (booked !== null) doneRef.current?.focus(); // the Book button is disabled while working: keep focus on the outcome
  }, [booked]);

  const occFrom = slotStart(now) - DAY * 2;
  const occupancy = useOccupancy(r, occFrom, occFrom + (r.horizonHours + 24 * 9) * HOUR);
  const occ = useMemo(() => occupancy.data ?? new Map<number, number>(), [occupancy.data]);
  // The chain's own rule (time zone, daylight time, holidays) over the span the calendar can show;
  // undefined while it loads.
  const closed = useClosedHours(r, slotStart(now) - DAY * 2, r.horizonHours + 24 * 9);
  // Until the hours and the bookings are known, no hour is offered as free.
  const known = closed !== undefined && occupancy.data !== undefined;
  const firstOpen = known
    ? firstBookableHour({ now, horizonHours: r.horizonHours, units: r.units, booked: occ, closed })
    : undefined;

  // A new choice of start or duration clears the last failure.
  const pickStart = (s: number | null) => {
    setStart(s);
    setError(null);
  };
  const pickHours = (h: number) => {
    setHours(h);
    setError(null);
  };

  // Locked from the first click until the receipt (or the failure): a double-click books once.
  const book = () => flow.run(bookNow);
  async function bookNow() {
    if (!address || start === null || end === null || !quote.data || balance.data === undefined || !sponsorship) return;
    setError(null);
    setBooked(null);
    try {
      if (sponsorship.error) throw sponsorship.error;
      const { passId } = await payAndBook(
        bookingWallet(protocol, wagmi, relayer, address),
        {
          resourceId: r.id,
          start,
          end,
          policyId: r.policyId,
          transferable: r.transferable,
          currency: r.currency,
          member: address,
          price: quote.data.total,
          balance: balance.data,
          gasless,
          closed,
        },
        setStep,
      );
      setBooked(passId);
      setStart(null);
      await refresh();
    } catch (e) {
      setError(toUiError(e));
    } finally {
      setStep(null);
    }
  }

  const fmt = (v: bigint) => (currency.data ? formatAmount(v, currency.data, locale) : "");
  const stepText =
    step === "sponsor"
      ? t("book.step.sponsor", { fee: fmt(cost?.fee ?? 0n) })
      : step === "permit"
        ? t("book.step.permit")
        : step === "approve"
          ? t("book.step.approve", { symbol: currency.data?.symbol ?? "" })
          : step === "confirm"
            ? t("book.step.confirm")
            : step === "pending"
              ? t("book.step.pending")
              : null;

  return (
    <section aria-labelledby="resource-title">
      <p>
        <a href={href("venue", r.venueId)}>← {venueName}</a>
      </p>
      <h1 id="resource-title">
        {r.name} <span className="muted">· {venueName}</span>
      </h1>
      <p className="muted">
        {kindLabel(t, r.kind)} · {t("resource.units", { n: r.units })} ·{" "}
        {t("resource.durations", {
          min: durationLabel(durations[0], t),
          max: durationLabel(durations[durations.length - 1], t),
        })}
        {r.graceSeconds > 0 && ` · ${t("resource.grace", { min: Math.round(r.graceSeconds / 60) })}`}
      </p>
      <PriceList r={r} />
      {/* The form comes first in the DOM as on screen (above the calendar on a phone, left of it on a desktop): Tab order = visual order. */}
      <div className="book-layout">
        <form
          className="book-form"
          aria-labelledby="book-title"
          onSubmit={(e) => {
            e.preventDefault();
            void book();
          }}
        >
          <h2 id="book-title">{t("book.title")}</h2>
          <button type="button" disabled={firstOpen == null} onClick={() => firstOpen != null && pickStart(firstOpen)}>
            {firstOpen === undefined
              ? t("book.now")
              : firstOpen === null
                ? t("book.noneOpen")
                : firstOpen === slotStart(now)
                  ? t("book.now")
                  : t("book.nextOpen", { time: formatDateTime(firstOpen, locale, timeZone) })}
          </button>
          <label className="field">
            <span>{t("book.duration")}</span>
            <select value={hours} onChange={(e) => pickHours(Number(e.target.value))}>
              {durations.map((h) => (
                <option key={h} value={h}>
                  {durationLabel(h, t)}
                </option>
              ))}
            </select>
          </label>
          <BookingSummary
            start={start}
            end={end}
            timeZone={timeZone}
            currency={currency.data}
            price={quote.data?.total}
            fee={cost?.fee}
            taxes={quote.data}
            quoting={quote.isFetching}
            quoteError={quote.error ? (toUiError(quote.error).detail ?? quote.error.message) : null}
            tiers={policy.data}
            now={now}
          />
          {!connected ? (
            <p className="hint">{t("book.connectFirst")}</p>
          ) : (
            <>
              {shortBy && currency.data && (
                <p className="error" id="book-short" data-testid="insufficient">
                  {t("book.short", { balance: fmt(shortBy.balance), price: fmt(shortBy.total) })}
                </p>
              )}
              {gasless && currency.data && (
                <p className="hint" data-testid="gasless-note">
                  {BigInt(gasless.terms.fees.book) > 0n
                    ? t("gasless.note", { fee: fmt(BigInt(gasless.terms.fees.book)) })
                    : t("gasless.free")}
                </p>
              )}
              {composing && <ErrorMessage error={sponsorship?.error ?? null} />}
              <button
                type="submit"
                className="primary big"
                disabled={start === null || cost === undefined || flow.busy || short}
                aria-describedby={short ? "book-short" : undefined}
              >
                {flow.busy
                  ? t("common.working")
                  : cost !== undefined && currency.data
                    ? t("book.submit", { price: fmt(cost.total) })
                    : t("resource.book")}
              </button>
            </>
          )}
          <Status busy message={stepText} />
          <ErrorMessage error={error} focus />
          {booked !== null && (
            <p className="status ok" role="status" ref={doneRef} tabIndex={-1}>
              {t("book.done", { id: booked.toString() })} <a href={href("passes")}>{t("book.seePasses")}</a>
            </p>
          )}
        </form>
        <WeekCalendar
          now={now}
          timeZone={timeZone}
          units={r.units}
          horizonHours={r.horizonHours}
          booked={occ}
          closed={closed}
          loading={!known}
          selection={start !== null && end !== null ? { start, end } : null}
          onPick={pickStart}
        />
      </div>
    </section>
  );
}
