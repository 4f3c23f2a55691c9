// A venue's opening hours: one field per weekday, dated exceptions, and the time-zone rule derived
// from the venue's IANA zone (the operator never types an offset or a daylight-time date).
import { useId, useState } from "react";
import { useNow } from "../../hooks/useNow.ts";
import { useVenueOpeningHours } from "../../hooks/useOpeningHours.ts";
import { useTx } from "../../hooks/useTx.ts";
import { useI18n } from "../../i18n/translate.ts";
import {
  dateNumber,
  dayText,
  parseExceptions,
  parseWeek,
  zoneRule,
  type TimeZoneRule,
} from "../../lib/openingHours.ts";
import type { Venue } from "../../lib/protocol.ts";
import { Labelled, TxFeedback } from "./fields.tsx";

/** Weekday names, Monday first, in the user's language (2024-01-01 was a Monday). */
function weekdayNames(locale: string): string[] {
  const fmt = new Intl.DateTimeFormat(locale, { weekday: "long", timeZone: "UTC" });
  return Array.from({ length: 7 }, (_, d) => fmt.format(new Date(Date.UTC(2024, 0, 1 + d))));
}

/** "−5", "+5:30": an offset in minutes as UTC±h[:mm]. */
function offsetText(minutes: number): string {
  const sign = minutes < 0 ? "−" : "+";
  const abs = Math.abs(minutes);
  return `${sign}${Math.floor(abs / 60)}${abs % 60 ? `:${String(abs % 60).padStart(2, "0")}` : ""}`;
}

export function OpeningHoursForm({ venue }: { venue: Venue }) {
  const stored = useVenueOpeningHours(venue.id);
  if (!stored.data) return null;
  return <OpeningHoursFields venue={venue} mask={stored.data[0]} />;
}

/** The form, given the weekly mask on chain (to start from what is stored). */
export function OpeningHoursFields({ venue, mask }: { venue: Venue; mask: bigint }) {
  const { t, locale } = useI18n();
  const tx = useTx();
  const id = useId();
  const now = useNow(60_000);
  const names = weekdayNames(locale);
  const [days, setDays] = useState(() => Array.from({ length: 7 }, (_, d) => dayText(mask, d)));
  const [exceptions, setExceptions] = useState("");
  const [clear, setClear] = useState("");
  const rule: TimeZoneRule | null = zoneRule(venue.timeZone, new Date(now * 1000).getUTCFullYear());

  async function submit() {
    if (!rule) return tx.setError({ key: "hours.noRule", vars: { zone: venue.timeZone } });
    const week = parseWeek(days, names);
    if (!week.ok) return tx.setError(week.error);
    const dated = parseExceptions(exceptions);
    if (!dated.ok) return tx.setError(dated.error);
    const cleared: number[] = [];
    for (const text of clear.split(/[\s,]+/).filter(Boolean)) {
      const date = dateNumber(text);
      if (date === null) return tx.setError({ key: "hours.badDate", vars: { day: text, text } });
      cleared.push(date);
    }
    await tx.sequence(async (send) => {
      let receipt = await send({ functionName: "setOpeningHours", args: [venue.id, week.value, rule] });
      if (dated.value.length > 0) {
        receipt = await send({ functionName: "setOpeningExceptions", args: [venue.id, dated.value] });
      }
      if (cleared.length > 0) {
        receipt = await send({ functionName: "clearOpeningExceptions", args: [venue.id, cleared] });
      }
      return receipt;
    }, t("common.saved"));
  }

  return (
    <form
      aria-labelledby={`${id}-title`}
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <h3 id={`${id}-title`}>{t("hours.title")}</h3>
      <p className="muted small">
        {rule === null
          ? t("hours.noRule", { zone: venue.timeZone })
          : rule.dstStart.month === 0
            ? t("hours.zoneFixed", { zone: venue.timeZone, std: offsetText(rule.standardOffset) })
            : t("hours.zone", {
                zone: venue.timeZone,
                std: offsetText(rule.standardOffset),
                dst: offsetText(rule.daylightOffset),
              })}
      </p>
      <p className="muted small">{t("hours.hint")}</p>
      {names.map((name, d) => (
        <Labelled key={name} label={name}>
          <input
            value={days[d]}
            onChange={(e) => setDays(days.map((x, i) => (i === d ? e.target.value : x)))}
            placeholder="8-18"
          />
        </Labelled>
      ))}
      <Labelled label={t("hours.exceptions")}>
        <textarea value={exceptions} onChange={(e) => setExceptions(e.target.value)} rows={3} />
      </Labelled>
      <Labelled label={t("hours.clear")}>
        <input value={clear} onChange={(e) => setClear(e.target.value)} />
      </Labelled>
      <button type="submit" className="primary" disabled={tx.busy}>
        {tx.busy ? t("common.working") : t("common.save")}
      </button>
      <TxFeedback tx={tx} />
    </form>
  );
}
