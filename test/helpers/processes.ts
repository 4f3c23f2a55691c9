// Starting the repository's scripts as real processes in tests: detached (killGroup stops the whole
// group), output piped, the test's environment plus overrides.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { ROOT } from "./localChain.ts";

export function run(script: string, env: Record<string, string>, args: string[] = []): ChildProcess {
  return spawn(process.execPath, [path.join(ROOT, script), ...args], {
    cwd: ROOT,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, ...env },
  });
}

/** Waits for the process to exit; its exit code and everything it wrote to stderr and stdout. */
export async function exitOf(child: ChildProcess): Promise<{ code: number | null; stderr: string; stdout: string }> {
  let stderr = "";
  let stdout = "";
  child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  child.stdout?.on("data", (d: Buffer) => (stdout += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on("close", (c) => resolve(c)));
  return { code, stderr, stdout };
}

/** Polls `url` until it answers 2xx; fails when the process exits first or after `timeoutMs`. */
export async function waitHttp(url: string, child: ChildProcess, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`process exited with ${child.exitCode}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not yet
    }
    if (Date.now() > deadline) throw new Error(`${url} not ready`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
