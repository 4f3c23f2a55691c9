// The member's door flow without hunting for a door, end to end in chromium against the demo stack:
// the venue's real door agent serves its door screen; the QR code is read from a screenshot of that
// screen, its link opened in the member's page (test wallet), Open → the lock opens (the agents'
// signed door log says so) and both the phone and the screen say so. Then the camera path: chromium's
// fake camera films the QR code and "Scan the door's code" lands on the door page, with the QR
// reader's WebAssembly loaded from the dApp itself and nothing from any other origin.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { chromium } from "playwright-core";
import { readBarcodes } from "zxing-wasm/reader";
import { hashTypedData } from "viem";
import { decodeDoorCode, doorRoute } from "../../protocol/doorCode.ts";
import { challengeTypes, protocolDomain } from "../../protocol/eip712.ts";
import { tempDir } from "../helpers/tempDirs.ts";
import {
  CHROMIUM_ARGS,
  axeViolations,
  bookOnChain,
  horizontalOverflow,
  lockLog,
  openAs,
  prepareQrDecoder,
  screenshot,
  signIn,
  startStack,
  streetDoor,
  type Stack,
} from "./harness.ts";

const MEMBER = 12;
const NO_PASS = 13; // a demo member who booked nothing
const DESK = 5; // "Poste partagé" at etc Saint-Germain (venue 2), behind its street door

let stack: Stack;
let door: number;
let screenUrl: string;

async function readQr(png: Buffer): Promise<string> {
  const found = await readBarcodes(new Uint8Array(png), { formats: ["QRCode"], tryHarder: true });
  assert.equal(found.length, 1, "one QR code on the screen");
  return found[0].text;
}

