// POST /api/unlock — the door decision. Every outcome (including malformed bodies and per-signer
// rate limiting) is committed to the audit log before the answer is sent. The record names a signer
// only when its signature verified; otherwise the address the request claimed is kept apart
// (`claimedSigner`), so junk naming a member stays out of that member's history.
//
// Limits key only on what a requester proves: the per-IP limit (the connection) in front, the
// per-signer limit inside the decision once the signature verified (verifyUnlockRequest.ts).
//
// Two entrances share one decision core (`createUnlockCore`): the express route below, and the lean
// fast path in server/http/unlockFastPath.ts that serves plain `POST /api/unlock` JSON requests without
// the express stack (same headers, same limits, same validation, same audit-before-answer).
import { randomUUID } from "node:crypto";
import express, { type Request, type Response, type NextFunction, type Router } from "express";
import type { Reason } from "../../../protocol/reasons.ts";
import type { RelayerContext } from "../../context.ts";
import { decisionAnswer, unlockRequest, type ParsedUnlockRequest } from "../../../protocol/api/door.ts";
import { verifyUnlockRequest, type Decision, type UnlockDeps } from "../../door/verifyUnlockRequest.ts";
import { RelayerError, decisionError, errorBody, reasonStatus } from "../../errors.ts";
import type { DeliveryResult } from "../../locks/lockAdapter.ts";
import type { RateLimiter } from "../../rateLimiter.ts";
import { ChallengeAlreadyGranted, type AuditRecord } from "../../audit/auditLog.ts";
import { OpenHoursCache } from "../../door/openingHoursGate.ts";
import { toWire } from "../wire.ts";

type Locals = { requestId: string; started: bigint; parsed?: ParsedUnlockRequest; raw?: unknown };
/** What the request claims (unverified): door, signer and pass as named in the body. */
export type Who = { door: number | null; signer: string | null; pass: string | null };
/** Sends the JSON answer (status, body object). */
export type Send = (status: number, body: unknown, headers?: Record<string, string>) => void;

/** The fields of a rejected body that pass their own check of the unlock request schema. */
export function partial(raw: unknown): Who {
  const r = (raw && typeof raw === "object" ? raw : {}) as Record<string, unknown>;
  const field = <T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false } }, v: unknown) => {
    const x = schema.safeParse(v);
    return x.success ? x.data : null;
  };
  const { door, signer, passId } = unlockRequest.shape;
  return {
    door: field(door, r.door),
    signer: field(signer, r.signer),
    pass: field(passId, r.passId) === null ? null : (r.passId as string), // as named, not normalised
  };
}

export const NO_WHO: Who = { door: null, signer: null, pass: null };

export function denyDecision(reason: Reason): Decision {
  return { reason, challengeId: null, venue: null, block: null, source: null };
}

export type UnlockCore = {
  /** Records the decision (durably), delivers a grant's open command, then sends the answer. */
  answer(send: Send, requestId: string, started: bigint, decision: Decision, who: Who, now: number): Promise<void>;
  /** Verifies a parsed request and answers. */
  decide(send: Send, requestId: string, started: bigint, p: ParsedUnlockRequest): Promise<void>;
};

