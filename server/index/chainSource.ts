// What the sync engine (server/index/syncEngine.ts) reads the chain through, and how it reports a
// long catch-up.
import type { Log, PublicClient } from "viem";
import type { Hex } from "../../protocol/types.ts";

/** Where the index reads the chain during a sync (server/index/logPager.ts and rpc.ts in the relayer). */
export type ChainSource = {
  /** Logs of the protocol from `from` up to at most `maxTo`, and the last block they cover. */
  readLogs(from: number, maxTo: number): Promise<{ to: number; logs: Log[] }>;
  /** Hash of block `n`, or null when the chain has no such block. */
  blockHash(n: number): Promise<Hex | null>;
};

export type SyncProgress = {
  done: number;
  total: number;
  logs: number;
  seconds: number;
  logsPerSecond: number;
  etaSeconds: number | null;
  final: boolean;
};

/** The sync's reads through a viem client, in pages of at most `maxRange` blocks. */
export function clientSource(client: PublicClient, contract: Hex, maxRange: number): ChainSource {
  return {
    async readLogs(from, maxTo) {
      const to = Math.min(maxTo, from + maxRange - 1);
      const logs = await client.getLogs({ address: contract, fromBlock: BigInt(from), toBlock: BigInt(to) });
      return { to, logs };
    },
    async blockHash(n) {
      const b = await client.getBlock({ blockNumber: BigInt(n) }).catch((err) => {
        if ((err as { name?: string }).name === "BlockNotFoundError") return null;
        throw err;
      });
      return b?.hash ?? null;
    },
  };
}

/** Blocks done / total, logs/s and ETA of one catch-up. */
export class ProgressMeter {
  private readonly from: number;
  private readonly total: number;
  private readonly startedAt = Date.now();
  private done = 0;
  private logs = 0;
  constructor(tip: number, head: number) {
    this.from = tip;
    this.total = head - tip;
  }
  add(to: number, logs: number): void {
    this.done = to - this.from;
    this.logs += logs;
  }
  report(final: boolean): SyncProgress {
    const seconds = (Date.now() - this.startedAt) / 1000;
    const rate = seconds > 0 ? this.done / seconds : 0;
    return {
      done: this.done,
      total: this.total,
      logs: this.logs,
      seconds: Math.round(seconds * 10) / 10,
      logsPerSecond: seconds > 0 ? Math.round(this.logs / seconds) : 0,
      etaSeconds: final ? 0 : rate > 0 ? Math.round((this.total - this.done) / rate) : null,
      final,
    };
  }
}
