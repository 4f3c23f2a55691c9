// End to end, the operator's taxes in real chromium on the demo stack: a member books the current
// hour of a taxable venue; before signing in the operator's dashboard shows the real occupancy and
// says what needs a sign-in (no false zero); signed in, it settles the booking, sees the GST and
// QST to remit, claims them with claimTaxes, and the tax payee's balance moves by exactly the
// booking's GST + QST; the month's CSV says the same.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createWalletClient, defineChain, http, parseEventLogs } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { passepartoutAbi as abi, testCadAbi } from "../../protocol/abis.ts";
import { readCsv, units } from "../server/receiptsLedger.ts";
import { chainReader, demoAccount, openAs, screenshot, startStack, type Stack } from "./harness.ts";

const OPERATOR = 3; // Hardhat #3: operator and tax payee of etc Saint-Germain (venue 2)
const MEMBER = 12; // Hardhat #12: a demo member with TestCAD
const VENUE = 2;
const HOUR = 3600;

let stack: Stack;
/** The booking's Booked taxes. */
let booked: { gst: bigint; qst: bigint };

function walletOf(index: number) {
  const chain = defineChain({
    id: stack.demo.deployments.chainId,
    name: "e2e",
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [stack.demo.rpcUrl] } },
  });
  return createWalletClient({ account: privateKeyToAccount(demoAccount(index).privateKey), chain, transport: http() });
}

/** Sends a transaction and waits for it; returns its logs. */
async function sent(hash: `0x${string}`) {
  const receipt = await chainReader(stack).client.waitForTransactionReceipt({ hash });
  assert.equal(receipt.status, "success");
  return receipt.logs;
}

describe("the operator's taxes in the dApp", { timeout: 300_000 }, () => {
  before(
    async () => {
      stack = await startStack();
      const { address } = stack.demo.deployments.contracts.Passepartout;
      const cad = stack.demo.deployments.contracts.TestCAD.address;
      const { client } = chainReader(stack);
      // A room of the venue that ignores opening hours, so the current hour is bookable at any time of day.
      const op = walletOf(OPERATOR);
      await sent(
        await op.writeContract({
          address,
          abi,
          functionName: "createResource",
          args: [
            VENUE,
            {
              name: "Salle des taxes",
              metadataURI: "",
              kind: 2,
              units: 1,
              currency: cad,
              pricePerHour: 5_000_000n,
              pricePerDay: 25_000_000n,
              pricePerMonth: 250_000_000n,
              minHours: 1,
              maxHours: 24,
              horizonHours: 720,
              graceSeconds: 900,
              policyId: 0,
              transferable: true,
              followsOpeningHours: false,
            },
          ],
        }),
      );
      const resource = Number(await client.readContract({ address, abi, functionName: "resourceCount" }));
      const member = walletOf(MEMBER);
      const start = BigInt(Math.floor(Date.now() / 1000 / HOUR) * HOUR);
      const price = await client.readContract({
        address,
        abi,
        functionName: "quote",
        args: [resource, start, start + 3600n],
      });
      await sent(
        await member.writeContract({ address: cad, abi: testCadAbi, functionName: "approve", args: [address, price] }),
      );
      const logs = await sent(
        await member.writeContract({
          address,
          abi,
          functionName: "book",
          args: [resource, start, start + 3600n, 65535, price, member.account.address, 0, true],
        }),
      );
      const [ev] = parseEventLogs({ abi, logs, eventName: "Booked" });
      booked = { gst: ev.args.gst, qst: ev.args.qst };
      assert.equal(booked.gst + booked.qst, 750_000n, "5.00 tCAD: GST 0.25 + QST 0.50");
    },
    { timeout: 180_000 },
  );

  after(async () => {
    await stack?.close();
  });

  test("before sign-in the dashboard shows the real occupancy and asks to sign in for the rest; then settles and claims the taxes", async () => {
    const op = await openAs(stack, OPERATOR);
    const { page } = op;
    const operator = op.address;
    await page.getByRole("button", { name: "Connect wallet" }).click();
    await page.getByRole("link", { name: "Operator" }).click();
    const dash = page.locator("article.venue-dash", { has: page.getByRole("heading", { name: /etc Saint-Germain/ }) });
    const occupancy = dash.getByText(/^\d+ of \d+ unit-hours booked$/);
    await occupancy.waitFor();
    const [booked1] = (await occupancy.textContent())!.match(/^\d+/)!;
    assert.ok(Number(booked1) >= 1, `the booking of this hour counts: ${await occupancy.textContent()}`);
    await dash.getByText("Sign in (button at the top) to see the bookings to settle.").waitFor();
    await dash.getByText("Sign in (button at the top) to see the taxes collected.").waitFor();
    assert.equal(await dash.getByText("Nothing to settle right now.").count(), 0, "no false 'nothing to settle'");
    await screenshot(page, "operator-before-sign-in");

    await page.getByRole("button", { name: /^Sign in$/ }).click();
    await page.getByText(/^Signed in$/).waitFor();
    await dash.getByRole("button", { name: /^Settle \d+ pending/ }).click();
    await dash.getByText(/^\d+ bookings? settled\.$/).waitFor();

    const taxes = dash.getByTestId("taxes-tCAD");
    const row = (name: string) => taxes.getByRole("row", { name: new RegExp(`^${name} `) });
    await row("GST")
      .getByRole("cell")
      .first()
      .getByText(/^0\.25\s+tCAD$/)
      .waitFor();
    const claim = dash.getByRole("button", { name: /^Claim 0\.75\s+tCAD of taxes$/ });
    await claim.waitFor();
    await taxes.scrollIntoViewIfNeeded();
    await screenshot(page, "operator-taxes");
    const chain = chainReader(stack);
    const before = await chain.cadBalance(operator);
    await claim.click();
    await dash.getByText(/^0\.75\s+tCAD of taxes paid to the tax payee\.$/).waitFor();
    assert.equal((await chain.cadBalance(operator)) - before, booked.gst + booked.qst, "exactly GST + QST");
    // Claimed, nothing left to claim.
    await row("QST")
      .getByRole("cell")
      .nth(3)
      .getByText(/^0\.50\s+tCAD$/)
      .waitFor();
    assert.equal(await dash.getByRole("button", { name: /of taxes$/ }).count(), 0);

    // The month's CSV: the taxes collected and claimed.
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      dash.getByRole("button", { name: "Export the month’s receipts (CSV)" }).click(),
    ]);
    const csv = readCsv(readFileSync(await download.path(), "utf8"));
    const total = (label: string, column: string) =>
      units(csv.find((r) => r[0] === "total" && r[1] === label)![csv[0].indexOf(column)], 6);
    assert.equal(total("taxes_claimed", "gst"), booked.gst);
    assert.equal(total("taxes_claimed", "qst"), booked.qst);
    assert.ok(total("sales", "gst") >= booked.gst);
    assert.deepEqual(op.consoleErrors, [], "console errors");
    await page.context().close();
  });
});
