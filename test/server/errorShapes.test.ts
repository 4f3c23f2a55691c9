// Every 429 and 503 of the relayer has one body shape, `{ error: { code, message, details? } }`,
// whichever part of the relayer answers: the express routes' per-IP limit, the unlock fast path's
// per-IP limit, the per-signer limit on both unlock entrances, a chain_unavailable decision on both
// entrances, an audit log that cannot record, readiness, and a SIWE check that needs the chain.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { privateKeyToAccount } from "viem/accounts";
import { createSiweMessage } from "viem/siwe";
import { HOUR, startHarness, unlock, tempFile, type Harness } from "./fixture.ts";
import { startTcpProxy, type TcpProxy } from "../helpers/tcpProxy.ts";
import { loadConfig } from "../../server/config.ts";
import { startRelayer, type RunningRelayer } from "../../server/relayer.ts";
import { InProcessLockAdapter } from "../../server/locks/lockAdapter.ts";
import {
  signUnlockRequest,
  fetchChallenge,
  type ErrorAnswer,
  type UnlockAnswer,
} from "../../scripts/lib/doorClient.ts";
import type { UnlockRequest } from "../../protocol/eip712.ts";
import { json } from "./json.ts";

/** What the tests below read from `error.details`: the audit ids of a decision, the readiness state. */
type ErrorDetails = { requestId: string; auditId: number; ready?: boolean } & Record<string, unknown>;

const FAST = "application/json"; // served by server/http/unlockFastPath.ts
const EXPRESS = "application/json; x=1"; // still JSON for body-parser, but goes through express

/** The one error shape; returns `error.details`. */
function assertErrorShape(status: number, answer: unknown, expected: { status: number; code: string }): ErrorDetails {
  const body = answer as ErrorAnswer;
  assert.equal(status, expected.status, JSON.stringify(body));
  assert.deepEqual(Object.keys(body), ["error"], JSON.stringify(body));
  assert.equal(body.error.code, expected.code);
  assert.equal(typeof body.error.message, "string");
  assert.ok(body.error.message.length > 0);
  for (const k of Object.keys(body.error))
    assert.ok(["code", "message", "details"].includes(k), `unexpected error field ${k}`);
  return body.error.details as ErrorDetails;
}

