// The dApp's hardening, end to end in chromium against the demo stack: a double-click books once;
// a pass shows what was paid after settlement, cancelled bookings stay with their refund; unknown
// links show "not found"; insufficient funds are said before the click; a failed sign-in does not
// stick; the operator's table fits a phone; the demo's /rpc refuses the node's test methods.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createWalletClient, http, type Address } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { hardhat } from "viem/chains";
import {
  chainReader,
  demoAccount,
  openAs,
  screenshot,
  signIn,
  startStack,
  type MemberPage,
  type Stack,
} from "./harness.ts";

const MEMBER = 13; // demo member with TestCAD
const OPERATOR = 3; // etc Saint-Germain
const BROKE = 17; // funded with ETH by the node, holds no TestCAD
const DESK = 5;
const HOUR = 3600;

let stack: Stack;
let member: MemberPage;

const pp = () => {
  const { address, abi } = stack.demo.deployments.contracts.Passepartout;
  return { address, abi };
};

async function bookedBy(holder: Address): Promise<bigint[]> {
  const { client } = chainReader(stack);
  const logs = await client.getContractEvents({ ...pp(), eventName: "Booked", args: { holder }, fromBlock: 0n });
  return (logs as unknown as { args: { passId: bigint } }[]).map((l) => l.args.passId);
}

async function openDesk(m: MemberPage) {
  await m.page.goto(`${stack.demo.url}#/resource/${DESK}`);
  await m.page.getByRole("heading", { level: 1, name: /Poste partagé/ }).waitFor();
}

const focused = (m: MemberPage) =>
  m.page.evaluate(() => {
    const a = document.activeElement as HTMLElement | null;
    return {
      tag: a?.tagName ?? "",
      text: (a?.getAttribute("aria-label") || a?.textContent || "").trim(),
      role: a?.getAttribute("role") ?? "",
    };
  });

