import { useI18n } from "../i18n/translate.ts";
import { formatAmount, type Currency } from "../lib/money.ts";
import type { RefundTier } from "../lib/policy.ts";
import { formatWindow } from "../lib/time.ts";
import { PolicyText } from "./PolicyText.tsx";

export type BookingSummaryProps = {
  start: number | null;
  end: number | null;
  timeZone: string;
  currency: Currency | undefined;
  /** The total, taxes included. */
  price: bigint | undefined;
  /** The sponsor's fee on a gasless booking (paid with the price), else 0 or undefined. */
  fee?: bigint;
  /** The quote's parts: shown when the venue charges taxes. */
  taxes?: { preTax: bigint; gst: bigint; qst: bigint };
  quoting: boolean;
  quoteError: string | null;
  tiers: readonly RefundTier[] | undefined;
  /** Wall clock, to mark deadlines already passed. */
  now?: number;
};

/** What the member is about to buy: window, live price and the cancellation policy spelled out. */
export function BookingSummary({
  start,
  end,
  timeZone,
  currency,
  price,
  fee,
  taxes,
  quoting,
  quoteError,
  tiers,
  now,
}: BookingSummaryProps) {
  const { t, locale } = useI18n();
  return (
    <div className="summary">
      <dl>
        <dt>{t("book.window")}</dt>
        <dd data-testid="window">
          {start !== null && end !== null ? formatWindow(start, end, locale, timeZone) : t("book.pickStart")}
        </dd>
        <dt>{t("book.price")}</dt>
        <dd data-testid="price" aria-live="polite">
          {quoteError ? (
            <span className="error">{t("book.quoteFailed", { message: quoteError })}</span>
          ) : price !== undefined && currency ? (
            <>
              <strong>{formatAmount(price, currency, locale)}</strong>
              {taxes && taxes.gst + taxes.qst > 0n && (
                <>
                  {" "}
                  <span data-testid="taxes" className="muted small">
                    {t("book.taxes", {
                      preTax: formatAmount(taxes.preTax, currency, locale),
                      gst: formatAmount(taxes.gst, currency, locale),
                      qst: formatAmount(taxes.qst, currency, locale),
                    })}
                  </span>
                </>
              )}
            </>
          ) : quoting ? (
            t("book.quoting")
          ) : (
            "—"
          )}
        </dd>
        {fee !== undefined && fee > 0n && price !== undefined && currency && (
          <>
            <dt>{t("book.fee")}</dt>
            <dd data-testid="fee">{formatAmount(fee, currency, locale)}</dd>
            <dt>{t("book.total")}</dt>
            <dd data-testid="total">
              <strong>{formatAmount(price + fee, currency, locale)}</strong>
            </dd>
          </>
        )}
      </dl>
      {price !== undefined && currency && (
        <p className="muted small">
          {t("book.paidIn", { symbol: currency.symbol })} · {t("book.maxPrice")}
        </p>
      )}
      <h3>{t("policy.title")}</h3>
      {tiers ? <PolicyText tiers={tiers} start={start} timeZone={timeZone} now={now} /> : <p>{t("app.loading")}</p>}
    </div>
  );
}
