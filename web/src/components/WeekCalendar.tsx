import { useEffect, useRef, useState, type KeyboardEvent } from "react";
import { useI18n } from "../i18n/translate.ts";
import { DAY, HOUR, formatDateTime, formatDay, formatHour, localDayStart, slotStart } from "../lib/time.ts";

export type WeekCalendarProps = {
  now: number;
  timeZone: string;
  units: number;
  horizonHours: number;
  /** Booked units per slot start. */
  booked: Map<number, number>;
  /** Slot starts outside the venue's opening hours, for a resource that follows them. */
  closed?: ReadonlySet<number>;
  /** The closed hours or the bookings are not known yet: future cells show as loading, not free. */
  loading?: boolean;
  selection: { start: number; end: number } | null;
  onPick: (start: number) => void;
};

type SlotState = "past" | "beyond" | "loading" | "closed" | "full" | "some" | "free";

/** What a cell shows besides its colour (WCAG 1.4.1): a tick when selected, × when full, the free count when partly booked. */
const GLYPH: Record<SlotState, string> = {
  past: "",
  beyond: "",
  loading: "…",
  closed: "–",
  full: "×",
  some: "",
  free: "",
};
const NONE: ReadonlySet<number> = new Set();

/**
 * A week of hour slots in the venue's zone; arrow keys move between hours (↑↓) and days (←→),
 * skip hours that cannot be booked and cross into the previous or next week.
 */
