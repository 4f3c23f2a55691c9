// Booking a resource that follows its venue's opening hours, end to end in chromium against the demo
// stack: when "now" is a closed hour, the "Now (this hour)" button offers and selects the next open
// hour, closed cells cannot be picked and Book is enabled only once an open hour is chosen; while the
// hours are not known yet (the contract's `openHours` reads held back), every future cell shows as
// loading and nothing can be picked. The page's clock is Playwright's fixed fake time (Date.now), the
// chain keeps the wall clock (the demo's), so the closed hour is one of the coming hours.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { toFunctionSelector } from "viem";
import type { Route } from "playwright-core";
import { isOpenBit } from "../../protocol/openingHours.ts";
import { passepartoutAbi } from "../../protocol/abis.ts";
import { chainReader, openAs, screenshot, signIn, startStack, type MemberPage, type Stack } from "./harness.ts";

const MEMBER = 13; // demo member with ETH and TestCAD
const HOUR = 3600;
const ROOM = "Salle de conférence"; // Le Lab: follows the hours (weekdays 7–22, Saturday 9–17, Sunday closed)
const OPEN_HOURS = toFunctionSelector("function openHours(uint32,uint64,uint256)").slice(2);

let stack: Stack;
let member: MemberPage;
let roomId: number;
let closedAt: number; // a coming hour the room is closed
let nextOpen: number; // the first open hour after it

describe("booking a resource that follows the opening hours", { timeout: 300_000 }, () => {
  before(
    async () => {
      stack = await startStack();
      member = await openAs(stack, MEMBER);
      await signIn(member); // at the real time: the relayer checks the sign-in's times against its own clock
      const { client } = chainReader(stack);
      const at = { address: stack.demo.deployments.contracts.Passepartout.address, abi: passepartoutAbi };
      const count = await client.readContract({ ...at, functionName: "resourceCount" });
      for (let id = 1; id <= count && !roomId; id++)
        if ((await client.readContract({ ...at, functionName: "resource", args: [id] })).name === ROOM) roomId = id;
      assert.ok(roomId, `${ROOM} is seeded`);
      // The contract's own answer for the next 4 days: the first closed hour from the next one on,
      // then the first open hour after it.
      const from = Math.floor(Date.now() / 1000 / HOUR) * HOUR + HOUR;
      const words = await client.readContract({ ...at, functionName: "openHours", args: [roomId, BigInt(from), 96n] });
      const hours = Array.from({ length: 96 }, (_, i) => i);
      const closed = hours.find((i) => !isOpenBit(words, i))!;
      const open = hours.find((i) => i > closed && isOpenBit(words, i))!;
      assert.ok(closed !== undefined && open !== undefined, "a closed hour, then an open one, within 4 days");
      closedAt = from + closed * HOUR;
      nextOpen = from + open * HOUR;
    },
    { timeout: 180_000 },
  );

  after(async () => {
    await stack?.close();
  });

  test("while the hours load, cells show as loading and nothing can be picked; then Now selects the next open hour and Book waits for it", async () => {
    const { page } = member;
    await page.clock.setFixedTime(new Date((closedAt + 10 * 60) * 1000)); // 10 minutes into the closed hour
    // Hold the contract's openHours reads back until the loading state has been checked.
    const held: Route[] = [];
    let holding = true;
    await page.route("**/rpc", async (route) => {
      if (holding && (route.request().postData() ?? "").includes(OPEN_HOURS)) held.push(route);
      else await route.continue();
    });
    await page.goto(`${stack.demo.url}#/resource/${roomId}`);
    await page.reload(); // mount with the fake clock and nothing cached
    await page.getByRole("heading", { level: 1, name: new RegExp(ROOM) }).waitFor();
    const slot = (t: number) => page.locator(`button.slot[data-t="${t}"]`);
    await slot(closedAt).waitFor();
    await page.waitForFunction(() => document.querySelectorAll("button.slot.loading").length > 0);
    assert.ok(held.length > 0, "the openHours read is held");
    assert.match((await slot(closedAt).getAttribute("class")) ?? "", /\bloading\b/);
    assert.equal(await slot(closedAt).isDisabled(), true, "a loading cell cannot be picked");
    assert.equal(await slot(nextOpen).isDisabled(), true, "nor can an open one before the hours are known");
    assert.equal(await page.locator("button.slot.free").count(), 0, "no cell looks free while the hours load");
    const now = page.getByRole("button", { name: "Now (this hour)" });
    assert.equal(await now.isDisabled(), true, "Now waits for the hours");
    assert.equal(await page.getByRole("button", { name: /^(Book|Book for .*)$/ }).isDisabled(), true);
    await screenshot(page, "opening-hours-loading");

    holding = false;
    for (const r of held.splice(0)) await r.continue();
    await page.locator("button.slot.closed").first().waitFor();
    assert.match((await slot(closedAt).getAttribute("class")) ?? "", /\bclosed\b/);
    assert.equal(await slot(closedAt).isDisabled(), true, "the closed hour cannot be picked");
    assert.equal(await page.getByRole("button", { name: "Now (this hour)" }).count(), 0, "now is closed");
    const next = page.getByRole("button", { name: /^Next open hour \(/ });
    await next.click();
    await page.locator("button.slot.selected").waitFor();
    assert.equal(Number(await page.locator("button.slot.selected").first().getAttribute("data-t")), nextOpen);
    const book = page.getByRole("button", { name: /^Book for / });
    await book.waitFor();
    await page.waitForFunction(() =>
      [...document.querySelectorAll("button")].some((b) => /^Book for /.test(b.textContent ?? "") && !b.disabled),
    );
    assert.equal(await book.isDisabled(), false, "Book is enabled for the open hour");
    await screenshot(page, "opening-hours-next-open");
    await page.unroute("**/rpc");
  });
});
