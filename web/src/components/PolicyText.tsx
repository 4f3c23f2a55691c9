import { useI18n, type Translate } from "../i18n/translate.ts";
import { formatBps } from "../lib/money.ts";
import { policySteps, type RefundTier } from "../lib/policy.ts";
import { formatDateTime } from "../lib/time.ts";

function before(seconds: number, t: Translate): string {
  if (seconds % 86_400 === 0) return t("dur.d", { n: seconds / 86_400 });
  if (seconds % 3600 === 0) return t("dur.h", { n: seconds / 3600 });
  return `${Math.round(seconds / 60)} min`;
}

/** The cancellation policy in words, with absolute deadlines in the venue's zone when `start` is known. */
export function PolicyText({
  tiers,
  start,
  timeZone,
  now,
}: {
  tiers: readonly RefundTier[];
  start: number | null;
  timeZone: string;
  now?: number;
}) {
  const { t, locale } = useI18n();
  // A deadline already behind us (walk-in booking of the current hour) is shown struck through.
  const passed = (deadline: number | null) => now !== undefined && deadline !== null && deadline <= now;
  if (tiers.length === 0) return <p data-testid="policy">{t("policy.none")}</p>;
  const at = (x: number) => formatDateTime(x, locale, timeZone);
  const pct = (bps: number) =>
    bps === 10_000 ? `${formatBps(bps, locale)} (${t("policy.full")})` : formatBps(bps, locale);
  return (
    <ul className="policy" data-testid="policy">
      {policySteps(tiers, start).map((s, i) => {
        if (s.kind === "none")
          return (
            <li key={i} className={passed(s.from) ? "now" : undefined}>
              {s.from !== null ? t("policy.noneAfterAt", { time: at(s.from) }) : t("policy.noneAfter")}
            </li>
          );
        if (s.secondsBeforeStart === 0) {
          return (
            <li key={i} className={passed(s.deadline) ? "passed" : undefined}>
              {s.deadline !== null
                ? t("policy.tierStartAt", { time: at(s.deadline), pct: pct(s.refundBps) })
                : t("policy.tierStart", { pct: pct(s.refundBps) })}
            </li>
          );
        }
        return (
          <li key={i} className={passed(s.deadline) ? "passed" : undefined}>
            {s.deadline !== null
              ? t("policy.tierAt", { time: at(s.deadline), pct: pct(s.refundBps) })
              : t("policy.tierRel", { before: before(s.secondsBeforeStart, t), pct: pct(s.refundBps) })}
          </li>
        );
      })}
    </ul>
  );
}
