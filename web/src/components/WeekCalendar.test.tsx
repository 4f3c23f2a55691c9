import { describe, expect, it, vi } from "vitest";
import { fireEvent, render, screen } from "@testing-library/react";
import { I18nProvider } from "../i18n/i18n.tsx";
import type { Lang } from "../i18n/messages.ts";
import { WeekCalendar } from "./WeekCalendar.tsx";

const HOUR = 3600;
const TZ = "America/Toronto";
// Monday 15 March 2027, 6:00 EDT (10:00 UTC): the Monday after the change to daylight time.
const NOW = Date.UTC(2027, 2, 15, 10) / 1000;
/** UTC seconds of a UTC date and hour (month 1-based). */
const utc = (m: number, d: number, h: number) => Date.UTC(2027, m - 1, d, h) / 1000;

/** Closed hours as the chain reports them for 8:00–18:00 EDT on Monday and Tuesday: 12:00–22:00 UTC open. */
const closed = new Set<number>();
for (let t = utc(3, 15, 4); t < utc(3, 17, 4); t += HOUR) {
  const h = new Date(t * 1000).getUTCHours();
  if (h < 12 || h >= 22) closed.add(t);
}

function renderCalendar(lang: Lang = "en", onPick = vi.fn()) {
  render(
    <I18nProvider lang={lang}>
      <WeekCalendar
        now={NOW}
        timeZone={TZ}
        units={2}
        horizonHours={24 * 30}
        booked={new Map([[utc(3, 15, 14), 1]])}
        closed={closed}
        selection={null}
        onPick={onPick}
      />
    </I18nProvider>,
  );
  return onPick;
}

const slot = (t: number) => document.querySelector<HTMLButtonElement>(`button[data-t="${t}"]`)!;

describe("WeekCalendar closed hours", () => {
  it("shows hours outside opening hours as closed and not bookable", () => {
    const onPick = renderCalendar();
    const sevenAm = slot(utc(3, 15, 11)); // 7:00 EDT
    expect(sevenAm.disabled).toBe(true);
    expect(sevenAm.className).toContain("closed");
    expect(sevenAm.getAttribute("aria-label")).toMatch(/^Mon, Mar 15, 0?7:00\sAM, Closed$/);
    expect(sevenAm.textContent).toBe("–");
    fireEvent.click(sevenAm);
    expect(onPick).not.toHaveBeenCalled();
    const sixPm = slot(utc(3, 15, 22)); // 18:00 EDT
    expect(sixPm.disabled).toBe(true);
    expect(sixPm.getAttribute("aria-label")).toMatch(/Closed$/);
  });

  it("keeps open hours bookable, with their free units", () => {
    const onPick = renderCalendar();
    const eightAm = slot(utc(3, 15, 12)); // 8:00 EDT
    expect(eightAm.disabled).toBe(false);
    expect(eightAm.className).toContain("free");
    expect(slot(utc(3, 15, 14)).getAttribute("aria-label")).toMatch(/1 of 2 free/);
    fireEvent.click(eightAm);
    expect(onPick).toHaveBeenCalledWith(utc(3, 15, 12));
  });

  it("skips closed hours with the arrow keys, from closing time to the next opening", () => {
    renderCalendar();
    const fivePm = slot(utc(3, 15, 21)); // 17:00 EDT, the last open hour of Monday
    fivePm.focus();
    fireEvent.keyDown(fivePm, { key: "ArrowDown" });
    // 18:00 Monday … 7:00 Tuesday are closed: the next hour down is 8:00 Tuesday.
    expect(document.activeElement).toBe(slot(utc(3, 16, 12)));
  });

  it("names closed hours in French and lists them in the legend", () => {
    renderCalendar("fr");
    expect(slot(utc(3, 15, 11)).getAttribute("aria-label")).toMatch(/Fermé$/);
    expect(screen.getAllByText("Fermé").length).toBeGreaterThan(0);
  });
});

describe("WeekCalendar while the opening hours load", () => {
  it("shows future cells as loading and not clickable (not free)", () => {
    const onPick = vi.fn();
    render(
      <I18nProvider lang="en">
        <WeekCalendar
          now={NOW}
          timeZone={TZ}
          units={2}
          horizonHours={24 * 30}
          booked={new Map()}
          loading
          selection={null}
          onPick={onPick}
        />
      </I18nProvider>,
    );
    const noon = slot(utc(3, 15, 16));
    expect(noon.disabled).toBe(true);
    expect(noon.className).toContain("loading");
    expect(noon.className).not.toContain("free");
    expect(noon.getAttribute("aria-label")).toMatch(/Loading…$/);
    fireEvent.click(noon);
    expect(onPick).not.toHaveBeenCalled();
  });
});
