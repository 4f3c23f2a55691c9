// ERC-1271 signature checks, kept away from ordinary (EOA) requests.
//
// A contract wallet's `isValidSignature` runs code the requester chose: a hostile "wallet" can burn
// every unit of gas it is given, and the node that runs it answers everyone else later. So:
// - each call has capped gas and its own RPC timeout (see `ContractCallLimits` in chain.ts);
// - calls run on their own lane, at most `concurrency` at once and `queue` waiting; a request that
//   finds the lane full, or does not get a turn before its decision deadline, is shed (`busy`);
// - a "no" (or a timeout) is remembered per code hash for `negativeTtlMs`: while the lane is busy,
//   code that said no recently is shed without being asked again. When the lane is idle it is asked
//   again, and code that ever said "yes" is never shed: every Safe proxy has the same code, so junk
//   naming one wallet must not lock out every other wallet built from that code.
// EOA requests never come here (recovery matched the signer), so none of this is on their path.
import type { ChainReader } from "../index/chain.ts";
import type { Hex } from "./doorCrypto.ts";

export type ContractCheck = "valid" | "invalid" | "no_code" | "busy";

export type ContractCheckerOptions = {
  concurrency: number;
  queue: number;
  negativeTtlMs: number;
  /** How long "this address has code X" is reused (code rarely changes). */
  codeTtlMs?: number;
};

type Waiter = { start: () => void; timer: NodeJS.Timeout };

export class ContractSignatureChecker {
  /** Calls made to `isValidSignature` (tests and metrics). */
  calls = 0;
  /** Requests shed without a call (lane full, no turn in time, or recent "no" while busy). */
  shed = 0;
  private running = 0;
  private readonly waiting: Waiter[] = [];
  private readonly codes = new Map<string, { hash: Hex | null; at: number }>();
  private readonly negative = new Map<Hex, number>();
  private readonly good = new Set<Hex>();
  private readonly reader: ChainReader;
  private readonly o: Required<ContractCheckerOptions>;

  constructor(reader: ChainReader, o: ContractCheckerOptions) {
    this.reader = reader;
    this.o = { codeTtlMs: 30_000, ...o };
  }

  /**
   * Whether `wallet` accepts `signature` over `digest`. `deadlineAt` (performance.now() ms) is the
   * last moment a queued check may start. Rejects only when the chain cannot be read.
   */
  async check(wallet: Hex, digest: Hex, signature: Hex, deadlineAt: number): Promise<ContractCheck> {
    const hash = await this.codeHash(wallet);
    if (hash === null) return "no_code";
    if (this.busy(0) && this.saidNoRecently(hash)) return this.shedOne();
    if (!(await this.turn(deadlineAt))) return this.shedOne();
    // Checks queued behind the first "no" of that code learn it only now.
    if (this.busy(1) && this.saidNoRecently(hash)) {
      this.release();
      return this.shedOne();
    }
    try {
      this.calls++;
      let ok: boolean;
      try {
        ok = await this.reader.isValidSignature(wallet, digest, signature);
      } catch (err) {
        // A wallet that does not answer within its own timeout said no; other failures are the chain's.
        if (!isTimeout(err)) throw err;
        ok = false;
      }
      if (ok) {
        if (this.good.size > 10_000) this.good.clear();
        this.good.add(hash);
        this.negative.delete(hash);
      } else if (!this.good.has(hash)) {
        if (this.negative.size > 10_000) this.negative.clear();
        this.negative.set(hash, Date.now() + this.o.negativeTtlMs);
      }
      return ok ? "valid" : "invalid";
    } finally {
      this.release();
    }
  }

  /** Whether other checks than `mine` (0 or 1, this one's slot) are running or waiting. */
  private busy(mine: number): boolean {
    return this.running > mine || this.waiting.length > 0;
  }

  private saidNoRecently(hash: Hex): boolean {
    return !this.good.has(hash) && (this.negative.get(hash) ?? 0) > Date.now();
  }

  private shedOne(): "busy" {
    this.shed++;
    return "busy";
  }

  private async codeHash(wallet: Hex): Promise<Hex | null> {
    const hit = this.codes.get(wallet);
    if (hit && Date.now() - hit.at < this.o.codeTtlMs) return hit.hash;
    const hash = await this.reader.codeHash(wallet);
    if (this.codes.size > 10_000) this.codes.clear();
    this.codes.set(wallet, { hash, at: Date.now() });
    return hash;
  }

  /** Resolves true when this check may run, false when it is shed. */
  private turn(deadlineAt: number): Promise<boolean> {
    if (this.running < this.o.concurrency) {
      this.running++;
      return Promise.resolve(true);
    }
    const wait = deadlineAt - performance.now();
    if (this.waiting.length >= this.o.queue || wait <= 0) return Promise.resolve(false);
    return new Promise((resolve) => {
      const w: Waiter = {
        start: () => {
          clearTimeout(w.timer);
          resolve(true);
        },
        timer: setTimeout(() => {
          const i = this.waiting.indexOf(w);
          if (i >= 0) this.waiting.splice(i, 1);
          resolve(false);
        }, wait),
      };
      this.waiting.push(w);
    });
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next)
      next.start(); // the slot passes on: `running` stays
    else this.running--;
  }
}

function isTimeout(err: unknown): boolean {
  let e = err as { name?: string; cause?: unknown } | undefined;
  for (let i = 0; e && i < 8; i++) {
    if (e.name === "TimeoutError") return true;
    e = e.cause as typeof e;
  }
  return false;
}
