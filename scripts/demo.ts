// The whole system on one command: `npm run demo`.
// Fresh local Hardhat node → deploy → seed the demo network → embedded MQTT broker and one door agent
// per venue (simulated locks) → relayer → the dApp
// (web/dist, built when missing or older than its sources) and its config.json served on one origin that also forwards /api to
// the relayer and /rpc to the node. Ctrl-C stops every process it started. Each run starts from a
// fresh chain in a fresh temporary directory, so a second run behaves like the first.
//
// Env: WEB_PORT (default 5173; another free port is chosen if taken), DEMO_QUIET=1.
// The e2e tests import `startDemo` and get the same stack on free ports.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { JsonRpcProvider } from "ethers";
import { mnemonicToAccount } from "viem/accounts";
import type { Deployments } from "../protocol/deployments.ts";
import { RPC_BODY_LIMIT, rpcGate } from "./lib/rpcGate.ts";
import { staticFiles } from "./lib/staticFiles.ts";
import { startDemoDoors } from "./lib/demoDoors.ts";
import { dappDeployments } from "../web/src/lib/config.ts";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const DIST = path.join(ROOT, "web", "dist");
const HARDHAT_CLI = path.join(ROOT, "node_modules", "hardhat", "dist", "src", "cli.js");
const VITE_CLI = path.join(ROOT, "node_modules", "vite", "bin", "vite.js");
const MNEMONIC = "test test test test test test test test test test test junk";
/** The demo's chain in hardhat.config.ts: its time stays on the wall clock under bursts of blocks. */
export const DEMO_NETWORK = "demo";
const CHAIN_ID = 31337;
/** The probe address Hardhat's coverage instrumentation calls (c0be…c0be). */
const COVERAGE_MARKER = "c0bec0bec0bec0bec0bec0bec0bec0bec0bec0be";

export type DemoAccount = { index: number; role: string; address: `0x${string}`; privateKey: `0x${string}` };

export type Demo = {
  url: string;
  rpcUrl: string;
  relayerUrl: string;
  /** The embedded MQTT broker the relayer and the door agents connect to. */
  brokerUrl: string;
  /** Every door decision the agents published, lock-signed: GET {doorLogUrl}/log[?door=N]. */
  doorLogUrl: string;
  /** The door screens the agents serve (QR codes of fresh challenges): door id → page URL. */
  doorScreens: Map<number, string>;
  runDir: string;
  deployments: Deployments;
  accounts: DemoAccount[];
  /** The relayer's process id and the environment it runs with (see relayerCommand). */
  relayer: { pid: number | undefined; env: Record<string, string> };
  stop: () => Promise<void>;
};

/** The relayer's settings in the demo (all of them: the rest are server/config.ts defaults). */
export function demoRelayerEnv(o: {
  rpcUrl: string;
  runDir: string;
  port: number;
  brokerUrl: string;
  brokerPassword: string;
  webPort: number;
  sessionSecret: string;
}): Record<string, string> {
  return {
    RPC_URL: o.rpcUrl,
    CHAIN_ID: String(CHAIN_ID),
    DEPLOYMENTS_DIR: o.runDir,
    LOG_LEVEL: "info",
    PORT: String(o.port),
    BROKER_URL: o.brokerUrl,
    BROKER_PASSWORD: o.brokerPassword,
    DAPP_ORIGIN: `http://127.0.0.1:${o.webPort},http://localhost:${o.webPort}`,
    AUDIT_DB: path.join(o.runDir, "audit.sqlite"),
    INDEX_DB: path.join(o.runDir, "index.sqlite"),
    // Fixed for the demo's lifetime, so a restarted relayer keeps the members' sessions and nonces.
    SESSION_SECRET: o.sessionSecret,
    // The dApp origin's /api proxy (serveDappOrigin) is on this host and sets X-Forwarded-For: each
    // browser is counted under its own address, not all under the proxy's. The relayer listens on
    // 127.0.0.1 only, so no peer outside this host is trusted.
    TRUST_PROXY: "loopback",
  };
}

/** The exact shell command that starts a relayer with `env` (from the repository, with this Node). */
export function relayerCommand(env: Record<string, string>): string {
  const q = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;
  const vars = Object.entries(env)
    .map(([k, v]) => `${k}=${q(v)}`)
    .join(" ");
  return `cd ${q(ROOT)} && env ${vars} ${q(process.execPath)} server/main.ts`;
}

