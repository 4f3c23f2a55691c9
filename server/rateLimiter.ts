// Fixed-window rate limits per key, in memory, with IETF draft-8 `RateLimit` headers: the relayer's
// per-IP and per-signer limits (server/http) and the sponsor's per-member limit (server/sponsor).
import { createHash } from "node:crypto";

export type HeaderList = [string, string][];

export type LimitResult = { limited: boolean; retryAfterS: number; headers: HeaderList };

/** Fixed windows per key, in memory; `now` is injectable (milliseconds). */
export class RateLimiter {
  private readonly windows = new Map<string, { hits: number; resetAt: number }>();
  private readonly policy: string;
  private readonly name: string;
  readonly limit: number;
  readonly windowMs: number;
  private readonly now: () => number;

  constructor(limit: number, windowMs: number, now: () => number = Date.now) {
    this.limit = limit;
    this.windowMs = windowMs;
    this.now = now;
    const windowS = Math.ceil(windowMs / 1000);
    this.name =
      windowMs % 60_000 === 0 && windowMs < 3_600_000
        ? `${limit}-in-${windowMs / 60_000}min`
        : `${limit}-in-${windowS}sec`;
    this.policy = `"${this.name}"; q=${limit}; w=${windowS}`;
  }

  /** Counts one hit for `key`; `limited` once the window holds more than `limit`. */
  hit(key: string): LimitResult {
    const now = this.now();
    let w = this.windows.get(key);
    if (!w || w.resetAt <= now) {
      if (this.windows.size >= 100_000) this.prune(now);
      w = { hits: 0, resetAt: now + this.windowMs };
      this.windows.set(key, w);
    }
    w.hits++;
    const reset = Math.max(0, Math.ceil((w.resetAt - now) / 1000));
    const limited = w.hits > this.limit;
    // The partition key names the client's bucket without revealing its address.
    const pk = createHash("sha256").update(key).digest("base64").slice(0, 16);
    const headers: HeaderList = [
      ["RateLimit", `"${this.name}"; r=${Math.max(this.limit - w.hits, 0)}; t=${reset}`],
      ["RateLimit-Policy", `${this.policy}; pk=:${pk}:`],
    ];
    if (limited) headers.push(["Retry-After", String(Math.max(reset, 1))]);
    return { limited, retryAfterS: limited ? Math.max(reset, 1) : 0, headers };
  }

  private prune(now: number): void {
    for (const [k, w] of this.windows) if (w.resetAt <= now) this.windows.delete(k);
  }
}
