// Accessibility and small screens, in real chromium against the demo stack: axe-core finds no
// violation on any page, in English and French, on a desktop, a 390 px phone and a 320 px screen;
// no page scrolls sideways; the calendar's keyboard model and the focus after each step.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  axeViolations,
  bookOnChain,
  horizontalOverflow,
  openAs,
  signIn,
  startStack,
  type MemberPage,
  type Stack,
} from "./harness.ts";

const MEMBER = 12;
const OPERATOR = 3; // etc Saint-Germain
const DESK = 5; // "Poste partagé" at etc Saint-Germain (venue 2)
const HOUR = 3600;

let stack: Stack;

type Visit = { route: string; ready: (m: MemberPage) => Promise<unknown>; title: RegExp };

const MEMBER_PAGES: Visit[] = [
  {
    route: "#/",
    ready: (m) => m.page.getByRole("link", { name: "etc Saint-Germain" }).waitFor(),
    title: /^(Venues in the network|Les lieux du réseau) — Passepartout$/,
  },
  {
    route: "#/venue/2",
    ready: (m) => m.page.getByRole("heading", { level: 1, name: "etc Saint-Germain" }).waitFor(),
    title: /^etc Saint-Germain — Passepartout$/,
  },
  {
    route: "#/resource/5",
    ready: async (m) => {
      await m.page.getByRole("button", { name: /^(Now \(this hour\)|Maintenant \(cette heure-ci\))$/ }).click();
      await m.page
        .getByTestId("price")
        .getByText(/5[.,]75/)
        .waitFor();
    },
    title: /^Poste partagé · etc Saint-Germain — Passepartout$/,
  },
  {
    route: "#/passes",
    ready: (m) => m.page.locator("li[data-pass-id]").first().waitFor(),
    title: /^(My passes|Mes passes) — Passepartout$/,
  },
  {
    route: "#/venue/999",
    ready: (m) => m.page.getByTestId("not-found").waitFor(),
    title: /^(Not found|Introuvable) — Passepartout$/,
  },
];
const OPERATOR_PAGES: Visit[] = [
  {
    route: "#/operator",
    ready: (m) => m.page.locator("table.bookings tbody tr").first().waitFor(),
    title: /^(Operator|Exploitation) — Passepartout$/,
  },
];

const SCREENS = [
  { name: "desktop", width: undefined },
  { name: "phone 390 px", width: 390 },
  { name: "320 px", width: 320 },
] as const;

