// End to end: the demo stack (fresh chain, relayer, lock simulators, dApp) in real headless
// chromium, with an injected wallet per demo account. Run: npm run test:e2e
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { chainReader, lockLog, openAs, screenshot, signIn, startStack, type MemberPage, type Stack } from "./harness.ts";

const MEMBER = 10; // Hardhat #10: demo member with ETH and TestCAD
const GUEST = 11; // Hardhat #11: another member
const OPERATOR = 3; // Hardhat #3: operator (80 %) of etc Saint-Germain
const HOUR = 3600;

let stack: Stack;
let member: MemberPage;
let currentPassId = "";

/** No console errors, except HTTP statuses the test provoked on purpose (e.g. a 403 denial). */
function assertNoConsoleErrors(m: MemberPage, allowedStatus: number[] = []) {
  const unexpected = m.consoleErrors.filter((e) => !allowedStatus.some((s) => e.includes(`status of ${s}`)));
  assert.deepEqual(unexpected, [], "console errors");
}

async function openDesk(m: MemberPage, resource = "Poste partagé") {
  await m.page.goto(`${stack.demo.url}#/`);
  await m.page.getByRole("link", { name: "etc Saint-Germain" }).click();
  await m.page.getByRole("link", { name: resource, exact: true }).click();
  await m.page.getByRole("heading", { level: 1, name: new RegExp(resource) }).waitFor();
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
  before(async () => {
    stack = await startStack();
    member = await openAs(stack, MEMBER);
  }, { timeout: 180_000 });

  after(async () => {
    await stack?.close();
  });

  test("a member connects the injected wallet and signs in with Ethereum", async () => {
    await member.page.getByRole("heading", { name: "Venues in the network" }).waitFor();
    await member.page.getByRole("link", { name: "etc Saint-Germain" }).waitFor();
    await signIn(member);
    assert.ok(member.wallet.requests.includes("personal_sign"), "the SIWE message was signed");
    const me = await member.page.evaluate(async () => (await fetch("/api/me", { credentials: "include" })).json());
    assert.equal(me.address.toLowerCase(), member.address.toLowerCase());
    await screenshot(member.page, "1-signed-in");
    assertNoConsoleErrors(member);
  });

  test("a member books the current hour in TestCAD with a permit and the pass appears", async () => {
    await openDesk(member);
    await member.page.getByRole("button", { name: "Now (this hour)" }).click();
    await member.page.getByTestId("price").getByText("5.00 tCAD").waitFor();
    await member.page.getByTestId("policy").getByText(/100%.*full price/).waitFor();
    await screenshot(member.page, "2-booking-form");
    currentPassId = await bookSelected(member);
    assert.ok(member.wallet.requests.includes("eth_signTypedData_v4"), "paid with an EIP-2612 permit");
    await member.page.getByRole("link", { name: "See my passes" }).click();
    const pass = member.page.locator(`section.current li[data-pass-id="${currentPassId}"]`);
    await pass.waitFor();
    await pass.getByText("Poste partagé").waitFor();
    assertNoConsoleErrors(member);
  });

  test("on a phone, the member opens the door and the lock simulator logs it opened", async () => {
    const phone = await openAs(stack, MEMBER, { phone: true });
    await phone.page.getByRole("button", { name: "Connect wallet" }).click();
    await phone.page.getByRole("link", { name: "My passes", exact: true }).click();
    const pass = phone.page.locator(`section.current li[data-pass-id="${currentPassId}"]`);
    const before = (await lockLog(stack)).length;
    await pass.getByRole("button", { name: /^Open / }).click();
    await pass.getByTestId("door-result").getByText("Door open — come in!").waitFor();
    const log = (await lockLog(stack)).slice(before);
    assert.equal(log.length, 1, "the lock logged exactly one decision");
    assert.equal(log[0].result, "opened");
    assert.equal(log[0].reason, "opened");
    await screenshot(phone.page, "3-door-open-phone");
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

    await guest.page.getByRole("button", { name: "Connect wallet" }).click();
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
    assertNoConsoleErrors(guest, [403]);
    await guest.page.context().close();
  });

  test("a later booking is cancelled with the refund previewed, and the refund arrives on chain", async () => {
    const chain = chainReader(stack);
    await openDesk(member);
    const start = Math.floor(Date.now() / 1000 / HOUR) * HOUR + 72 * HOUR;
    await member.page.locator(`button.slot[data-t="${start}"]`).click();
    await member.page.getByTestId("price").getByText("5.00 tCAD").waitFor();
    const passId = await bookSelected(member);
    const balanceBooked = await chain.cadBalance(member.address);

    await member.page.getByRole("link", { name: "My passes", exact: true }).click();
    const pass = member.page.locator(`section.upcoming li[data-pass-id="${passId}"]`);
    await pass.getByRole("button", { name: "Cancel booking" }).click();
    await pass.getByTestId("refund-preview").getByText("Cancelling now refunds 5.00 tCAD.").waitFor();
    await screenshot(member.page, "5-cancel-preview");
    await pass.getByRole("button", { name: "Confirm cancellation" }).click();
    await pass.getByTestId("cancel-done").getByText("Cancelled. 5.00 tCAD refunded to your wallet.").waitFor();
    assert.equal((await chain.cadBalance(member.address)) - balanceBooked, 5_000_000n, "5 TestCAD back on chain");
    assertNoConsoleErrors(member);
  });

  test("the operator settles the pending booking, claims its share and its on-chain balance rises", async () => {
    const chain = chainReader(stack);
    const op = await openAs(stack, OPERATOR);
    await op.page.getByRole("button", { name: "Connect wallet" }).click();
    await op.page.getByRole("link", { name: "Operator" }).click();
    const dash = op.page.locator("article.venue-dash", { has: op.page.getByRole("heading", { name: /etc Saint-Germain/ }) });
    await dash.getByRole("button", { name: /^Settle \d+ pending/ }).click().catch(async (e) => {
      await screenshot(op.page, "6-operator-failed");
      throw e;
    });
    await dash.getByText(/booking\(s\) settled/).waitFor();
    const row = dash.getByTestId(`claim-row-${op.address.toLowerCase()}-tCAD`);
    const claim = row.getByRole("button", { name: /^Claim / });
    await claim.waitFor();
    await screenshot(op.page, "6-operator-claims");
    const before = await chain.cadBalance(op.address);
    await claim.click();
    await dash.getByText(/^Claimed /).waitFor();
    const gained = (await chain.cadBalance(op.address)) - before;
    // 5 TestCAD booked, 3 % network fee, 80 % share: 3.88 TestCAD.
    assert.equal(gained, 3_880_000n);
    assertNoConsoleErrors(op);
    await op.page.context().close();
  });

  test("the interface follows a French browser and switches language", async () => {
    const fr = await openAs(stack, GUEST, { locale: "fr-CA" });
    await fr.page.getByRole("heading", { name: "Les lieux du réseau" }).waitFor();
    assert.equal(await fr.page.getAttribute("html", "lang"), "fr");
    await fr.page.getByText("Postes partagés à l'heure, au jour ou au mois dans l'église du village.").waitFor();
    await screenshot(fr.page, "7-french");
    await fr.page.getByRole("button", { name: /Langue/ }).click();
    await fr.page.getByRole("heading", { name: "Venues in the network" }).waitFor();
    assert.equal(await fr.page.getAttribute("html", "lang"), "en");
    await fr.page.reload();
    await fr.page.getByRole("heading", { name: "Venues in the network" }).waitFor(); // the choice is remembered
    assertNoConsoleErrors(fr);
    await fr.page.context().close();
  });
});