export function WeekCalendar({
  now,
  timeZone,
  units,
  horizonHours,
  booked,
  closed = NONE,
  loading = false,
  selection,
  onPick,
}: WeekCalendarProps) {
  const { t, locale } = useI18n();
  const [week, setWeek] = useState(0);
  const grid = useRef<HTMLDivElement>(null);
  const first = localDayStart(now, timeZone) + week * 7 * DAY;
  const days = Array.from({ length: 7 }, (_, d) => localDayStart(first + d * DAY + 12 * HOUR, timeZone));
  const current = slotStart(now);
  const latest = current + horizonHours * HOUR;
  const maxWeek = Math.max(0, Math.ceil((latest - localDayStart(now, timeZone)) / (7 * DAY)) - 1);

  const cell = (t0: number) => {
    const past = t0 + HOUR <= now;
    const beyond = t0 > latest;
    const taken = booked.get(t0) ?? 0;
    const free = Math.max(0, units - taken);
    const selected = selection !== null && t0 >= selection.start && t0 < selection.end;
    const shut = closed.has(t0);
    const state: SlotState = past
      ? "past"
      : beyond
        ? "beyond"
        : loading
          ? "loading"
          : shut
            ? "closed"
            : free === 0
              ? "full"
              : free < units
                ? "some"
                : "free";
    return { past, beyond, free, selected, state, disabled: past || beyond || loading || shut || free === 0 };
  };
  /** Which week (0 = this one) shows slot `t0`; +12 h absorbs a DST day of 23 or 25 hours. */
  const weekOf = (t0: number) =>
    Math.floor((localDayStart(t0, timeZone) - localDayStart(now, timeZone) + 12 * HOUR) / (7 * DAY));

  // Roving tab stop: exactly one enabled slot of the visible week takes Tab — the last one focused,
  // else the selection's start, else the first bookable slot from now on.
  const [focused, setFocused] = useState<number | null>(null);
  const visible = (t0: number) => t0 >= days[0] && t0 < days[6] + DAY;
  const usable = (t0: number | null | undefined): t0 is number => t0 != null && visible(t0) && !cell(t0).disabled;
  const firstUsable = () => {
    const slots = days.flatMap((d) => Array.from({ length: 24 }, (_, h) => d + h * HOUR)).sort((a, b) => a - b);
    return slots.find(usable) ?? Math.max(current, first);
  };
  const focusable = usable(focused) ? focused : usable(selection?.start) ? selection.start : firstUsable();
  const scroller = useRef<HTMLDivElement>(null);

  // Open on the current hour (or the selection), not at midnight.
  useEffect(() => {
    const box = scroller.current;
    const cellEl = box?.querySelector<HTMLElement>(`button[data-t="${focusable}"]`);
    if (box && cellEl) box.scrollTop = Math.max(0, cellEl.offsetTop - box.offsetTop - 60);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [week]);

  // A move into another week focuses its target once that week is rendered.
  // (A ref, not state: the move already re-renders through `focused` and `week`; the effect runs
  // after that render.)
  const moveTo = useRef<number | null>(null);
  useEffect(() => {
    if (moveTo.current === null) return;
    grid.current?.querySelector<HTMLButtonElement>(`button[data-t="${moveTo.current}"]`)?.focus();
    moveTo.current = null;
  });

  function onKey(e: KeyboardEvent<HTMLButtonElement>) {
    const t0 = Number(e.currentTarget.dataset.t);
    const delta = { ArrowUp: -HOUR, ArrowDown: HOUR, ArrowLeft: -DAY, ArrowRight: DAY }[e.key];
    if (!delta) return;
    e.preventDefault();
    // Skip what cannot be booked; stop (stay put) at the ends of the bookable range.
    let target = t0 + delta;
    while (target >= current && target <= latest && cell(target).disabled) target += delta;
    if (target < current || target > latest) return;
    setFocused(target);
    const w = weekOf(target);
    if (w !== week) setWeek(w);
    moveTo.current = target;
  }

  const hours = Array.from({ length: 24 }, (_, h) => h);
  return (
    <div className="calendar">
      <div className="cal-head">
        <button type="button" onClick={() => setWeek((w) => w - 1)} disabled={week === 0} aria-label={t("cal.prev")}>
          ‹
        </button>
        <h3 id="cal-title">
          {t("cal.range", { from: formatDay(days[0], locale, timeZone), to: formatDay(days[6], locale, timeZone) })}
        </h3>
        <button
          type="button"
          onClick={() => setWeek((w) => w + 1)}
          disabled={week >= maxWeek}
          aria-label={t("cal.next")}
        >
          ›
        </button>
      </div>
      <p className="muted small">{t("cal.hint")}</p>
      <div className="cal-scroll" ref={scroller}>
        <div className="cal-grid" ref={grid} role="group" aria-labelledby="cal-title">
          <div className="cal-corner" aria-hidden="true" />
          {days.map((d) => (
            <div key={d} className="cal-day" aria-hidden="true">
              {formatDay(d, locale, timeZone)}
            </div>
          ))}
          {hours.map((h) => (
            <div key={h} className="cal-row">
              <div className="cal-hour" aria-hidden="true">
                {formatHour(days[0] + h * HOUR, locale, timeZone)}
              </div>
              {days.map((d) => {
                const t0 = d + h * HOUR;
                const c = cell(t0);
                const state = c.past
                  ? t("cal.past")
                  : c.beyond
                    ? t("cal.beyond")
                    : c.state === "loading"
                      ? t("app.loading")
                      : c.state === "closed"
                        ? t("cal.closed")
                        : c.free === 0
                          ? t("cal.full")
                          : t("cal.free", { n: c.free, units });
                const cls = ["slot", c.state, c.selected ? "selected" : "", t0 === current ? "now" : ""].join(" ");
                return (
                  <button
                    key={t0}
                    type="button"
                    className={cls}
                    data-t={t0}
                    disabled={c.disabled}
                    tabIndex={t0 === focusable ? 0 : -1}
                    aria-pressed={c.selected}
                    aria-label={`${formatDateTime(t0, locale, timeZone)}, ${state}${c.selected ? `, ${t("cal.selected")}` : ""}`}
                    onClick={() => onPick(t0)}
                    onFocus={() => setFocused(t0)}
                    onKeyDown={onKey}
                  >
                    <span aria-hidden="true">{c.selected ? "✓" : c.state === "some" ? c.free : GLYPH[c.state]}</span>
                  </button>
                );
              })}
            </div>
          ))}
        </div>
      </div>
      <ul className="legend small">
        {(
          [
            ["free", "", t("cal.legendFree")],
            ["some", "2", t("cal.legendSome")],
            ["full", "×", t("cal.full")],
            ["closed", "–", t("cal.closed")],
            ["past", "", t("cal.past")],
            ["beyond", "", t("cal.beyond")],
            ["selected", "✓", t("cal.selected")],
          ] as const
        ).map(([cls, glyph, label]) => (
          <li key={cls}>
            <span className={`swatch slot ${cls}`} aria-hidden="true">
              {glyph}
            </span>{" "}
            {label}
          </li>
        ))}
      </ul>
    </div>
  );
}