describe("accessibility and small screens", { timeout: 600_000 }, () => {
  before(
    async () => {
      stack = await startStack();
      const now = Math.floor(Date.now() / 1000 / HOUR) * HOUR;
      await bookOnChain(stack, MEMBER, DESK, { start: now });
      await bookOnChain(stack, MEMBER, DESK, { start: now + 48 * HOUR, hours: 2 });
    },
    { timeout: 240_000 },
  );

  after(async () => {
    await stack?.close();
  });

  test("calendar states differ by more than colour, with ≥ 3:1 borders and focus ring, and the selection survives forced colours", async () => {
    const m = await openAs(stack, MEMBER);
    await m.page.goto(`${stack.demo.url}#/resource/${DESK}`);
    await m.page.getByRole("button", { name: "Now (this hour)" }).click();
    await m.page.locator("button.slot.selected").waitFor();
    const facts = await m.page.evaluate(() => {
      const rgb = (c: string) => (c.match(/[\d.]+/g) ?? []).slice(0, 3).map(Number);
      const lum = (c: string) => {
        const [r, g, b] = rgb(c).map((v) =>
          v / 255 <= 0.03928 ? v / 255 / 12.92 : ((v / 255 + 0.055) / 1.055) ** 2.4,
        );
        return 0.2126 * r + 0.7152 * g + 0.0722 * b;
      };
      const contrast = (a: string, b: string) => {
        const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
        return (x + 0.05) / (y + 0.05);
      };
      const card = getComputedStyle(document.querySelector(".calendar")!).backgroundColor;
      const swatches = [...document.querySelectorAll(".legend li")].map((li) => {
        const sw = li.querySelector(".swatch")!;
        const st = getComputedStyle(sw);
        return {
          state: [...sw.classList].filter((c) => c !== "swatch" && c !== "slot").join(""),
          label: [...li.childNodes]
            .filter((n) => n !== sw)
            .map((n) => n.textContent)
            .join("")
            .trim(),
          look: `${st.borderTopStyle} ${st.backgroundImage !== "none" ? "pattern" : ""} ${sw.textContent}`,
          border: contrast(st.borderTopColor, card),
        };
      });
      const free = document.querySelector<HTMLButtonElement>("button.slot.free:not(.selected)")!;
      free.focus({ focusVisible: true } as FocusOptions);
      const ring = getComputedStyle(free);
      return {
        swatches,
        ring: { width: parseFloat(ring.outlineWidth), contrast: contrast(ring.outlineColor, card) },
        pastLabel: document.querySelector("button.slot.past")?.getAttribute("aria-label") ?? null,
      };
    });
    assert.deepEqual(
      facts.swatches.map((s) => s.label),
      ["Free", "Partly booked", "Full", "Closed", "Past", "Not yet bookable", "Selected"],
    );
    assert.equal(
      new Set(facts.swatches.map((s) => s.look)).size,
      facts.swatches.length,
      `each state looks different without colour: ${JSON.stringify(facts.swatches)}`,
    );
    for (const s of facts.swatches) assert.ok(s.border >= 3, `${s.state} border contrast ${s.border.toFixed(2)}:1`);
    // Past hours exist from 01:00 venue time on: they are named "Past", not "Full".
    if (facts.pastLabel !== null) assert.match(facts.pastLabel, /, Past$/);
    assert.ok(facts.ring.width >= 2 && facts.ring.contrast >= 3, `focus ring ${JSON.stringify(facts.ring)}`);

    await m.page.emulateMedia({ forcedColors: "active" });
    const forced = await m.page.evaluate(() => {
      const st = (sel: string) => getComputedStyle(document.querySelector(sel)!);
      return {
        selected: st("button.slot.selected").backgroundColor,
        free: st("button.slot.free:not(.selected)").backgroundColor,
        border: parseFloat(st("button.slot.selected").borderTopWidth),
      };
    });
    assert.notEqual(forced.selected, forced.free, "the selected cell keeps its own colour in forced-colours mode");
    assert.ok(forced.border >= 2);
    await m.page.context().close();
  });

  for (const locale of ["en-CA", "fr-CA"]) {
    for (const screen of SCREENS) {
      test(`${locale}, ${screen.name}: every page has its own title, no axe-core violation and no sideways scroll`, async () => {
        const problems: string[] = [];
        for (const [account, pages] of [
          [MEMBER, MEMBER_PAGES],
          [OPERATOR, OPERATOR_PAGES],
        ] as const) {
          const m = await openAs(stack, account, { locale, width: screen.width });
          await m.page.getByRole("link", { name: "etc Saint-Germain" }).waitFor();
          problems.push(...(await axeViolations(m.page)).map((v) => `signed out #/: ${v}`));
          await signIn(m);
          for (const visit of pages) {
            await m.page.goto(`${stack.demo.url}${visit.route}`);
            await visit.ready(m);
            const title = await m.page.title();
            if (!visit.title.test(title)) problems.push(`${visit.route}: title "${title}"`);
            const overflow = await horizontalOverflow(m.page);
            if (overflow > 0) problems.push(`${visit.route}: the page scrolls sideways by ${overflow} px`);
            problems.push(...(await axeViolations(m.page)).map((v) => `${visit.route}: ${v}`));
          }
          await m.page.context().close();
        }
        assert.deepEqual(problems, []);
      });
    }
  }
});
