// Off the local chain the relayer refuses the demo's defaults, each with one line naming what to
// set; secrets can come from files (container secrets); /metrics can be closed with a token.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { generatePrivateKey } from "viem/accounts";
import { loadConfig } from "../../server/config.ts";
import { ConfigError } from "../../server/errors.ts";
import { hardhatAccounts } from "../helpers/localChain.ts";
import { exitOf, run } from "../helpers/processes.ts";
import { DEMO_RELAYER_PRIVATE_KEY } from "../../server/demoKeys.ts";
import { startHarness, tempFile, type Harness } from "./fixture.ts";

/** A complete production configuration for chain 84532 (Base Sepolia). */
const production = (): Record<string, string> => ({
  CHAIN_ID: "84532",
  RELAYER_PRIVATE_KEY: generatePrivateKey(),
  SESSION_SECRET: "a-shared-secret-of-at-least-32-characters",
  DAPP_ORIGIN: "https://book.example",
  METRICS_TOKEN: "metrics-token-0123456789",
  BROKER_URL: "mqtts://broker.example:8883",
  BROKER_PASSWORD: "relayer-broker-password",
});

function refusal(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (err) {
    assert.ok(err instanceof ConfigError, `a ConfigError, not ${String(err)}`);
    assert.ok(!err.message.includes("\n"), "one line");
    return err.message;
  }
  assert.fail("the configuration was accepted");
}

describe("production configuration (any chain but the local one)", () => {
  it("starts with a complete configuration", () => {
    const c = loadConfig(production());
    assert.equal(c.chainId, 84532);
    assert.deepEqual(c.dappOrigins, ["https://book.example"]);
  });

  it("refuses the default relayer key (the public demo key)", () => {
    const env = production();
    delete (env as Partial<typeof env>).RELAYER_PRIVATE_KEY;
    assert.match(refusal(env), /^refusing to start: RELAYER_PRIVATE_KEY: must be set on chain 84532/);
  });

  it("refuses any well-known key of Hardhat's test mnemonic, given explicitly, without echoing it", () => {
    for (const key of [
      DEMO_RELAYER_PRIVATE_KEY,
      hardhatAccounts(20)[0].privateKey,
      hardhatAccounts(20)[19].privateKey,
    ]) {
      const message = refusal({ ...production(), RELAYER_PRIVATE_KEY: key });
      assert.match(message, /RELAYER_PRIVATE_KEY: is a well-known demo key/);
      assert.ok(!message.includes(key.slice(2)), "never echoes the key");
    }
  });

  it("refuses a missing session secret (a random one breaks sessions across relayers)", () => {
    const env = production();
    delete (env as Partial<typeof env>).SESSION_SECRET;
    assert.match(
      refusal(env),
      /^refusing to start: SESSION_SECRET: must be set on chain 84532, the same on every relayer/,
    );
  });

  it("refuses a missing dApp origin", () => {
    const env = production();
    delete (env as Partial<typeof env>).DAPP_ORIGIN;
    assert.match(refusal(env), /^refusing to start: DAPP_ORIGIN: must be set on chain 84532/);
  });

  it("refuses a broker URL the adapter cannot speak, and a broker in clear or without a password", () => {
    for (const url of ["ws://broker.example", "https://broker.example"])
      assert.match(
        refusal({ ...production(), BROKER_URL: url }),
        /^invalid configuration: BROKER_URL: must be an mqtt:\/\/ or mqtts:\/\/ URL/,
      );
    assert.match(
      refusal({ ...production(), BROKER_URL: "mqtt://broker.example" }),
      /^refusing to start: BROKER_URL: must be an mqtts:\/\/ URL on chain 84532/,
    );
    const env = production();
    delete (env as Partial<typeof env>).BROKER_PASSWORD;
    assert.match(refusal(env), /^refusing to start: BROKER_PASSWORD: must be set on chain 84532/);
  });

  it("refuses an open /metrics", () => {
    const env = production();
    delete (env as Partial<typeof env>).METRICS_TOKEN;
    assert.match(refusal(env), /^refusing to start: METRICS_TOKEN: must be set on chain 84532/);
  });

  it("keeps the demo defaults on the local chain", () => {
    const c = loadConfig({});
    assert.equal(c.relayerPrivateKey, DEMO_RELAYER_PRIVATE_KEY);
    assert.equal(c.metricsToken, undefined);
  });
});

