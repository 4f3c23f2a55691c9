// dApp network benchmark (`npm run bench:dapp`): the demo on the local chain and Chromium with its
// CPU slowed 4× (DevTools throttling), counting what each page asks of the chain and the relayer.
// For the landing page, a resource page and "My passes" (signed in): HTTP requests to the chain
// (/rpc) and the JSON-RPC calls in them (batches flattened, eth_getLogs counted apart), requests to
// the relayer (/api), bytes on the wire; the time from navigation to the venues shown; what an idle
// resource page sends in a minute; the size of config.json and of the scripts as served. Writes
// bench/dapp.json.
//
//   node bench/dapp.ts    (BENCH_CPU_SLOWDOWN: default 4; BENCH_IDLE_S: idle window, default 60;
//                          BENCH_OUTPUT: results file, default bench/dapp.json)
import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Page } from "playwright-core";
import { startDemo } from "../scripts/demo.ts";
import { CHROMIUM_ARGS, demoAccount } from "../test/e2e/harness.ts";
import { installWallet } from "../test/e2e/wallet.ts";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const SLOWDOWN = Number(process.env.BENCH_CPU_SLOWDOWN ?? 4);
const IDLE_S = Number(process.env.BENCH_IDLE_S ?? 60);
const OUTPUT = path.resolve(process.env.BENCH_OUTPUT ?? path.join(ROOT, "bench", "dapp.json"));
const MEMBER = 13; // a demo member holding TestCAD and passes

type Traffic = { rpcRequests: number; rpcCalls: number; getLogs: number; apiRequests: number; bytes: number };

/** Counts the page's requests from now on. */
function meter(page: Page) {
  let t: Traffic = { rpcRequests: 0, rpcCalls: 0, getLogs: 0, apiRequests: 0, bytes: 0 };
  const methods = new Map<string, number>();
  page.on("request", (r) => {
    const url = new URL(r.url());
    if (url.pathname === "/rpc" && r.method() === "POST") {
      t.rpcRequests++;
      const body = JSON.parse(r.postData() ?? "null") as { method: string } | { method: string }[];
      for (const call of Array.isArray(body) ? body : [body]) {
        t.rpcCalls++;
        if (call.method === "eth_getLogs") t.getLogs++;
        methods.set(call.method, (methods.get(call.method) ?? 0) + 1);
      }
    } else if (url.pathname.startsWith("/api/")) t.apiRequests++;
  });
  page.on("response", async (res) => {
    const size = Number((await res.allHeaders())["content-length"] ?? 0);
    t.bytes += Number.isFinite(size) ? size : 0;
  });
  return {
    take(): Traffic & { methods: Record<string, number> } {
      const out = { ...t, methods: Object.fromEntries(methods) };
      t = { rpcRequests: 0, rpcCalls: 0, getLogs: 0, apiRequests: 0, bytes: 0 };
      methods.clear();
      return out;
    },
  };
}

async function settle(page: Page, ms = 2000): Promise<void> {
  await page.waitForLoadState("networkidle").catch(() => undefined);
  await page.waitForTimeout(ms);
}