describe("the door screen and the member's phone", { timeout: 240_000 }, () => {
  before(
    async () => {
      await prepareQrDecoder(); // the test's own decoder (Node)
      stack = await startStack();
      door = await streetDoor(stack, await bookOnChain(stack, MEMBER, DESK));
      screenUrl = stack.demo.doorScreens.get(door)!;
    },
    { timeout: 180_000 },
  );

  after(async () => {
    await stack?.close();
  });

  test("scan the screen, press Open: the lock opens and both the phone and the screen say so", async () => {
    const screenContext = await stack.browser.newContext({ locale: "fr-CA", viewport: { width: 800, height: 1000 } });
    const screenPage = await screenContext.newPage();
    await screenPage.goto(screenUrl);
    await screenPage.getByRole("heading", { name: `Porte nº ${door}` }).waitFor();
    const link = await readQr(await screenPage.locator("#qr").screenshot());
    await screenshot(screenPage, "door-screen");
    const dapp = stack.demo.url;
    const route = doorRoute(link, dapp);
    assert.ok(route?.code, `the QR code is a door link of this dApp: ${link}`);
    assert.equal(route.door, door);
    const challenge = decodeDoorCode(door, route.code);
    const { address } = stack.demo.deployments.contracts.Passepartout;
    const challengeId = hashTypedData({
      domain: protocolDomain(stack.demo.deployments.chainId, address),
      types: challengeTypes,
      primaryType: "Challenge",
      message: { door, nonce: challenge.nonce, time: BigInt(challenge.time) },
    });

    const phone = await openAs(stack, MEMBER, { phone: true });
    await signIn(phone);
    await phone.page.goto(link);
    const open = phone.page.getByRole("button", { name: /^Open / });
    await open.waitFor();
    const before = (await lockLog(stack)).length;
    await open.click();
    await phone.page.getByTestId("door-result").getByText("Door open — come in!").waitFor();
    await screenPage.getByText("Ouvert — entrez").waitFor();
    await screenshot(phone.page, "door-screen-phone-open");
    await screenshot(screenPage, "door-screen-open");
    assert.deepEqual(await axeViolations(phone.page), [], "the door page");
    assert.deepEqual(await axeViolations(screenPage), [], "the door screen");
    assert.equal(await horizontalOverflow(phone.page), 0, "nothing scrolls sideways on the phone");
    const opened = (await lockLog(stack)).slice(before).filter((e) => e.door === door);
    assert.deepEqual(
      opened.map((e) => [e.result, `0x${e.id}`]),
      [["opened", challengeId]],
      "the lock opened once, for the challenge of the scanned code (no second trip to the lock)",
    );
    // The spent code is gone from the screen: the next visitor gets a fresh one.
    await screenPage.locator("#qr").waitFor({ state: "visible", timeout: 15_000 });
    assert.notEqual(await readQr(await screenPage.locator("#qr").screenshot()), link);
    assert.deepEqual(phone.consoleErrors, []);
    await screenContext.close();
    await phone.page.context().close();
  });

  test("the door page explains an expired or unreadable code, asks to sign in, and sends a member without a pass to booking", async () => {
    const screenPage = await stack.browser.newPage();
    await screenPage.goto(screenUrl);
    const link = await readQr(await screenPage.locator("#qr").screenshot());
    await screenPage.close();
    // A phone whose clock reads 90 s later: the code is older than the relayer's 60 s.
    const late = await stack.browser.newContext({ locale: "fr-CA" });
    const page = await late.newPage();
    await page.clock.install({ time: Date.now() + 90_000 });
    await page.goto(link);
    await page
      .getByTestId("code-expired")
      .getByText(/^Ce code de porte a expiré/)
      .waitFor();
    await page.getByText(/^Connectez votre portefeuille et connectez-vous/).waitFor();
    await page.goto(link.replace(/c=.{10}/, "c=!!!!!!!!!!"));
    await page.getByText(/^Ce code de porte est illisible/).waitFor();
    await late.close();

    const other = await openAs(stack, NO_PASS);
    await signIn(other);
    await other.page.goto(link);
    await other.page.getByTestId("no-pass").getByText("You have no pass for this door right now.").waitFor();
    const book = other.page.getByRole("link", { name: /^Book a space at / });
    assert.match((await book.getAttribute("href")) ?? "", /^#\/venue\/\d+$/);
    assert.equal(await other.page.getByRole("button", { name: /^Open / }).count(), 0);
    await other.page.context().close();
  });

  test("a phone without a camera is told so", async () => {
    const m = await openAs(stack, MEMBER);
    await m.page.goto(`${stack.demo.url}#/passes`);
    await m.page.getByRole("button", { name: "Scan the door’s code" }).click();
    await m.page
      .getByTestId("scan-problem")
      .getByText(/camera/)
      .waitFor();
    assert.match(
      (await m.page.getByTestId("scan-problem").textContent()) ?? "",
      /^(No camera was found on this device|The camera is not allowed)/,
    );
    await m.page.context().close();
  });

  test("the camera path: the in-page scanner reads the screen's code and opens the door page, all from the dApp's origin", async () => {
    const dir = tempDir("pp-camera-");
    const screenContext = await stack.browser.newContext({ viewport: { width: 800, height: 1000 } });
    const screenPage = await screenContext.newPage();
    await screenPage.goto(screenUrl);
    const png = path.join(dir, "qr.png");
    await screenPage.locator("#qr").screenshot({ path: png });
    const link = await readQr(readFileSync(png));
    await screenContext.close();
    const y4m = path.join(dir, "qr.y4m");
    execFileSync("ffmpeg", [
      ...["-loglevel", "error", "-loop", "1", "-i", png, "-t", "2"],
      ...["-vf", "scale=640:480:force_original_aspect_ratio=decrease,pad=640:480:(ow-iw)/2:(oh-ih)/2:white"],
      ...["-pix_fmt", "yuv420p", y4m],
    ]);
    const camera = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        ...CHROMIUM_ARGS,
        "--use-fake-device-for-media-stream",
        "--use-fake-ui-for-media-stream",
        `--use-file-for-fake-video-capture=${y4m}`,
      ],
    });
    try {
      const origin = new URL(stack.demo.url).origin;
      const context = await camera.newContext({ locale: "en-CA" });
      await context.grantPermissions(["camera"], { origin });
      const page = await context.newPage();
      const requests: string[] = [];
      page.on("request", (r) => requests.push(r.url()));
      await page.goto(`${stack.demo.url}#/passes`);
      await page.getByRole("button", { name: "Scan the door’s code" }).click();
      const started = Date.now();
      await page.waitForURL((u) => u.hash.startsWith(`#/door/${door}?c=`), { timeout: 20_000 });
      const took = Date.now() - started;
      assert.equal(new URL(page.url()).hash, new URL(link).hash, "the door page of the scanned code");
      await page.getByRole("heading", { level: 1 }).waitFor();
      const wasm = requests.filter((u) => /\.wasm(\?|$)/.test(u));
      assert.ok(wasm.length > 0 && wasm.every((u) => u.startsWith(`${origin}/assets/`)), wasm.join(", "));
      const elsewhere = requests.filter(
        (u) => !u.startsWith(origin) && !u.startsWith("data:") && !u.startsWith("blob:"),
      );
      assert.deepEqual(elsewhere, [], "nothing loaded from a CDN or any other origin");
      process.stdout.write(`# camera scan → door page: ${took} ms\n`);
    } finally {
      await camera.close();
    }
  });
});
