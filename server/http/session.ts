// Session cookie after SIWE: `pp_session=<payload>.<hmac>` (HMAC-SHA256 with SESSION_SECRET), so
// relayers sharing the secret accept each other's sessions. Sign-out revokes the token id here.
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { Hex } from "../door/doorCrypto.ts";

export const SESSION_COOKIE = "pp_session";

export type Session = { address: Hex; chainId: number; exp: number; jti: string };

export class SessionCodec {
  private readonly secret: string;
  private readonly revoked = new Map<string, number>();
  constructor(secret: string) {
    this.secret = secret;
  }
  issue(address: Hex, chainId: number, exp: number): string {
    const s: Session = { address, chainId, exp, jti: randomBytes(9).toString("base64url") };
    const payload = Buffer.from(JSON.stringify(s)).toString("base64url");
    return `${payload}.${this.mac(payload)}`;
  }
  read(token: string | undefined, now: number): Session | null {
    if (!token || token.length > 512) return null;
    const [payload, mac] = token.split(".");
    if (!payload || !mac) return null;
    const expected = Buffer.from(this.mac(payload));
    const given = Buffer.from(mac);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
    let s: Session;
    try {
      // The MAC matched: the payload is one this codec issued.
      s = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as Session;
    } catch {
      return null;
    }
    if (typeof s.exp !== "number" || s.exp <= now || this.revoked.has(s.jti)) return null;
    return s;
  }
  revoke(s: Session): void {
    this.revoked.set(s.jti, s.exp);
    if (this.revoked.size > 10_000) {
      const now = Math.floor(Date.now() / 1000);
      for (const [j, exp] of this.revoked) if (exp < now) this.revoked.delete(j);
    }
  }
  private mac(payload: string): string {
    return createHmac("sha256", this.secret).update(payload).digest("base64url");
  }
}

/** The value of one cookie in a Cookie header. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header || header.length > 8192) return undefined;
  for (const part of header.split(";")) {
    const i = part.indexOf("=");
    if (i > 0 && part.slice(0, i).trim() === name) return part.slice(i + 1).trim();
  }
  return undefined;
}
