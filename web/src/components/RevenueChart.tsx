import { useI18n } from "../i18n/translate.ts";
import { formatAmount, type Currency } from "../lib/money.ts";
import { formatDay } from "../lib/time.ts";

export type RevenuePoint = { day: number; amount: bigint };

/** Bars per day, hand-drawn in SVG; the table beside it carries the same data for screen readers. */
export function RevenueChart({
  points,
  currency,
  timeZone,
  title,
  today,
}: {
  points: RevenuePoint[];
  currency: Currency;
  timeZone: string;
  title: string;
  today: number;
}) {
  const { t, locale } = useI18n();
  const max = points.reduce((m, p) => (p.amount > m ? p.amount : m), 0n);
  const total = points.reduce((s, p) => s + p.amount, 0n);
  const W = 560;
  const H = 160;
  const pad = 24;
  const bw = (W - pad * 2) / Math.max(points.length, 1);
  // Label every seventh day, always including today: the labels stay legible when the chart
  // shrinks to a phone's width.
  const labelEvery = 7;
  const todayIndex = Math.max(
    0,
    points.findIndex((p) => p.day === today),
  );
  return (
    <figure className="chart">
      <figcaption>
        {currency.symbol} · {t("op.revenueTotal", { amount: formatAmount(total, currency, locale) })}
      </figcaption>
      <svg
        viewBox={`0 0 ${W} ${H + 30}`}
        role="img"
        aria-label={`${title} (${currency.symbol})`}
        data-testid={`chart-${currency.symbol}`}
      >
        <line x1={pad} x2={W - pad} y1={H} y2={H} stroke="currentColor" strokeOpacity=".3" />
        {points.map((p, i) => {
          const h = max === 0n ? 0 : (Number((p.amount * 1000n) / max) / 1000) * (H - 20);
          const x = pad + i * bw;
          return (
            <g key={p.day}>
              <rect
                x={x + 2}
                y={H - h}
                width={Math.max(bw - 4, 1)}
                height={h}
                rx="2"
                className={p.day === today ? "bar today" : "bar"}
              >
                <title>
                  {t("common.pair", {
                    label: formatDay(p.day, locale, timeZone),
                    value: formatAmount(p.amount, currency, locale),
                  })}
                </title>
              </rect>
              {(i - todayIndex) % labelEvery === 0 && (
                <text
                  x={i === points.length - 1 ? x + bw : i === 0 ? x : x + bw / 2}
                  y={H + 22}
                  textAnchor={i === points.length - 1 ? "end" : i === 0 ? "start" : "middle"}
                  fontSize="18"
                  fill="currentColor"
                >
                  {formatDay(p.day, locale, timeZone)}
                </text>
              )}
            </g>
          );
        })}
      </svg>
      <table className="sr-only">
        <tbody>
          {points.map((p) => (
            <tr key={p.day}>
              <th scope="row">{formatDay(p.day, locale, timeZone)}</th>
              <td>{formatAmount(p.amount, currency, locale)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
