// The relayer's own HTTP policy (server/http/policy.ts): client keys, trust-proxy addresses,
// fixed-window limits with their headers, CORS answers.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { clientIp, createCors, ipKey } from "../../server/http/policy.ts";
import { RateLimiter } from "../../server/rateLimiter.ts";

const req = (remoteAddress: string, xff?: string) => ({
  headers: xff === undefined ? {} : { "x-forwarded-for": xff },
  socket: { remoteAddress },
});

describe("HTTP policy", () => {
  it("counts IPv4 per address (also IPv4-mapped) and IPv6 per /56", () => {
    assert.equal(ipKey("203.0.113.7"), "203.0.113.7");
    assert.equal(ipKey("::ffff:203.0.113.7"), "203.0.113.7");
    assert.equal(ipKey("2001:db8:abcd:12ff:1::1"), "2001:db8:abcd:1200::/56");
    assert.equal(ipKey("2001:db8:abcd:1234::9"), ipKey("2001:db8:abcd:12aa:ffff::1"), "same /56");
    assert.notEqual(ipKey("2001:db8:abcd:1234::9"), ipKey("2001:db8:abcd:1334::9"), "another /56");
    assert.equal(ipKey("::1"), "0:0:0:0::/56");
  });

  it("takes the client from X-Forwarded-For only behind a trusted proxy", () => {
    assert.equal(clientIp(req("10.0.0.2", "198.51.100.9, 10.0.0.1"), true), "198.51.100.9");
    assert.equal(clientIp(req("10.0.0.2", "198.51.100.9"), false), "10.0.0.2", "a client cannot pick its own key");
    assert.equal(clientIp(req("10.0.0.2"), true), "10.0.0.2");
  });

  it("limits per key in fixed windows, with draft-8 headers and Retry-After", () => {
    let now = 1_000_000;
    const l = new RateLimiter(2, 60_000, () => now);
    const a1 = l.hit("a");
    assert.equal(a1.limited, false);
    assert.deepEqual(a1.headers[0], ["RateLimit", '"2-in-1min"; r=1; t=60']);
    assert.match(a1.headers[1][1], /^"2-in-1min"; q=2; w=60; pk=:[A-Za-z0-9+/]{16}:$/);
    l.hit("a");
    now += 15_000;
    const a3 = l.hit("a");
    assert.equal(a3.limited, true);
    assert.equal(a3.retryAfterS, 45);
    assert.deepEqual(a3.headers[2], ["Retry-After", "45"]);
    assert.equal(l.hit("b").limited, false, "another key has its own window");
    now += 45_000;
    assert.equal(l.hit("a").limited, false, "a new window");
  });

  it("echoes only the dApp origins, and answers their preflight", () => {
    const cors = createCors(["https://book.example"]);
    const good = new Map(cors.headers("https://book.example"));
    assert.equal(good.get("Access-Control-Allow-Origin"), "https://book.example");
    assert.equal(good.get("Access-Control-Allow-Credentials"), "true");
    assert.deepEqual(cors.headers("https://evil.example"), [["Vary", "Origin"]]);
    assert.deepEqual(cors.headers(undefined), [["Vary", "Origin"]]);
    const pre = new Map(cors.preflight("https://book.example"));
    assert.equal(pre.get("Access-Control-Allow-Methods"), "GET,POST");
    assert.equal(pre.get("Access-Control-Allow-Headers"), "content-type");
    assert.equal(new Map(cors.preflight("https://evil.example")).get("Access-Control-Allow-Origin"), undefined);
  });
});
