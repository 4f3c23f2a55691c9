// A venue's opening hours: one field per weekday, dated exceptions, and the time-zone rule derived
// from the venue's IANA zone (the operator never types an offset or a daylight-time date). Closing
// hours that hold bookings is refused on chain (OpeningClosureHasBookings): the form lists those
// bookings first and offers to cancel them with a full refund in the same action.
import { useId, useMemo, useState } from "react";
import { useApp } from "../../hooks/useApp.ts";
import { useNow } from "../../hooks/useNow.ts";
import { useVenueOpeningHours } from "../../hooks/useOpeningHours.ts";
import { useResources } from "../../hooks/queries.ts";
import { useTx } from "../../hooks/useTx.ts";
import { useI18n } from "../../i18n/translate.ts";
import {
  bookingsInClosure,
  dayText,
  parseDates,
  parseExceptions,
  parseWeek,
  weekdayNames,
  weeklyMaskOf,
  zoneRule,
  type InputError,
  type TimeZoneRule,
} from "../../lib/openingHours.ts";
import { loadBookings, type Booking, type Venue } from "../../lib/protocol.ts";
import { formatWindow } from "../../lib/time.ts";
import { FieldErrors, Labelled, TxFeedback } from "./fields.tsx";

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
  const { protocol } = useApp();
  const resources = useResources(venue.id);
  const tx = useTx();
  const id = useId();
  const now = useNow(60_000);
  const names = weekdayNames(locale);
  const [days, setDays] = useState(() => Array.from({ length: 7 }, (_, d) => dayText(mask, d)));
  const [exceptions, setExceptions] = useState("");
  const [clear, setClear] = useState("");
  const [invalid, setInvalid] = useState<InputError[]>([]);
  /** Bookings the closure would leave in closed hours, shown before anything is sent. */
  const [caught, setCaught] = useState<Booking[]>([]);
  const [unreadable, setUnreadable] = useState(false);
  const year = new Date(now * 1000).getUTCFullYear();
  // Derived once per zone and year: it reads four years of the platform's database (Intl).
  const rule: TimeZoneRule | null = useMemo(() => zoneRule(venue.timeZone, year), [venue.timeZone, year]);

  async function submit(cancelCaught: boolean) {
    const week = parseWeek(days, names);
    const dated = parseExceptions(exceptions);
    const cleared = parseDates(clear);
    const errors: InputError[] = [
      ...(rule ? [] : [{ key: "hours.noRule" as const, vars: { zone: venue.timeZone } }]),
      ...(week.ok ? [] : week.errors),
      ...(dated.ok ? [] : dated.errors),
      ...(cleared.ok ? [] : cleared.errors),
    ];
    setInvalid(errors);
    if (!rule || !week.ok || !dated.ok || !cleared.ok) return;

    let toCancel: Booking[] = [];
    setUnreadable(false);
    if (dated.value.length > 0 || cleared.value.length > 0) {
      try {
        const following = new Set((resources.data ?? []).filter((r) => r.followsOpeningHours).map((r) => r.id));
        const change = { weekly: weeklyMaskOf(week.value), exceptions: dated.value, cleared: cleared.value };
        toCancel = bookingsInClosure(await loadBookings(protocol, venue.id), following, change, venue.timeZone, now);
      } catch {
        setUnreadable(true); // the chain still refuses a closure over a booking
      }
      setCaught(toCancel);
      if (toCancel.length > 0 && !cancelCaught) return;
    }

    const receipt = await tx.sequence(async (send) => {
      for (const b of toCancel) await send({ functionName: "cancel", args: [b.passId] });
      let receipt = await send({ functionName: "setOpeningHours", args: [venue.id, week.value, rule] });
      if (dated.value.length > 0) {
        receipt = await send({ functionName: "setOpeningExceptions", args: [venue.id, dated.value] });
      }
      if (cleared.value.length > 0) {
        receipt = await send({ functionName: "clearOpeningExceptions", args: [venue.id, cleared.value] });
      }
      return receipt;
    }, t("common.saved"));
    if (receipt) setCaught([]);
  }

  const resourceName = (rid: number) => resources.data?.find((r) => r.id === rid)?.name ?? `#${rid}`;
  return (
    <form
      aria-labelledby={`${id}-title`}
      onSubmit={(e) => {
        e.preventDefault();
        void submit(false);
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
      <FieldErrors errors={invalid} />
      {unreadable && <p className="muted small">{t("hours.bookingsUnreadable")}</p>}
      {caught.length > 0 && (
        <div className="error" role="alert">
          <p>{t("hours.caught", { n: caught.length })}</p>
          <ul>
            {caught.map((b) => (
              <li key={String(b.passId)}>
                {t("hours.caughtRow", {
                  id: String(b.passId),
                  resource: resourceName(b.resourceId),
                  window: formatWindow(b.start, b.end, locale, venue.timeZone),
                })}
              </li>
            ))}
          </ul>
          <button type="button" disabled={tx.busy} onClick={() => void submit(true)}>
            {t("hours.cancelAndSave")}
          </button>
        </div>
      )}
      <TxFeedback tx={tx} />
    </form>
  );
}