export type DemoOptions = {
  /** Preferred port of the dApp; 0 picks a free one. */
  webPort?: number;
  log?: (line: string) => void;
};

/** web/dist is missing, or a source of the dApp (web/, protocol/) changed since it was built. */
function webBuildStale(): boolean {
  const built = path.join(DIST, "index.html");
  if (!existsSync(built)) return true;
  const builtAt = statSync(built).mtimeMs;
  const newer = (p: string): boolean => {
    if (!existsSync(p)) return false;
    const st = statSync(p);
    if (!st.isDirectory()) return st.mtimeMs > builtAt;
    return readdirSync(p).some((f) => f !== "node_modules" && f !== "dist" && newer(path.join(p, f)));
  };
  return newer(path.join(ROOT, "web")) || newer(path.join(ROOT, "protocol"));
}

/** Hardhat default account #i of the public test mnemonic. */
export function demoAccount(index: number): { address: `0x${string}`; privateKey: `0x${string}` } {
  const a = mnemonicToAccount(MNEMONIC, { addressIndex: index });
  return { address: a.address, privateKey: `0x${Buffer.from(a.getHdKey().privateKey!).toString("hex")}` };
}

export function freePort(preferred = 0): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.once("error", (err: NodeJS.ErrnoException) => {
      if (preferred !== 0 && err.code === "EADDRINUSE") resolve(freePort(0));
      else reject(err);
    });
    srv.listen(preferred, "127.0.0.1", () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(
  what: string,
  check: () => Promise<boolean>,
  child: ChildProcess | null,
  logFile: string | null,
  timeoutMs = 60_000,
) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (child && child.exitCode !== null) break;
    try {
      if (await check()) return;
    } catch {
      // not up yet
    }
    await sleep(200);
  }
  const tail = logFile && existsSync(logFile) ? readFileSync(logFile, "utf8").split("\n").slice(-15).join("\n") : "";
  throw new Error(
    `${what} did not start${child?.exitCode != null ? ` (exited with ${child.exitCode})` : ""}${tail ? `; last log lines:\n${tail}` : ""}`,
  );
}

async function rpc(url: string, method: string, params: unknown[] = []): Promise<unknown> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  const body = (await res.json()) as { result?: unknown; error?: { message: string } };
  if (body.error) throw new Error(body.error.message);
  return body.result;
}

/** Runs a Node script to completion (compile, build), output to `logFile`. */
function run(args: string[], logFile: string, env: NodeJS.ProcessEnv = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    const out = openSync(logFile, "a");
    const child = spawn(process.execPath, args, {
      cwd: ROOT,
      stdio: ["ignore", out, out],
      env: { ...process.env, ...env },
    });
    child.once("error", reject);
    child.once("exit", (code) =>
      code === 0 ? resolve() : reject(new Error(`${args.slice(0, 2).join(" ")} failed (exit ${code}); see ${logFile}`)),
    );
  });
}

