// The express application: security headers, strict CORS, per-IP rate limit, routes, and the one
// place where errors become HTTP answers.
import express, { type Request, type Response, type NextFunction } from "express";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { RelayerContext } from "../context.ts";
import { RelayerError, errorBody } from "../errors.ts";
import { createUnlockCore, unlockRouter } from "./routes/unlock.ts";
import { createUnlockFastPath } from "./unlockFastPath.ts";
import { challengeRouter } from "./routes/challenge.ts";
import { authRouter } from "./routes/auth.ts";
import { readRouter } from "./routes/read.ts";
import { freshIndex, INDEX_READS } from "./routes/freshIndex.ts";
import { opsRouter } from "./routes/ops.ts";
import { networkRouter } from "./routes/network.ts";
import { receiptsRouter } from "./routes/receipts.ts";
import { sponsorRouter } from "./routes/sponsor.ts";
import { doorOpsRouter } from "./routes/doorOps.ts";
import { doorPassRouter } from "./routes/doorPasses.ts";
import { compressJson } from "./compressJson.ts";
import { SECURITY_HEADERS, clientIp, createCors, ipKey, trustedProxies } from "./policy.ts";
import { RateLimiter } from "../rateLimiter.ts";
import { requestLogging } from "./requestLog.ts";

/** The relayer's request listener: the unlock fast path, else the express application. */
export function createRequestListener(ctx: RelayerContext): (req: IncomingMessage, res: ServerResponse) => void {
  const { app, fast } = build(ctx);
  return (req, res) => {
    if (!fast(req, res)) app(req, res);
  };
}

export function createApp(ctx: RelayerContext): express.Express {
  return build(ctx).app;
}

function build(ctx: RelayerContext) {
  const app = express();
  app.disable("x-powered-by");
  app.set("query parser", "simple");
  const cors = createCors(ctx.config.dappOrigins);
  const trusted = trustedProxies(ctx.config.trustProxy);
  const ipOf = (req: IncomingMessage) => clientIp(req, trusted);
  // One count per client IP and one per verified signer, shared by the express routes and the fast path.
  const ipLimiter = new RateLimiter(ctx.config.rateLimitIpPerMin, 60_000);
  const signerLimiter = new RateLimiter(ctx.config.rateLimitAddressPerMin, 60_000);
  app.use(requestLogging(app, ctx.logger));
  app.use((req, res, next) => {
    for (const [k, v] of SECURITY_HEADERS) res.setHeader(k, v);
    if (req.method === "OPTIONS") {
      for (const [k, v] of cors.preflight(req.headers.origin)) res.setHeader(k, v);
      res.status(204).setHeader("Content-Length", "0");
      res.end();
      return;
    }
    for (const [k, v] of cors.headers(req.headers.origin)) res.setHeader(k, v);
    next();
  });
  app.use(opsRouter(ctx));
  app.use("/api", (req, res, next) => {
    const r = ipLimiter.hit(ipKey(ipOf(req) ?? "unknown"));
    for (const [k, v] of r.headers) res.setHeader(k, v);
    if (r.limited) next(new RelayerError("rate_limited", "too many requests from this address"));
    else next();
  });
  app.use("/api", compressJson);
  const core = createUnlockCore(ctx, signerLimiter);
  app.use(unlockRouter(ctx, core));
  app.use(challengeRouter(ctx));
  app.use(doorOpsRouter(ctx));
  app.use(authRouter(ctx, ipOf));
  app.use(INDEX_READS, freshIndex(ctx.index));
  app.use(readRouter(ctx));
  app.use(networkRouter(ctx));
  app.use(receiptsRouter(ctx));
  app.use(sponsorRouter(ctx));
  app.use(doorPassRouter(ctx));
  app.use((_req, _res, next) => next(new RelayerError("not_found", "no such route")));
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const e = toRelayerError(err);
    if (e.code === "internal") req.log.error({ err, path: req.path }, "unhandled error");
    if (res.headersSent) return;
    res.status(e.status).json(errorBody(e));
  });
  const fast = createUnlockFastPath(ctx, core, { cors, ipLimiter, clientIp: ipOf });
  return { app, fast };
}

function toRelayerError(err: unknown): RelayerError {
  if (err instanceof RelayerError) return err;
  const e = err as { type?: string; status?: number; statusCode?: number };
  if (e?.type === "entity.too.large") return new RelayerError("payload_too_large", "request body too large");
  if (e?.type === "entity.parse.failed") return new RelayerError("bad_request", "malformed JSON body");
  if (e?.type === "charset.unsupported" || e?.type === "encoding.unsupported")
    return new RelayerError("unsupported_media_type", "unsupported body encoding");
  const status = e?.status ?? e?.statusCode;
  if (typeof status === "number" && status >= 400 && status < 500)
    return new RelayerError("bad_request", "bad request");
  return new RelayerError("internal", "internal error");
}
