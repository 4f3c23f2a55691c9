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
  price: bigint | undefined;
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
            <strong>{formatAmount(price, currency, locale)}</strong>
          ) : quoting ? (
            t("book.quoting")
          ) : (
            "—"
          )}
        </dd>
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
