// An RPC provider as public ones behave, in front of the hardhat node: an HTTP server on port 0
// forwarding JSON-RPC that can refuse eth_getLogs ranges over N blocks, answer "too many results"
// over M logs, silently cap answers at C logs, answer 429 / 5xx or a truncated body to a seeded
// share of calls, and add logs of a foreign address to answers. It records every call, so a test
// can check where each eth_getLogs started, and counts every fault it injected.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { encodeAbiParameters, encodeEventTopics } from "viem";
import { passepartoutAbi } from "../../protocol/abis.ts";
import type { Hex } from "../../protocol/types.ts";

export type ProviderBehaviour = {
  /** Refuse eth_getLogs spanning more blocks (messages and codes of several providers, in turn). */
  maxRange?: number;
  /** Answer "too many results" when eth_getLogs would return more logs. */
  tooManyAbove?: number;
  /** Answer only the first `capAt` logs, without saying so. */
  capAt?: number;
  /** Share of faultable calls answered 429, 500, 502, 503 or a truncated body (seeded). */
  failRate?: number;
  /** The faults `failRate` draws from (default: all five; e.g. ["429"] for a rate-limiting provider). */
  faults?: readonly ProxyFault[];
  /** At most this many faults in a row (so a client's retries can always get through). */
  maxConsecutiveFaults?: number;
  /** Add a foreign log (a DoorSet of door 4242 from `foreignAddress`) to every k-th eth_getLogs answer. */
  foreignEvery?: number;
  foreignAddress?: Hex;
  /** Answer eth_getLogs this much later (a slow provider: a sync that lasts long enough to be killed). */
  getLogsDelayMs?: number;
};

export type ProxyFault = "429" | "500" | "502" | "503" | "truncate";
const ALL_FAULTS: readonly ProxyFault[] = ["429", "500", "502", "503", "truncate"];

export type ProxyOutcome = "ok" | "rangeRefused" | "tooMany" | "capped" | "http429" | "http5xx" | "truncated";
export type ProxyCall = {
  method: string;
  fromBlock?: number;
  toBlock?: number;
  outcome?: ProxyOutcome;
  /** Logs in the answer, foreign ones included. */
  logs?: number;
};

export type ProviderStats = {
  rangeRefused: number;
  tooMany: number;
  capped: number;
  http429: number;
  http5xx: number;
  truncated: number;
  foreign: number;
};

export type ProviderProxy = {
  url: string;
  calls: ProxyCall[];
  stats: ProviderStats;
  /** Changes the behaviour from the next call on. */
  set(b: ProviderBehaviour): void;
  close(): Promise<void>;
};

