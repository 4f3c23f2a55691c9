// The relayer's own HTTP policy, one place for what every answer carries and how requests are
// counted, used alike by the express routes (app.ts) and the unlock fast path (unlockFastPath.ts):
// security headers, CORS for the configured dApp origins, the client's address (behind a trusted
// proxy or not); the fixed-window rate limits (IETF draft-8 `RateLimit` headers) are server/rateLimiter.ts.
import { BlockList, isIP, isIPv6 } from "node:net";
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
 * Which peers are proxies whose X-Forwarded-For is believed (TRUST_PROXY): none (`false`), every
 * peer (`true`, only when the relayer is reachable through its proxy alone), or a list of
 * addresses and CIDR ranges, `loopback` naming 127.0.0.0/8 and ::1 (a proxy on the same host).
 */
export type ProxyTrust = boolean | readonly string[];

/** A predicate over peer addresses for `trust` (IPv4-mapped IPv6 addresses read as IPv4). */
export function trustedProxies(trust: ProxyTrust): (address: string) => boolean {
  if (typeof trust === "boolean") return () => trust;
  const list = new BlockList();
  for (const entry of trust) {
    if (entry === "loopback") {
      list.addSubnet("127.0.0.0", 8, "ipv4");
      list.addAddress("::1", "ipv6");
      continue;
    }
    const [ip, bits] = entry.split("/");
    const family = isIPv6(ip) ? "ipv6" : "ipv4";
    if (bits === undefined) list.addAddress(ip, family);
    else list.addSubnet(ip, Number(bits), family);
  }
  return (address) => {
    const ip = unmapped(address);
    return isIP(ip) !== 0 && list.check(ip, isIPv6(ip) ? "ipv6" : "ipv4");
  };
}

/** Whether `entry` is a TRUST_PROXY list item: `loopback`, an IP address, or a CIDR range. */
export function isProxyTrustEntry(entry: string): boolean {
  if (entry === "loopback") return true;
  const [ip, bits, extra] = entry.split("/");
  if (extra !== undefined || isIP(ip) === 0) return false;
  if (bits === undefined) return true;
  return /^\d{1,3}$/.test(bits) && Number(bits) <= (isIPv6(ip) ? 128 : 32);
}

const unmapped = (ip: string) => /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip)?.[1] ?? ip;

/**
 * The client's address: the socket's peer; when that peer is a trusted proxy, the X-Forwarded-For
 * chain is walked from the right (the nearest hop) past every trusted proxy, and the first address
 * that is not one is the client. A client cannot pick its own key: what it writes into the header
 * sits left of the addresses the trusted proxies appended.
 */
export function clientIp(
  req: Pick<IncomingMessage, "headers"> & { socket: { remoteAddress?: string } },
  trust: ProxyTrust | ((address: string) => boolean),
): string | undefined {
  const trusted = typeof trust === "function" ? trust : trustedProxies(trust);
  const peer = req.socket.remoteAddress;
  if (peer === undefined || !trusted(peer)) return peer;
  const xff = req.headers["x-forwarded-for"];
  const hops = (Array.isArray(xff) ? xff.join(",") : (xff ?? ""))
    .split(",")
    .map((h) => h.trim())
    .filter(Boolean);
  let client = peer;
  while (hops.length && trusted(client)) client = hops.pop()!;
  return client;
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
