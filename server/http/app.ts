// The express application: security headers, strict CORS, per-IP rate limit, routes, and the one
// place where errors become HTTP answers.
import express, { type Request, type Response, type NextFunction } from "express";
import helmet from "helmet";
import cors from "cors";
import { MemoryStore, rateLimit } from "express-rate-limit";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { RelayerContext } from "../context.ts";
import { RelayerError, errorBody } from "../errors.ts";
import { createUnlockCore, unlockRouter } from "./routes/unlock.ts";
import { createUnlockFastPath } from "./unlockFastPath.ts";
import { challengeRouter } from "./routes/challenge.ts";
import { authRouter } from "./routes/auth.ts";
import { readRouter } from "./routes/read.ts";
import { opsRouter } from "./routes/ops.ts";
import { networkRouter } from "./routes/network.ts";

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
  app.set("trust proxy", ctx.config.trustProxy);
  app.set("query parser", "simple");
  const helmetMw = helmet();
  const corsMw = cors({
    origin: (origin, cb) => cb(null, origin !== undefined && ctx.config.dappOrigins.includes(origin)),
    credentials: true,
    methods: ["GET", "POST"],
    allowedHeaders: ["content-type"],
    maxAge: 600,
  });
  app.use(helmetMw);
  app.use(corsMw);
  app.use(opsRouter(ctx));
  // The limiters' stores are shared with the unlock fast path (one count per IP, per verified signer).
  const ipStore = new MemoryStore();
  const addressStore = new MemoryStore();
  app.use(
    "/api",
    rateLimit({
      store: ipStore,
      windowMs: 60_000,
      limit: ctx.config.rateLimitIpPerMin,
      standardHeaders: "draft-8",
      legacyHeaders: false,
      validate: { xForwardedForHeader: false },
      handler: (_req, res) => {
        res.status(429).json(errorBody(new RelayerError("rate_limited", "too many requests from this address")));
      },
    }),
  );
  // Building a limiter on the store is how express-rate-limit initialises it (its window); the
  // unlock routes then count per signer through the store themselves.
  rateLimit({ store: addressStore, windowMs: 60_000, limit: ctx.config.rateLimitAddressPerMin });
  const core = createUnlockCore(ctx, {
    store: addressStore,
    limit: ctx.config.rateLimitAddressPerMin,
    windowMs: 60_000,
  });
  app.use(unlockRouter(ctx, core));
  app.use(challengeRouter(ctx));
  app.use(authRouter(ctx));
  app.use(readRouter(ctx));
  app.use(networkRouter(ctx));
  app.use((_req, _res, next) => next(new RelayerError("not_found", "no such route")));
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const e = toRelayerError(err);
    if (e.code === "internal") ctx.logger.error({ err, path: req.path }, "unhandled error");
    if (res.headersSent) return;
    res.status(e.status).json(errorBody(e));
  });
  // Express's own `req.ip` (with the trust-proxy setting) applied to a raw request: its getter,
  // found on the request prototype, read with the raw request's parts as receiver.
  let proto: object | null = app.request;
  let hasIpGetter = false;
  while (proto && !hasIpGetter) {
    hasIpGetter = typeof Object.getOwnPropertyDescriptor(proto, "ip")?.get === "function";
    proto = Object.getPrototypeOf(proto) as object | null;
  }
  if (!hasIpGetter) throw new Error("express request has no ip getter");
  const expressRequest = app.request;
  const fast = createUnlockFastPath(ctx, core, {
    helmet: helmetMw,
    cors: corsMw,
    ipLimit: { store: ipStore, limit: ctx.config.rateLimitIpPerMin, windowMs: 60_000 },
    clientIp: (req) =>
      Reflect.get(expressRequest, "ip", {
        app,
        headers: req.headers,
        socket: req.socket,
        connection: req.socket,
      }),
  });
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
