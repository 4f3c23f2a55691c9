// Reads the protocol's logs in pages a provider accepts.
//
// A page spans at most `maxBlockRange` blocks. When the provider refuses it for its size (an
// RpcError of kind "range"), or answers `maxLogsPerResponse` logs or more (a provider that caps
// silently looks exactly like that), the page is halved and read again; after ten pages in a row
// came back well under the limit the range doubles again, up to `maxBlockRange`. A single block that still
// does not fit is an error naming the setting to raise: the index never applies a partial block.
// Logs from any other address than the protocol's (a misbehaving provider or proxy) are dropped
// and counted.
import type { Log } from "viem";
import type { Hex } from "../../protocol/types.ts";
import { RpcError, type RpcCall } from "./rpc.ts";

export type LogPagerOptions = {
  call: RpcCall;
  /** The protocol's addresses: the only ones whose logs are applied. */
  addresses: Hex[];
  maxBlockRange: number;
  maxLogsPerResponse: number;
  onForeignLogs?: (count: number) => void;
  onRangeRefused?: (info: { from: number; to: number; nextRange: number; reason: string }) => void;
};

type RawLog = {
  address: string;
  blockNumber: string;
  blockHash: string;
  logIndex: string;
  transactionHash: string;
  transactionIndex: string;
  data: string;
  topics: string[];
  removed?: boolean;
  blockTimestamp?: string;
};

export type LogPage = { to: number; logs: Log[] };

export class LogPager {
  private readonly call: RpcCall;
  private readonly addresses: Set<string>;
  private readonly maxBlockRange: number;
  private readonly maxLogs: number;
  private readonly onForeignLogs?: LogPagerOptions["onForeignLogs"];
  private readonly onRangeRefused?: LogPagerOptions["onRangeRefused"];
  /** The block range of the next page (adapts to what the provider accepts). */
  range: number;
  foreignLogs = 0;
  private goodPages = 0;

  constructor(opts: LogPagerOptions) {
    if (!opts.addresses.length) throw new Error("LogPager needs at least one address");
    this.call = opts.call;
    this.addresses = new Set(opts.addresses.map((a) => a.toLowerCase()));
    this.maxBlockRange = opts.maxBlockRange;
    this.maxLogs = opts.maxLogsPerResponse;
    this.onForeignLogs = opts.onForeignLogs;
    this.onRangeRefused = opts.onRangeRefused;
    this.range = opts.maxBlockRange;
  }

  /** Logs of blocks `from`..`to` (to ≤ maxTo, as far as one accepted page goes), ordered by block and index. */
  async read(from: number, maxTo: number): Promise<LogPage> {
    for (;;) {
      const to = Math.min(maxTo, from + this.range - 1);
      let raw: RawLog[];
      try {
        raw = await this.call<RawLog[]>("eth_getLogs", [
          {
            address: [...this.addresses],
            fromBlock: `0x${from.toString(16)}`,
            toBlock: `0x${to.toString(16)}`,
          },
        ]);
        if (!Array.isArray(raw)) throw new RpcError("transient", "eth_getLogs: answer is not a list");
      } catch (err) {
        if (err instanceof RpcError && err.kind === "range") {
          this.shrink(from, to, err.message);
          continue;
        }
        throw err;
      }
      const logs: Log[] = [];
      let foreign = 0;
      for (const l of raw) {
        const n = Number(l.blockNumber);
        if (!this.addresses.has(String(l.address).toLowerCase()) || !(n >= from && n <= to) || l.removed) {
          foreign++;
          continue;
        }
        logs.push({
          address: l.address.toLowerCase() as Hex,
          blockNumber: BigInt(l.blockNumber),
          blockHash: l.blockHash as Hex,
          logIndex: Number(l.logIndex),
          transactionHash: l.transactionHash as Hex,
          transactionIndex: Number(l.transactionIndex),
          data: l.data as Hex,
          topics: l.topics as [Hex, ...Hex[]],
          removed: false,
          // Kept when the provider sends it (receipts are dated by their block's time).
          ...(l.blockTimestamp === undefined ? {} : { blockTimestamp: BigInt(l.blockTimestamp) }),
        });
      }
      if (foreign) {
        this.foreignLogs += foreign;
        this.onForeignLogs?.(foreign);
      }
      if (raw.length >= this.maxLogs) {
        this.shrink(from, to, `${raw.length} logs, at or over the ${this.maxLogs} per response`);
        continue;
      }
      // The index groups logs by block in order; a provider's order is not trusted.
      logs.sort((a, b) => Number(a.blockNumber! - b.blockNumber!) || a.logIndex! - b.logIndex!);
      this.goodPages = raw.length < this.maxLogs / 4 ? this.goodPages + 1 : 0;
      if (this.goodPages >= 10 && this.range < this.maxBlockRange) {
        this.range = Math.min(this.maxBlockRange, this.range * 2);
        this.goodPages = 0;
      }
      return { to, logs };
    }
  }

  private shrink(from: number, to: number, reason: string): void {
    if (to === from)
      throw new Error(
        `block ${from} alone exceeds the provider's log limit (${reason}): raise INDEX_MAX_LOGS_PER_RESPONSE or use another provider`,
      );
    this.range = Math.max(1, Math.floor((to - from + 1) / 2));
    this.goodPages = 0;
    this.onRangeRefused?.({ from, to, nextRange: this.range, reason });
  }
}
