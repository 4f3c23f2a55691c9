import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { loadConfig } from "../../server/config.ts";
import { ConfigError } from "../../server/errors.ts";
import { DEMO_RELAYER_ADDRESS } from "../../server/demoKeys.ts";

describe("relayer configuration", () => {
  it("has working demo defaults", () => {
    const c = loadConfig({});
    assert.equal(c.port, 8787);
    assert.equal(c.chainId, 31337);
    assert.equal(c.relayerAddress, DEMO_RELAYER_ADDRESS);
    assert.equal(c.indexMaxStalenessMs, 0);
    assert.ok(c.erc1271TimeoutMs < c.decisionChainBudgetMs && c.decisionChainBudgetMs < 1000, "a door says no within a second");
    assert.deepEqual(c.siweDomains, ["localhost:5173"]);
  });

  it("rejects bad values with one line naming the variable", () => {
    for (const [env, name] of [
      [{ PORT: "70000" }, "PORT"],
      [{ RPC_URL: "not a url" }, "RPC_URL"],
      [{ RELAYER_PRIVATE_KEY: "0x1234" }, "RELAYER_PRIVATE_KEY"],
      [{ DAPP_ORIGIN: "http://localhost:5173/app" }, "DAPP_ORIGIN"],
      [{ SESSION_SECRET: "short" }, "SESSION_SECRET"],
      [{ COOKIE_SECURE: "yes" }, "COOKIE_SECURE"],
      [{ LOCK_URL: "ftp://lock.example" }, "LOCK_URL"],
      [{ LOCK_TIMEOUT_MS: "1500" }, "LOCK_TIMEOUT_MS"],
    ] as const) {
      assert.throws(
        () => loadConfig(env),
        (err: unknown) => err instanceof ConfigError && err.message.includes(name) && !err.message.includes("\n"),
      );
    }
  });

  it("accepts an https lock URL", () => {
    assert.equal(loadConfig({ LOCK_URL: "https://locks.example:8443/" }).lockUrl, "https://locks.example:8443");
  });

  it("makes open commands expire before the relayer stops waiting for the lock", () => {
    // Valid through the end of second now + ttl; the wait lasts LOCK_TIMEOUT_MS from the decision.
    assert.equal(loadConfig({}).openCommandTtlS, 1, "2000 ms wait: dead within 2 s");
    assert.equal(loadConfig({ LOCK_TIMEOUT_MS: "4500" }).openCommandTtlS, 3);
    assert.equal(loadConfig({ LOCK_TIMEOUT_MS: "60000" }).openCommandTtlS, 5, "OPEN_COMMAND_TTL_S still bounds it");
  });

  it("derives SIWE domains and URI origins from every dApp origin", () => {
    const c = loadConfig({ DAPP_ORIGIN: "http://127.0.0.1:5173,https://app.example" });
    assert.deepEqual(c.siweDomains, ["127.0.0.1:5173", "app.example"]);
    assert.deepEqual(c.siweUriOrigins, ["http://127.0.0.1:5173", "https://app.example"]);
  });
});
