// End to end, gasless: a fresh account that holds only TestCAD (0 ETH) books through the dApp in
// real chromium, opens the door, books again and cancels; the relayer's sponsor sends every
// transaction, the wallet never sends one, and the account's ETH balance stays exactly 0; the
// receipt and the credit note download as PDFs that read back with the right totals.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import type { Locator } from "playwright-core";
import { createWalletClient, defineChain, http, type Address } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { testCadAbi } from "../../protocol/abis.ts";
import { pdfText } from "../server/pdfText.ts";
import {
  chainReader,
  demoAccount,
  lockLog,
  openWithKey,
  screenshot,
  signIn,
  startStack,
  type MemberPage,
  type Stack,
} from "./harness.ts";

const HOUR = 3600;

let stack: Stack;
let member: MemberPage;

/** Clicks the document's PDF button and reads the downloaded file back as text lines. */
async function downloadPdf(doc: Locator, button: string): Promise<string[]> {
  await doc.waitFor();
  const [download] = await Promise.all([
    member.page.waitForEvent("download"),
    doc.getByRole("button", { name: button }).click(),
  ]);
  const file = await download.path();
  const bytes = readFileSync(file);
  assert.equal(bytes.subarray(0, 5).toString(), "%PDF-");
  return (await pdfText(bytes)).lines;
}

/** Mints `amount` TestCAD to `to` from a funded demo account (the faucet anyone may call). */
async function mintCad(to: Address, amount: bigint) {
  const chain = defineChain({
    id: stack.demo.deployments.chainId,
    name: "e2e",
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [stack.demo.rpcUrl] } },
  });
  const minter = createWalletClient({
    account: privateKeyToAccount(demoAccount(0).privateKey),
    chain,
    transport: http(stack.demo.rpcUrl),
  });
  const hash = await minter.writeContract({
    address: stack.demo.deployments.contracts.TestCAD.address,
    abi: testCadAbi,
    functionName: "mint",
    args: [to, amount],
  });
  await chainReader(stack).client.waitForTransactionReceipt({ hash });
}

const focusedRole = () => member.page.evaluate(() => document.activeElement?.getAttribute("role") ?? "");
const focusedTestId = () => member.page.evaluate(() => document.activeElement?.getAttribute("data-testid") ?? "");

async function openDesk() {
  await member.page.goto(`${stack.demo.url}#/`);
  await member.page.getByRole("link", { name: "etc Saint-Germain" }).click();
  await member.page.getByRole("link", { name: "Poste partagé", exact: true }).click();
  await member.page.getByRole("heading", { level: 1, name: /Poste partagé/ }).waitFor();
}

/**
 * Books the selected slot; the page must say the sponsor pays, name its fee, and put price + fee on
 * the button: what the member is shown before signing is what leaves the wallet.
 */
