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
    ] as const) {
      assert.throws(
        () => loadConfig(env as Record<string, string>),
        (err: unknown) => err instanceof ConfigError && err.message.includes(name) && !err.message.includes("\n"),
      );
    }
  });

  it("derives SIWE domains and URI origins from every dApp origin", () => {
    const c = loadConfig({ DAPP_ORIGIN: "http://127.0.0.1:5173,https://app.example" });
    assert.deepEqual(c.siweDomains, ["127.0.0.1:5173", "app.example"]);
    assert.deepEqual(c.siweUriOrigins, ["http://127.0.0.1:5173", "https://app.example"]);
  });
});
