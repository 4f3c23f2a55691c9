// Sign-In with Ethereum: nonce, verify (sets the session cookie), logout, me.
import express, { type Request, type Router } from "express";
import type { IncomingMessage } from "node:http";
import type { RelayerContext } from "../../context.ts";
import { me, nonceAnswer, okAnswer, signedIn, siweVerifyBody } from "../../../protocol/api/session.ts";
import { verifySiwe } from "../siwe.ts";
import { readCookie, SESSION_COOKIE, type Session } from "../session.ts";
import { RelayerError } from "../../errors.ts";
import { ipKey } from "../policy.ts";
import { toWire } from "../wire.ts";

export function currentSession(ctx: RelayerContext, req: Request): Session | null {
  const s = ctx.sessions.read(readCookie(req.headers.cookie, SESSION_COOKIE), ctx.clock());
  return s && s.chainId === ctx.config.chainId ? s : null;
}

export function requireSession(ctx: RelayerContext, req: Request): Session {
  const s = currentSession(ctx, req);
  if (!s) throw new RelayerError("unauthorized", "sign in with Ethereum first");
  return s;
}

export function authRouter(ctx: RelayerContext, clientIp: (req: IncomingMessage) => string | undefined): Router {
  const router = express.Router();
  const json = express.json({ limit: ctx.config.bodyLimitBytes });
  const cookieAttrs = () => `Path=/; HttpOnly; SameSite=Lax${ctx.config.cookieSecure ? "; Secure" : ""}`;

  router.get("/api/siwe/nonce", (_req, res) => {
    res.set("cache-control", "no-store").json(toWire(nonceAnswer, { nonce: ctx.nonces.issue() }));
  });

  router.post("/api/siwe/verify", json, async (req, res) => {
    const body = siweVerifyBody.safeParse(req.body);
    if (!body.success) throw new RelayerError("bad_request", "expected { message, signature }");
    const now = ctx.clock();
    const policy = {
      domains: ctx.config.siweDomains,
      uriOrigins: ctx.config.siweUriOrigins,
      chainId: ctx.config.chainId,
      nonceTtlS: ctx.config.siweNonceTtlS,
      clockSkewS: ctx.config.clockSkewS,
    };
    // Used nonces are bounded per client IP (the per-IP limiter's key: IPv6 by /56), not globally.
    const requester = ipKey(clientIp(req) ?? "unknown");
    const who = await verifySiwe(
      body.data.message,
      body.data.signature,
      policy,
      ctx.nonces,
      ctx.reader,
      now,
      requester,
    );
    const exp = Math.min(now + ctx.config.sessionTtlS, who.expiresAt ?? Number.MAX_SAFE_INTEGER);
    const token = ctx.sessions.issue(who.address, who.chainId, exp);
    res.set("set-cookie", `${SESSION_COOKIE}=${token}; Max-Age=${exp - now}; ${cookieAttrs()}`);
    res.json(toWire(signedIn, { address: who.address, chainId: who.chainId, expiresAt: exp }));
  });

  router.post("/api/siwe/logout", (req, res) => {
    const s = currentSession(ctx, req);
    if (s) ctx.sessions.revoke(s);
    res.set("set-cookie", `${SESSION_COOKIE}=; Max-Age=0; ${cookieAttrs()}`);
    res.json(toWire(okAnswer, { ok: true }));
  });

  router.get("/api/me", (req, res) => {
    const s = requireSession(ctx, req);
    res.json(
      toWire(me, {
        address: s.address,
        chainId: s.chainId,
        expiresAt: s.exp,
        operatorOf: ctx.index.venuesOperatedBy(s.address),
      }),
    );
  });
  return router;
}