export function createUnlockCore(ctx: RelayerContext, signerLimiter: RateLimiter): UnlockCore {
  const { metrics } = ctx;
  // Built once: no per-request allocation of the policy, the dependencies or metric label objects.
  const deps: UnlockDeps = {
    policy: {
      chainId: ctx.config.chainId,
      contract: ctx.contract,
      challengeMaxAgeS: ctx.config.challengeMaxAgeS,
      clockSkewS: ctx.config.clockSkewS,
      openCommandTtlS: ctx.config.openCommandTtlS,
      maxDeadlineAheadS: ctx.config.maxDeadlineAheadS,
      indexMaxStalenessMs: ctx.config.indexMaxStalenessMs,
      chainBudgetMs: ctx.config.decisionChainBudgetMs,
    },
    hasher: ctx.hasher,
    index: ctx.index,
    reader: ctx.reader,
    relayerKey: ctx.config.relayerPrivateKey,
    relayerAddress: ctx.config.relayerAddress,
    challenges: ctx.challenges,
    contractSignatures: ctx.contractSignatures,
    openHours: new OpenHoursCache(),
    signerLimited: (signer) => signerLimiter.hit(`signer:${signer}`).retryAfterS,
    onFreshWait: (seconds) => indexPhase.observe(seconds),
  };
  const indexPhase = metrics.phaseSeconds.labels({ phase: "index" });
  const auditPhase = metrics.phaseSeconds.labels({ phase: "audit" });
  const lockPhase = metrics.phaseSeconds.labels({ phase: "lock" });
  const grantedSeconds = metrics.decisionSeconds.labels({ result: "granted" });
  const deniedSeconds = metrics.decisionSeconds.labels({ result: "denied" });

  async function answer(
    send: Send,
    requestId: string,
    started: bigint,
    decision: Decision,
    who: Who,
    now: number,
  ): Promise<void> {
    let granted = decision.reason === "granted";
    let auditId: number;
    const auditStart = performance.now();
    const record = (d: Decision): AuditRecord => ({
      time: now,
      door: who.door,
      venue: d.venue,
      signer: d.signer ?? null,
      claimedSigner: who.signer,
      pass: who.pass,
      decision: d.reason === "granted" ? "granted" : "denied",
      reason: d.reason,
      block: d.block,
      challenge: d.challengeId,
      requestId,
    });
    try {
      try {
        auditId = await ctx.audit.record(record(decision));
      } catch (err) {
        if (!(err instanceof ChallengeAlreadyGranted)) throw err;
        // Another relayer of the fleet (or this one before a restart) granted this challenge: the
        // shared trail refused the second grant, so this is a replay. No open command leaves.
        decision = { ...decision, reason: "challenge_used", openCommand: undefined };
        granted = false;
        auditId = await ctx.audit.record(record(decision));
      }
    } catch (err) {
      // No audit record, no answer: fail closed.
      ctx.logger.error({ err, requestId }, "audit write failed");
      const e = new RelayerError("audit_unavailable", "decision could not be recorded");
      send(e.status, errorBody(e));
      return;
    }
    auditPhase.observe((performance.now() - auditStart) / 1000);
    let lock: DeliveryResult | undefined;
    if (granted && decision.openCommand) {
      const lockStart = performance.now();
      lock = await ctx.lock.deliver(decision.openCommand);
      lockPhase.observe((performance.now() - lockStart) / 1000);
      metrics.lockDeliveries.inc({ status: lock.status });
    }
    const result = granted ? "granted" : "denied";
    metrics.decisions.inc({ result, reason: decision.reason });
    (granted ? grantedSeconds : deniedSeconds).observe(Number(process.hrtime.bigint() - started) / 1e9);
    if (ctx.logger.isLevelEnabled("debug"))
      ctx.logger.debug(
        { requestId, reason: decision.reason, door: who.door, pass: who.pass, source: decision.source },
        "door decision",
      );
    const asError = decisionError(decision.reason, { requestId, auditId });
    const headers = decision.retryAfterS ? { "Retry-After": String(decision.retryAfterS) } : undefined;
    send(
      reasonStatus(decision.reason),
      asError
        ? errorBody(asError)
        : toWire(decisionAnswer, {
            requestId,
            granted,
            reason: decision.reason,
            auditId,
            ...(decision.openCommand ? { openCommand: decision.openCommand } : {}),
            ...(lock ? { lock } : {}),
          }),
      headers,
    );
  }

  async function decide(send: Send, requestId: string, started: bigint, p: ParsedUnlockRequest): Promise<void> {
    const now = ctx.clock();
    const decision = await verifyUnlockRequest(p, now, deps);
    await answer(
      send,
      requestId,
      started,
      decision,
      { door: p.door, signer: p.signer, pass: p.passId.toString() },
      now,
    );
  }

  return { answer, decide };
}

export function unlockRouter(ctx: RelayerContext, core: UnlockCore): Router {
  const router = express.Router();
  const sendWith =
    (res: Response): Send =>
    (status, body, headers) => {
      if (headers) res.set(headers);
      res.status(status).json(body);
    };
  const answer = (res: Response, decision: Decision, who: Who, now: number) => {
    const l = res.locals as Locals;
    return core.answer(sendWith(res), l.requestId, l.started, decision, who, now);
  };

  const start = (req: Request, res: Response, next: NextFunction) => {
    (res.locals as Locals).requestId = req.id ?? randomUUID();
    (res.locals as Locals).started = process.hrtime.bigint();
    next();
  };

  const validate = (req: Request, res: Response, next: NextFunction) => {
    const parsed = unlockRequest.safeParse(req.body);
    if (!parsed.success) {
      void answer(res, denyDecision("malformed_request"), partial(req.body), ctx.clock()).catch(next);
      return;
    }
    (res.locals as Locals).parsed = parsed.data;
    next();
  };

  const decide = async (_req: Request, res: Response) => {
    const l = res.locals as Locals;
    await core.decide(sendWith(res), l.requestId, l.started, l.parsed!);
  };

  // Body errors (bad JSON, too large) on this route are decisions too.
  const bodyErrors = (err: Error & { type?: string }, req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(err);
    if (
      err.type === "entity.too.large" ||
      err.type === "entity.parse.failed" ||
      err.type === "charset.unsupported" ||
      err.type === "encoding.unsupported" ||
      err.type === "request.aborted" ||
      err.type === "entity.verify.failed"
    ) {
      if (!(res.locals as Locals).requestId) start(req, res, () => undefined);
      void answer(res, denyDecision("malformed_request"), NO_WHO, ctx.clock()).catch(next);
      return;
    }
    next(err);
  };

  router.post(
    "/api/unlock",
    start,
    express.json({ limit: ctx.config.bodyLimitBytes, strict: true }),
    validate,
    decide,
    bodyErrors,
  );
  return router;
}
