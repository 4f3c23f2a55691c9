// The offline door end to end in chromium against the demo stack: the member turns on the offline
// door pass while online (one wallet signature), the browser goes offline and the passes page is
// reloaded — the service worker serves the app, IndexedDB the DoorPass — and shows the code of the
// current 30-second slot. The test reads that QR code from a screenshot, and a real door agent whose
// broker is unreachable (past its `afterS`) reads it from its scanner FIFO and opens the door.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { readBarcodes } from "zxing-wasm/reader";
import { createWalletClient, http } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { hardhat } from "viem/chains";
import { decodeDoorCode } from "../../protocol/doorPass.ts";
import { tempDir } from "../helpers/tempDirs.ts";
import {
  SCREENSHOTS,
  bookOnChain,
  chainReader,
  demoAccount,
  openAs,
  prepareQrDecoder,
  screenshot,
  signIn,
  startStack,
  streetDoor,
  type MemberPage,
  type Stack,
} from "./harness.ts";
import type { Page } from "playwright-core";

const ROOT = path.resolve(import.meta.dirname, "..", "..");
const MEMBER = 14;
const DESK = 5; // "Poste partagé" at etc Saint-Germain (venue 2), behind its street door

let stack: Stack;
let venue: number;
let door: number;
const agents: ChildProcess[] = [];

type AgentRun = { child: ChildProcess; lines: Record<string, unknown>[]; exited: Promise<void> };

/** A door agent for the venue with an offline scanner (its JSON log lines collected). */
function startAgent(config: string): AgentRun {
  const child = spawn(process.execPath, [path.join(ROOT, "agent", "src", "main.ts"), "--config", config], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
  });
  agents.push(child);
  const lines: Record<string, unknown>[] = [];
  let rest = "";
  child.stdout.on("data", (b: Buffer) => {
    rest += b.toString("utf8");
    const parts = rest.split("\n");
    rest = parts.pop()!;
    for (const l of parts)
      try {
        lines.push(JSON.parse(l) as Record<string, unknown>);
      } catch {
        // not a log line
      }
  });
  child.stderr.on("data", (b: Buffer) => process.env.E2E_VERBOSE && process.stderr.write(b));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return { child, lines, exited };
}

