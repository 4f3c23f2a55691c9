import { useEffect, useMemo, useRef, useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { parseEventLogs } from "viem";
import { useApp } from "../hooks/useApp.ts";
import { useNow } from "../hooks/useNow.ts";
import {
  useAccount,
  useOccupancy,
  useCurrency,
  usePolicy,
  useRefreshChain,
  useResource,
  useVenue,
} from "../hooks/queries.ts";
import { useI18n, type Translate } from "../i18n/translate.ts";
import { ANY_UNIT, balanceOf, quote as readQuote, quoteBreakdown, type Resource } from "../lib/protocol.ts";
import { formatAmount, isNative } from "../lib/money.ts";
import { isNotFound, toUiError, type UiError } from "../lib/errors.ts";
import { useTitle } from "../hooks/useTitle.ts";
import { NotFound } from "./NotFound.tsx";
import { allowance, approve, sendTx, signPermit } from "../lib/wallet.ts";
import { DAY, HOUR, slotStart } from "../lib/time.ts";
import { firstClosedHour } from "../lib/openingHours.ts";
import { href } from "../lib/route.ts";
import { BookingSummary } from "../components/BookingSummary.tsx";
import { WeekCalendar } from "../components/WeekCalendar.tsx";
import { useClosedHours } from "../hooks/useOpeningHours.ts";
import { ErrorMessage, Status } from "../components/Feedback.tsx";
import { PriceList } from "../components/Price.tsx";
import { kindLabel } from "../lib/labels.ts";
import { useFlow } from "../hooks/useFlow.ts";
import { gaslessFor, relaySponsored } from "../lib/gasless.ts";

const DURATIONS = [1, 2, 3, 4, 6, 8, 10, 12, 24, 48, 72, 168, 336, 720];

function durationLabel(hours: number, t: Translate): string {
  if (hours % 720 === 0) return t("dur.month", { n: hours / 720 });
  if (hours % 24 === 0) return t("dur.d", { n: hours / 24 });
  return t("dur.h", { n: hours });
}

type Step = "permit" | "approve" | "confirm" | "pending" | "sponsor" | null;

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
  const durations = DURATIONS.filter((h) => h >= Math.max(1, r.minHours) && h <= (r.maxHours || 720));
  const [start, setStart] = useState<number | null>(null);
  const [hours, setHours] = useState<number>(durations[0] ?? 1);
  const [step, setStep] = useState<Step>(null);
  const [error, setError] = useState<UiError | null>(null);
  const [booked, setBooked] = useState<bigint | null>(null);
  const flow = useFlow();
  const end = start === null ? null : start + hours * HOUR;

  const quote = useQuery({
    queryKey: ["chain", "quote", r.id, start, end],
    queryFn: () => quoteBreakdown(protocol, r.id, start!, end!),
    enabled: start !== null,
    refetchInterval: 10_000,
    retry: false,
  });

  // The balance is known before the click: say it next to the button, not after a failed attempt.
  const balance = useQuery({
    queryKey: ["chain", "balance", address, r.currency],
    queryFn: () => balanceOf(protocol, address!, r.currency),
    enabled: address !== undefined,
    refetchInterval: 10_000,
  });
  // A member without ETH books gaslessly when the relayer's sponsor is paid in this currency.
  const gasless = useQuery({
    queryKey: ["chain", "gasless", address, r.currency],
    queryFn: () => gaslessFor(protocol, relayer, address!, r.currency).catch(() => null),
    enabled: address !== undefined && !isNative(r.currency),
    refetchInterval: 10_000,
  });
  const sponsorFee = gasless.data ? BigInt(gasless.data.terms.fees.book) : null;
  const total = quote.data?.total; // taxes included: what `book` charges
  const short = total !== undefined && balance.data !== undefined && balance.data < total;
  const doneRef = useRef<HTMLParagraphElement>(null);
  useEffect(() => {
    if (booked !== null) doneRef.current?.focus(); // the Book button is disabled while working: keep focus on the outcome
  }, [booked]);

  const occFrom = slotStart(now) - DAY * 2;
  const occupancy = useOccupancy(r, occFrom, occFrom + (r.horizonHours + 24 * 9) * HOUR);
  const occ = useMemo(() => occupancy.data ?? new Map<number, number>(), [occupancy.data]);
  // The chain's own rule (time zone, daylight time, holidays) over the span the calendar can show.
  const closed = useClosedHours(r, slotStart(now) - DAY * 2, r.horizonHours + 24 * 9);

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
    if (!address || start === null || end === null) return;
    setError(null);
    setBooked(null);
    try {
      // A window the opening hours refuse would revert (BookingOutsideOpeningHours): say so first.
      if (closed && firstClosedHour(start, end, closed) !== null)
        throw Object.assign(new Error("closed"), { ui: { key: "err.closedHours" } });
      const price = await readQuote(protocol, r.id, start, end); // fresh quote = max price
      const balance = await balanceOf(protocol, address, r.currency);
      if (balance < price) throw Object.assign(new Error("insufficient"), { ui: { key: "err.insufficientFunds" } });
      // The member pins the price, cancellation policy and transferability shown on this page.
      const args = [r.id, BigInt(start), BigInt(end), ANY_UNIT, price, address, r.policyId, r.transferable] as const;
      let receipt;
      const g = isNative(r.currency) ? null : await gaslessFor(protocol, relayer, address, r.currency);
      if (g) {
        // One permit for the price and the sponsor's fee, whose cap the member signs in the request,
        // with the sponsor it names (no one else can relay it and take the fee).
        const fee = BigInt(g.terms.fees.book);
        if (balance < price + fee)
          throw Object.assign(new Error("insufficient"), { ui: { key: "err.insufficientFunds" } });
        setStep("sponsor");
        const deadline = BigInt(Math.floor(Date.now() / 1000) + 1800);
        const permit = await signPermit(protocol, wagmi, r.currency, address, protocol.address, price + fee, deadline);
        if (!permit) throw Object.assign(new Error("no permit"), { ui: { key: "err.sponsorPermit" } });
        receipt = await relaySponsored(
          protocol,
          wagmi,
          relayer,
          address,
          g,
          {
            functionName: "bookSponsored",
            args: [...args, g.terms.sponsor, fee, deadline, permit.v, permit.r, permit.s],
          },
          () => setStep("pending"),
        );
      } else if (isNative(r.currency)) {
        setStep("confirm");
        receipt = await sendTx(protocol, wagmi, address, { functionName: "book", args, value: price }, () =>
          setStep("pending"),
        );
      } else if ((await allowance(protocol, r.currency, address)) >= price) {
        setStep("confirm");
        receipt = await sendTx(protocol, wagmi, address, { functionName: "book", args }, () => setStep("pending"));
      } else {
        setStep("permit");
        const deadline = BigInt(Math.floor(Date.now() / 1000) + 1800);
        const permit = await signPermit(protocol, wagmi, r.currency, address, protocol.address, price, deadline);
        if (permit) {
          setStep("confirm");
          receipt = await sendTx(
            protocol,
            wagmi,
            address,
            { functionName: "bookWithPermit", args: [...args, deadline, permit.v, permit.r, permit.s] },
            () => setStep("pending"),
          );
        } else {
          setStep("approve");
          await approve(protocol, wagmi, address, r.currency, protocol.address, price);
          setStep("confirm");
          receipt = await sendTx(protocol, wagmi, address, { functionName: "book", args }, () => setStep("pending"));
        }
      }
      const [ev] = parseEventLogs({ abi: protocol.contract.abi, logs: receipt.logs, eventName: "Booked" });
      setBooked(ev?.args.passId ?? 0n);
      setStart(null);
      await refresh();
    } catch (e) {
      setError((e as { ui?: UiError }).ui ?? toUiError(e));
    } finally {
      setStep(null);
    }
  }

  const stepText =
    step === "sponsor"
      ? t("book.step.sponsor", {
          fee: currency.data && sponsorFee !== null ? formatAmount(sponsorFee, currency.data, locale) : "",
        })
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
          min: durationLabel(Math.max(1, r.minHours), t),
          max: durationLabel(r.maxHours || 720, t),
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
          <button type="button" onClick={() => pickStart(slotStart(now))}>
            {t("book.now")}
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
            price={total}
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
              {short && currency.data && (
                <p className="error" id="book-short" data-testid="insufficient">
                  {t("book.short", {
                    balance: formatAmount(balance.data, currency.data, locale),
                    price: formatAmount(total, currency.data, locale),
                  })}
                </p>
              )}
              {sponsorFee !== null && currency.data && (
                <p className="hint" data-testid="gasless-note">
                  {sponsorFee > 0n
                    ? t("gasless.note", { fee: formatAmount(sponsorFee, currency.data, locale) })
                    : t("gasless.free")}
                </p>
              )}
              <button
                type="submit"
                className="primary big"
                disabled={start === null || total === undefined || flow.busy || short}
                aria-describedby={short ? "book-short" : undefined}
              >
                {flow.busy
                  ? t("common.working")
                  : total !== undefined && currency.data
                    ? t("book.submit", { price: formatAmount(total, currency.data, locale) })
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
          selection={start !== null && end !== null ? { start, end } : null}
          onPick={pickStart}
        />
      </div>
    </section>
  );
}
