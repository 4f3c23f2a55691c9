// The member's resource page, end to end in chromium against the demo stack: an idle page does not
// poll balances (JSON-RPC calls counted), polling runs only while a booking is composed and stops in a
// hidden tab; the Duration list offers every 30-day month up to the maximum; with the relayer stopped
// a localised banner says so and retries, the venue list is read from the chain, and once the relayer
// is back the page recovers without a reload.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { openAs, screenshot, signIn, startStack, type MemberPage, type Stack } from "./harness.ts";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const MEMBER = 13; // demo member with ETH and TestCAD
const DESK = 5; // Poste partagé, etc Saint-Germain: 1 h to 3 × 30 days

let stack: Stack;
let member: MemberPage;
/** A relayer this test started again (the demo's own was stopped). */
let restarted: ChildProcess | null = null;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Stops a process group and waits until it is gone. */
async function stopGroup(pid: number) {
  try {
    process.kill(-pid, "SIGTERM");
  } catch {
    return; // already gone
  }
  for (let i = 0; i < 100; i++) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await sleep(100);
  }
  process.kill(-pid, "SIGKILL");
}

async function relayerAnswers(): Promise<boolean> {
  try {
    return (await fetch(`${stack.demo.relayerUrl}/readyz`)).ok;
  } catch {
    return false;
  }
}

/** Page time (Playwright's clock) is run on in steps this long, each followed by a little real time
 * for the requests its timers started to go out and come back. */
const STEP_MS = 250;
const STEP_REAL_MS = 20;

const pageNow = () => member.page.evaluate(() => Date.now());

/**
 * JSON-RPC calls the page makes while `ms` of its own time pass, by method. Its clock runs every
 * timer due in that time (polls, refetch intervals, retries) in order, about ten times faster than
 * the wall clock: a 30 s window takes about 3 s.
 */
async function rpcCallsDuring(ms: number): Promise<Map<string, number>> {
  const from = member.rpcMethods.length;
  const start = await pageNow();
  while ((await pageNow()) - start < ms) {
    await member.page.clock.runFor(STEP_MS);
    await sleep(STEP_REAL_MS);
  }
  const counts = new Map<string, number>();
  for (const m of member.rpcMethods.slice(from)) counts.set(m, (counts.get(m) ?? 0) + 1);
  return counts;
}
const total = (c: Map<string, number>) => [...c.values()].reduce((a, b) => a + b, 0);