describe("429 and 503 answers", () => {
  let h: Harness;
  let proxy: TcpProxy;
  let passId: bigint;
  let limited: RunningRelayer;
  const member = () => h.chain.accounts[2];

  before(async () => {
    h = await startHarness(
      { RPC_TIMEOUT_MS: "800" },
      { rpcUrl: async (chain) => (proxy = await startTcpProxy(chain.port)).url },
    );
    const slot0 = Math.floor((await h.p.chainNow()) / HOUR) * HOUR;
    passId = (await h.p.book(member(), h.venue.office, slot0, slot0 + 3 * HOUR)).passId;
    h.clock.now = slot0 + 600;
    const config = loadConfig({
      PORT: "0",
      RPC_URL: h.chain.rpcUrl,
      AUDIT_DB: tempFile("audit.sqlite"),
      INDEX_DB: tempFile("index.sqlite"),
      LOG_LEVEL: "silent",
      RATE_LIMIT_IP_PER_MIN: "12",
      RATE_LIMIT_ADDRESS_PER_MIN: "1",
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
    await proxy?.close();
    await h?.stop();
  });

  /** A freshly signed unlock request body for the member's pass at the street door of `base`. */
  async function signedBody(base: string): Promise<string> {
    const challenge = await fetchChallenge(base, h.venue.street);
    return JSON.stringify(
      await signUnlockRequest({
        account: member().privateKey,
        chainId: 31337,
        contract: h.p.address,
        door: h.venue.street,
        challenge,
        passId,
        deadline: h.clock.now + 60,
      }),
    );
  }
  const post = (base: string, type: string, body: string) =>
    fetch(`${base}/api/unlock`, { method: "POST", headers: { "content-type": type }, body });

  it("a per-signer rate_limited decision, on both unlock entrances, with its audit ids in details", async () => {
    const first = await post(limited.url, FAST, await signedBody(limited.url));
    assert.equal((await json<UnlockAnswer>(first)).reason, "granted");
    for (const type of [FAST, EXPRESS]) {
      const res = await post(limited.url, type, await signedBody(limited.url));
      const details = assertErrorShape(res.status, await res.json(), { status: 429, code: "rate_limited" });
      assert.ok(res.headers.get("retry-after"), "Retry-After");
      assert.equal(typeof details.requestId, "string");
      const [record] = await limited.ctx.audit.query({ requestIds: [details.requestId] });
      assert.equal(record.id, details.auditId);
      assert.equal(record.reason, "rate_limited");
    }
  });

  it("the per-IP limit: on the express routes and on the fast path", async () => {
    let status = 0;
    for (let k = 0; k < 12 && status !== 429; k++) status = (await fetch(`${limited.url}/api/venues`)).status;
    const viaExpress = await fetch(`${limited.url}/api/venues`);
    assertErrorShape(viaExpress.status, await viaExpress.json(), { status: 429, code: "rate_limited" });
    assert.ok(viaExpress.headers.get("retry-after"));
    const viaFast = await post(limited.url, FAST, "{}");
    assertErrorShape(viaFast.status, await viaFast.json(), { status: 429, code: "rate_limited" });
    const viaExpressUnlock = await post(limited.url, EXPRESS, "{}");
    assertErrorShape(viaExpressUnlock.status, await viaExpressUnlock.json(), { status: 429, code: "rate_limited" });
  });

  it("an audit log that cannot record: 503 audit_unavailable on both entrances", async () => {
    const audit = h.relayer.ctx.audit;
    const record = audit.record.bind(audit);
    audit.record = () => Promise.reject(new Error("disk full"));
    try {
      for (const type of [FAST, EXPRESS]) {
        const res = await post(h.relayer.url, type, await signedBody(h.relayer.url));
        assertErrorShape(res.status, await res.json(), { status: 503, code: "audit_unavailable" });
      }
    } finally {
      audit.record = record;
    }
  });

  it("with the chain cut: chain_unavailable decisions, readiness and a contract-wallet SIWE check", async () => {
    // Fetch the challenges first: the lock simulator reads nothing from the chain to issue one.
    const bodies = [await signedBody(h.relayer.url), await signedBody(h.relayer.url)];
    const { nonce } = await json<{ nonce: string }>(await fetch(`${h.relayer.url}/api/siwe/nonce`));
    await proxy.cut();
    try {
      for (const [i, type] of [FAST, EXPRESS].entries()) {
        const res = await post(h.relayer.url, type, bodies[i]);
        const details = assertErrorShape(res.status, await res.json(), { status: 503, code: "chain_unavailable" });
        assert.equal((await h.relayer.ctx.audit.query({ requestIds: [details.requestId] }))[0].id, details.auditId);
      }
      // The client helper reads it back as a denial.
      assert.equal(
        (
          await unlock(h, {
            key: member().privateKey,
            passId,
            door: h.venue.street,
            challenge: (JSON.parse(bodies[0]) as UnlockRequest).challenge,
          })
        ).body.reason,
        "chain_unavailable",
      );

      await new Promise((r) => setTimeout(r, 1500)); // readiness follows within a few polls
      const ready = await fetch(`${h.relayer.url}/readyz`);
      const state = assertErrorShape(ready.status, await ready.json(), { status: 503, code: "not_ready" });
      assert.equal(state.ready, false);

      // A signature that is not the address's own: only the chain can say (ERC-1271).
      const signer = privateKeyToAccount(h.chain.accounts[5].privateKey);
      const message = createSiweMessage({
        address: member().address,
        domain: "localhost:5173",
        uri: "http://localhost:5173",
        chainId: 31337,
        nonce,
        version: "1",
        issuedAt: new Date(h.clock.now * 1000),
      });
      const siwe = await fetch(`${h.relayer.url}/api/siwe/verify`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ message, signature: await signer.signMessage({ message }) }),
      });
      assertErrorShape(siwe.status, await siwe.json(), { status: 503, code: "chain_unavailable" });
    } finally {
      await proxy.restore();
    }
    let back = await fetch(`${h.relayer.url}/readyz`);
    for (let k = 0; k < 50 && back.status !== 200; k++) {
      await new Promise((r) => setTimeout(r, 100));
      back = await fetch(`${h.relayer.url}/readyz`);
    }
    assert.equal(back.status, 200);
    assert.equal((await json<{ ready: boolean }>(back)).ready, true);
  });
});
