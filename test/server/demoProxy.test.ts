// The demo's dApp origin forwards /api to the relayer with X-Forwarded-For (scripts/demo.ts). The
// relayer runs with the demo's TRUST_PROXY, which trusts that proxy: each browser behind it has
// its own per-IP bucket, so one client's flood does not lock the others out.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import type { Server } from "node:http";
import { startHarness, type Harness } from "./fixture.ts";
import { freePort } from "../helpers/localChain.ts";
import { demoRelayerEnv, serveDappOrigin } from "../../scripts/demo.ts";

/** A GET from the local address `from` (Linux routes all of 127.0.0.0/8 to loopback). */
function getFrom(url: string, from: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { localAddress: from, headers }, (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      })
      .on("error", reject);
  });
}

describe("the demo's dApp origin in front of the relayer", () => {
  let h: Harness;
  let origin: Server;
  let originUrl: string;

  before(async () => {
    const demoEnv = demoRelayerEnv({
      rpcUrl: "http://127.0.0.1:8545",
      runDir: "/nonexistent",
      port: 0,
      brokerUrl: "mqtt://127.0.0.1:9",
      brokerPassword: "unused",
      webPort: 5173,
      sessionSecret: "s".repeat(64),
    });
    h = await startHarness({ TRUST_PROXY: demoEnv.TRUST_PROXY, RATE_LIMIT_IP_PER_MIN: "5" });
    const port = await freePort();
    origin = await serveDappOrigin({
      port,
      relayerUrl: h.relayer.url,
      rpcUrl: h.chain.rpcUrl,
      deployments: h.chain.deployments,
    });
    originUrl = `http://127.0.0.1:${port}`;
  });
  after(async () => {
    origin?.closeAllConnections();
    await new Promise((r) => origin?.close(r));
    await h?.stop();
  });

  it("counts each browser behind the proxy under its own address", async () => {
    for (let i = 0; i < 5; i++) assert.equal(await getFrom(`${originUrl}/api/venues`, "127.0.0.2"), 200);
    assert.equal(await getFrom(`${originUrl}/api/venues`, "127.0.0.2"), 429, "the flooding client is limited");
    assert.equal(await getFrom(`${originUrl}/api/venues`, "127.0.0.3"), 200, "another client is not");
    // A header the client writes itself is replaced by the proxy: it cannot pick another bucket.
    const spoofed = await getFrom(`${originUrl}/api/venues`, "127.0.0.2", { "x-forwarded-for": "198.51.100.7" });
    assert.equal(spoofed, 429);
  });
});