async function main(): Promise<void> {
  const say = (s: string) => process.stdout.write(`${s}\n`);
  say("starting the demo (chain, relayer, locks, dApp)…");
  const demo = await startDemo({ webPort: 0 });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: CHROMIUM_ARGS,
  });
  try {
    const context = await browser.newContext({ locale: "en-CA", timezoneId: "America/Toronto" });
    const account = demoAccount(MEMBER);
    await installWallet(context, account.privateKey, demo.rpcUrl);
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send("Emulation.setCPUThrottlingRate", { rate: SLOWDOWN });
    const m = meter(page);

    say(`landing page, CPU ${SLOWDOWN}× slower…`);
    const t0 = Date.now();
    await page.goto(demo.url);
    await page.locator("ul.cards li.card h2 a").first().waitFor({ timeout: 60_000 });
    const venuesShownMs = Date.now() - t0;
    await settle(page);
    const landing = m.take();

    say("a resource page…");
    await page.locator("a[href^='#/venue/']").first().click();
    await page.locator("a[href^='#/resource/']").first().click();
    await page.locator("button.slot").first().waitFor({ timeout: 60_000 });
    await settle(page);
    const resource = m.take();

    say(`the resource page left idle for ${IDLE_S} s…`);
    await page.waitForTimeout(IDLE_S * 1000);
    const idle = m.take();

    say("sign in, book the current hour, then My passes…");
    await page.getByRole("button", { name: "Connect wallet" }).click();
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByText("Signed in").waitFor();
    await page.getByRole("button", { name: "Now (this hour)" }).click();
    await page.getByRole("button", { name: /^Book for / }).click();
    await page.getByText(/Booked! Pass #\d+/).waitFor({ timeout: 60_000 });
    m.take();
    const t1 = Date.now();
    await page.getByRole("link", { name: "My passes", exact: true }).click();
    await page.locator("li[data-pass-id]").first().waitFor({ timeout: 60_000 });
    const passesShownMs = Date.now() - t1;
    await settle(page);
    const passes = m.take();

    const head = async (p: string, enc: string) => {
      // The body's length as sent (fetch would hand back the decompressed bytes).
      const res = await fetch(new URL(p, demo.url), { headers: { "accept-encoding": enc } });
      await res.arrayBuffer();
      return { bytes: Number(res.headers.get("content-length")), encoding: res.headers.get("content-encoding") };
    };
    const html = await (await fetch(demo.url)).text();
    const scripts = [...html.matchAll(/src="\.?(\/assets\/[^"]+\.js)"/g)].map((x) => x[1]);
    const script = scripts[0] ? await head(scripts[0], "br, gzip") : null;
    const scriptRaw = scripts[0] ? await head(scripts[0], "identity") : null;
    const config = await head("/config.json", "identity");
    const configRevalidated = await fetch(new URL("/config.json", demo.url), {
      headers: { "if-none-match": (await fetch(new URL("/config.json", demo.url))).headers.get("etag") ?? "" },
    });

    const result = {
      cpuSlowdown: SLOWDOWN,
      venuesShownMs,
      passesShownMs,
      landing,
      resource,
      idleResourcePerMinute: {
        ...idle,
        rpcRequests: Math.round((idle.rpcRequests * 60) / IDLE_S),
        apiRequests: Math.round((idle.apiRequests * 60) / IDLE_S),
      },
      passes,
      configJsonBytes: config.bytes,
      configJsonRevalidationStatus: configRevalidated.status,
      mainScriptBytes: scriptRaw?.bytes ?? null,
      mainScriptBytesOnTheWire: script?.bytes ?? null,
      mainScriptEncoding: script?.encoding ?? null,
      machine: { cpus: os.cpus().length, node: process.version },
    };
    mkdirSync(path.dirname(OUTPUT), { recursive: true });
    writeFileSync(OUTPUT, `${JSON.stringify(result, null, 2)}\n`);
    const row = (name: string, t: Traffic) =>
      say(
        `  ${name.padEnd(22)} ${String(t.rpcRequests).padStart(3)} chain requests (${t.rpcCalls} calls, ${t.getLogs} eth_getLogs), ${t.apiRequests} relayer requests, ${Math.round(t.bytes / 1024)} kB`,
      );
    say(`venues shown in ${venuesShownMs} ms, passes in ${passesShownMs} ms (CPU ${SLOWDOWN}× slower)`);
    row("landing", landing);
    row("resource page", resource);
    row(`idle resource, ${IDLE_S} s`, idle);
    row("my passes", passes);
    say(
      `config.json ${config.bytes} B (revalidation: ${configRevalidated.status}); main script ${scriptRaw?.bytes} B, ${script?.bytes} B as served (${script?.encoding})`,
    );
    say(`wrote ${path.relative(process.cwd(), OUTPUT)}`);
  } finally {
    await browser.close().catch(() => undefined);
    await demo.stop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:dapp failed: ${(err as Error).message}\n`);
  process.exit(1);
});
