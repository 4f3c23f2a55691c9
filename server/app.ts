// The express application: security headers, strict CORS, per-IP rate limit, routes, and the one
// place where errors become HTTP answers.
import express, { type Request, type Response, type NextFunction } from "express";
import helmet from "helmet";
import cors from "cors";
import { rateLimit } from "express-rate-limit";
import type { RelayerContext } from "./context.ts";
import { RelayerError, errorBody } from "./errors.ts";
import { unlockRouter } from "./routes/unlock.ts";
import { challengeRouter } from "./routes/challenge.ts";
import { authRouter } from "./routes/auth.ts";
import { readRouter } from "./routes/read.ts";
import { opsRouter } from "./routes/ops.ts";

export function createApp(ctx: RelayerContext): express.Express {
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", ctx.config.trustProxy);
  app.set("query parser", "simple");
  app.use(helmet());
  app.use(
    cors({
      origin: (origin, cb) => cb(null, origin !== undefined && ctx.config.dappOrigins.includes(origin)),
      credentials: true,
      methods: ["GET", "POST"],
      allowedHeaders: ["content-type"],
      maxAge: 600,
    }),
  );
  app.use(opsRouter(ctx));
  app.use(
    "/api",
    rateLimit({
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
  app.use(unlockRouter(ctx));
  app.use(challengeRouter(ctx));
  app.use(authRouter(ctx));
  app.use(readRouter(ctx));
  app.use((_req, _res, next) => next(new RelayerError("not_found", "no such route")));
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const e = toRelayerError(err);
    if (e.code === "internal") ctx.logger.error({ err, path: req.path }, "unhandled error");
    if (res.headersSent) return;
    res.status(e.status).json(errorBody(e));
  });
  return app;
}

function toRelayerError(err: unknown): RelayerError {
  if (err instanceof RelayerError) return err;
  const e = err as { type?: string; status?: number; statusCode?: number };
  if (e?.type === "entity.too.large") return new RelayerError("payload_too_large", "request body too large");
  if (e?.type === "entity.parse.failed") return new RelayerError("bad_request", "malformed JSON body");
  if (e?.type === "charset.unsupported" || e?.type === "encoding.unsupported") return new RelayerError("unsupported_media_type", "unsupported body encoding");
  const status = e?.status ?? e?.statusCode;
  if (typeof status === "number" && status >= 400 && status < 500) return new RelayerError("bad_request", "bad request");
  return new RelayerError("internal", "internal error");
}
