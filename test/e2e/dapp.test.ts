// End to end: the demo stack (fresh chain, relayer, lock simulators, dApp) in real headless
// chromium, with an injected wallet per demo account. Run: npm run test:e2e
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import ICAL from "ical.js";
import { getAddress, type Address } from "viem";
import { privateKeyToAddress } from "viem/accounts";
import {
  chainReader,
  demoAccount,
  lockLog,
  openAs,
  screenshot,
  signIn,
  startStack,
  unlabelledControls,
  type MemberPage,
  type Stack,
} from "./harness.ts";

const MEMBER = 10; // Hardhat #10: demo member with ETH and TestCAD
const GUEST = 11; // Hardhat #11: another member
const OPERATOR = 3; // Hardhat #3: operator (80 %) of etc Saint-Germain
const FRESH_OPERATOR = 15; // Hardhat #15: funded by the node, operates nothing yet
const CO_PAYEE = 16; // Hardhat #16: the building owner of the venue the fresh operator creates
const HOUR = 3600;

let stack: Stack;
let member: MemberPage;
let currentPassId = "";

/** No console errors, except HTTP statuses the test provoked on purpose (e.g. a 403 denial). */
function assertNoConsoleErrors(m: MemberPage, allowedStatus: number[] = []) {
  const unexpected = m.consoleErrors.filter((e) => !allowedStatus.some((s) => e.includes(`status of ${s}`)));
  assert.deepEqual(unexpected, [], "console errors");
  // Lists come from the relayer's read model: the page never scans the chain's logs.
  assert.deepEqual(
    m.rpcMethods.filter((x) => x === "eth_getLogs"),
    [],
    `no eth_getLogs from the page (it sent ${[...new Set(m.rpcMethods)].join(", ")})`,
  );
}

async function openDesk(m: MemberPage, resource = "Poste partagé") {
  await m.page.goto(`${stack.demo.url}#/`);
  await m.page.getByRole("link", { name: "etc Saint-Germain" }).click();
  await m.page.getByRole("link", { name: resource, exact: true }).click();
  await m.page.getByRole("heading", { level: 1, name: new RegExp(resource) }).waitFor();
}

/** Presses Tab (or `key`) until the focused element's name (aria-label or text) matches; fails after `max` presses. */
async function tabTo(
  m: MemberPage,
  name: RegExp | ((el: { tag: string; cls: string; name: string }) => boolean),
  max = 60,
  key = "Tab",
) {
  for (let i = 0; i < max; i++) {
    await m.page.keyboard.press(key);
    const el = await m.page.evaluate(() => {
      const a = document.activeElement as HTMLElement | null;
      return {
        tag: a?.tagName ?? "",
        cls: a?.className ?? "",
        name: (a?.getAttribute("aria-label") || a?.textContent || "").trim(),
      };
    });
    if (typeof name === "function" ? name(el) : name.test(el.name)) return el;
  }
  throw new Error(`Tab never reached ${String(name)}`);
}

