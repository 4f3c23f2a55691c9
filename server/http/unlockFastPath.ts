// A lean entrance for `POST /api/unlock`: the hot route of the relayer, served straight from
// node:http without the express stack (router, body-parser, zod on the common shape, res.json).
// It reproduces what the express pipeline does for this route, in the same order:
//   security headers (helmet's, captured once at start) → CORS (the cors middleware's answer for
//   the request's origin, captured once per configured origin) → per-IP limit on /api (the same
//   store as the express limiter) → body (same size limit, JSON, strict) → validation (same
//   accepted set, see parseUnlockRequest) → decision (with the per-signer limit once the signature
//   verified, in the shared core) → audit → answer.
// Requests it does not handle exactly as express would (other paths, content encodings, charsets
// other than UTF-8, chunked or oversized bodies…) return false and go through express unchanged.
import { randomUUID } from "node:crypto";
import { createHash } from "node:crypto";
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";
import type { Store } from "express-rate-limit";
import { ipKeyGenerator } from "express-rate-limit";
import type { RelayerContext } from "../context.ts";
import { parseUnlockRequest } from "./schemas.ts";
import { denyDecision, NO_WHO, partial, type Send, type UnlockCore } from "./routes/unlock.ts";
import { RelayerError, errorBody } from "../errors.ts";

/** The parts of a request and a response that helmet and cors touch when they set headers. */
type CaptureRequest = { method?: string; headers: IncomingHttpHeaders; url?: string };
type CaptureResponse = {
  statusCode: number;
  setHeader(name: string, value: string | string[]): unknown;
  getHeader(name: string): unknown;
  removeHeader(name: string): void;
  hasHeader(name: string): boolean;
  end(): void;
};
/** A connect-style middleware; method syntax keeps its parameters bivariant, so helmet's and cors's
 * (IncomingMessage, ServerResponse) signatures fit it. */
type Middleware = { handle(req: CaptureRequest, res: CaptureResponse, next: (err?: unknown) => void): void }["handle"];
type HeaderList = [string, string | string[]][];

/** Headers a connect-style middleware sets on a response (it must answer synchronously). */
export function captureHeaders(
  mw: Middleware,
  req: { method: string; headers: Record<string, string>; url: string },
): HeaderList {
  const headers = new Map<string, [string, string | string[]]>();
  const res = {
    statusCode: 200,
    setHeader(name: string, value: string | string[]) {
      headers.set(name.toLowerCase(), [name, value]);
      return res;
    },
    getHeader(name: string) {
      return headers.get(name.toLowerCase())?.[1];
    },
    removeHeader(name: string) {
      headers.delete(name.toLowerCase());
    },
    hasHeader(name: string) {
      return headers.has(name.toLowerCase());
    },
    end() {},
  };
  let called = false;
  mw(req, res, () => (called = true));
  if (!called) throw new Error("middleware did not call next synchronously");
  return [...headers.values()];
}

export type LimitSpec = { store: Store; limit: number; windowMs: number };

export type FastPathOptions = {
  helmet: Middleware;
  cors: Middleware;
  ipLimit: LimitSpec;
  /** Express's `req.ip` (trust proxy setting applied) for a raw request. */
  clientIp(req: IncomingMessage): string | undefined;
};

function policyName(limit: number, windowMs: number): string {
  // express-rate-limit's default identifier, for windows in whole minutes (ours: 60 s).
  const minutes = Math.floor(windowMs / 60_000);
  return minutes >= 1 && windowMs % 60_000 === 0 && minutes < 60
    ? `${limit}-in-${minutes}min`
    : `${limit}-in-${Math.ceil(windowMs / 1000)}sec`;
}

const JSON_TYPE = /^application\/json\s*(;\s*charset\s*=\s*"?utf-8"?\s*)?$/i;

