// Shared set-up of the end-to-end suite: the demo stack on free ports, Debian's chromium driven by
// playwright-core, a page per demo account with the injected test wallet, screenshots.
import { mkdirSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type Page } from "playwright-core";
import { prepareZXingModule } from "zxing-wasm/reader";
import { createPublicClient, createWalletClient, erc20Abi, http, type Address, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { hardhat } from "viem/chains";
import { startDemo, demoAccount, type Demo } from "../../scripts/demo.ts";
import { installWallet, type TestWallet } from "./wallet.ts";
import { verifyDoorLog } from "../../scripts/lib/demoDoors.ts";
import type { DoorDecisionEvent } from "../../protocol/doorMqtt.ts";

export const SCREENSHOTS = path.join(path.dirname(fileURLToPath(import.meta.url)), "screenshots");

export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export { demoAccount };

export type Stack = { demo: Demo; browser: Browser; close: () => Promise<void> };

export async function startStack(): Promise<Stack> {
  const demo = await startDemo({ webPort: 0, log: process.env.E2E_VERBOSE ? (l) => console.log(l) : undefined });
  let browser: Browser;
  try {
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: CHROMIUM_ARGS,
    });
  } catch (err) {
    await demo.stop();
    if (!process.env.E2E_KEEP_LOGS) rmSync(demo.runDir, { recursive: true, force: true });
    throw err;
  }
  mkdirSync(SCREENSHOTS, { recursive: true });
  return {
    demo,
    browser,
    close: async () => {
      await browser.close().catch(() => undefined);
      await demo.stop();
      if (!process.env.E2E_KEEP_LOGS) rmSync(demo.runDir, { recursive: true, force: true });
    },
  };
}

export type MemberPage = {
  page: Page;
  wallet: TestWallet;
  address: Address;
  consoleErrors: string[];
  /** JSON-RPC methods the page itself sent to the chain (its /rpc), in order; batches flattened. */
  rpcMethods: string[];
};

export type PageOptions = {
  locale?: string;
  phone?: boolean;
  width?: number;
  /** Playwright's fake clock in the page (time flows as usual until the test pauses or runs it). */
  fakeClock?: boolean;
};

/** A page whose injected wallet holds demo account `accountIndex`. */
export function openAs(stack: Stack, accountIndex: number, opts: PageOptions = {}): Promise<MemberPage> {
  return openWithKey(stack, demoAccount(accountIndex).privateKey, opts);
}

/** A page whose injected wallet holds `privateKey`. */
export async function openWithKey(stack: Stack, privateKey: Hex, opts: PageOptions = {}): Promise<MemberPage> {
  const context = await stack.browser.newContext({
    locale: opts.locale ?? "en-CA",
    timezoneId: "America/Toronto",
    viewport: opts.width
      ? { width: opts.width, height: 844 }
      : opts.phone
        ? { width: 390, height: 844 }
        : { width: 1280, height: 900 },
    deviceScaleFactor: 1,
    hasTouch: opts.phone,
    isMobile: opts.phone,
  });
  if (opts.fakeClock) await context.clock.install();
  const address = privateKeyToAccount(privateKey).address;
  const wallet = await installWallet(context, privateKey, stack.demo.rpcUrl);
  const page = await context.newPage();
  const consoleErrors: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") consoleErrors.push(m.text());
  });
  page.on("pageerror", (e) => consoleErrors.push(e.message));
  const rpcMethods: string[] = [];
  page.on("request", (r) => {
    if (r.method() !== "POST" || new URL(r.url()).pathname !== "/rpc") return;
    try {
      const body = JSON.parse(r.postData() ?? "null") as { method?: string } | { method?: string }[];
      for (const call of Array.isArray(body) ? body : [body]) rpcMethods.push(String(call?.method));
    } catch {
      rpcMethods.push("(unparsable)");
    }
  });
  page.setDefaultTimeout(20_000);
  await page.goto(stack.demo.url);
  return { page, wallet, address, consoleErrors, rpcMethods };
}

/** Connects the injected wallet and signs in with Ethereum. */
export async function signIn(m: MemberPage): Promise<void> {
  const { page } = m;
  await page.getByRole("button", { name: /^(Connect wallet|Connecter un portefeuille)$/ }).click();
  await page.getByRole("button", { name: /^(Sign in|Se connecter)$/ }).click();
  await page.getByText(/^(Signed in|Connecté)$/).waitFor();
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: false });
}

export function chainReader(stack: Stack) {
  const client = createPublicClient({ transport: http(stack.demo.rpcUrl) });
  const cad = stack.demo.deployments.contracts.TestCAD.address;
  return {
    client,
    cadBalance: (who: Address) =>
      client.readContract({ address: cad, abi: erc20Abi, functionName: "balanceOf", args: [who] }),
    ethBalance: (who: Address) => client.getBalance({ address: who }),
  };
}

/** Readies the test's own QR decoder (Node): zxing-wasm's WebAssembly file, read from node_modules. */
export async function prepareQrDecoder(): Promise<void> {
  await prepareZXingModule({
    overrides: {
      wasmBinary: readFileSync(createRequire(import.meta.url).resolve("zxing-wasm/reader/zxing_reader.wasm")).buffer,
    },
    fireImmediately: true,
  });
}

const HOUR = 3600;

/** Books `resource` for `hours` from `start` (default: the start of the current hour) straight on
 * chain (approve + book) as demo account `who`; returns the resource's venue. */
