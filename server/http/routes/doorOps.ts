// The operator's doors, for the venue's operator only (SIWE session):
//   GET  /api/venues/:id/doors/status  each active door's live status as this relayer hears it on the
//                                      broker (server/locks/doorStatusBoard.ts)
//   POST /api/doors/:doorId/pulse      opens the door once, remotely: a fresh challenge from the door's
//                                      agent, an open command signed by this relayer, delivered through
//                                      the same lock adapter as a member's unlock (ctx.lock)
// A pulse is audited twice under one request id: `operator_pulse` (who, which door) is committed
// before the command leaves — no record, no command (fail closed) — then its outcome
// (`operator_pulse_opened` / `_refused` / `_unreachable`). A signed-in non-operator's attempt is
// recorded as `operator_pulse_forbidden` and nothing is sent to the broker.
//
// The pulse is a cookie-authenticated POST that opens a door: besides the session cookie's
// SameSite=Lax, it must come from a dApp origin (the Origin header, which browsers always send
// with a cross-origin or POST fetch), so no other site can make a signed-in operator's browser send it.
import { randomUUID } from "node:crypto";
import express, { type Request, type Router } from "express";
import type { RelayerContext } from "../../context.ts";
import { RelayerError } from "../../errors.ts";
import { requireSession } from "./auth.ts";
import { doorIdParam, venueIdParam } from "../schemas.ts";
import { doorsStatusAnswer, pulseAnswer, type OperatorPulseReason } from "../../../protocol/api/doorOps.ts";
import { recoverSigner, sameAddress, signDigest, toHex, type Hex } from "../../door/doorCrypto.ts";
import { RateLimiter } from "../../rateLimiter.ts";
import type { AuditRecord } from "../../audit/auditLog.ts";
import type { DeliveryResult } from "../../locks/lockAdapter.ts";
import type { Session } from "../session.ts";
import { toWire } from "../wire.ts";

/** Pulses per operator and minute: enough for a day's real use, not for a stuck script. */
export const PULSES_PER_MIN = 10;