/** Polls `probe` until it returns a value (chain reads after a transaction the page sent). */
async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error("timed out waiting for the chain");
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function bookSelected(m: MemberPage): Promise<string> {
  const submit = m.page.getByRole("button", { name: /^Book for / });
  await submit.waitFor();
  await submit.click();
  const done = m.page.getByText(/Booked! Pass #\d+/);
  await done.waitFor({ timeout: 30_000 });
  return (await done.textContent())!.match(/#(\d+)/)![1];
}

describe("Passepartout dApp", { timeout: 360_000 }, () => {
  before(
    async () => {
      stack = await startStack();
      member = await openAs(stack, MEMBER);
    },
    { timeout: 180_000 },
  );

  after(async () => {
    await stack?.close();
  });

  test("a member connects the injected wallet and signs in with Ethereum", async () => {
    await member.page.getByRole("heading", { name: "Venues in the network" }).waitFor();
    await member.page.getByRole("link", { name: "etc Saint-Germain" }).waitFor();
    await signIn(member);
    assert.ok(member.wallet.requests.includes("personal_sign"), "the SIWE message was signed");
    const me = await member.page.evaluate(
      async () => (await fetch("/api/me", { credentials: "include" })).json() as Promise<{ address: string }>,
    );
    assert.equal(me.address.toLowerCase(), member.address.toLowerCase());
    await screenshot(member.page, "1-signed-in");
    assertNoConsoleErrors(member);
  });

  test("a member books the current hour in TestCAD with a permit and the pass appears", async () => {
    await openDesk(member);
    await member.page.getByRole("button", { name: "Now (this hour)" }).click();
    await member.page.getByTestId("price").getByText("5.75 tCAD").waitFor();
    await member.page
      .getByTestId("policy")
      .getByText(/100%.*full price/)
      .waitFor();
    await screenshot(member.page, "2-booking-form");
    currentPassId = await bookSelected(member);
    assert.ok(member.wallet.requests.includes("eth_signTypedData_v4"), "paid with an EIP-2612 permit");
    await member.page.getByRole("link", { name: "See my passes" }).click();
    const pass = member.page.locator(`section.current li[data-pass-id="${currentPassId}"]`);
    await pass.waitFor();
    await pass.getByText("Poste partagé").waitFor();
    assertNoConsoleErrors(member);
  });

  test("Add to calendar downloads the pass as an .ics in the venue's time zone, with its address", async () => {
    await member.page.getByRole("link", { name: "My passes", exact: true }).click();
    const pass = member.page.locator(`section.current li[data-pass-id="${currentPassId}"]`);
    const [download] = await Promise.all([
      member.page.waitForEvent("download"),
      pass.getByRole("button", { name: "Add to calendar" }).click(),
    ]);
    assert.equal(download.suggestedFilename(), `pass-${currentPassId}.ics`);
    const ics = readFileSync(await download.path(), "utf8");
    const cal = new ICAL.Component(ICAL.parse(ics) as unknown[]);
    for (const tz of cal.getAllSubcomponents("vtimezone")) ICAL.TimezoneService.register(tz);
    const event = new ICAL.Event(cal.getFirstSubcomponent("vevent")!);
    const [start, end] = [event.startDate.toUnixTime(), event.endDate.toUnixTime()];
    ICAL.TimezoneService.reset();
    const now = Math.floor(Date.now() / 1000);
    assert.equal(start % HOUR, 0);
    assert.equal(end - start, HOUR, "the booked hour");
    assert.ok(start <= now + 60 && now < end + 60, "this hour");
    assert.match(event.summary, /Poste partagé/);
    assert.ok(event.location.length > 0, "the venue's address");
    assert.equal(cal.getFirstSubcomponent("vtimezone")!.getFirstPropertyValue("tzid"), "America/Toronto");
    assertNoConsoleErrors(member);
  });

  test("keyboard only: skip link, navigation, the calendar and the booking button; every control is labelled", async () => {
    const { page } = member;
    await page.goto(`${stack.demo.url}#/`);
    await page.reload(); // focus starts at the top of a freshly loaded page
    await page.getByRole("link", { name: "etc Saint-Germain" }).waitFor();
    assert.deepEqual(await unlabelledControls(page), [], "venue list");
    await tabTo(member, /^Skip to content$/, 1);
    await page.keyboard.press("Enter");
    assert.equal(
      await page.evaluate(() => document.activeElement?.id),
      "main",
      "the skip link moves focus to the content",
    );
    await tabTo(member, /etc Saint-Germain/);
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { level: 1, name: /etc Saint-Germain/ }).waitFor();
    assert.deepEqual(await unlabelledControls(page), [], "venue page");
    await tabTo(member, /^Poste partagé$/);
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { level: 1, name: /Poste partagé/ }).waitFor();

    // The booking form is shown first (left / above), so Tab reaches it before the calendar.
    await tabTo(member, /^Now \(this hour\)$/);
    // One Tab stop for the whole calendar; arrows move by hour (↑↓) and by day (←→); Enter picks.
    const first = await tabTo(member, (el) => el.tag === "BUTTON" && el.cls.includes("slot"));
    const t0 = Number(await page.evaluate(() => (document.activeElement as HTMLElement).dataset.t));
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("ArrowRight");
    const target = t0 + 2 * HOUR + 24 * HOUR;
    assert.equal(
      Number(await page.evaluate(() => (document.activeElement as HTMLElement).dataset.t)),
      target,
      `arrows move from ${first.name}`,
    );
    await page.keyboard.press("Enter");
    await page.locator(`button.slot[data-t="${target}"][aria-pressed="true"]`).waitFor();
    await page.getByTestId("price").getByText("5.75 tCAD").waitFor();
    assert.deepEqual(await unlabelledControls(page), [], "resource page");
    // Leaving the calendar (back to the form's Book button) takes one Shift+Tab per week button, not one per hour slot.
    const book = await tabTo(member, /^Book for /, 4, "Shift+Tab");
    assert.match(book.name, /5\.75\s+tCAD/);
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute("data-t")), null);

    await page.getByRole("link", { name: "My passes", exact: true }).click();
    await page.locator(`li[data-pass-id="${currentPassId}"]`).waitFor();
    assert.deepEqual(await unlabelledControls(page), [], "my passes");
    assertNoConsoleErrors(member);
  });

  test("on a phone, the member opens the door and the lock simulator logs it opened", async () => {
    const phone = await openAs(stack, MEMBER, { phone: true });
    await signIn(phone);
    await phone.page.getByRole("link", { name: "My passes", exact: true }).click();
    const pass = phone.page.locator(`section.current li[data-pass-id="${currentPassId}"]`);
    await pass.getByRole("button", { name: /^Open / }).waitFor();
    await screenshot(phone.page, "3-my-passes-phone");
    const before = (await lockLog(stack)).length;
    await pass.getByRole("button", { name: /^Open / }).click();
    await pass.getByTestId("door-result").getByText("Door open — come in!").waitFor();
    const log = (await lockLog(stack)).slice(before);
    assert.equal(log.length, 1, "the lock logged exactly one decision");
    assert.equal(log[0].result, "opened");
    assert.equal(log[0].reason, "opened");
    await screenshot(phone.page, "3-door-open-phone");
    assert.equal(
      await phone.page.evaluate(() => document.documentElement.scrollWidth),
      390,
      "no horizontal overflow on a phone",
    );
    assertNoConsoleErrors(phone);
    await phone.page.context().close();
  });

  test("a guest's unlock is denied with a translated reason once the holder revokes the loan", async () => {
    const guest = await openAs(stack, GUEST);
    const pass = member.page.locator(`section.current li[data-pass-id="${currentPassId}"]`);
    await pass.getByRole("button", { name: "Lend to a guest" }).click();
    await pass.getByLabel("Guest address").fill(guest.address);
    await pass.getByRole("button", { name: "Lend", exact: true }).click();
    await pass.getByText(/Lent to 0x/).waitFor();

    await signIn(guest);
    await guest.page.getByRole("link", { name: "My passes", exact: true }).click();
    const lent = guest.page.locator(`section.current li[data-pass-id="${currentPassId}"]`);
    await lent.getByText("Lent to you").waitFor();
    await lent.getByRole("button", { name: /^Open / }).click();
    await lent.getByTestId("door-result").getByText("Door open — come in!").waitFor();

    await pass.getByRole("button", { name: "Revoke guest" }).click();
    await pass.getByText("Guest removed.").waitFor();
    const before = (await lockLog(stack)).length;
    await lent.getByRole("button", { name: /^Open / }).click();
    await lent.getByTestId("door-result").getByText("Denied: You neither hold this pass nor are its guest").waitFor();
    assert.equal((await lockLog(stack)).length, before, "the lock received no open command");
    await screenshot(guest.page, "4-unlock-denied");
    assertNoConsoleErrors(guest);
    await guest.page.context().close();
  });

  test("a later booking is cancelled with the refund previewed, and the refund arrives on chain", async () => {
    const chain = chainReader(stack);
    await openDesk(member);
    const start = Math.floor(Date.now() / 1000 / HOUR) * HOUR + 72 * HOUR;
    await member.page.locator(`button.slot[data-t="${start}"]`).click();
    await member.page.getByTestId("price").getByText("5.75 tCAD").waitFor();
    const passId = await bookSelected(member);
    const balanceBooked = await chain.cadBalance(member.address);

    await member.page.getByRole("link", { name: "My passes", exact: true }).click();
    const pass = member.page.locator(`section.upcoming li[data-pass-id="${passId}"]`);
    await pass.getByRole("button", { name: "Cancel booking" }).click();
    await pass.getByTestId("refund-preview").getByText("Cancelling now refunds 5.75 tCAD.").waitFor();
    await screenshot(member.page, "5-cancel-preview");
    await pass.getByRole("button", { name: "Confirm cancellation" }).click();
    await pass.getByTestId("cancel-done").getByText("Cancelled. 5.75 tCAD refunded to your wallet.").waitFor();
    assert.equal(
      (await chain.cadBalance(member.address)) - balanceBooked,
      5_750_000n,
      "5 TestCAD and its 0.75 of taxes back on chain",
    );
    assertNoConsoleErrors(member);
  });

  test("the operator settles the pending booking, claims its share and its on-chain balance rises", async () => {
    const chain = chainReader(stack);
    const op = await openAs(stack, OPERATOR);
    await signIn(op);
    await op.page.getByRole("link", { name: "Operator" }).click();
    const dash = op.page.locator("article.venue-dash", {
      has: op.page.getByRole("heading", { name: /etc Saint-Germain/ }),
    });
    await dash
      .getByRole("button", { name: /^Settle \d+ pending/ })
      .click()
      .catch(async (e) => {
        await screenshot(op.page, "6-operator-failed");
        throw e;
      });
    await dash.getByText(/^\d+ bookings? settled\.$/).waitFor();
    const row = dash.getByTestId(`claim-row-${op.address.toLowerCase()}-tCAD`);
    const claim = row.getByRole("button", { name: /^Claim / });
    await claim.waitFor();
    await screenshot(op.page, "6-operator-claims");
    const before = await chain.cadBalance(op.address);
    await claim.click();
    await dash.getByText(/^Claimed /).waitFor();
    const gained = (await chain.cadBalance(op.address)) - before;
    // 5 TestCAD booked before tax (5.75 paid), 3 % network fee, 80 % share: 3.88 TestCAD; the
    // 0.75 of taxes go to the tax pool, not to the payees.
    assert.equal(gained, 3_880_000n);
    assertNoConsoleErrors(op);
    await op.page.context().close();
  });

  test("on a French phone, the operator's revenue chart and balances fit the screen", async () => {
    const op = await openAs(stack, OPERATOR, { phone: true, locale: "fr-CA" });
    await signIn(op);
    await op.page.getByRole("link", { name: "Exploitation" }).click();
    const dash = op.page.locator("article.venue-dash", {
      has: op.page.getByRole("heading", { name: /etc Saint-Germain/ }),
    });
    const chart = dash.locator(".chart").first();
    await chart.waitFor();
    await chart.scrollIntoViewIfNeeded();
    await op.page.evaluate(() => window.scrollBy(0, -120));
    await screenshot(op.page, "6-operator-revenue-phone");
    assert.equal(
      await op.page.evaluate(() => document.documentElement.scrollWidth),
      390,
      "no horizontal overflow on a phone",
    );
    assertNoConsoleErrors(op);
    await op.page.context().close();
  });

  test("a new operator creates a venue with two payees, a resource, a door and a relayer, then reprices it — all on chain", async () => {
    const { client } = chainReader(stack);
    const { address, abi } = stack.demo.deployments.contracts.Passepartout;
    const read = <T>(functionName: string, args: unknown[] = []) =>
      client.readContract({ address, abi, functionName, args }) as Promise<T>;
    const op = await openAs(stack, FRESH_OPERATOR);
    const coPayee = demoAccount(CO_PAYEE).address;
    const lockKey = privateKeyToAddress(`0x${"ab".repeat(32)}`);
    const relayerKey = privateKeyToAddress(`0x${"cd".repeat(32)}`);
    const { page } = op;

    await page.getByRole("button", { name: "Connect wallet" }).click();
    await page.getByRole("link", { name: "Operator" }).click();
    await page.getByText("This account operates no venue and is no payee.").waitFor();

    // 1. The venue, split 70 / 30 between the operator and the building owner.
    await page.getByRole("button", { name: "Create a venue" }).click();
    const create = page.getByRole("form", { name: "Create a venue" });
    await create.getByLabel("Name (≤ 32 bytes, on chain)").fill("La Caisse Pop");
    await create.getByLabel("Street address").fill("12 rue Principale");
    await create.getByLabel("City").fill("Saint-Pacôme");
    await create.getByLabel("Description").fill("Ancienne caisse populaire devenue espace de travail.");
    await create.getByLabel("Payee 1 share in %").fill("70");
    await create.getByRole("button", { name: "Add a payee" }).click();
    await create.getByLabel("Payee 2 address").fill(coPayee);
    await create.getByLabel("Payee 2 share in %").fill("30");
    await create.getByText("Total 100 % (must be 100 %)").waitFor();
    const venuesBefore = Number(await read<number>("venueCount"));
    await create.getByRole("button", { name: "Create", exact: true }).click();
    const dash = page.locator("article.venue-dash", { has: page.getByRole("heading", { name: /La Caisse Pop/ }) });
    await dash.waitFor();
    const venueId = Number(await read<number>("venueCount"));
    assert.equal(venueId, venuesBefore + 1);
    const venue = await read<{
      operator: Address;
      name: string;
      splitId: number;
      metadataURI: string;
      paused: boolean;
    }>("venue", [venueId]);
    assert.equal(venue.name, "La Caisse Pop");
    assert.equal(venue.operator, op.address);
    assert.equal(venue.paused, false);
    assert.match(venue.metadataURI, /^data:application\/json/);
    const [splitVenue, payees, shares] = await read<[number, Address[], number[]]>("split", [venue.splitId]);
    assert.equal(Number(splitVenue), venueId);
    assert.deepEqual(payees, [op.address, coPayee]);
    assert.deepEqual(shares.map(Number), [7000, 3000]);

    // 2. A meeting room in TestCAD with every parameter set.
    await dash.getByRole("button", { name: /^Manage/ }).click();
    await dash.locator("summary", { hasText: "New resource" }).click();
    assert.deepEqual(await unlabelledControls(page), [], "operator page with the editor open");
    const newRes = dash.getByRole("form", { name: "New resource" });
    await newRes.getByLabel("Name (≤ 32 bytes, on chain)").fill("Salle du coffre");
    await newRes.getByLabel("Kind").selectOption({ label: "Meeting room" });
    await newRes.getByLabel("Units").fill("2");
    await newRes.getByLabel("Currency").selectOption({ label: "tCAD" });
    await newRes.getByLabel("Price per hour").fill("12.5");
    await newRes.getByLabel("Price per day").fill("80");
    await newRes.getByLabel("Price per 30 days").fill("900");
    await newRes.getByLabel("Minimum hours").fill("2");
    await newRes.getByLabel("Maximum hours").fill("48");
    await newRes.getByLabel("Bookable up to (hours ahead)").fill("720");
    await newRes.getByLabel("Early access (minutes)").fill("10");
    await newRes.getByLabel("Cancellation policy").selectOption({ label: "Create…" });
    await newRes.getByLabel(/^Refund tiers/).fill("48=100, 2=50");
    await newRes.getByRole("button", { name: "Create", exact: true }).click();
    await newRes.getByRole("status").getByText("Saved.").waitFor({ timeout: 30_000 });
    const resourceId = Number(await read<number>("resourceCount"));
    type OnChainResource = Record<string, unknown>;
    const r = await read<OnChainResource>("resource", [resourceId]);
    const cad = stack.demo.deployments.contracts.TestCAD.address;
    assert.equal(r.name, "Salle du coffre");
    assert.equal(Number(r.venueId), venueId);
    assert.equal(Number(r.kind), 2);
    assert.equal(Number(r.units), 2);
    assert.equal(getAddress(r.currency as string), getAddress(cad));
    assert.equal(r.pricePerHour, 12_500_000n);
    assert.equal(r.pricePerDay, 80_000_000n);
    assert.equal(r.pricePerMonth, 900_000_000n);
    assert.equal(Number(r.minHours), 2);
    assert.equal(Number(r.maxHours), 48);
    assert.equal(Number(r.horizonHours), 720);
    assert.equal(Number(r.graceSeconds), 600);
    const tiers = await read<{ secondsBeforeStart: number; refundBps: number }[]>("policy", [Number(r.policyId)]);
    assert.deepEqual(
      tiers.map((x) => [Number(x.secondsBeforeStart), Number(x.refundBps)]),
      [
        [48 * HOUR, 10_000],
        [2 * HOUR, 5_000],
      ],
    );

    // 3. A room door admitting that room, and a trusted relayer key.
    const doors = dash.locator("section", { has: page.getByRole("heading", { name: "Doors", exact: true }) });
    const newDoor = doors.getByRole("form", { name: "New door" });
    await newDoor.getByLabel("Street door (admits every booking)").uncheck();
    await newDoor.getByLabel("Lock key address").fill(lockKey);
    await newDoor.getByRole("button", { name: "Create", exact: true }).click();
    const doorId = Number(
      await waitFor(async () => {
        const n = Number(await read<number>("doorCount"));
        return n > 0 && Number((await read<{ venueId: number }>("door", [n])).venueId) === venueId ? n : undefined;
      }),
    );
    const row = doors.locator("li.door-row", { hasText: `Room door #${doorId}` });
    await row.getByRole("checkbox", { name: "Salle du coffre" }).check();
    await waitFor(() => read<boolean>("doorAdmits", [doorId, resourceId]).then((ok) => ok || undefined));
    await row.getByRole("checkbox", { name: "Salle du coffre" }).and(page.locator(":checked")).waitFor();
    const door = await read<{ venueId: number; allResources: boolean; active: boolean; lockKey: Address }>("door", [
      doorId,
    ]);
    assert.equal(Number(door.venueId), venueId);
    assert.equal(door.allResources, false);
    assert.equal(door.active, true);
    assert.equal(door.lockKey, lockKey);
    assert.equal(await read<boolean>("doorAdmits", [doorId, resourceId]), true);

    const relayers = dash.locator("section", { has: page.getByRole("heading", { name: "Trusted relayer keys" }) });
    await relayers.getByLabel("Relayer address").fill(relayerKey);
    await relayers.getByRole("button", { name: "Trust", exact: true }).click();
    await relayers.getByRole("listitem").getByText(relayerKey).waitFor({ timeout: 30_000 });
    assert.equal(await read<boolean>("isRelayerTrusted", [venueId, relayerKey]), true);

    // 4. Reprice the room: the edit form shows the stored values in tCAD and saves only the change.
    await dash.locator("summary", { hasText: "Salle du coffre" }).click();
    const edit = dash.getByRole("form", { name: "Edit Salle du coffre" });
    assert.equal(await edit.getByLabel("Price per hour").inputValue(), "12.5");
    assert.equal(await edit.getByLabel("Currency").inputValue(), getAddress(cad));
    await edit.getByLabel("Price per hour").fill("9.75");
    await edit.getByRole("button", { name: "Save", exact: true }).click();
    await edit.getByRole("status").getByText("Saved.").waitFor({ timeout: 30_000 });
    const after = await read<OnChainResource>("resource", [resourceId]);
    assert.equal(after.pricePerHour, 9_750_000n);
    for (const k of [
      "name",
      "units",
      "currency",
      "pricePerDay",
      "pricePerMonth",
      "minHours",
      "maxHours",
      "horizonHours",
      "graceSeconds",
      "policyId",
      "kind",
    ])
      assert.equal(after[k], r[k], `${k} unchanged`);
    await edit.scrollIntoViewIfNeeded();
    await screenshot(page, "8-operator-editor");
    assertNoConsoleErrors(op);
    await op.page.context().close();
  });

  test("the interface follows a French browser and switches language", async () => {
    const fr = await openAs(stack, GUEST, { locale: "fr-CA" });
    await fr.page.getByRole("heading", { name: "Les lieux du réseau" }).waitFor();
    assert.equal(await fr.page.getAttribute("html", "lang"), "fr");
    await fr.page.getByText("Postes partagés à l'heure, au jour ou au mois dans l'église du village.").waitFor();
    await screenshot(fr.page, "7-french");
    await fr.page.getByRole("link", { name: "etc Saint-Germain" }).click();
    await fr.page.getByRole("link", { name: "Poste partagé", exact: true }).click();
    await fr.page.getByRole("button", { name: "Maintenant (cette heure-ci)" }).click();
    await fr.page.getByTestId("price").getByText("5,75 tCAD").waitFor();
    await fr.page.getByText("Connectez votre portefeuille pour réserver.").waitFor();
    await screenshot(fr.page, "7-french-booking");
    const english = await fr.page.locator("main").innerText();
    for (const word of ["Book", "Duration", "Availability", "Price", "Cancel", "hour", "refund", "Desk"])
      assert.ok(!new RegExp(`\\b${word}\\b`, "i").test(english), `"${word}" untranslated on the French booking page`);
    await fr.page.goto(`${stack.demo.url}#/`);
    // The language button's accessible name is its visible text: the other language's own name.
    await fr.page.getByRole("button", { name: "English", exact: true }).click();
    await fr.page.getByRole("heading", { name: "Venues in the network" }).waitFor();
    assert.equal(await fr.page.getAttribute("html", "lang"), "en");
    await fr.page.reload();
    await fr.page.getByRole("heading", { name: "Venues in the network" }).waitFor(); // the choice is remembered
    assertNoConsoleErrors(fr);
    await fr.page.context().close();
  });
});