export async function startDemo(opts: DemoOptions = {}): Promise<Demo> {
  const log = opts.log ?? (() => {});
  const runDir = mkdtempSync(path.join(os.tmpdir(), "passepartout-demo-"));
  const children: ChildProcess[] = [];
  const servers: http.Server[] = [];
  /** In-process services (the broker, the door log), closed after the processes. */
  const closers: (() => Promise<void>)[] = [];
  let stopped = false;

  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await Promise.all(servers.map((s) => new Promise((r) => (s.closeAllConnections(), s.close(r)))));
    for (const c of children.reverse()) {
      if (c.exitCode !== null || c.pid === undefined) continue;
      try {
        process.kill(-c.pid, "SIGTERM"); // the whole process group (npx/hardhat grandchildren too)
      } catch {
        // already gone
      }
    }
    const deadline = Date.now() + 5000;
    while (children.some((c) => c.exitCode === null && c.signalCode === null) && Date.now() < deadline)
      await sleep(100);
    for (const c of children) {
      if (c.exitCode === null && c.signalCode === null && c.pid !== undefined) {
        try {
          process.kill(-c.pid, "SIGKILL");
        } catch {
          // gone
        }
      }
    }
    for (const close of closers) await close().catch(() => undefined);
  };

  /** Starts a long-running Node process in its own process group, output to a log file. */
  const daemon = (name: string, args: string[], env: NodeJS.ProcessEnv = {}) => {
    const logFile = path.join(runDir, `${name}.log`);
    const out = openSync(logFile, "a");
    const child = spawn(process.execPath, args, {
      cwd: ROOT,
      detached: true,
      stdio: ["ignore", out, out],
      env: { ...process.env, ...env },
    });
    children.push(child);
    return { child, logFile };
  };

  try {
    const [webPort, nodePort, relayerPort] = [await freePort(opts.webPort ?? 0), await freePort(), await freePort()];
    if (opts.webPort && webPort !== opts.webPort) log(`port ${opts.webPort} is taken; using ${webPort} for the dApp`);

    const artifact = path.join(ROOT, "artifacts", "contracts", "Passepartout.sol", "Passepartout.json");
    // `hardhat test --coverage` leaves instrumented bytecode (too large to deploy) in artifacts/.
    const instrumented = () => existsSync(artifact) && readFileSync(artifact, "utf8").includes(COVERAGE_MARKER);
    if (instrumented()) {
      log("artifacts/ holds coverage-instrumented contracts; waiting for a clean build…");
      const until = Date.now() + 60_000;
      while (instrumented() && Date.now() < until) await sleep(2000);
    }
    if (!existsSync(artifact) || instrumented()) {
      log("compiling contracts…");
      await run([HARDHAT_CLI, "compile", ...(instrumented() ? ["--force"] : [])], path.join(runDir, "compile.log"));
    }
    await buildWebIfStale(path.join(runDir, "build.log"), log);

    log(`starting a fresh Hardhat node on 127.0.0.1:${nodePort}…`);
    const rpcUrl = `http://127.0.0.1:${nodePort}`;
    const node = daemon("hardhat-node", [
      HARDHAT_CLI,
      "--network",
      DEMO_NETWORK,
      "node",
      "--hostname",
      "127.0.0.1",
      "--port",
      String(nodePort),
    ]);
    await waitFor(
      "the Hardhat node",
      async () => (await rpc(rpcUrl, "eth_chainId")) === "0x7a69",
      node.child,
      node.logFile,
    );

    log("deploying the contracts…");
    const { deployProtocol } = await import("./lib/deploy.ts");
    const { seedDemo } = await import("./lib/seed.ts");
    const provider = new JsonRpcProvider(rpcUrl, CHAIN_ID, {
      staticNetwork: true,
      polling: true,
      pollingInterval: 100,
    });
    const deployments = await deployProtocol(await provider.getSigner(0), {
      testStablecoin: true,
      log: (l) => log(`  · ${l}`),
    });
    writeFileSync(path.join(runDir, `${CHAIN_ID}.json`), JSON.stringify(deployments, null, 2));

    log("seeding the demo network (venues, resources, doors, members)…");
    const seeded = await seedDemo(
      deployments,
      (i) => provider.getSigner(i),
      (l) => log(`  · ${l}`),
    );
    provider.destroy();

    const webOrigin = `http://127.0.0.1:${webPort}`;
    const relayerUrl = `http://127.0.0.1:${relayerPort}`;
    let relayerEnv: ReturnType<typeof demoRelayerEnv> = {};
    let relayer: ReturnType<typeof daemon> | undefined;
    log("starting the embedded MQTT broker and a door agent per venue (simulated locks), and the relayer…");
    const doors = await startDemoDoors({
      rpcUrl,
      chainId: CHAIN_ID,
      runDir,
      deployments,
      log: (l) => log(`  · ${l}`),
      children,
      dappUrl: `http://127.0.0.1:${webPort}/`,
      // The relayer needs only the broker: it starts while the agents come online.
      whileAgentsStart: async ({ brokerUrl, relayerPassword }) => {
        relayerEnv = demoRelayerEnv({
          rpcUrl,
          runDir,
          port: relayerPort,
          brokerUrl,
          brokerPassword: relayerPassword,
          webPort,
          sessionSecret: randomBytes(32).toString("hex"),
        });
        log(`  · the relayer on ${relayerUrl}`);
        relayer = daemon("relayer", [path.join(ROOT, "server", "main.ts")], relayerEnv);
        await waitFor(
          "the relayer",
          async () => (await fetch(`${relayerUrl}/api/siwe/nonce`)).ok,
          relayer.child,
          relayer.logFile,
        );
      },
    });
    closers.push(() => doors.stop());

    log(`serving the dApp on ${webOrigin}…`);
    servers.push(await serveDappOrigin({ port: webPort, relayerUrl, rpcUrl, deployments }));

    const roles = new Map<number, string>([
      [0, "network admin and treasury"],
      [9, "relayer key (trusted by every venue)"],
    ]);
    const { DEMO_VENUES, DEMO_MEMBERS } = await import("./lib/demoNetwork.ts");
    for (const v of DEMO_VENUES)
      for (const p of v.payees) roles.set(p.account, `${p.role} of ${v.name} (${p.shareBps / 100} %)`);
    for (const m of DEMO_MEMBERS) roles.set(m, "member (ETH + 5,000 TestCAD)");
    const accounts = [...roles]
      .sort((a, b) => a[0] - b[0])
      .map(([index, role]) => ({ index, role, ...demoAccount(index) }));
    void seeded;
    return {
      url: `${webOrigin}/`,
      rpcUrl,
      relayerUrl,
      brokerUrl: doors.brokerUrl,
      doorLogUrl: doors.doorLogUrl,
      doorScreens: doors.screens,
      runDir,
      deployments,
      accounts,
      relayer: { pid: relayer!.child.pid, env: relayerEnv },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

// --- the dApp's origin: static files, config.json, and proxies to the relayer and the node -----

/** Builds web/dist when it is missing or older than its sources (the build's output goes to `logFile`). */
export async function buildWebIfStale(logFile: string, log: (line: string) => void = () => {}): Promise<void> {
  if (!webBuildStale()) return;
  log("building the dApp…");
  await run([VITE_CLI, "build", "web"], logFile);
}

/**
 * Serves the dApp on 127.0.0.1:`port`: web/dist, its config.json (chain reads through this
 * origin's /rpc), /api forwarded to `relayerUrl` and /rpc (gated) to `rpcUrl`. Used by the demo and
 * bench/scale.ts.
 */
export async function serveDappOrigin(o: {
  port: number;
  relayerUrl: string;
  rpcUrl: string;
  deployments: Deployments;
}): Promise<http.Server> {
  const config = {
    chainId: CHAIN_ID,
    chainName: "Passepartout demo (Hardhat)",
    rpcUrl: `http://127.0.0.1:${o.port}/rpc`,
    relayerUrl: "",
    deployments: dappDeployments(o.deployments),
  };
  const server = http.createServer((req, res) =>
    serve(req, res, { config, relayerUrl: o.relayerUrl, rpcUrl: o.rpcUrl }),
  );
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(o.port, "127.0.0.1", () => resolve());
  });
  return server;
}

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".json": "application/json",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
};