export function createUnlockFastPath(
  ctx: RelayerContext,
  core: UnlockCore,
  o: FastPathOptions,
): (req: IncomingMessage, res: ServerResponse) => boolean {
  const security = captureHeaders(o.helmet, { method: "POST", headers: {}, url: "/api/unlock" });
  const corsByOrigin = new Map<string, HeaderList>();
  for (const origin of ctx.config.dappOrigins)
    corsByOrigin.set(origin, captureHeaders(o.cors, { method: "POST", headers: { origin }, url: "/api/unlock" }));
  const noCors = captureHeaders(o.cors, { method: "POST", headers: {}, url: "/api/unlock" });
  const limit = ctx.config.bodyLimitBytes;
  const partitionKeys = new Map<string, string>();
  const partitionKey = (key: string) => {
    let pk = partitionKeys.get(key);
    if (pk === undefined) {
      pk = Buffer.from(createHash("sha256").update(key).digest("hex").slice(0, 12)).toString("base64");
      if (partitionKeys.size > 50_000) partitionKeys.clear();
      partitionKeys.set(key, pk);
    }
    return pk;
  };
  const ipName = policyName(o.ipLimit.limit, o.ipLimit.windowMs);

  /** Counts a hit; adds draft-8 headers as express-rate-limit does; true when over the limit. */
  async function hit(
    spec: LimitSpec,
    name: string,
    key: string,
    headers: Record<string, string | string[]>,
  ): Promise<boolean> {
    const { totalHits, resetTime } = await spec.store.increment(key);
    const remaining = Math.max(spec.limit - totalHits, 0);
    const reset = resetTime
      ? Math.max(0, Math.ceil((resetTime.getTime() - Date.now()) / 1000))
      : Math.ceil(spec.windowMs / 1000);
    append(headers, "RateLimit", `"${name}"; r=${remaining}; t=${reset}`);
    append(
      headers,
      "RateLimit-Policy",
      `"${name}"; q=${spec.limit}; w=${Math.ceil(spec.windowMs / 1000)}; pk=:${partitionKey(key)}:`,
    );
    if (totalHits > spec.limit) {
      headers["Retry-After"] = String(reset);
      return true;
    }
    return false;
  }

  return (req, res) => {
    if (req.method !== "POST" || req.url !== "/api/unlock") return false;
    const h = req.headers;
    const type = h["content-type"];
    const length = h["content-length"];
    if (!type || !JSON_TYPE.test(type) || h["transfer-encoding"] !== undefined || h["content-encoding"] !== undefined)
      return false;
    if (length === undefined || !/^\d{1,9}$/.test(length)) return false;
    const size = Number(length);
    if (size === 0 || size > limit) return false;
    const ip = o.clientIp(req);
    if (ip === undefined) return false;

    const started = process.hrtime.bigint();
    const requestId = randomUUID();
    const headers: Record<string, string | string[]> = {};
    for (const [k, v] of security) headers[k] = v;
    const origin = h.origin;
    for (const [k, v] of (origin !== undefined && corsByOrigin.get(origin)) || noCors) headers[k] = v;
    const send: Send = (status, body, extra) => {
      if (res.headersSent || res.destroyed) return;
      if (extra) Object.assign(headers, extra);
      const json = JSON.stringify(body);
      headers["Content-Type"] = "application/json; charset=utf-8";
      headers["Content-Length"] = String(Buffer.byteLength(json));
      res.writeHead(status, headers);
      res.end(json);
    };
    const fail = (err: unknown) => {
      ctx.logger.error({ err, path: "/api/unlock" }, "unhandled error");
      const e = new RelayerError("internal", "internal error");
      send(e.status, errorBody(e));
    };

    const chunks: Buffer[] = [];
    let received = 0;
    let aborted = false;
    req.on("data", (c: Buffer) => {
      received += c.length;
      chunks.push(c);
    });
    req.on("error", () => (aborted = true));
    req.on("aborted", () => (aborted = true));
    // The per-IP limit counts the request before its body is read, as the express limiter does.
    const limited = hit(o.ipLimit, ipName, ipKeyGenerator(ip), headers);
    req.on("end", () => {
      void limited
        .then(async (overIp) => {
          if (overIp) {
            send(429, errorBody(new RelayerError("rate_limited", "too many requests from this address")));
            return;
          }
          if (aborted || received !== size) {
            await core.answer(send, requestId, started, denyDecision("malformed_request"), NO_WHO, ctx.clock());
            return;
          }
          let text = (chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)).toString("utf8");
          if (text.charCodeAt(0) === 0xfeff) text = text.slice(1); // body-parser strips a BOM
          let raw: unknown;
          try {
            const first = /^[ \t\n\r]*(.)/.exec(text)?.[1];
            if (first !== "{" && first !== "[") throw new SyntaxError("strict JSON: object or array");
            raw = JSON.parse(text);
          } catch {
            await core.answer(send, requestId, started, denyDecision("malformed_request"), NO_WHO, ctx.clock());
            return;
          }
          const parsed = parseUnlockRequest(raw);
          if (!parsed) {
            await core.answer(send, requestId, started, denyDecision("malformed_request"), partial(raw), ctx.clock());
            return;
          }
          await core.decide(send, requestId, started, parsed);
        })
        .catch(fail);
    });
    return true;
  };
}

function append(headers: Record<string, string | string[]>, name: string, value: string): void {
  const prev = headers[name];
  headers[name] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
}