describe("dApp hardening", { timeout: 420_000 }, () => {
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

  test("focus follows Connect and Sign in instead of falling to <body>", async () => {
    await member.page.getByRole("button", { name: "Connect wallet" }).click();
    await member.page.getByRole("button", { name: "Sign in" }).waitFor();
    assert.equal((await focused(member)).text, "Sign in", "after Connect, focus is on the next step");
    await member.page.getByRole("button", { name: "Sign in" }).click();
    await member.page.getByText("Signed in").waitFor();
    const f = await focused(member);
    assert.equal(f.role, "group", `after Sign in, focus is on the account (${JSON.stringify(f)})`);
  });

  test("a double-click on Book sends one transaction and mints exactly one pass", async () => {
    const before = await bookedBy(member.address);
    await openDesk(member);
    await member.page.getByRole("button", { name: "Now (this hour)" }).click();
    await member.page.getByTestId("price").getByText("5.75 tCAD").waitFor();
    const sent = member.wallet.requests.length;
    await member.page.getByRole("button", { name: /^Book for / }).dblclick();
    const done = member.page.getByText(/Booked! Pass #\d+/);
    await done.waitFor({ timeout: 30_000 });
    await new Promise((r) => setTimeout(r, 1500)); // a second transaction, if any, would land by now
    const after = await bookedBy(member.address);
    assert.equal(after.length - before.length, 1, "one pass minted");
    const requests = member.wallet.requests.slice(sent);
    assert.equal(requests.filter((r) => r === "eth_sendTransaction").length, 1, requests.join(","));
    assert.equal(requests.filter((r) => r === "eth_signTypedData_v4").length, 1, "one permit signed");
    assert.match((await focused(member)).text, /^Booked! Pass #\d+/, "focus moves to the outcome");
  });

  test("once the operator settles, the member's pass still shows what was paid", async () => {
    const [passId] = (await bookedBy(member.address)).slice(-1);
    const { client } = chainReader(stack);
    const chain = { ...hardhat, rpcUrls: { default: { http: [stack.demo.rpcUrl] } } };
    const op = createWalletClient({
      chain,
      transport: http(stack.demo.rpcUrl),
      account: privateKeyToAccount(demoAccount(OPERATOR).privateKey),
    });
    await client.waitForTransactionReceipt({
      hash: await op.writeContract({ ...pp(), functionName: "settle", args: [[passId]] }),
    });
    const onChain = (await client.readContract({ ...pp(), functionName: "pass", args: [passId] })) as {
      settled: boolean;
      amount: bigint;
    };
    assert.equal(onChain.settled, true);
    await member.page.goto(`${stack.demo.url}#/passes`);
    const pass = member.page.locator(`li[data-pass-id="${passId}"]`);
    await pass.getByText(`Pass #${passId} · Unit 1 · Paid 5.75 tCAD`).waitFor();
  });

  test("a cancelled booking stays in the member's history with its refund", async () => {
    await openDesk(member);
    const start = Math.floor(Date.now() / 1000 / HOUR) * HOUR + 72 * HOUR;
    await member.page.locator(`button.slot[data-t="${start}"]`).click();
    await member.page.getByTestId("price").getByText("5.75 tCAD").waitFor();
    await member.page.getByRole("button", { name: /^Book for / }).click();
    const passId = (await member.page.getByText(/Booked! Pass #\d+/).textContent())!.match(/#(\d+)/)![1];
    await member.page.getByRole("link", { name: "My passes", exact: true }).click();
    const live = member.page.locator(`section.upcoming li[data-pass-id="${passId}"]`);
    await live.getByRole("button", { name: "Cancel booking" }).click();
    await live.getByRole("button", { name: "Confirm cancellation" }).click();
    await live.getByTestId("cancel-done").waitFor();
    await member.page.reload();
    const gone = member.page.locator(`section.cancelled li[data-pass-id="${passId}"]`);
    await gone.getByTestId("refund").getByText("Cancelled by you · refunded 5.75 tCAD").waitFor();
    await gone.getByText(/Paid 5\.75\stCAD/).waitFor();
    assert.equal(await member.page.locator(`section.upcoming li[data-pass-id="${passId}"]`).count(), 0);
  });

  test("unknown venue, resource and page links show a not-found page, never a raw contract error", async () => {
    for (const route of ["#/venue/999", "#/resource/999", "#/resource/abc", "#/venue/99999999999", "#/nowhere"]) {
      await member.page.goto(`${stack.demo.url}${route}`);
      await member.page.getByTestId("not-found").waitFor();
      await member.page.getByRole("heading", { level: 1, name: "Not found" }).waitFor();
      const text = await member.page.locator("main").innerText();
      assert.doesNotMatch(text, /reverted|contract function|Error/i, route);
    }
  });

  test("insufficient funds are said next to the Book button before any click", async () => {
    const broke = await openAs(stack, BROKE);
    await broke.page.getByRole("button", { name: "Connect wallet" }).click();
    await openDesk(broke);
    await broke.page.getByRole("button", { name: "Now (this hour)" }).click();
    const note = broke.page.getByTestId("insufficient");
    await note.getByText("Insufficient funds: your balance is 0.00 tCAD, this booking costs 5.75 tCAD.").waitFor();
    const book = broke.page.getByRole("button", { name: /^Book for / });
    assert.equal(await book.isDisabled(), true);
    assert.equal(await book.getAttribute("aria-describedby"), await note.getAttribute("id"));
    // Next to the button: directly above it in the same form, both on screen.
    const [n, b] = [await note.boundingBox(), await book.boundingBox()];
    assert.ok(
      n && b && b.y - (n.y + n.height) < 24 && b.y + b.height < 900,
      `the note sits right above the button, above the fold: ${JSON.stringify({ n, b })}`,
    );
    assert.ok(!broke.wallet.requests.includes("eth_sendTransaction"));
    await broke.page.context().close();
  });

  test("a failed sign-in message can be dismissed and does not follow the member to other pages", async () => {
    const m = await openAs(stack, 14);
    await m.page.getByRole("button", { name: "Connect wallet" }).click();
    // Arm the rejection only once connected: armed earlier, it would refuse eth_requestAccounts.
    const signInButton = m.page.getByRole("button", { name: "Sign in" });
    await signInButton.waitFor();
    m.wallet.rejectNext();
    await signInButton.click();
    const alert = m.page.locator("header [role=alert]");
    await alert.getByText(/rejected|refused|cancel/i).waitFor();
    await m.page.getByRole("link", { name: "My passes", exact: true }).click();
    await m.page.getByRole("heading", { level: 1, name: "My passes" }).waitFor();
    assert.equal(await alert.count(), 0, "navigation clears the sign-in failure");
    m.wallet.rejectNext();
    await m.page.getByRole("button", { name: "Sign in" }).click();
    await alert.waitFor();
    await alert.getByRole("button", { name: "Dismiss" }).click();
    assert.equal(await alert.count(), 0, "Dismiss closes it");
    await m.page.context().close();
  });

  test("on a 390 px phone the operator's bookings show Amount and Status on screen, and no page scrolls sideways", async () => {
    const op = await openAs(stack, OPERATOR, { phone: true });
    await signIn(op);
    await op.page.getByRole("link", { name: "Operator" }).click();
    const row = op.page.locator("table.bookings tbody tr").first();
    await row.waitFor();
    for (const cell of ["amount", "status"]) {
      const box = await row.getByTestId(cell).boundingBox();
      assert.ok(
        box && box.x >= 0 && box.x + box.width <= 390,
        `${cell} cell within the screen: ${JSON.stringify(box)}`,
      );
      assert.ok((await row.getByTestId(cell).innerText()).trim().length > 0);
    }
    await row.scrollIntoViewIfNeeded();
    await screenshot(op.page, "9-operator-bookings-phone");
    const region = op.page.getByRole("region", { name: "Bookings — etc Saint-Germain (table)" });
    assert.equal(await region.getAttribute("tabindex"), "0", "the scrollable table is a keyboard stop");
    for (const route of ["#/", "#/venue/2", `#/resource/${DESK}`, "#/passes", "#/operator", "#/venue/999"]) {
      await op.page.goto(`${stack.demo.url}${route}`);
      await op.page.locator("main h1").first().waitFor();
      await op.page.waitForTimeout(300);
      assert.equal(
        await op.page.evaluate(() => document.scrollingElement!.scrollWidth <= window.innerWidth),
        true,
        `${route} scrolls sideways`,
      );
    }
    await op.page.context().close();
  });

  test("calendar keys skip hours that cannot be booked and cross into the next week", async () => {
    await openDesk(member);
    const slot = (t: number) => member.page.locator(`button.slot[data-t="${t}"]`);
    const first = Number(await member.page.locator('button.slot[tabindex="0"]').getAttribute("data-t"));
    await member.page.locator('button.slot[tabindex="0"]').focus();
    // ArrowUp from the first bookable hour has nowhere to go (the hours before are past): stays put.
    await member.page.keyboard.press("ArrowUp");
    assert.equal(Number(await member.page.evaluate(() => (document.activeElement as HTMLElement).dataset.t)), first);
    // Seven ArrowRight presses land a week later, in the next week's grid.
    for (let i = 0; i < 7; i++) await member.page.keyboard.press("ArrowRight");
    await slot(first + 7 * 24 * HOUR).waitFor();
    assert.equal(
      Number(await member.page.evaluate(() => (document.activeElement as HTMLElement).dataset.t)),
      first + 7 * 24 * HOUR,
    );
    assert.equal(await slot(first).count(), 0, "the calendar shows the next week");
  });

  test("the demo's /rpc forwards wallet calls and refuses evm_*, hardhat_* and unlocked-account signing", async () => {
    const rpc = async (method: string, params: unknown[] = []) =>
      (
        await fetch(`${stack.demo.url}rpc`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
        })
      ).json() as Promise<{
        result?: unknown;
        error?: { code: number; message: string };
      }>;
    assert.equal((await rpc("eth_chainId")).result, "0x7a69");
    const height = (await rpc("eth_blockNumber")).result;
    for (const [method, params] of [
      ["evm_mine", []],
      ["evm_increaseTime", [3600]],
      ["hardhat_setBalance", [member.address, "0xffffffffffffffffffff"]],
      ["eth_sendTransaction", [{ from: demoAccount(0).address, to: member.address, value: "0x1" }]],
    ] as const) {
      const r = await rpc(method, [...params]);
      assert.equal(r.error?.code, -32601, method);
    }
    assert.equal((await rpc("eth_blockNumber")).result, height, "no block was mined through the proxy");
  });
});
