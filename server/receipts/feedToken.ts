// The private calendar subscription URL of a member: a token signed by the relayers (HMAC-SHA256
// with a key derived from SESSION_SECRET, which every relayer of a fleet shares) naming the member,
// when it was issued and until when it holds.
//
// Revocation works across the fleet through the one store the relayers share, the audit trail
// (SQLite file or PostgreSQL): revoking records `calendar_feed_revoked` for the member, and a token
// holds only if it was issued after the member's latest such record. A token never outlives the
// audit trail's retention (its lifetime is at most AUDIT_RETENTION_DAYS), so a revocation record is
// still there for as long as any token it revoked could be presented.
import { createHmac, timingSafeEqual } from "node:crypto";
import type { Hex } from "../../protocol/types.ts";

export const FEED_REVOKED_REASON = "calendar_feed_revoked";

export type FeedClaims = { address: Hex; chainId: number; iat: number; exp: number };

/** Why a token is refused; each maps to a clear HTTP error. */
export class FeedTokenError extends Error {
  readonly code: "feed_token_invalid" | "feed_token_expired" | "feed_token_revoked";
  constructor(code: FeedTokenError["code"], message: string) {
    super(message);
    this.name = "FeedTokenError";
    this.code = code;
  }
}

export class FeedTokenCodec {
  private readonly key: Buffer;
  constructor(sessionSecret: string) {
    // A key of its own: a feed token is never a session cookie and vice versa.
    this.key = createHmac("sha256", sessionSecret).update("passepartout calendar feed v1").digest();
  }

  issue(claims: FeedClaims): string {
    const payload = Buffer.from(JSON.stringify([claims.address, claims.chainId, claims.iat, claims.exp])).toString(
      "base64url",
    );
    return `${payload}.${this.mac(payload)}`;
  }

  /** The claims of a token this codec signed and that has not expired at `now`; else a FeedTokenError. */
  read(token: string, now: number): FeedClaims {
    const [payload, mac, extra] = token.split(".");
    if (!payload || !mac || extra !== undefined || token.length > 400)
      throw new FeedTokenError("feed_token_invalid", "this calendar link is not valid");
    const expected = Buffer.from(this.mac(payload));
    const given = Buffer.from(mac);
    if (expected.length !== given.length || !timingSafeEqual(expected, given))
      throw new FeedTokenError("feed_token_invalid", "this calendar link is not valid");
    const [address, chainId, iat, exp] = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as [
      Hex,
      number,
      number,
      number,
    ];
    if (exp <= now) throw new FeedTokenError("feed_token_expired", "this calendar link has expired: get a new one");
    return { address, chainId, iat, exp };
  }

  private mac(payload: string): string {
    return createHmac("sha256", this.key).update(payload).digest("base64url");
  }
}