describe("the member's resource page", { timeout: 420_000 }, () => {
  before(
    async () => {
      stack = await startStack();
      member = await openAs(stack, MEMBER, { fakeClock: true });
      await signIn(member);
    },
    { timeout: 180_000 },
  );

  after(async () => {
    if (restarted?.pid) await stopGroup(restarted.pid);
    await stack?.close();
  });

  test("an idle page polls no balance; composing a booking polls it, a hidden tab stops", async () => {
    await member.page.goto(`${stack.demo.url}#/resource/${DESK}`);
    await member.page.getByRole("heading", { level: 1, name: /Poste partagé/ }).waitFor();
    await member.page.locator("button.slot.free").first().waitFor(); // hours and bookings known
    await sleep(2_000); // the first reads settle
    try {
      await pageIsPolledOnlyWhileComposing();
    } finally {
      await member.page.clock.setSystemTime(Date.now()); // the page's date back on the wall clock
    }
  });

  async function pageIsPolledOnlyWhileComposing() {
    const idle = await rpcCallsDuring(30_000);
    console.log(`idle resource page, 30 s: ${total(idle)} JSON-RPC calls ${JSON.stringify([...idle])}`);
    assert.equal(idle.get("eth_getBalance") ?? 0, 0, "no eth_getBalance while idle");
    assert.ok(total(idle) <= 2, `at most 2 JSON-RPC calls in 30 s while idle, got ${total(idle)}`);

    await member.page.getByRole("button", { name: "Now (this hour)" }).click();
    await member.page.getByRole("button", { name: /^Book for / }).waitFor();
    const composing = await rpcCallsDuring(25_000);
    console.log(`composing a booking, 25 s: ${total(composing)} JSON-RPC calls ${JSON.stringify([...composing])}`);
    assert.ok((composing.get("eth_call") ?? 0) >= 2, "the quote and the token balance are read again while composing");

    // The tab goes to the background: React Query's focus manager reads document.visibilityState.
    await member.page.evaluate(() => {
      Object.defineProperty(document, "visibilityState", { configurable: true, get: () => "hidden" });
      Object.defineProperty(document, "hidden", { configurable: true, get: () => true });
      document.dispatchEvent(new Event("visibilitychange"));
    });
    await member.page.clock.runFor(1_000);
    const hidden = await rpcCallsDuring(25_000);
    assert.equal(total(hidden), 0, `no JSON-RPC call from a hidden tab, got ${JSON.stringify([...hidden])}`);
    await member.page.evaluate(() => {
      Object.defineProperty(document, "visibilityState", { configurable: true, get: () => "visible" });
      Object.defineProperty(document, "hidden", { configurable: true, get: () => false });
      document.dispatchEvent(new Event("visibilitychange"));
    });
  }

  test("the Duration list offers every duration up to the maximum the page announces", async () => {
    await member.page.goto(`${stack.demo.url}#/resource/${DESK}`);
    await member.page.getByText(/From 1 h to 3 × 30 days/).waitFor();
    const options = await member.page.getByLabel("Duration").locator("option").allTextContents();
    assert.deepEqual(options.slice(-3), ["1 × 30 days", "2 × 30 days", "3 × 30 days"]);
  });

  test("relayer down: a localised banner, the venue list from the chain, recovery without a reload", async () => {
    const { pid, env } = stack.demo.relayer;
    assert.ok(pid, "the demo's relayer runs");
    await stopGroup(pid);
    assert.equal(await relayerAnswers(), false);

    await member.page.goto(`${stack.demo.url}#/`);
    await member.page.reload(); // nothing cached: every read must go out now
    const banner = member.page.getByTestId("relayer-down");
    await banner.getByText("The network service is not answering; retrying…").waitFor();
    // The venues are still listed, read from the chain.
    await member.page.getByRole("link", { name: "etc Saint-Germain" }).waitFor();
    assert.equal(await member.page.getByText(/Something went wrong/).count(), 0, "no raw error line");
    await screenshot(member.page, "relayer-down");

    await member.page.getByRole("button", { name: "Français" }).click();
    await banner.getByText("Le service réseau ne répond pas ; nouvel essai en cours…").waitFor();
    await member.page.getByRole("button", { name: "English" }).click();

    // A resource page stays usable too.
    await member.page.getByRole("link", { name: "etc Saint-Germain" }).click();
    await member.page.getByRole("link", { name: "Poste partagé", exact: true }).click();
    await member.page.getByRole("heading", { level: 1, name: /Poste partagé/ }).waitFor();

    // The relayer comes back: the banner goes by itself, the pages read the relayer again.
    restarted = spawn(process.execPath, [path.join(ROOT, "server", "main.ts")], {
      cwd: ROOT,
      detached: true,
      stdio: "ignore",
      env: { ...process.env, ...env },
    });
    const until = Date.now() + 60_000;
    while (!(await relayerAnswers())) {
      assert.ok(Date.now() < until, "the relayer restarts");
      await sleep(250);
    }
    await banner.waitFor({ state: "detached", timeout: 45_000 });
    await member.page.locator("button.slot.free").first().waitFor(); // availability from the relayer again
    await member.page.getByRole("link", { name: "My passes", exact: true }).click();
    await member.page.getByRole("heading", { level: 1, name: "My passes" }).waitFor();
    assert.equal(await member.page.getByTestId("relayer-down").count(), 0);
  });
});