export async function bookOnChain(
  stack: Stack,
  who: number,
  resource: number,
  { start: startS, hours = 1 }: { start?: number; hours?: number } = {},
): Promise<number> {
  const { client } = chainReader(stack);
  const wallet = createWalletClient({
    chain: { ...hardhat, rpcUrls: { default: { http: [stack.demo.rpcUrl] } } },
    transport: http(stack.demo.rpcUrl),
    account: privateKeyToAccount(demoAccount(who).privateKey),
  });
  const { address, abi } = stack.demo.deployments.contracts.Passepartout;
  const start = BigInt(startS ?? Math.floor(Date.now() / 1000 / HOUR) * HOUR);
  const end = start + BigInt(hours * HOUR);
  const price = (await client.readContract({
    address,
    abi,
    functionName: "quote",
    args: [resource, start, end],
  })) as bigint;
  const r = (await client.readContract({ address, abi, functionName: "resource", args: [resource] })) as {
    policyId: number;
    transferable: boolean;
    venueId: number;
  };
  const cad = stack.demo.deployments.contracts.TestCAD.address;
  await client.waitForTransactionReceipt({
    hash: await wallet.writeContract({ address: cad, abi: erc20Abi, functionName: "approve", args: [address, price] }),
  });
  await client.waitForTransactionReceipt({
    hash: await wallet.writeContract({
      address,
      abi,
      functionName: "book",
      args: [resource, start, end, 65535, price, demoAccount(who).address, r.policyId, r.transferable],
    }),
  });
  return Number(r.venueId);
}

/** The venue's street door (the one that opens for every resource) among the doors with a screen. */
export async function streetDoor(stack: Stack, venue: number): Promise<number> {
  const { client } = chainReader(stack);
  const { address, abi } = stack.demo.deployments.contracts.Passepartout;
  for (const id of stack.demo.doorScreens.keys()) {
    const d = (await client.readContract({ address, abi, functionName: "door", args: [id] })) as {
      venueId: number;
      allResources: boolean;
    };
    if (Number(d.venueId) === venue && d.allResources) return id;
  }
  throw new Error(`venue ${venue} has no street door with a screen`);
}

/** Every decision the door agents took, checked entry by entry against the door keys on chain. */
export async function lockLog(stack: Stack): Promise<DoorDecisionEvent[]> {
  const res = await fetch(`${stack.demo.doorLogUrl}/log`);
  const entries = (await res.json()) as DoorDecisionEvent[];
  const { address, abi } = stack.demo.deployments.contracts.Passepartout;
  const client = createPublicClient({ transport: http(stack.demo.rpcUrl) });
  const keys = new Map<number, `0x${string}`>();
  for (const door of new Set(entries.map((e) => e.door))) {
    const d = (await client.readContract({ address, abi, functionName: "door", args: [door] })) as {
      lockKey: `0x${string}`;
    };
    keys.set(door, d.lockKey);
  }
  const verdict = await verifyDoorLog(entries, keys, stack.demo.deployments.chainId, address);
  if (!verdict.ok) throw new Error(`door log does not verify at entry ${verdict.index}: ${verdict.problem}`);
  return entries;
}

/**
 * Controls without an accessible name on the current page (form fields without a label, aria-label
 * or aria-labelledby; buttons and links without text or label). Empty means the page passes.
 */
export async function unlabelledControls(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const named = (el: Element) =>
      !!(
        el.getAttribute("aria-label")?.trim() ||
        el.getAttribute("aria-labelledby")?.trim() ||
        el.getAttribute("title")?.trim()
      );
    const describe = (el: Element) => el.outerHTML.slice(0, 120);
    const out: string[] = [];
    for (const el of document.querySelectorAll("input, select, textarea")) {
      const input = el as HTMLInputElement;
      if (input.type === "hidden") continue;
      if (
        !(input.labels && input.labels.length > 0 && [...input.labels].some((l) => l.textContent?.trim())) &&
        !named(el)
      )
        out.push(describe(el));
    }
    for (const el of document.querySelectorAll("button, a[href], [role=button]")) {
      const text =
        (el.textContent ?? "").trim() ||
        [...el.querySelectorAll("img[alt]")].map((i) => i.getAttribute("alt")).join("");
      if (!text && !named(el)) out.push(describe(el));
    }
    return out;
  });
}

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

/**
 * axe-core's violations on the current page (every rule axe enables by default: WCAG 2.0/2.1 A and
 * AA plus its best practices), one line each: rule, impact, the first offending nodes.
 */
export async function axeViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => "axe" in window))) await page.addScriptTag({ content: AXE_SOURCE });
  const violations = await page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: {
          run: (
            ctx: Document,
            opts: object,
          ) => Promise<{
            violations: { id: string; impact: string; nodes: { target: string[]; failureSummary: string }[] }[];
          }>;
        };
      }
    ).axe;
    const r = await axe.run(document, { resultTypes: ["violations"] });
    return r.violations.map(
      (v) =>
        `${v.id} (${v.impact}): ${v.nodes
          .slice(0, 3)
          .map((n) => `${n.target.join(" ")} — ${n.failureSummary.replace(/\s+/g, " ").slice(0, 160)}`)
          .join(" | ")}`,
    );
  });
  return violations;
}

/** How many CSS pixels the page is wider than the viewport (0 = no sideways scroll). */
export async function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate(() => Math.max(0, document.scrollingElement!.scrollWidth - window.innerWidth));
}
