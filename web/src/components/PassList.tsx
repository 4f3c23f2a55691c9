import type { ReactNode } from "react";
import { useI18n } from "../i18n/translate.ts";
import { formatAmount, type Currency } from "../lib/money.ts";
import { groupPasses, paidFor, refundedFor, type PassInfo, type PassPhase } from "../lib/passes.ts";
import { formatDateTime, formatWindow } from "../lib/time.ts";
import { shortAddress } from "../lib/labels.ts";

export type PassView = PassInfo & {
  resourceName: string;
  venueName: string;
  timeZone: string;
  graceSeconds: number;
  currencyInfo: Currency | undefined;
};

const PHASES: PassPhase[] = ["current", "upcoming", "past", "cancelled"];

/**
 * A member's passes grouped as now / upcoming / past, then the cancelled bookings (with their
 * refund), each with its window in the venue's zone and what was paid.
 */
export function PassList({
  passes,
  now,
  actions,
}: {
  passes: PassView[];
  now: number;
  actions?: (p: PassView, phase: PassPhase) => ReactNode;
}) {
  const { t, locale } = useI18n();
  if (passes.length === 0) return <p data-testid="no-passes">{t("passes.empty")}</p>;
  const groups = groupPasses(passes, (p) => p.graceSeconds, now);
  return (
    <>
      {PHASES.filter((phase) => phase !== "cancelled" || groups.cancelled.length > 0).map((phase) => (
        <section key={phase} aria-labelledby={`phase-${phase}`} className={`phase ${phase}`}>
          <h2 id={`phase-${phase}`}>
            {t(`passes.${phase}`)} <span className="count">({groups[phase].length})</span>
          </h2>
          {groups[phase].length === 0 ? (
            <p className="muted">{t("passes.none")}</p>
          ) : (
            <ul className="passes">
              {groups[phase].map((p) => (
                <li
                  key={p.passId.toString()}
                  className="pass"
                  data-pass-id={p.passId.toString()}
                  aria-labelledby={`pass-${p.passId}`}
                >
                  <h3 id={`pass-${p.passId}`}>
                    {p.resourceName} <span className="muted">· {p.venueName}</span>
                  </h3>
                  <p className="window">
                    <time dateTime={new Date(p.start * 1000).toISOString()}>
                      {formatWindow(p.start, p.end, locale, p.timeZone)}
                    </time>
                  </p>
                  <p className="muted small">
                    {t("passes.pass", { id: p.passId.toString() })} · {t("passes.unit", { n: p.unit + 1 })}
                    {p.currencyInfo &&
                      ` · ${
                        p.serviceFee
                          ? t("passes.paidWithFee", {
                              amount: formatAmount(paidFor(p), p.currencyInfo, locale),
                              fee: formatAmount(p.serviceFee, p.currencyInfo, locale),
                            })
                          : t("passes.paid", { amount: formatAmount(paidFor(p), p.currencyInfo, locale) })
                      }`}
                  </p>
                  {p.status === "cancelled" && (
                    <p className="small" data-testid="refund">
                      {t(p.byOperator ? "passes.cancelledByOperator" : "passes.cancelledByYou")}
                      {p.currencyInfo &&
                        ` · ${
                          p.refundServiceFee
                            ? t("passes.refundedWithFee", {
                                amount: formatAmount(refundedFor(p), p.currencyInfo, locale),
                                fee: formatAmount(p.refundServiceFee, p.currencyInfo, locale),
                              })
                            : t("passes.refunded", { amount: formatAmount(refundedFor(p), p.currencyInfo, locale) })
                        }`}
                    </p>
                  )}
                  {p.role === "guest" && <p className="badge">{t("passes.guestBadge")}</p>}
                  {p.role === "holder" && p.status === "active" && p.guest && (
                    <p className="small">
                      {t("passes.guest", {
                        address: shortAddress(p.guest),
                        time: formatDateTime(p.guestExpires, locale, p.timeZone),
                      })}
                    </p>
                  )}
                  {actions?.(p, phase)}
                </li>
              ))}
            </ul>
          )}
        </section>
      ))}
    </>
  );
}
