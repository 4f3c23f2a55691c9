// Health, readiness (with index lag), metrics and the OpenAPI document.
import { createHash, timingSafeEqual } from "node:crypto";
import express, { type Request, type Router } from "express";
import type { RelayerContext } from "../../context.ts";
import { openApiDocument } from "../openapi.ts";
import { okAnswer } from "../../../protocol/api/session.ts";
import { readiness } from "../../../protocol/api/ops.ts";
import { RelayerError, errorBody } from "../../errors.ts";
import { toWire } from "../wire.ts";

export function opsRouter(ctx: RelayerContext): Router {
  const router = express.Router();
  router.get("/healthz", (_req, res) => {
    res.json(toWire(okAnswer, { ok: true }));
  });
  router.get("/readyz", (_req, res) => {
    const { index } = ctx;
    const ageMs = index.lastOkAt ? Date.now() - index.lastOkAt : null;
    const fresh = ageMs !== null && ageMs <= Math.max(ctx.config.indexMaxStalenessMs, ctx.config.indexPollMs * 3 + 500);
    const ready = index.synced() && fresh;
    const lag = index.lagBlocks();
    const state = {
      ready,
      tip: index.tip,
      head: index.head,
      lagBlocks: Number.isFinite(lag) ? lag : null,
      lastSyncAgeMs: ageMs,
      reorgs: index.reorgs,
    };
    if (ready) res.json(toWire(readiness, state));
    else res.status(503).json(errorBody(new RelayerError("not_ready", "event index not synced or stale", state)));
  });
  router.get("/metrics", async (req, res) => {
    const token = ctx.config.metricsToken;
    if (token !== undefined && !bearerMatches(req, token)) {
      res
        .status(401)
        .set("www-authenticate", 'Bearer realm="metrics"')
        .json(errorBody(new RelayerError("unauthorized", "GET /metrics needs Authorization: Bearer <METRICS_TOKEN>")));
      return;
    }
    res.set("content-type", ctx.metrics.registry.contentType).send(await ctx.metrics.registry.metrics());
  });
  router.get("/openapi.json", (_req, res) => {
    res.json(openApiDocument());
  });
  return router;
}

/** Compares the bearer token in constant time (digests of equal length, whatever was sent). */
function bearerMatches(req: Request, token: string): boolean {
  const sent = /^Bearer (.+)$/.exec(req.get("authorization") ?? "")?.[1] ?? "";
  const digest = (s: string) => createHash("sha256").update(s).digest();
  return timingSafeEqual(digest(sent), digest(token));
}
