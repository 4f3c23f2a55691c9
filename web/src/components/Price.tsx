import { useCurrency } from "../hooks/queries.ts";
import { useI18n } from "../i18n/translate.ts";
import { formatAmount } from "../lib/money.ts";
import type { Address } from "viem";

export function Amount({ value, currency }: { value: bigint; currency: Address }) {
  const { locale } = useI18n();
  const c = useCurrency(currency);
  if (!c.data) return <span>…</span>;
  return <span className="amount">{formatAmount(value, c.data, locale)}</span>;
}

export function PriceList({
  r,
}: {
  r: { currency: Address; pricePerHour: bigint; pricePerDay: bigint; pricePerMonth: bigint };
}) {
  const { t, locale } = useI18n();
  const c = useCurrency(r.currency);
  if (!c.data) return null;
  const f = (v: bigint) => formatAmount(v, c.data, locale);
  return (
    <ul className="prices">
      {r.pricePerHour > 0n && <li>{t("price.hour", { price: f(r.pricePerHour) })}</li>}
      {r.pricePerDay > 0n && <li>{t("price.day", { price: f(r.pricePerDay) })}</li>}
      {r.pricePerMonth > 0n && <li>{t("price.month", { price: f(r.pricePerMonth) })}</li>}
    </ul>
  );
}
