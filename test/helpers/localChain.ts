// A real local chain for tests and benchmarks: spawns `hardhat node` on a free loopback port
// (detached, so stop() can kill its whole process group), deploys the protocol with
// scripts/lib/deploy.ts and returns the RPC URL, the deployments and Hardhat's default accounts.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { JsonRpcProvider, Wallet } from "ethers";
import { mnemonicToAccount } from "viem/accounts";
import { toHex } from "viem";
import type { Deployments } from "../../protocol/deployments.ts";
import { HARDHAT_MNEMONIC } from "../../server/demoKeys.ts";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

export type Account = { address: `0x${string}`; privateKey: `0x${string}` };

export type LocalChain = {
  rpcUrl: string;
  port: number;
  deployments: Deployments;
  accounts: Account[];
  /** Raw JSON-RPC call. */
  rpc<T = unknown>(method: string, params?: unknown[]): Promise<T>;
  stop(): Promise<void>;
};

export function hardhatAccounts(count = 20): Account[] {
  return Array.from({ length: count }, (_, i) => {
    const acc = mnemonicToAccount(HARDHAT_MNEMONIC, { addressIndex: i });
    return { address: acc.address, privateKey: toHex(acc.getHdKey().privateKey!) };
  });
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

export async function rpcCall<T>(url: string, method: string, params: unknown[] = []): Promise<T> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  const body = (await res.json()) as { result?: T; error?: { message: string } };
  if (body.error) throw new Error(`${method}: ${body.error.message}`);
  return body.result as T;
}

/** Kills a detached child and everything it started. */
export async function killGroup(child: ChildProcess, signal: NodeJS.Signals = "SIGKILL"): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || !child.pid) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
  await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
}

// `hardhat test --coverage` (run by others on a shared checkout) temporarily replaces artifacts
// with instrumented bytecode too large to deploy; wait for plain artifacts to come back.
const COVERAGE_MARKER = "c0bec0bec0bec0bec0bec0bec0bec0bec0bec0be";

export async function ensureCompiled(): Promise<void> {
  const needed = [
    "contracts/Passepartout.sol/Passepartout.json",
    "contracts/VenueRegistry.sol/VenueRegistry.json",
    "contracts/OpeningHours.sol/OpeningHours.json",
    "contracts/PassRenderer.sol/PassRenderer.json",
    "contracts/mocks/TestCAD.sol/TestCAD.json",
    "contracts/mocks/MockERC1271Wallet.sol/MockERC1271Wallet.json",
  ].map((f) => path.join(ROOT, "artifacts", f));
  const instrumented = () => needed.some((f) => existsSync(f) && readFileSync(f, "utf8").includes(COVERAGE_MARKER));
  for (let waited = 0; instrumented(); waited += 2) {
    if (waited > 300) throw new Error("artifacts/ holds coverage-instrumented bytecode: run `npx hardhat compile`");
    await new Promise((r) => setTimeout(r, 2000));
  }
  if (needed.every((f) => existsSync(f))) return;
  await new Promise<void>((resolve, reject) => {
    const p = spawn(process.execPath, [path.join(ROOT, "node_modules/hardhat/dist/src/cli.js"), "compile"], {
      cwd: ROOT,
      stdio: "inherit",
    });
    p.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`hardhat compile exited ${code}`))));
  });
}

export type StartOptions = { log?: (line: string) => void };

/** A bare `hardhat node` (nothing deployed); `chainId` makes it pose as another network. */
export type HardhatNode = Omit<LocalChain, "deployments">;

export async function startHardhatNode(opts: { chainId?: number } = {}): Promise<HardhatNode> {
  await ensureCompiled();
  const port = await freePort();
  const rpcUrl = `http://127.0.0.1:${port}`;
  const child = spawn(
    process.execPath,
    [
      path.join(ROOT, "node_modules/hardhat/dist/src/cli.js"),
      "node",
      "--hostname",
      "127.0.0.1",
      "--port",
      String(port),
      ...(opts.chainId ? ["--chain-id", String(opts.chainId)] : []),
    ],
    {
      cwd: ROOT,
      detached: true,
      stdio: ["ignore", "ignore", "pipe"],
      env: { ...process.env, HARDHAT_DISABLE_TELEMETRY_PROMPT: "true" },
    },
  );
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const stop = () => killGroup(child);
  try {
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`hardhat node exited early: ${stderr}`);
      try {
        await rpcCall(rpcUrl, "eth_chainId");
        break;
      } catch {
        if (Date.now() > deadline) throw new Error(`hardhat node not ready on ${rpcUrl}: ${stderr}`);
        await new Promise((r) => setTimeout(r, 150));
      }
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return { rpcUrl, port, accounts: hardhatAccounts(), rpc: (m, p) => rpcCall(rpcUrl, m, p), stop };
}

export async function startLocalChain(opts: StartOptions = {}): Promise<LocalChain> {
  const node = await startHardhatNode();
  const { rpcUrl, accounts, stop } = node;
  try {
    const { deployProtocol } = await import("../../scripts/lib/deploy.ts");
    const provider = new JsonRpcProvider(rpcUrl, undefined, {
      staticNetwork: true,
      pollingInterval: 50,
      cacheTimeout: -1,
    });
    const signer = new Wallet(accounts[0].privateKey, provider);
    const deployments: Deployments = await deployProtocol(signer, { testStablecoin: true, log: opts.log });
    provider.destroy();
    return { ...node, deployments };
  } catch (err) {
    await stop();
    throw err;
  }
}
