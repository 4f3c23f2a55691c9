// Helpers the benches share (bench/relayer.ts, bench/scale.ts): figures, HTTP on a keep-alive
// agent, readiness polling, per-process CPU and memory from /proc, bounded concurrency.
import http from "node:http";
import { existsSync, readFileSync, writeFileSync } from "node:fs";

/** A one-line failure: printed without a stack. */
export class BenchError extends Error {}

/** A positive integer from the environment, or `fallback` when unset. */
export function intFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  const n = raw === undefined || raw === "" ? fallback : Number(raw);
  if (!Number.isSafeInteger(n) || n < 1) throw new BenchError(`${name} must be a positive integer, got ${raw}`);
  return n;
}

export function round(x: number): number {
  return Math.round(x * 100) / 100;
}

export function percentiles(latencies: number[]): { p50: number; p99: number } {
  const s = [...latencies].sort((a, b) => a - b);
  const at = (q: number) => round(s[Math.min(s.length - 1, Math.floor(q * s.length))]);
  return { p50: at(0.5), p99: at(0.99) };
}

/** VmRSS and VmHWM of a process, in MB. */
export function memoryOf(pid: number): { rssMB: number; peakMB: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? NaN);
  return { rssMB: Math.round(kb("VmRSS") / 1024), peakMB: Math.round(kb("VmHWM") / 1024) };
}

/** utime and stime of a process (all its threads), in clock ticks (1/100 s). */
export function cpuSplit(pid: number): [number, number] {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return [Number(fields[11]), Number(fields[12])];
}

export function cpuTicks(pid: number): number {
  const [user, system] = cpuSplit(pid);
  return user + system;
}

/** `fn` over `items`, at most `limit` at a time, results in order. */
export async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]);
      }
    }),
  );
  return out;
}

/** One HTTP request on `agent` (a JSON body with `extra` headers, a cookie): its status and body. */
export function request(
  agent: http.Agent,
  url: string,
  method: string,
  body?: string,
  cookie?: string,
  extra: Record<string, string> = {},
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = {};
    if (body)
      Object.assign(headers, {
        "content-type": "application/json",
        "content-length": Buffer.byteLength(body),
        ...extra,
      });
    if (cookie) headers.cookie = cookie;
    const req = http.request(url, { method, agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(body);
  });
}

/** Polls `url` until it answers 2xx. */
export async function waitFor(url: string, timeoutMs = 60_000, everyMs = 100): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not yet
    }
    if (Date.now() > until) throw new BenchError(`${url} not ready after ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Writes `entries` into the JSON file `file`, keeping its other keys (several benches share one file). */
export function writeBenchKeys(file: string, entries: Record<string, unknown>): void {
  const out = existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>) : {};
  writeFileSync(file, `${JSON.stringify({ ...out, ...entries }, null, 2)}\n`);
}