/** mulberry32: a small seeded PRNG, so a failing run replays the same faults. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const RANGE_REFUSALS = [
  { code: -32602, message: "block range is too wide" },
  { code: -32000, message: "exceed maximum block range: %N" },
  { code: -32005, message: "eth_getLogs block range too large, range: %R, max: %N" },
];
const TOO_MANY = [
  { code: -32005, message: "query returned more than 10000 results" },
  {
    code: -32602,
    message: "Log response size exceeded. You can make eth_getLogs requests with up to a 2K block range",
  },
];

type RpcRequest = { jsonrpc: "2.0"; id: number | string; method: string; params?: unknown[] };

export async function startProviderProxy(
  target: string,
  behaviour: ProviderBehaviour = {},
  seed = 1,
): Promise<ProviderProxy> {
  let b = behaviour;
  const random = seededRandom(seed);
  const calls: ProxyCall[] = [];
  const stats: ProviderStats = {
    rangeRefused: 0,
    tooMany: 0,
    capped: 0,
    http429: 0,
    http5xx: 0,
    truncated: 0,
    foreign: 0,
  };
  let turn = 0;
  let consecutive = 0;
  let getLogsAnswers = 0;

  const upstream = async (body: string): Promise<string> => {
    const res = await fetch(target, { method: "POST", headers: { "content-type": "application/json" }, body });
    return res.text();
  };
  const send = (res: ServerResponse, status: number, text: string) => {
    res.writeHead(status, { "content-type": "application/json" }).end(text);
  };
  const rpcError = (res: ServerResponse, id: RpcRequest["id"], e: { code: number; message: string }) =>
    send(res, 200, JSON.stringify({ jsonrpc: "2.0", id, error: e }));

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString("utf8");
    const parsed = JSON.parse(body) as RpcRequest | RpcRequest[];
    if (Array.isArray(parsed)) return send(res, 200, await upstream(body)); // batches pass untouched
    const { method, id } = parsed;
    const params = parsed.params ?? [];
    const filter = method === "eth_getLogs" ? (params[0] as { fromBlock: string; toBlock: string }) : undefined;
    const fromBlock = filter ? Number(filter.fromBlock) : undefined;
    const toBlock = filter ? Number(filter.toBlock) : undefined;
    const call: ProxyCall = { method, fromBlock, toBlock, outcome: "ok" };
    calls.push(call);
    // Faults hit the sync's calls: logs and blocks by number (not the head, not the start-up checks).
    const faultable = method === "eth_getLogs" || (method === "eth_getBlockByNumber" && params[0] !== "latest");
    let fault: ProxyFault | null = null;
    if (faultable && b.failRate && consecutive < (b.maxConsecutiveFaults ?? 3) && random() < b.failRate) {
      const kinds = b.faults ?? ALL_FAULTS;
      fault = kinds[Math.floor(random() * kinds.length)];
      consecutive++;
    } else if (faultable) consecutive = 0;
    if (fault === "429") {
      stats.http429++;
      call.outcome = "http429";
      return send(res, 429, JSON.stringify({ jsonrpc: "2.0", id, error: { code: 429, message: "Too Many Requests" } }));
    }
    if (fault && fault !== "truncate") {
      stats.http5xx++;
      call.outcome = "http5xx";
      return send(res, Number(fault), "upstream unavailable");
    }
    if (filter && b.maxRange && toBlock! - fromBlock! + 1 > b.maxRange) {
      stats.rangeRefused++;
      call.outcome = "rangeRefused";
      const e = RANGE_REFUSALS[turn++ % RANGE_REFUSALS.length];
      return rpcError(res, id, {
        code: e.code,
        message: e.message.replace("%N", String(b.maxRange)).replace("%R", String(toBlock! - fromBlock! + 1)),
      });
    }
    if (filter && b.getLogsDelayMs) await new Promise((r) => setTimeout(r, b.getLogsDelayMs));
    const text = await upstream(body);
    if (fault === "truncate") {
      stats.truncated++;
      call.outcome = "truncated";
      return send(res, 200, text.slice(0, Math.floor(text.length / 2)));
    }
    if (!filter) return send(res, 200, text);
    const answer = JSON.parse(text) as { result?: Record<string, unknown>[] };
    if (!answer.result) return send(res, 200, text);
    let logs = answer.result;
    if (b.tooManyAbove !== undefined && logs.length > b.tooManyAbove) {
      stats.tooMany++;
      call.outcome = "tooMany";
      return rpcError(res, id, TOO_MANY[turn++ % TOO_MANY.length]);
    }
    if (b.capAt !== undefined && logs.length > b.capAt) {
      stats.capped++;
      call.outcome = "capped";
      logs = logs.slice(0, b.capAt);
    }
    if (b.foreignEvery && ++getLogsAnswers % b.foreignEvery === 0) {
      stats.foreign++;
      logs = [
        ...logs,
        foreignLog(b.foreignAddress ?? "0x000000000000000000000000000000000000f0e1", fromBlock!, logs[0]),
      ];
    }
    call.logs = logs.length;
    send(res, 200, JSON.stringify({ ...answer, result: logs }));
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) send(res, 502, JSON.stringify({ error: String(err) }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    stats,
    set(next) {
      b = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A well-formed DoorSet (door 4242 of venue 1) as if emitted at `address`: the index must ignore it. */
function foreignLog(address: Hex, block: number, like?: Record<string, unknown>): Record<string, unknown> {
  const topics = encodeEventTopics({ abi: passepartoutAbi, eventName: "DoorSet", args: { doorId: 4242, venueId: 1 } });
  const data = encodeAbiParameters(
    [{ type: "bool" }, { type: "bool" }, { type: "address" }],
    [true, true, "0x000000000000000000000000000000000000beef"],
  );
  return {
    address,
    topics,
    data,
    blockNumber: like?.blockNumber ?? `0x${block.toString(16)}`,
    blockHash: like?.blockHash ?? `0x${"ab".repeat(32)}`,
    transactionHash: `0x${"cd".repeat(32)}`,
    transactionIndex: "0x0",
    logIndex: "0x63",
    removed: false,
  };
}
