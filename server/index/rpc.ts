// JSON-RPC calls of the event index's sync (eth_getLogs, block hashes) over a keep-alive
// node:http(s) connection, with the failures real providers produce told apart:
// - `transient`: HTTP 429 and 5xx, a cut or truncated answer, a timeout — retried with exponential
//   backoff and full jitter (sleep and random are injectable, so tests need no wall-clock waits);
// - `range`: the provider refuses the request's size ("query returned more than 10000 results",
//   "block range is too wide", "exceed maximum block range", codes -32005 / -32602 with such a
//   message; protocol/rpcRangeRefusal.ts) — the log pager halves its block range and asks again;
// - `rpc`: any other JSON-RPC error — surfaced as is.
import nodeHttp, { type IncomingMessage } from "node:http";
import nodeHttps from "node:https";
import { isRangeRefusal, RATE_LIMITED } from "../../protocol/rpcRangeRefusal.ts";

export type RpcErrorKind = "transient" | "range" | "rpc";

export class RpcError extends Error {
  readonly kind: RpcErrorKind;
  readonly status?: number;
  readonly rpcCode?: number;
  constructor(kind: RpcErrorKind, message: string, extra: { status?: number; rpcCode?: number } = {}) {
    super(message);
    this.name = "RpcError";
    this.kind = kind;
    this.status = extra.status;
    this.rpcCode = extra.rpcCode;
  }
}

export type RpcCall = <T>(method: string, params: unknown[]) => Promise<T>;

/** One JSON-RPC call per invocation, no retry; failures are RpcErrors with their kind. */
export function createRpcCaller(rpcUrl: string, timeoutMs: number, maxAnswerBytes = 256 << 20): RpcCall {
  const url = new URL(rpcUrl);
  const secure = url.protocol === "https:";
  const mod = secure ? nodeHttps : nodeHttp;
  const agent = new mod.Agent({ keepAlive: true, maxSockets: 4 });
  const auth = url.username
    ? `Basic ${Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString("base64")}`
    : undefined;
  let id = 0;
  return async <T>(method: string, params: unknown[]): Promise<T> => {
    const body = JSON.stringify({ jsonrpc: "2.0", id: ++id, method, params });
    const { status, text } = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const fail = (message: string) => reject(new RpcError("transient", `${method}: ${message}`));
      const req = mod.request(
        {
          protocol: url.protocol,
          hostname: url.hostname,
          port: url.port || (secure ? 443 : 80),
          path: `${url.pathname}${url.search}`,
          method: "POST",
          agent,
          timeout: timeoutMs,
          headers: {
            "content-type": "application/json",
            "content-length": Buffer.byteLength(body),
            ...(auth ? { authorization: auth } : {}),
          },
        },
        (res: IncomingMessage) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on("data", (c: Buffer) => {
            size += c.length;
            if (size > maxAnswerBytes) req.destroy(new Error("answer too large"));
            else chunks.push(c);
          });
          res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }));
          res.on("error", (err) => fail(err.message));
          res.on("aborted", () => fail("answer cut off"));
        },
      );
      req.on("timeout", () => req.destroy(new Error(`timeout after ${timeoutMs} ms`)));
      req.on("error", (err) => fail(err.message));
      req.end(body);
    });
    let msg: { result?: T; error?: { code?: number; message?: string } } | undefined;
    try {
      msg = JSON.parse(text) as typeof msg;
    } catch {
      msg = undefined;
    }
    if (msg?.error) {
      const message = `${method}: ${msg.error.message ?? "unknown error"} (code ${msg.error.code ?? "none"})`;
      if (isRangeRefusal(msg.error.code, msg.error.message ?? ""))
        throw new RpcError("range", message, { status, rpcCode: msg.error.code });
      if (status === 429 || status >= 500 || msg.error.code === 429 || RATE_LIMITED.test(msg.error.message ?? ""))
        throw new RpcError("transient", message, { status, rpcCode: msg.error.code });
      throw new RpcError("rpc", message, { status, rpcCode: msg.error.code });
    }
    if (status === 429 || status >= 500) throw new RpcError("transient", `${method}: HTTP ${status}`, { status });
    if (status !== 200) throw new RpcError("rpc", `${method}: HTTP ${status}`, { status });
    if (!msg || !("result" in msg)) throw new RpcError("transient", `${method}: unreadable answer (truncated?)`);
    return msg.result as T;
  };
}

export type Backoff = {
  /** Attempts after the first. */
  retries: number;
  /** Delay before the first retry (the upper bound of its jitter), doubled each time. */
  baseMs: number;
  maxMs: number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  onRetry?: (info: { method: string; attempt: number; delayMs: number; error: string }) => void;
};

export const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Wraps a caller: transient failures are retried with exponential backoff and full jitter. */
export function withRetry(call: RpcCall, b: Backoff): RpcCall {
  const sleep = b.sleep ?? realSleep;
  const random = b.random ?? Math.random;
  return async <T>(method: string, params: unknown[]): Promise<T> => {
    for (let attempt = 0; ; attempt++) {
      try {
        return await call<T>(method, params);
      } catch (err) {
        if (!(err instanceof RpcError) || err.kind !== "transient" || attempt >= b.retries) throw err;
        const delayMs = Math.floor(random() * Math.min(b.maxMs, b.baseMs * 2 ** attempt));
        b.onRetry?.({ method, attempt: attempt + 1, delayMs, error: err.message });
        await sleep(delayMs);
      }
    }
  };
}