export function doorOpsRouter(ctx: RelayerContext): Router {
  const router = express.Router();
  const { index } = ctx;
  const pulses = new RateLimiter(PULSES_PER_MIN, 60_000);

  const operatorOf = (s: Session, venueId: number): boolean => {
    const venue = index.venues.get(venueId);
    if (!venue) throw new RelayerError("not_found", "no such venue");
    return sameAddress(venue.operator, s.address);
  };

  router.get("/api/venues/:id/doors/status", (req, res) => {
    const s = requireSession(ctx, req);
    const v = venueIdParam.safeParse(req.params.id);
    if (!v.success) throw new RelayerError("bad_request", "venue id must be a uint32");
    if (!operatorOf(s, v.data)) throw new RelayerError("forbidden", "only the venue's operator sees its doors");
    const doors = [...index.doors.values()]
      .filter((d) => d.venueId === v.data && d.active)
      .sort((a, b) => a.id - b.id)
      .map((d) => ctx.doorStatus.view(v.data, d.id));
    res.set("cache-control", "no-store").json(
      toWire(doorsStatusAnswer, {
        venueId: v.data,
        broker: ctx.doorStatus.connected ? "connected" : "disconnected",
        doors,
        asOfBlock: index.tip,
      }),
    );
  });

  router.post("/api/doors/:doorId/pulse", async (req, res) => {
    const origin = req.headers.origin;
    if (origin === undefined || !ctx.config.dappOrigins.includes(origin))
      throw new RelayerError("forbidden", "a door pulse is accepted from the dApp's origin only");
    const s = requireSession(ctx, req);
    const id = doorIdParam.safeParse(req.params.doorId);
    if (!id.success) throw new RelayerError("bad_request", "door id must be a uint32");
    const door = await doorOf(ctx, id.data);
    const requestId = req.id ?? randomUUID();
    const now = ctx.clock();
    const record = (reason: OperatorPulseReason, challenge: Hex | null): AuditRecord => ({
      time: ctx.clock(),
      door: door.id,
      venue: door.venueId,
      signer: s.address,
      claimedSigner: s.address,
      pass: null,
      decision: reason === "operator_pulse_forbidden" ? "denied" : "granted",
      reason,
      block: index.tip,
      challenge,
      requestId,
    });
    if (!operatorOf(s, door.venueId)) {
      await ctx.audit.record(record("operator_pulse_forbidden", null)).catch((err: unknown) => {
        req.log.warn({ err }, "refused pulse not recorded");
      });
      throw new RelayerError("forbidden", "only the venue's operator may pulse its doors");
    }
    const limit = pulses.hit(`pulse:${s.address}`);
    if (limit.limited) {
      for (const [k, v] of limit.headers) res.setHeader(k, v);
      throw new RelayerError("rate_limited", "too many pulses: wait a minute", { retryAfterS: limit.retryAfterS });
    }

    const send = (r: DeliveryResult, auditId: number) =>
      res.set("cache-control", "no-store").json(
        toWire(pulseAnswer, {
          door: door.id,
          result: r.status,
          ...(r.status === "opened" ? {} : { reason: r.reason }),
          requestId,
          auditId,
        }),
      );

    // A fresh challenge from the door's own lock, checked against its on-chain key.
    let challenge;
    try {
      challenge = await ctx.lock.getChallenge(door.id);
    } catch {
      challenge = null;
    }
    const challengeId = challenge ? toHex(ctx.hasher.challengeDigest(challenge)) : null;
    const genuine =
      challenge !== null &&
      challenge.door === door.id &&
      sameAddress(recoverSigner(ctx.hasher.challengeDigest(challenge), challenge.signature) ?? "", door.lockKey);
    if (!challenge || !challengeId || !genuine) {
      const outcome: DeliveryResult = challenge
        ? { status: "refused", reason: "challenge_forged" }
        : { status: "unreachable", reason: "lock_unreachable" };
      const auditId = await audited(ctx, req, record(outcomeReason(outcome), null));
      send(outcome, auditId);
      return;
    }
    ctx.challenges.add(challengeId, challenge.time + ctx.config.challengeMaxAgeS + ctx.config.clockSkewS);
    const expires = now + ctx.config.openCommandTtlS;
    const command = {
      door: door.id,
      challenge: challengeId,
      expires,
      relayer: ctx.config.relayerAddress,
      signature: signDigest(
        ctx.hasher.openCommandDigest({ door: door.id, challenge: challengeId, expires }),
        ctx.config.relayerPrivateKey,
      ),
    };
    // No record, no command.
    const auditId = await audited(ctx, req, record("operator_pulse", challengeId));
    const outcome = await ctx.lock.deliver(command);
    ctx.metrics.lockDeliveries.inc({ status: outcome.status });
    await audited(ctx, req, record(outcomeReason(outcome), null)).catch(() => undefined);
    req.log.info({ door: door.id, operator: s.address, result: outcome.status }, "operator pulse");
    send(outcome, auditId);
  });
  return router;
}

function outcomeReason(r: DeliveryResult): OperatorPulseReason {
  return r.status === "opened"
    ? "operator_pulse_opened"
    : r.status === "refused"
      ? "operator_pulse_refused"
      : "operator_pulse_unreachable";
}

/** Commits an audit record; the request fails (503) when it cannot be written. */
async function audited(ctx: RelayerContext, req: Request, rec: AuditRecord): Promise<number> {
  try {
    return await ctx.audit.record(rec);
  } catch (err) {
    req.log.error({ err, requestId: rec.requestId }, "audit write failed");
    throw new RelayerError("audit_unavailable", "the pulse could not be recorded: nothing was sent");
  }
}

/** The active door, from the index, else the chain; 404 for an unknown or inactive door. */
async function doorOf(ctx: RelayerContext, id: number) {
  let door;
  try {
    door = ctx.index.doors.get(id) ?? (await ctx.reader.door(id));
  } catch {
    throw new RelayerError("chain_unavailable", "the chain cannot be read now");
  }
  if (!door || !door.active) throw new RelayerError("not_found", "no such door");
  return { id, venueId: door.venueId, lockKey: door.lockKey };
}
