// The HTTP surface: 10,000+ generated hostile or malformed requests (no 5xx, no crash, no grant),
// the rate limiters, SIWE rejections, session-scoped reads, CORS and the OpenAPI document.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import http from "node:http";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { privateKeyToAccount } from "viem/accounts";
import { createSiweMessage } from "viem/siwe";
import { HOUR, startHarness, tempFile, unlock, type Harness } from "./fixture.ts";
import { json } from "./json.ts";
import type { ErrorAnswer, UnlockAnswer } from "../../scripts/lib/doorClient.ts";
import type { UnlockRequest } from "../../protocol/eip712.ts";
import type { LogRecord } from "../../protocol/doorLog.ts";

/** POST /api/siwe/verify answers the session's address, or the error shape. */
type SiweAnswer = Partial<{ address: string } & ErrorAnswer>;
import { loadConfig } from "../../server/config.ts";
import { startRelayer, type RunningRelayer } from "../../server/relayer.ts";
import { InProcessLockAdapter } from "../../server/locks/lockAdapter.ts";

const ORIGIN = "http://localhost:5173";

describe("HTTP surface", () => {
  let h: Harness;
  let slot0: number;
  let passId: bigint;
  const member = () => h.chain.accounts[2];

  before(async () => {
    h = await startHarness({ LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "silent" });
    slot0 = Math.floor((await h.p.chainNow()) / HOUR) * HOUR;
    passId = (await h.p.book(member(), h.venue.office, slot0, slot0 + 2 * HOUR)).passId;
    h.clock.now = slot0 + 600;
  });
  after(async () => {
    await h?.stop();
  });

  async function signIn(
    key: `0x${string}`,
    over: Partial<Parameters<typeof createSiweMessage>[0]> = {},
    base = h.relayer.url,
    signer?: `0x${string}`,
  ) {
    const account = privateKeyToAccount(key);
    const { nonce } = (await (await fetch(`${base}/api/siwe/nonce`)).json()) as { nonce: string };
    const message = createSiweMessage({
      address: account.address,
      domain: "localhost:5173",
      uri: ORIGIN,
      chainId: 31337,
      nonce,
      version: "1",
      issuedAt: new Date(h.clock.now * 1000),
      expirationTime: new Date((h.clock.now + 3600) * 1000),
      ...over,
      ...(signer ? { address: signer } : {}),
    });
    const signature = await account.signMessage({ message });
    const post = () =>
      fetch(`${base}/api/siwe/verify`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ message, signature }),
      });
    const res = await post();
    const cookie = res.headers
      .getSetCookie()
      .find((c) => c.startsWith("pp_session="))
      ?.split(";")[0];
    return { res, cookie, body: await json<SiweAnswer>(res), replay: post };
  }

  describe("under 10,000 generated hostile requests", () => {
    it("never answers 5xx, never grants, and stays alive", async () => {
      // A genuine request whose challenge is already used: every mutation of it must be denied.
      const valid = await unlock(h, { key: member().privateKey, passId, door: h.venue.street });
      assert.equal(valid.body.reason, "granted");
      const template = JSON.parse(
        JSON.stringify({
          chainId: 31337,
          contract: h.p.address,
          door: h.venue.street,
          challenge: valid.challenge,
          passId: String(passId),
          deadline: h.clock.now + 60,
          signer: member().address,
        }),
      ) as Omit<UnlockRequest, "signature">;
      const openedBefore = h.sim.log().filter((e) => e.result === "opened").length;

      const hostileString = fc.oneof(
        fc.string({ maxLength: 80 }),
        fc.constantFrom(
          "0x",
          "0x00",
          `0x${"f".repeat(40)}`,
          `0x${"0".repeat(130)}`,
          "__proto__",
          "constructor",
          "../../etc/passwd",
          "%00",
          "NaN",
          "-1",
          "1e309",
          "9".repeat(90),
          "<script>",
          "' OR 1=1 --",
          "\u0000",
          "💥",
        ),
        fc.uint8Array({ maxLength: 70 }).map((b) => `0x${Buffer.from(b).toString("hex")}`),
      );
      const hostileValue = fc.oneof(
        hostileString,
        fc.integer(),
        fc.double(),
        fc.constantFrom(null, true, false, [], {}, Number.MAX_SAFE_INTEGER + 2, -0, 2 ** 32, -1),
        fc.bigInt().map(String),
        fc.array(fc.integer(), { maxLength: 3 }),
      );
      const field = fc.constantFrom(
        "chainId",
        "contract",
        "door",
        "challenge",
        "passId",
        "deadline",
        "signer",
        "signature",
        "__proto__",
        "extra",
      );
      const challengeField = fc.constantFrom("door", "nonce", "time", "signature");
      const mutatedUnlock = fc
        .tuple(field, hostileValue, fc.option(fc.tuple(challengeField, hostileValue)), fc.option(hostileValue))
        .map(([f, v, cf, sig]) => {
          const body: Record<string, unknown> = {
            ...template,
            challenge: { ...template.challenge },
            signature: sig ?? valid.body.openCommand!.signature,
          };
          body[f] = structuredClone(v);
          if (cf && typeof body.challenge === "object" && body.challenge)
            (body.challenge as Record<string, unknown>)[cf[0]] = structuredClone(cf[1]);
          return { method: "POST", path: "/api/unlock", body: JSON.stringify(body), type: "application/json" };
        });
      const rawUnlock = fc.oneof(
        fc.json().map((j) => ({ method: "POST", path: "/api/unlock", body: j, type: "application/json" })),
        fc
          .string({ maxLength: 200 })
          .map((s) => ({ method: "POST", path: "/api/unlock", body: s, type: "application/json" })),
        fc
          .constantFrom(
            "text/plain",
            "application/x-www-form-urlencoded",
            "application/json; charset=utf-7",
            "multipart/form-data",
          )
          .map((type) => ({ method: "POST", path: "/api/unlock", body: JSON.stringify(template), type })),
        fc.integer({ min: 17_000, max: 40_000 }).map((n) => ({
          method: "POST",
          path: "/api/unlock",
          body: JSON.stringify({ ...template, pad: "x".repeat(n) }),
          type: "application/json",
        })),
        fc.constant({
          method: "POST",
          path: "/api/unlock",
          body: `{"a":${"[".repeat(5000)}${"]".repeat(5000)}}`,
          type: "application/json",
        }),
      );
      const seg = fc.oneof(
        hostileString.map(encodeURIComponent),
        fc.nat().map(String),
        fc.constantFrom("1", "2", "4294967296", "-1", "0x1", "%2e%2e", "..", "%"),
      );
      const gets = fc
        .oneof(
          seg.map((s) => `/api/doors/${s}/challenge`),
          fc.tuple(seg, seg, seg).map(([id, from, to]) => `/api/resources/${id}/availability?from=${from}&to=${to}`),
          fc.tuple(seg, seg).map(([id, q]) => `/api/venues/${id}/bookings?x=${q}`),
          seg.map((s) => `/api/venues/${s}/revenue`),
          seg.map((s) => `/api/passes?holder=${s}&holder=${s}`),
          seg.map((s) => `/api/audit?venue=${s}&limit=${s}`),
          seg.map((s) => `/api/${s}`),
          fc.constantFrom("/api/me", "/api/venues", "/healthz", "/readyz", "/openapi.json", "/api/siwe/nonce"),
        )
        .map((path) => ({
          method: "GET",
          path,
          body: undefined as string | undefined,
          type: undefined as string | undefined,
        }));
      const siwePosts = fc
        .oneof(
          fc.json(),
          fc.record({ message: hostileString, signature: hostileString }).map((o) => JSON.stringify(o)),
        )
        .map((body) => ({
          method: "POST",
          path: fc.sample(fc.constantFrom("/api/siwe/verify", "/api/siwe/logout"), 1)[0],
          body,
          type: "application/json",
        }));
      const request = fc.record({
        req: fc.oneof(
          { weight: 5, arbitrary: mutatedUnlock },
          { weight: 2, arbitrary: rawUnlock },
          { weight: 3, arbitrary: gets },
          { weight: 1, arbitrary: siwePosts },
        ),
        cookie: fc.option(fc.oneof(hostileString, fc.constant("pp_session=eyJhIjoiMCJ9.AAAA"))),
        origin: fc.option(fc.constantFrom("http://evil.example", ORIGIN, "null")),
      });

      const samples = fc.sample(request, { numRuns: 10_200, seed: 4242 });
      let fiveHundreds = 0;
      const examples: string[] = [];
      let grants = 0;
      const statuses = new Map<number, number>();
      let i = 0;
      const worker = async () => {
        while (i < samples.length) {
          const { req, cookie, origin } = samples[i++];
          const headers: Record<string, string> = {};
          if (req.type) headers["content-type"] = req.type;
          if (cookie) headers.cookie = cookie.replace(/[^\x20-\x7e]/g, "");
          if (origin) headers.origin = origin;
          let res: Response;
          try {
            res = await fetch(`${h.relayer.url}${req.path}`, { method: req.method, headers, body: req.body });
          } catch (err) {
            if ((err as Error).name === "TypeError" && /Invalid URL|invalid/i.test(String((err as Error).cause ?? err)))
              continue;
            throw err;
          }
          const text = await res.text();
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
          if (res.status >= 500) {
            fiveHundreds++;
            if (examples.length < 5)
              examples.push(
                `${res.status} ${req.method} ${req.path} ${String(req.body).slice(0, 300)} -> ${text.slice(0, 200)}`,
              );
          }
          if (/"granted":true/.test(text)) grants++;
        }
      };
      await Promise.all(Array.from({ length: 12 }, worker));
      const answered = [...statuses.values()].reduce((a, b) => a + b, 0);
      assert.ok(answered >= 10_000, `answered ${answered}`);
      assert.equal(fiveHundreds, 0, `5xx answers: ${JSON.stringify([...statuses])}\n${examples.join("\n")}`);
      assert.equal(grants, 0);
      assert.equal(h.sim.log().filter((e) => e.result === "opened").length, openedBefore);
      assert.equal((await fetch(`${h.relayer.url}/healthz`)).status, 200);
      // The relayer still decides correctly afterwards.
      assert.equal(
        (await unlock(h, { key: member().privateKey, passId, door: h.venue.street })).body.reason,
        "granted",
      );
    });
  });

  describe("unlock fast path", () => {
    it("answers like the express route: same status, reason, audit and headers", async () => {
      const valid = await unlock(h, { key: member().privateKey, passId, door: h.venue.street });
      assert.equal(valid.body.reason, "granted");
      const body = JSON.stringify({
        chainId: 31337,
        contract: h.p.address,
        door: h.venue.street,
        challenge: valid.challenge,
        passId: String(passId),
        deadline: h.clock.now + 60,
        signer: member().address,
        signature: valid.body.openCommand!.signature,
      });
      // "application/json" takes the fast path; a content type with an extra parameter is still
      // JSON for body-parser but goes through express.
      const send = (type: string, b = body) =>
        fetch(`${h.relayer.url}/api/unlock`, {
          method: "POST",
          headers: { "content-type": type, origin: ORIGIN },
          body: b,
        });
      const ignored = new Set([
        "date",
        "etag",
        "connection",
        "keep-alive",
        "content-length",
        "ratelimit",
        "ratelimit-policy",
      ]);
      const names = (r: Response) => {
        const out: string[] = [];
        r.headers.forEach((_v, k) => out.push(k));
        return out.filter((k) => !ignored.has(k)).sort();
      };
      for (const b of [body, "{not json", "[1]", JSON.stringify({ door: 3, signer: member().address })]) {
        const fast = await send("application/json", b);
        const slow = await send("application/json; x=1", b);
        const [fb, sb] = [await json<UnlockAnswer>(fast), await json<UnlockAnswer>(slow)];
        assert.equal(fast.status, slow.status, b);
        assert.equal(fb.reason, sb.reason, b);
        assert.deepEqual(names(fast), names(slow), b);
        for (const k of names(fast))
          if (k !== "content-type") assert.equal(fast.headers.get(k), slow.headers.get(k), k);
        assert.equal(fast.headers.get("ratelimit-policy"), slow.headers.get("ratelimit-policy"));
        for (const r of [fb, sb])
          assert.equal((await h.relayer.ctx.audit.query({ requestIds: [r.requestId] })).length, 1);
      }
    });
  });

  describe("rate limits", () => {
    let limited: RunningRelayer;
    before(async () => {
      const config = loadConfig({
        PORT: "0",
        RPC_URL: h.chain.rpcUrl,
        AUDIT_DB: tempFile("audit.sqlite"),
        INDEX_DB: tempFile("index.sqlite"),
        LOG_LEVEL: "silent",
        RATE_LIMIT_IP_PER_MIN: "30",
        RATE_LIMIT_ADDRESS_PER_MIN: "3",
      });
      limited = await startRelayer(config, {
        clock: h.clock.fn,
        lock: new InProcessLockAdapter(h.sim),
        deployments: h.chain.deployments,
        defaultMetrics: false,
      });
    });
    after(async () => {
      await limited?.close();
    });

    it("limits unlock requests per signer address, with an audited rate_limited denial", async () => {
      const hh: Harness = { ...h, relayer: limited };
      const reasons = [];
      for (let k = 0; k < 5; k++)
        reasons.push((await unlock(hh, { key: member().privateKey, passId, door: h.venue.street })).body.reason);
      assert.deepEqual(reasons.slice(0, 3), ["granted", "granted", "granted"]);
      assert.deepEqual(reasons.slice(3), ["rate_limited", "rate_limited"]);
      // Another address is not affected.
      const other = await unlock(hh, { key: h.chain.accounts[3].privateKey, passId, door: h.venue.street });
      assert.equal(other.body.reason, "not_holder_or_guest");
      assert.ok(
        (await limited.ctx.audit.query({ limit: 100 })).filter((r) => r.reason === "rate_limited").length === 2,
      );
    });

    it("limits all API requests per IP", async () => {
      let last = 0;
      for (let k = 0; k < 40; k++) last = (await fetch(`${limited.url}/api/venues`)).status;
      assert.equal(last, 429);
      const body = await json<ErrorAnswer>(await fetch(`${limited.url}/api/venues`));
      assert.equal(body.error.code, "rate_limited");
      assert.equal((await fetch(`${limited.url}/healthz`)).status, 200);
    });
  });

  describe("Sign-In with Ethereum", () => {
    it("signs in, serves /api/me, and signs out", async () => {
      const { res, cookie } = await signIn(member().privateKey);
      assert.equal(res.status, 200);
      assert.ok(cookie);
      const me = await fetch(`${h.relayer.url}/api/me`, { headers: { cookie } });
      assert.equal(me.status, 200);
      assert.equal((await json<{ address: string }>(me)).address, member().address.toLowerCase());
      await fetch(`${h.relayer.url}/api/siwe/logout`, { method: "POST", headers: { cookie } });
      assert.equal((await fetch(`${h.relayer.url}/api/me`, { headers: { cookie } })).status, 401);
    });

    it("rejects a wrong domain, a wrong URI, a wrong chain, an expired message and a reused nonce", async () => {
      const key = member().privateKey;
      assert.equal((await signIn(key, { domain: "evil.example" })).res.status, 401);
      assert.equal((await signIn(key, { uri: "https://evil.example/login" })).res.status, 401);
      assert.equal((await signIn(key, { chainId: 1 })).res.status, 401);
      const expired = await signIn(key, {
        issuedAt: new Date((h.clock.now - 7200) * 1000),
        expirationTime: new Date((h.clock.now - 3600) * 1000),
      });
      assert.equal(expired.res.status, 401);
      assert.match(expired.body.error!.message, /expired|too old/);
      const ok = await signIn(key);
      assert.equal(ok.res.status, 200);
      const replay = await ok.replay();
      assert.equal(replay.status, 401);
      assert.match((await json<ErrorAnswer>(replay)).error.message, /nonce/);
      const unknownNonce = await signIn(key, { nonce: "abcdefgh12345678" });
      assert.equal(unknownNonce.res.status, 401);
    });

    it("accepts a contract wallet through ERC-1271 and rejects another key's signature for it", async () => {
      const owner = h.chain.accounts[6];
      const wallet = await h.p.deployWallet(owner);
      const ok = await signIn(owner.privateKey, {}, h.relayer.url, wallet);
      assert.equal(ok.res.status, 200);
      assert.equal(ok.body.address, wallet.toLowerCase());
      const bad = await signIn(h.chain.accounts[7].privateKey, {}, h.relayer.url, wallet);
      assert.equal(bad.res.status, 401);
    });
  });

  describe("session-scoped reads", () => {
    it("shows members only their own passes and audit records", async () => {
      assert.equal((await fetch(`${h.relayer.url}/api/passes`)).status, 401);
      const { cookie } = await signIn(member().privateKey);
      const mine = await json<{ passes: { passId: string }[] }>(
        await fetch(`${h.relayer.url}/api/passes?holder=${member().address}`, { headers: { cookie: cookie! } }),
      );
      assert.ok(mine.passes.some((p: { passId: string }) => p.passId === String(passId)));
      assert.equal(
        (
          await fetch(`${h.relayer.url}/api/passes?holder=${h.chain.accounts[3].address}`, {
            headers: { cookie: cookie! },
          })
        ).status,
        403,
      );
      const audit = await json<{ records: { signer: string }[] }>(
        await fetch(`${h.relayer.url}/api/audit`, { headers: { cookie: cookie! } }),
      );
      assert.ok(audit.records.length > 0);
      assert.ok(audit.records.every((r: { signer: string }) => r.signer === member().address.toLowerCase()));
      assert.equal(
        (await fetch(`${h.relayer.url}/api/venues/${h.venue.venueId}/bookings`, { headers: { cookie: cookie! } }))
          .status,
        403,
      );
    });

    it("shows members their offline entries from the agents' logs once uploaded, and operators their venues' logs", async () => {
      const venue = h.venue.venueId;
      const record = (seq: number, kind: "online" | "offline", pass: string | null): LogRecord => ({
        v: 1,
        agent: "surface-agent",
        seq,
        time: 1_800_000_000 + seq,
        door: 1,
        kind,
        result: "granted",
        reason: "granted",
        ref: kind === "online" ? `0x${"ab".repeat(32)}` : `qr-${seq}`,
        relayer: null,
        pass,
        prevHash: `0x${"00".repeat(32)}`,
        hash: `0x${seq.toString(16).padStart(64, "0")}`,
        signature: `0x${"11".repeat(65)}`,
      });
      // The route's query (ingestion and its checks: test/agent/doorLogUpload.test.ts).
      await h.relayer.ctx.doorLog.insert(
        venue,
        [
          record(1, "offline", String(passId)),
          record(2, "offline", String(passId + 1000n)),
          record(3, "online", String(passId)),
        ],
        1_800_000_100,
      );
      await h.relayer.ctx.doorLog.flagFork({
        venue,
        agent: "surface-agent",
        seq: 2,
        heldHash: `0x${"02".padStart(64, "0")}`,
        offeredHash: `0x${"ff".repeat(32)}`,
        detectedAt: 1_800_000_200,
      });
      type Answer = { agentRecords: { seq: number; kind: string; pass: string | null }[]; doorLogForks: unknown[] };
      const { cookie } = await signIn(member().privateKey);
      const mine = await json<Answer>(await fetch(`${h.relayer.url}/api/audit`, { headers: { cookie: cookie! } }));
      assert.deepEqual(
        mine.agentRecords.map((r) => [r.seq, r.kind, r.pass]),
        [[1, "offline", String(passId)]],
        "only their offline entry: the online one is in records already, the other pass is not theirs",
      );
      assert.deepEqual(mine.doorLogForks, []);
      const op = await signIn(h.venue.operator.privateKey);
      const theirs = await json<Answer>(
        await fetch(`${h.relayer.url}/api/audit?venue=${venue}`, { headers: { cookie: op.cookie! } }),
      );
      assert.deepEqual(
        theirs.agentRecords.map((r) => r.seq),
        [3, 2, 1],
      );
      assert.equal(theirs.doorLogForks.length, 1, "the forked history is flagged to the venue's operator");
    });

    it("shows operators their venue's bookings, revenue and audit records", async () => {
      const { cookie } = await signIn(h.venue.operator.privateKey);
      const bookings = await json<{ bookings: unknown[] }>(
        await fetch(`${h.relayer.url}/api/venues/${h.venue.venueId}/bookings`, { headers: { cookie: cookie! } }),
      );
      assert.ok(bookings.bookings.length >= 1);
      // Policy 0 never refunds, so the escrow is releasable at once: settle it and see it indexed.
      await h.p.write(h.chain.accounts[8], { functionName: "settle", args: [[passId]] });
      const revenue = await json<{ totals: { booked: string; settled: string }[] }>(
        await fetch(`${h.relayer.url}/api/venues/${h.venue.venueId}/revenue`, { headers: { cookie: cookie! } }),
      );
      assert.ok(BigInt(revenue.totals[0].booked) > 0n);
      assert.equal(revenue.totals[0].settled, revenue.totals[0].booked);
      assert.equal(h.relayer.ctx.index.applyErrors, 0);
      const audit = await json<{ records: { signer: string }[] }>(
        await fetch(`${h.relayer.url}/api/audit?venue=${h.venue.venueId}`, { headers: { cookie: cookie! } }),
      );
      assert.ok(audit.records.some((r: { signer: string }) => r.signer === member().address.toLowerCase()));
    });

    it("serves availability without a session", async () => {
      const res = await fetch(
        `${h.relayer.url}/api/resources/${h.venue.office}/availability?from=${slot0}&to=${slot0 + 4 * HOUR}`,
      );
      const body = await json<{ free: number[] }>(res);
      assert.equal(res.status, 200);
      assert.equal(body.free.length, 4);
      assert.equal(body.free[0], 2); // 3 units, one booked
      assert.equal(body.free[3], 3);
      assert.equal(
        (
          await fetch(
            `${h.relayer.url}/api/resources/${h.venue.office}/availability?from=${slot0}&to=${slot0 + 90 * 24 * HOUR}`,
          )
        ).status,
        400,
      );
    });
  });

  describe("headers and documents", () => {
    it("allows only the dApp origin (CORS) and sends security headers", async () => {
      const good = await fetch(`${h.relayer.url}/api/venues`, { headers: { origin: ORIGIN } });
      assert.equal(good.headers.get("access-control-allow-origin"), ORIGIN);
      assert.equal(good.headers.get("access-control-allow-credentials"), "true");
      const evil = await fetch(`${h.relayer.url}/api/venues`, { headers: { origin: "http://evil.example" } });
      assert.equal(evil.headers.get("access-control-allow-origin"), null);
      assert.ok(good.headers.get("content-security-policy"));
      assert.equal(good.headers.get("x-content-type-options"), "nosniff");
    });

    it("compresses the read API's JSON when the client accepts it, and only then", async () => {
      /** The raw answer (node:http does not decode), as a client sending `accept-encoding` gets it. */
      const raw = (path: string, accept?: string) =>
        new Promise<{ headers: http.IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
          http
            .get(
              `${h.relayer.url}${path}`,
              { headers: accept === undefined ? {} : { "accept-encoding": accept } },
              (res) => {
                const chunks: Buffer[] = [];
                res.on("data", (c: Buffer) => chunks.push(c));
                res.on("end", () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
              },
            )
            .on("error", reject);
        });
      for (const path of ["/api/network/deployments", "/api/venues"]) {
        const plain = await raw(path);
        assert.equal(plain.headers["content-encoding"], undefined, path);
        const br = await raw(path, "gzip, deflate, br");
        const gz = await raw(path, "gzip;q=1, br;q=0");
        if (plain.body.length < 1024) {
          assert.equal(br.headers["content-encoding"], undefined, `${path}: small answers go as they are`);
          continue;
        }
        assert.match(String(plain.headers.vary), /accept-encoding/i);
        assert.equal(br.headers["content-encoding"], "br", path);
        assert.equal(gz.headers["content-encoding"], "gzip", path);
        assert.match(String(br.headers["content-type"]), /^application\/json/);
        assert.ok(br.body.length < plain.body.length / 3, `${path}: ${br.body.length} of ${plain.body.length} bytes`);
        assert.deepEqual(JSON.parse(brotliDecompressSync(br.body).toString()), JSON.parse(plain.body.toString()));
        assert.deepEqual(JSON.parse(gunzipSync(gz.body).toString()), JSON.parse(plain.body.toString()));
        assert.equal((await raw(path, "identity")).headers["content-encoding"], undefined);
      }
    });

    it("serves the OpenAPI document with every route the dApp uses", async () => {
      const doc = await json<{ paths: Record<string, unknown> }>(await fetch(`${h.relayer.url}/openapi.json`));
      for (const p of [
        "/api/doors/{doorId}/challenge",
        "/api/unlock",
        "/api/siwe/nonce",
        "/api/siwe/verify",
        "/api/siwe/logout",
        "/api/me",
        "/api/passes",
        "/api/resources/{id}/availability",
        "/api/venues/{id}/bookings",
        "/api/venues/{id}/revenue",
        "/api/audit",
      ]) {
        assert.ok(doc.paths[p], p);
      }
    });

    it("exposes decisions, latency and index lag as Prometheus metrics", async () => {
      const text = await (await fetch(`${h.relayer.url}/metrics`)).text();
      assert.match(text, /relayer_decisions_total\{result="granted",reason="granted"\} \d+/);
      assert.match(text, /relayer_decisions_total\{result="denied",reason="malformed_request"\} \d+/);
      assert.match(text, /relayer_decision_seconds_bucket/);
      assert.match(text, /relayer_index_lag_blocks \d+/);
    });
  });
});