async function bookGasless(): Promise<string> {
  await member.page.getByTestId("price").getByText("5.75 tCAD").waitFor();
  await member.page
    .getByTestId("gasless-note")
    .getByText(/sponsor pays the gas.*0\.25\s+tCAD/)
    .waitFor();
  await member.page.getByTestId("fee").getByText("0.25 tCAD").waitFor();
  await member.page.getByTestId("total").getByText("6.00 tCAD").waitFor();
  await member.page.getByRole("button", { name: "Book for 6.00 tCAD" }).click();
  const done = member.page.getByText(/Booked! Pass #\d+/);
  await done.waitFor({ timeout: 30_000 });
  return (await done.textContent())!.match(/#(\d+)/)![1];
}

describe("gasless booking in the dApp", { timeout: 300_000 }, () => {
  before(
    async () => {
      stack = await startStack();
      const key = generatePrivateKey();
      await mintCad(privateKeyToAccount(key).address, 100_000_000n); // 100 tCAD, and no ETH at all
      member = await openWithKey(stack, key);
      assert.equal(await chainReader(stack).ethBalance(member.address), 0n);
      await signIn(member); // a SIWE signature: no gas either
    },
    { timeout: 180_000 },
  );

  after(async () => {
    await stack?.close();
  });

  test("a member with only TestCAD books the current hour gaslessly, opens the door, and spends no ETH", async () => {
    const chain = chainReader(stack);
    const sponsor = stack.demo.deployments.contracts.PassepartoutForwarder.address;
    assert.ok(sponsor, "the demo deploys the forwarder");
    await openDesk();
    await member.page.getByRole("button", { name: "Now (this hour)" }).click();
    const passId = await bookGasless();
    await screenshot(member.page, "gasless-booked");
    // 5.75 tCAD for the booking (taxes included) and the sponsor's 0.25 tCAD fee.
    assert.equal(await chain.cadBalance(member.address), 100_000_000n - 5_750_000n - 250_000n);

    await member.page.getByRole("link", { name: "See my passes" }).click();
    const pass = member.page.locator(`section.current li[data-pass-id="${passId}"]`);
    await pass.getByText("Paid 5.75 tCAD + 0.25 tCAD service fee").waitFor();
    const before = (await lockLog(stack)).length;
    await pass.getByRole("button", { name: /^Open / }).click();
    await pass.getByTestId("door-result").getByText("Door open — come in!").waitFor();
    const log = (await lockLog(stack)).slice(before);
    assert.deepEqual(
      log.map((e) => e.result),
      ["opened"],
    );

    assert.ok(!member.wallet.requests.includes("eth_sendTransaction"), "the wallet sent no transaction");
    assert.equal(await chain.ethBalance(member.address), 0n, "its ETH balance is exactly 0");

    // Its receipt, downloaded as the PDF a member gets, reads back with the booking's lines.
    const receipt = member.page.locator("section.receipts li[data-document-id]", { hasText: /^Receipt / });
    const lines = await downloadPdf(receipt.first(), "PDF in English");
    for (const line of [/^Receipt \S+-R-\d+$/, /^Amount before tax \| 5\.00 /, /^GST \| 0\.25 /, /^Total \| 5\.75 /])
      assert.ok(
        lines.some((l) => line.test(l)),
        `${line} in the receipt:\n${lines.join("\n")}`,
      );
  });

  test("it books a later hour and cancels it gaslessly: refunded in full less the sponsor's fee", async () => {
    const chain = chainReader(stack);
    await openDesk();
    const start = Math.floor(Date.now() / 1000 / HOUR) * HOUR + 72 * HOUR;
    await member.page.locator(`button.slot[data-t="${start}"]`).click();
    const passId = await bookGasless();
    const booked = await chain.cadBalance(member.address);

    await member.page.getByRole("link", { name: "My passes", exact: true }).click();
    const pass = member.page.locator(`section.upcoming li[data-pass-id="${passId}"]`);
    await pass.getByRole("button", { name: "Cancel booking" }).click();
    // Focus stays in the confirmation (not on the body), whose refund preview is a live region.
    assert.equal(await focusedRole(), "group");
    const preview = pass.getByTestId("refund-preview");
    await preview.getByText("Cancelling now refunds 5.50 tCAD (5.75 tCAD less the 0.25 tCAD service fee).").waitFor();
    assert.equal(await preview.getAttribute("aria-live"), "polite");
    await pass.getByRole("button", { name: "Confirm cancellation" }).click();
    assert.notEqual(await focusedRole(), "", "focus stays in the dialog while it works");
    await pass.getByTestId("cancel-done").getByText("Cancelled. 5.50 tCAD refunded to your wallet.").waitFor();
    assert.equal(await focusedTestId(), "cancel-done", "focus moves onto the result");
    await screenshot(member.page, "gasless-cancelled");
    assert.equal((await chain.cadBalance(member.address)) - booked, 5_500_000n, "5.75 back less the 0.25 fee");

    assert.ok(!member.wallet.requests.includes("eth_sendTransaction"), "the wallet sent no transaction");
    assert.equal(await chain.ethBalance(member.address), 0n, "its ETH balance is still exactly 0");

    // The refund has its credit note, in French here.
    await member.page.reload();
    await member.page
      .locator(`section.cancelled li[data-pass-id="${passId}"]`)
      .getByText("refunded 5.75 tCAD − 0.25 tCAD service fee")
      .waitFor();
    const note = member.page.locator("section.receipts li[data-document-id]", { hasText: /^Credit note / });
    const lines = await downloadPdf(note.first(), "PDF in French");
    for (const line of [/^Note de crédit \S+-CN-\d+$/, /^Total remboursé \| 5,75 /])
      assert.ok(
        lines.some((l) => line.test(l)),
        `${line} in the credit note:\n${lines.join("\n")}`,
      );
    assert.deepEqual(member.consoleErrors, [], "console errors");
  });

  test("a balance that covers the price but not the sponsor's fee is said to be short before any signature", async () => {
    const key = generatePrivateKey();
    await mintCad(privateKeyToAccount(key).address, 5_750_000n); // exactly the price, no fee, no ETH
    const short = await openWithKey(stack, key);
    try {
      await short.page.getByRole("button", { name: "Connect wallet" }).click();
      await short.page.goto(`${stack.demo.url}#/resource/5`);
      await short.page.getByRole("heading", { level: 1, name: /Poste partagé/ }).waitFor();
      await short.page.getByRole("button", { name: "Now (this hour)" }).click();
      await short.page
        .getByTestId("insufficient")
        .getByText(/6\.00\s+tCAD/)
        .waitFor();
      assert.equal(await short.page.getByRole("button", { name: "Book for 6.00 tCAD" }).isDisabled(), true);
      assert.deepEqual(
        short.wallet.requests.filter((r) => r === "eth_signTypedData_v4" || r === "eth_sendTransaction"),
        [],
        "nothing signed",
      );
    } finally {
      await short.page.context().close();
    }
  });
});
