// A lean entrance for `POST /api/unlock`: the hot route of the relayer, served straight from
// node:http without the express stack (router, body-parser, zod on the common shape, res.json).
// It applies the relayer's one HTTP policy (policy.ts) as the express pipeline does, in the same
// order: security headers → CORS for the request's origin → per-IP limit on /api (the same
// limiter) → body (same size limit, JSON, strict) → validation (the one schema of the unlock
// request, protocol/api/door.ts) → decision (with the per-signer limit once the signature verified, in the
// shared core) → audit → answer.
// Requests it does not handle exactly as express would (other paths, content encodings, charsets
// other than UTF-8, chunked or oversized bodies…) return false and go through express unchanged.
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { RelayerContext } from "../context.ts";
import { unlockRequest } from "../../protocol/api/door.ts";
import { denyDecision, NO_WHO, partial, type Send, type UnlockCore } from "./routes/unlock.ts";
import { RelayerError, errorBody } from "../errors.ts";
import { SECURITY_HEADERS, ipKey, type Cors } from "./policy.ts";
import type { RateLimiter } from "../rateLimiter.ts";

export type FastPathOptions = {
  cors: Cors;
  ipLimiter: RateLimiter;
  /** The client's address under the relayer's trust-proxy setting. */
  clientIp(req: IncomingMessage): string | undefined;
};

const JSON_TYPE = /^application\/json\s*(;\s*charset\s*=\s*"?utf-8"?\s*)?$/i;

export function createUnlockFastPath(
  ctx: RelayerContext,
  core: UnlockCore,
  o: FastPathOptions,
): (req: IncomingMessage, res: ServerResponse) => boolean {
  const limit = ctx.config.bodyLimitBytes;

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
    for (const [k, v] of SECURITY_HEADERS) headers[k] = v;
    for (const [k, v] of o.cors.headers(h.origin)) headers[k] = v;
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
      ctx.logger.error({ err, path: "/api/unlock", requestId }, "unhandled error");
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
    const overIp = o.ipLimiter.hit(ipKey(ip));
    for (const [k, v] of overIp.headers) headers[k] = v;
    req.on("end", () => {
      void Promise.resolve()
        .then(async () => {
          if (overIp.limited) {
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
          const parsed = unlockRequest.safeParse(raw);
          if (!parsed.success) {
            await core.answer(send, requestId, started, denyDecision("malformed_request"), partial(raw), ctx.clock());
            return;
          }
          await core.decide(send, requestId, started, parsed.data);
        })
        .catch(fail);
    });
    return true;
  };
}