async function until(what: string, ok: () => boolean, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Offline decisions start once the agent has been without its broker for `afterS` (2 s here). */
const AFTER_S = 2;

/** Waits until the agent has been without its broker for AFTER_S, counted from its own log line
 * (written when the link went down), however long the agent took to start. */
async function pastAfterS(a: AgentRun): Promise<void> {
  // The agent counts its outage from its offline doors' start, before its first failed connection
  // (the "error" or the "lost: reconnecting" line, whichever it logs first): wait from the later.
  const failed = () =>
    a.lines.filter((l) => l.msg === "broker connection lost: reconnecting" || l.msg === "broker connection error");
  await until("the agent's broker connection failing", () => failed().length > 0);
  const since = Math.max(...failed().map((l) => Date.parse(String(l.time))));
  assert.ok(Number.isFinite(since), "the agent's log line has its time");
  const wait = since + AFTER_S * 1000 + 200 - Date.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
}

async function stopAgent(a: AgentRun): Promise<void> {
  if (a.child.exitCode === null) a.child.kill("SIGTERM");
  await a.exited;
}

/**
 * An agent of the venue beside the demo's, for its street door only, with a scanner FIFO and
 * `afterS` 2 s; `config(brokerUrl)` writes its config (the demo's broker, or one that never answers).
 */
function agentSetup(agentId: string) {
  const dir = tempDir("pp-e2e-offline-door-");
  const fifo = path.join(dir, "scanner");
  execFileSync("mkfifo", [fifo]);
  const demoConfig = JSON.parse(readFileSync(path.join(stack.demo.runDir, `agent-venue-${venue}.json`), "utf8")) as {
    doors: { id: number }[];
    broker: { url: string };
  };
  const config = (brokerUrl = demoConfig.broker.url) => {
    const file = path.join(dir, "agent.json");
    writeFileSync(
      file,
      JSON.stringify({
        ...demoConfig,
        screen: undefined,
        agentId,
        broker: { ...demoConfig.broker, url: brokerUrl },
        doors: demoConfig.doors.filter((d) => d.id === door),
        offline: { afterS: AFTER_S, stateDir: path.join(dir, "state"), scanners: [{ door, path: fifo }] },
      }),
    );
    return file;
  };
  return { dir, fifo, config };
}

/** The door code on the phone, read from a screenshot as a scanner would. */
async function readCode(page: Page, name: string): Promise<string> {
  const qr = page.getByRole("img", { name: /^Door code for #/ });
  await qr.waitFor();
  await screenshot(page, name);
  const png = await qr.screenshot({ path: path.join(SCREENSHOTS, `${name}-qr.png`) });
  const found = await readBarcodes(new Uint8Array(png), { formats: ["QRCode"], tryHarder: true });
  assert.equal(found.length, 1, "one QR code on the phone");
  return found[0].text;
}

/** The member turns the offline door pass on and the page fetches the DoorPass (online). */
async function turnOnOffline(m: MemberPage): Promise<void> {
  const { page } = m;
  await signIn(m);
  await page.goto(`${stack.demo.url}#/passes`);
  await page.getByRole("button", { name: "Turn on offline door pass" }).click();
  await page.getByText("Offline door pass is on for this device.").waitFor();
  await page.getByRole("button", { name: "Show door code" }).waitFor({ timeout: 30_000 });
  // The service worker has the app shell before the network goes.
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
}

const kept = (a: AgentRun) => a.lines.filter((l) => l.msg === "status list kept").length;

describe("the offline door pass in the browser and at the door", { timeout: 300_000 }, () => {
  before(
    async () => {
      await prepareQrDecoder(); // the test's own decoder (Node)
      stack = await startStack();
      venue = await bookOnChain(stack, MEMBER, DESK, { hours: 2 });
      door = await streetDoor(stack, venue);
    },
    { timeout: 180_000 },
  );

  after(async () => {
    for (const a of agents) if (a.exitCode === null) a.kill("SIGTERM");
    await stack?.close();
  });

  test("offline: the reloaded page shows the changing code, the agent reads it and opens the door", async (t) => {
    const { dir, fifo, config } = agentSetup("e2e-offline");

    const m = await openAs(stack, MEMBER, { phone: true });
    const { page } = m;
    await turnOnOffline(m);
    await page.getByText(/A pass cancelled while the venue is offline can open until/).waitFor();

    // Online once: the agent reads the trusted relayer set from the chain and the venue's status list
    // (published when the DoorPass was issued) from the broker, and keeps both on disk.
    const online = startAgent(config());
    await until("the status list at the agent", () => online.lines.some((l) => l.msg === "status list kept"), 60_000);
    await until("the trusted relayer set on disk", () => existsSync(path.join(dir, "state", "trusted-relayers.json")));
    await stopAgent(online);
    // The uplink is down: the agent restarts with a broker that does not answer.
    const offline = startAgent(config("mqtt://127.0.0.1:9"));

    await page.context().setOffline(true);
    await page.reload();
    await page.getByRole("button", { name: "Show door code" }).click();
    const text = await readCode(page, "offline-door-code");
    const code = decodeDoorCode(text);
    assert.deepEqual(code.pass.doors.includes(door), true, "the DoorPass names the street door");
    assert.ok(text.length <= 400, `QR payload ${text.length} chars`);
    t.diagnostic(`QR payload: ${text.length} characters`);

    await pastAfterS(offline);
    writeFileSync(fifo, `${text}\n`);
    await until("the offline opening", () =>
      offline.lines.some((l) => l.msg === "door opened offline" || l.msg === "scanned code refused"),
    );
    const decision = offline.lines.find((l) => l.msg === "door opened offline" || l.msg === "scanned code refused")!;
    assert.equal(decision.msg, "door opened offline", JSON.stringify(decision));
    assert.equal(decision.door, door);

    // The same code again in its slot is refused (one use per slot).
    writeFileSync(fifo, `${text}\n`);
    await until("the replay's refusal", () => offline.lines.some((l) => l.msg === "scanned code refused"));
    assert.equal(offline.lines.find((l) => l.msg === "scanned code refused")!.reason, "code_used");
    await stopAgent(offline);

    // The uplink is back: the agent uploads its log, and the member's history shows the offline entry.
    const back = startAgent(config());
    await page.context().setOffline(false);
    await page.reload();
    const history = page.getByRole("region", { name: "Door history" });
    await history.waitFor();
    const entry = history.locator('li[data-kind="offline"][data-result="granted"]');
    // Uploaded once the agent is connected: look again (reload) until the relayer has it.
    for (let tries = 0; (await entry.count()) === 0; tries++) {
      assert.ok(tries < 20, "the offline entry reached the member's history");
      await new Promise((r) => setTimeout(r, 2000));
      await page.reload();
      await history.waitFor();
    }
    assert.match((await entry.first().textContent()) ?? "", new RegExp(`door #${door} · Opened.*offline`));
    await screenshot(page, "offline-door-history");
    await stopAgent(back);
    await page.context().close();
  });

  test("a pass cancelled before the outage is refused once the agent has the status list", async () => {
    const GUEST = 13;
    await bookOnChain(stack, GUEST, DESK, { hours: 2 });
    const { fifo, config } = agentSetup("e2e-offline-revoked");
    const m = await openAs(stack, GUEST, { phone: true });
    const { page } = m;
    await turnOnOffline(m);
    const passId = BigInt((await page.locator("[data-door-pass]").first().getAttribute("data-door-pass"))!);
    // The phone loses its network, keeping its DoorPass; the agent is still online.
    await page.context().setOffline(true);
    const online = startAgent(config());
    await until("the status list at the agent", () => kept(online) >= 1, 60_000);
    const before = kept(online);
    // The venue's operator cancels the pass (after its start: only the operator can): the relayer
    // flips its bit and publishes a new list, which the agent keeps.
    const { client } = chainReader(stack);
    const operator = createWalletClient({
      chain: { ...hardhat, rpcUrls: { default: { http: [stack.demo.rpcUrl] } } },
      transport: http(stack.demo.rpcUrl),
      account: privateKeyToAccount(demoAccount(3).privateKey),
    });
    const { address, abi } = stack.demo.deployments.contracts.Passepartout;
    await client.waitForTransactionReceipt({
      hash: await operator.writeContract({ address, abi, functionName: "cancel", args: [passId] }),
    });
    await until("the new status list at the agent", () => kept(online) > before, 30_000);
    await stopAgent(online);
    const offline = startAgent(config("mqtt://127.0.0.1:9"));

    await page.reload();
    await page.getByRole("button", { name: "Show door code" }).click();
    const text = await readCode(page, "offline-door-code-revoked");
    assert.equal(decodeDoorCode(text).pass.passId, passId);
    await pastAfterS(offline);
    writeFileSync(fifo, `${text}\n`);
    await until("the decision", () =>
      offline.lines.some((l) => l.msg === "door opened offline" || l.msg === "scanned code refused"),
    );
    const decision = offline.lines.find((l) => l.msg === "door opened offline" || l.msg === "scanned code refused")!;
    assert.equal(decision.msg, "scanned code refused", JSON.stringify(decision));
    assert.equal(decision.reason, "door_pass_revoked");
    await stopAgent(offline);
    await page.context().close();
  });
});
