// POST /api/unlock — the door decision. Every outcome (including malformed bodies and per-address
// rate limiting) is committed to the audit log before the answer is sent.
import { randomUUID } from "node:crypto";
import express, { type Request, type Response, type NextFunction, type Router } from "express";
import { rateLimit } from "express-rate-limit";
import type { Reason } from "../../protocol/reasons.ts";
import type { RelayerContext } from "../context.ts";
import { unlockRequestSchema, type ParsedUnlockRequest } from "../schemas.ts";
import { verifyUnlockRequest, type Decision } from "../verifyUnlockRequest.ts";
import { reasonStatus } from "../errors.ts";
import type { DeliveryResult } from "../lockAdapter.ts";

type Locals = { requestId: string; started: bigint; parsed?: ParsedUnlockRequest; raw?: unknown };

function partial(raw: unknown): { door: number | null; signer: string | null; pass: string | null } {
  const r = (raw && typeof raw === "object" ? raw : {}) as Record<string, unknown>;
  const door = typeof r.door === "number" && Number.isSafeInteger(r.door) && r.door >= 0 && r.door <= 0xffffffff ? r.door : null;
  const signer = typeof r.signer === "string" && /^0x[0-9a-fA-F]{40}$/.test(r.signer) ? r.signer.toLowerCase() : null;
  const pass = typeof r.passId === "string" && /^\d{1,78}$/.test(r.passId) ? r.passId : null;
  return { door, signer, pass };
}

export function unlockRouter(ctx: RelayerContext): Router {
  const router = express.Router();

  async function answer(res: Response, decision: Decision, who: { door: number | null; signer: string | null; pass: string | null }, now: number): Promise<void> {
    const l = res.locals as Locals;
    const granted = decision.reason === "granted";
    let auditId: number;
    const auditStart = performance.now();
    try {
      auditId = await ctx.audit.record({
        time: now,
        door: who.door,
        venue: decision.venue,
        signer: who.signer,
        pass: who.pass,
        decision: granted ? "granted" : "denied",
        reason: decision.reason,
        block: decision.block,
        challenge: decision.challengeId,
        requestId: l.requestId,
      });
    } catch (err) {
      // No audit record, no answer: fail closed.
      ctx.logger.error({ err, requestId: l.requestId }, "audit write failed");
      res.status(503).json({ error: { code: "audit_unavailable", message: "decision could not be recorded" } });
      return;
    }
    ctx.metrics.phaseSeconds.observe({ phase: "audit" }, (performance.now() - auditStart) / 1000);
    let lock: DeliveryResult | undefined;
    if (granted && decision.openCommand) {
      const lockStart = performance.now();
      lock = await ctx.lock.deliver(decision.openCommand);
      ctx.metrics.phaseSeconds.observe({ phase: "lock" }, (performance.now() - lockStart) / 1000);
      ctx.metrics.lockDeliveries.inc({ status: lock.status });
    }
    const result = granted ? "granted" : "denied";
    ctx.metrics.decisions.inc({ result, reason: decision.reason });
    ctx.metrics.decisionSeconds.observe({ result }, Number(process.hrtime.bigint() - l.started) / 1e9);
    ctx.logger.debug({ requestId: l.requestId, reason: decision.reason, door: who.door, pass: who.pass, source: decision.source }, "door decision");
    res.status(reasonStatus(decision.reason)).json({
      requestId: l.requestId,
      granted,
      reason: decision.reason,
      auditId,
      ...(decision.openCommand ? { openCommand: decision.openCommand } : {}),
      ...(lock ? { lock } : {}),
    });
  }

  const deny = (reason: Reason): Decision => ({ reason, challengeId: null, venue: null, block: null, source: null });

  const start = (_req: Request, res: Response, next: NextFunction) => {
    (res.locals as Locals).requestId = randomUUID();
    (res.locals as Locals).started = process.hrtime.bigint();
    next();
  };

  const validate = (req: Request, res: Response, next: NextFunction) => {
    const parsed = unlockRequestSchema.safeParse(req.body);
    if (!parsed.success) {
      void answer(res, deny("malformed_request"), partial(req.body), ctx.clock()).catch(next);
      return;
    }
    (res.locals as Locals).parsed = parsed.data;
    next();
  };

  const perAddress = rateLimit({
    windowMs: 60_000,
    limit: ctx.config.rateLimitAddressPerMin,
    standardHeaders: "draft-8",
    legacyHeaders: false,
    validate: false,
    keyGenerator: (_req, res) => `signer:${(res.locals as Locals).parsed!.signer}`,
    handler: (req, res, next) => {
      void answer(res, deny("rate_limited"), partial(req.body), ctx.clock()).catch(next);
    },
  });

  const decide = async (_req: Request, res: Response) => {
    const p = (res.locals as Locals).parsed!;
    const now = ctx.clock();
    const decision = await verifyUnlockRequest(p, now, {
      policy: {
        chainId: ctx.config.chainId,
        contract: ctx.contract,
        challengeMaxAgeS: ctx.config.challengeMaxAgeS,
        clockSkewS: ctx.config.clockSkewS,
        openCommandTtlS: ctx.config.openCommandTtlS,
        maxDeadlineAheadS: ctx.config.maxDeadlineAheadS,
        indexMaxStalenessMs: ctx.config.indexMaxStalenessMs,
      },
      hasher: ctx.hasher,
      index: ctx.index,
      reader: ctx.reader,
      relayerKey: ctx.config.relayerPrivateKey,
      relayerAddress: ctx.config.relayerAddress,
      challenges: ctx.challenges,
      codeCache: ctx.codeCache,
      onFreshWait: (seconds) => ctx.metrics.phaseSeconds.observe({ phase: "index" }, seconds),
    });
    await answer(res, decision, { door: p.door, signer: p.signer, pass: p.passId.toString() }, now);
  };

  // Body errors (bad JSON, too large) on this route are decisions too.
  const bodyErrors = (err: Error & { type?: string }, req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(err);
    if (err.type === "entity.too.large" || err.type === "entity.parse.failed" || err.type === "charset.unsupported" || err.type === "encoding.unsupported" || err.type === "request.aborted" || err.type === "entity.verify.failed") {
      if (!(res.locals as Locals).requestId) start(req, res, () => undefined);
      void answer(res, deny("malformed_request"), { door: null, signer: null, pass: null }, ctx.clock()).catch(next);
      return;
    }
    next(err);
  };

  router.post(
    "/api/unlock",
    start,
    express.json({ limit: ctx.config.bodyLimitBytes, strict: true }),
    validate,
    perAddress,
    decide,
    bodyErrors,
  );
  return router;
}