function proxy(req: http.IncomingMessage, res: http.ServerResponse, target: string) {
  const url = new URL(req.url ?? "/", target);
  const upstream = http.request(
    url,
    { method: req.method, headers: { ...req.headers, "x-forwarded-for": req.socket.remoteAddress ?? "" } },
    (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    },
  );
  upstream.on("error", () => {
    if (!res.headersSent) res.writeHead(502, { "content-type": "application/json" });
    res.end(JSON.stringify({ error: { code: "upstream_unavailable", message: `${target} did not answer` } }));
  });
  req.pipe(upstream);
}

/** /rpc: reads the body (bounded), forwards it only when rpcGate allows every call in it. */
function gatedRpc(req: http.IncomingMessage, res: http.ServerResponse, target: string) {
  const reply = (status: number, body: unknown) => {
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify(body));
  };
  if (req.method !== "POST")
    return reply(405, { jsonrpc: "2.0", id: null, error: { code: -32600, message: "POST a JSON-RPC request" } });
  const chunks: Buffer[] = [];
  let size = 0;
  req.on("data", (c: Buffer) => {
    size += c.length;
    if (size > RPC_BODY_LIMIT) {
      reply(413, { jsonrpc: "2.0", id: null, error: { code: -32600, message: "request too large" } });
      req.destroy();
    } else chunks.push(c);
  });
  req.on("end", () => {
    if (res.headersSent) return;
    const raw = Buffer.concat(chunks).toString("utf8");
    const verdict = rpcGate(raw);
    if (!verdict.ok) return reply(verdict.status, verdict.body);
    const upstream = http.request(target, { method: "POST", headers: { "content-type": "application/json" } }, (up) => {
      res.writeHead(up.statusCode ?? 502, { "content-type": up.headers["content-type"] ?? "application/json" });
      up.pipe(res);
    });
    upstream.on("error", () => {
      if (!res.headersSent)
        reply(502, { jsonrpc: "2.0", id: null, error: { code: -32603, message: "the chain did not answer" } });
    });
    upstream.end(raw);
  });
}