describe("secrets from files (NAME_FILE)", () => {
  it("reads a variable from the file NAME_FILE names, without its final newline", () => {
    const key = generatePrivateKey();
    const keyFile = tempFile("relayer-key");
    const secretFile = tempFile("session-secret");
    writeFileSync(keyFile, `${key}\n`);
    writeFileSync(secretFile, "s".repeat(40) + "\r\n");
    const env = production();
    delete (env as Partial<typeof env>).RELAYER_PRIVATE_KEY;
    delete (env as Partial<typeof env>).SESSION_SECRET;
    const c = loadConfig({ ...env, RELAYER_PRIVATE_KEY_FILE: keyFile, SESSION_SECRET_FILE: secretFile });
    assert.equal(c.relayerPrivateKey, key);
    assert.equal(c.sessionSecret, "s".repeat(40));
  });

  it("refuses both NAME and NAME_FILE, and a file it cannot read", () => {
    const file = tempFile("secret");
    writeFileSync(file, "s".repeat(40));
    assert.equal(
      refusal({ SESSION_SECRET: "t".repeat(40), SESSION_SECRET_FILE: file }),
      "invalid configuration: SESSION_SECRET and SESSION_SECRET_FILE are both set: give one",
    );
    const missing = path.join(path.dirname(file), "absent");
    assert.equal(
      refusal({ SESSION_SECRET_FILE: missing }),
      `invalid configuration: SESSION_SECRET_FILE: cannot read ${missing} (ENOENT)`,
    );
  });

  it("checks a value read from a file like any other, without echoing it", () => {
    const file = tempFile("short");
    writeFileSync(file, "0x1234");
    const message = refusal({ RELAYER_PRIVATE_KEY_FILE: file });
    assert.match(message, /^invalid configuration: RELAYER_PRIVATE_KEY: must be a 0x-prefixed 32-byte hex private key/);
  });
});

describe("production start against a chain", () => {
  let h: Harness;
  const token = "metrics-token-0123456789";
  before(async () => {
    h = await startHarness({ METRICS_TOKEN: token });
  });
  after(async () => {
    await h?.stop();
  });

  it("/metrics with METRICS_TOKEN answers only the bearer of the token", async () => {
    const open = await fetch(`${h.relayer.url}/metrics`);
    assert.equal(open.status, 401);
    assert.equal(((await open.json()) as { error: { code: string } }).error.code, "unauthorized");
    const wrong = await fetch(`${h.relayer.url}/metrics`, { headers: { authorization: "Bearer nope" } });
    assert.equal(wrong.status, 401);
    const right = await fetch(`${h.relayer.url}/metrics`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(right.status, 200);
    assert.match(await right.text(), /relayer_decisions_total/);
  });

  it("refuses, in one line, a deployments file that does not match the chain", async () => {
    const dir = path.join(path.dirname(tempFile("x")), "deployments");
    mkdirSync(dir, { recursive: true });
    // A file for 84532 while RPC_URL serves the local chain 31337: the chain id check refuses it.
    writeFileSync(path.join(dir, "84532.json"), JSON.stringify({ ...h.chain.deployments, chainId: 84532 }));
    const start = () =>
      exitOf(run("server/main.ts", { ...production(), RPC_URL: h.chain.rpcUrl, DEPLOYMENTS_DIR: dir, PORT: "0" }));
    const wrongChain = await start();
    assert.equal(wrongChain.code, 1);
    assert.equal(wrongChain.stderr.trim().split("\n").length, 1, wrongChain.stderr);
    assert.match(
      wrongChain.stderr,
      new RegExp(`RPC_URL=${h.chain.rpcUrl} serves chain 31337, expected CHAIN_ID=84532`),
    );
    // And a file under 84532.json written for another chain.
    writeFileSync(path.join(dir, "84532.json"), JSON.stringify(h.chain.deployments));
    const otherFile = await start();
    assert.equal(otherFile.code, 1);
    assert.match(otherFile.stderr.trim(), /^deployments file .*84532\.json is not for chain 84532/);
  });
});
