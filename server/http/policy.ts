// The relayer's own HTTP policy, one place for what every answer carries and how requests are
// counted, used alike by the express routes (app.ts) and the unlock fast path (unlockFastPath.ts):
// security headers, CORS for the configured dApp origins, the client's address (behind a trusted
// proxy or not); the fixed-window rate limits (IETF draft-8 `RateLimit` headers) are server/rateLimiter.ts.
import { isIPv6 } from "node:net";
import type { IncomingMessage } from "node:http";

import type { HeaderList } from "../rateLimiter.ts";

/** A JSON API: nothing to frame, embed or run; HTTPS remembered once seen. */
export const SECURITY_HEADERS: HeaderList = [
  ["Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'"],
  ["Cross-Origin-Opener-Policy", "same-origin"],
  ["Cross-Origin-Resource-Policy", "same-origin"],
  ["Referrer-Policy", "no-referrer"],
  ["Strict-Transport-Security", "max-age=31536000; includeSubDomains"],
  ["X-Content-Type-Options", "nosniff"],
  ["X-Frame-Options", "DENY"],
];

export type Cors = {
  /** Headers of an actual request's answer: the origin is echoed only when it is a dApp origin. */
  headers(origin: string | undefined): HeaderList;
  /** Headers of a preflight (OPTIONS) answer, status 204. */
  preflight(origin: string | undefined): HeaderList;
};

export function createCors(origins: readonly string[]): Cors {
  const allowed = new Set(origins);
  const byOrigin = new Map<string, HeaderList>();
  for (const o of allowed)
    byOrigin.set(o, [
      ["Access-Control-Allow-Origin", o],
      ["Access-Control-Allow-Credentials", "true"],
      ["Vary", "Origin"],
    ]);
  const none: HeaderList = [["Vary", "Origin"]];
  const preflightExtra: HeaderList = [
    ["Access-Control-Allow-Methods", "GET,POST"],
    ["Access-Control-Allow-Headers", "content-type"],
    ["Access-Control-Max-Age", "600"],
  ];
  const headers = (origin: string | undefined) => (origin !== undefined && byOrigin.get(origin)) || none;
  return {
    headers,
    preflight: (origin) =>
      origin !== undefined && allowed.has(origin) ? [...headers(origin), ...preflightExtra] : none,
  };
}

/**
 * The client's address: the socket's peer, or, behind a trusted proxy (TRUST_PROXY), the first
 * address of X-Forwarded-For (the client as the outermost proxy saw it).
 */
export function clientIp(
  req: Pick<IncomingMessage, "headers"> & { socket: { remoteAddress?: string } },
  trustProxy: boolean,
): string | undefined {
  if (trustProxy) {
    const xff = req.headers["x-forwarded-for"];
    const first = (Array.isArray(xff) ? xff[0] : xff)?.split(",")[0]?.trim();
    if (first) return first;
  }
  return req.socket.remoteAddress;
}

/**
 * The key a client is counted under: an IPv4 address as is (also when IPv4-mapped), an IPv6
 * address by its /56 prefix — one subscriber's allocation, so rotating addresses does not help.
 */
export function ipKey(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return mapped[1];
  if (!isIPv6(ip)) return ip;
  const [head, tail = ""] = ip.split("::");
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  const groups = ip.includes("::")
    ? [...left, ...Array<string>(8 - left.length - right.length).fill("0"), ...right]
    : left;
  const bits = groups.map((g) => parseInt(g || "0", 16));
  return `${bits
    .slice(0, 3)
    .map((g) => g.toString(16))
    .join(":")}:${(bits[3] & 0xff00).toString(16)}::/56`;
}