function serve(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  ctx: { config: object; relayerUrl: string; rpcUrl: string },
) {
  const pathname = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
  if (pathname.startsWith("/api/") || pathname === "/openapi.json") return proxy(req, res, ctx.relayerUrl);
  if (pathname === "/rpc") return gatedRpc(req, res, ctx.rpcUrl);
  // Revalidated at every load (a redeployment shows at once), answered 304 while unchanged.
  if (pathname === "/config.json") return STATIC.json(req, res, ctx.config, "no-cache");
  let file = path.join(DIST, path.normalize(pathname).replace(/^(\.\.[/\\])+/, ""));
  if (!file.startsWith(DIST) || !existsSync(file) || statSync(file).isDirectory()) file = path.join(DIST, "index.html");
  const ext = path.extname(file);
  STATIC.file(req, res, file, {
    "content-type": TYPES[ext] ?? "application/octet-stream",
    "cache-control": pathname.startsWith("/assets/") ? "public, max-age=31536000, immutable" : "no-cache",
    "x-content-type-options": "nosniff",
  });
}

const STATIC = staticFiles();

// --- CLI ----------------------------------------------------------------------------------------

async function main() {
  const quiet = process.env.DEMO_QUIET === "1";
  const say = (line: string) => process.stdout.write(`${line}\n`);
  const started = Date.now();
  say("Passepartout demo — starting the whole system on a fresh local chain");
  let demo: Demo;
  try {
    demo = await startDemo({ webPort: Number(process.env.WEB_PORT ?? 5173), log: quiet ? () => {} : say });
  } catch (err) {
    process.stderr.write(`\ndemo failed: ${(err as Error).message}\n`);
    process.exit(1);
  }
  const v = demo.deployments.contracts;
  say(`
Ready in ${((Date.now() - started) / 1000).toFixed(0)} s.

  dApp            ${demo.url}
  chain           ${demo.rpcUrl}  (chain id ${CHAIN_ID}; the dApp proxies it at ${demo.url}rpc)
  relayer         ${demo.relayerUrl}  (API docs: ${demo.url}openapi.json; network: ${demo.relayerUrl}/api/network)
  MQTT broker     ${demo.brokerUrl}  (embedded aedes; one door agent per venue, see agent-venue-*.log)
  door log        ${demo.doorLogUrl}/log  (every decision at the doors, signed by their lock keys)
  door screens    ${[...demo.doorScreens.values()].join("  ")}
  Passepartout    ${v.Passepartout.address}
  TestCAD         ${v.TestCAD?.address ?? "-"}
  deployments     ${path.join(demo.runDir, `${CHAIN_ID}.json`)}  (also ${demo.relayerUrl}/api/network/deployments)
  logs            ${demo.runDir}

Demo accounts (Hardhat's public test keys — never use them on a real network):`);
  for (const a of demo.accounts) say(`  #${String(a.index).padEnd(2)} ${a.address}  ${a.privateKey}  ${a.role}`);
  say(`
Try it:
  1. In a browser wallet (MetaMask, Rabby…) add the network: RPC ${demo.url}rpc, chain id ${CHAIN_ID}, symbol ETH;
     import a member key (#10–#14), e.g. ${demo.accounts.find((a) => a.index === 10)?.privateKey}
  2. Open ${demo.url}, connect, sign in.
  3. Venues → "etc Saint-Germain" → "Poste partagé" → "Now (this hour)" → Book (TestCAD, permit signature).
  4. My passes → your pass is under "Now" → "Open …": the venue's door agent opens its simulated lock (see ${demo.doorLogUrl}/log).
  4b. Or open a door screen above on another device or window and scan its code from My passes → "Scan the door’s code".
  5. Operator pages: import #3 (operator of etc Saint-Germain) → settle, then claim its share.

Restart only the relayer with the demo's settings (the dApp keeps forwarding to its port):
  kill ${demo.relayer.pid}
  ${relayerCommand(demo.relayer.env)}
(a relayer started this way is yours: Ctrl-C here does not stop it.)

Ctrl-C stops everything.`);
  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    say("\nstopping…");
    await demo.stop();
    if (process.env.DEMO_KEEP_LOGS !== "1") rmSync(demo.runDir, { recursive: true, force: true });
    say("stopped.");
    process.exit(0);
  };
  process.on("SIGINT", () => void shutdown());
  process.on("SIGTERM", () => void shutdown());
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
