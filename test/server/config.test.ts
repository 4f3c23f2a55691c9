import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { CONFIG_ENV, configFields, loadConfig } from "../../server/config.ts";
import { ConfigError } from "../../server/errors.ts";
import { DEMO_RELAYER_ADDRESS } from "../../server/demoKeys.ts";

describe("relayer configuration", () => {
  it("has working demo defaults", () => {
    const c = loadConfig({});
    assert.equal(c.port, 8787);
    assert.equal(c.chainId, 31337);
    assert.equal(c.relayerAddress, DEMO_RELAYER_ADDRESS);
    assert.equal(c.indexMaxStalenessMs, 0);
    assert.ok(
      c.erc1271TimeoutMs < c.decisionChainBudgetMs && c.decisionChainBudgetMs < 1000,
      "a door says no within a second",
    );
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
      [{ BROKER_URL: "https://broker.example" }, "BROKER_URL"],
      [{ RELAYER_INSTANCE_ID: "a/b" }, "RELAYER_INSTANCE_ID"],
      [{ LOCK_TIMEOUT_MS: "1500" }, "LOCK_TIMEOUT_MS"],
    ] as const) {
      assert.throws(
        () => loadConfig(env),
        (err: unknown) => err instanceof ConfigError && err.message.includes(name) && !err.message.includes("\n"),
      );
    }
  });

  it("accepts an mqtts broker URL, and gives each relayer its own response topic id", () => {
    assert.equal(loadConfig({ BROKER_URL: "mqtts://broker.example:8883/" }).brokerUrl, "mqtts://broker.example:8883");
    assert.notEqual(loadConfig({}).relayerInstanceId, loadConfig({}).relayerInstanceId);
  });

  it("makes open commands expire before the relayer stops waiting for the lock", () => {
    // Valid through the end of second now + ttl; the wait lasts LOCK_TIMEOUT_MS from the decision.
    assert.equal(loadConfig({}).openCommandTtlS, 1, "2000 ms wait: dead within 2 s");
    assert.equal(loadConfig({ LOCK_TIMEOUT_MS: "4500" }).openCommandTtlS, 3);
    assert.equal(loadConfig({ LOCK_TIMEOUT_MS: "60000" }).openCommandTtlS, 5, "OPEN_COMMAND_TTL_S still bounds it");
  });

  it("reads TRUST_PROXY as none, every peer, or a list of proxies", () => {
    assert.equal(loadConfig({}).trustProxy, false);
    assert.equal(loadConfig({ TRUST_PROXY: "true" }).trustProxy, true);
    assert.deepEqual(loadConfig({ TRUST_PROXY: "loopback, 10.0.0.0/8,2001:db8::1" }).trustProxy, [
      "loopback",
      "10.0.0.0/8",
      "2001:db8::1",
    ]);
  });

  it("keeps the sponsor's store beside a file audit trail, or in its PostgreSQL", () => {
    assert.equal(loadConfig({ AUDIT_DB: "/var/lib/pp/audit.sqlite" }).sponsorDb, "/var/lib/pp/sponsor.sqlite");
    assert.equal(loadConfig({ AUDIT_DB: "postgres://pp@db/pp" }).sponsorDb, "postgres://pp@db/pp");
    assert.equal(loadConfig({ SPONSOR_DB: "/tmp/s.sqlite" }).sponsorDb, "/tmp/s.sqlite");
  });

  it("derives SIWE domains and URI origins from every dApp origin", () => {
    const c = loadConfig({ DAPP_ORIGIN: "http://127.0.0.1:5173,https://app.example" });
    assert.deepEqual(c.siweDomains, ["127.0.0.1:5173", "app.example"]);
    assert.deepEqual(c.siweUriOrigins, ["http://127.0.0.1:5173", "https://app.example"]);
  });
});

describe("relayer configuration, malformed values", () => {
  for (const [name, value, what] of [
    ["CHAIN_ID", "abc", "must be a positive integer"],
    ["INDEX_POLL_MS", "-5", "must be a positive integer"],
    ["RPC_TIMEOUT_MS", "1.5", "must be a positive integer"],
    ["CLOCK_SKEW_S", "-1", "must be an integer, 0 or more"],
    ["BODY_LIMIT_BYTES", "2000000", "must be at most 1000000"],
    ["LOG_LEVEL", "loud", "must be one of fatal, error, warn, info, debug, trace, silent"],
    ["TRUST_PROXY", "maybe", "must be true, false, or a comma-separated list of proxy addresses"],
    ["TRUST_PROXY", "loopback,10.0.0.0/40", "must be true, false, or a comma-separated list of proxy addresses"],
    ["DAPP_ORIGIN", "http://localhost:5173,not an origin", "must be comma-separated origins"],
    ["DAPP_ORIGIN", " , ", "must name at least one origin"],
  ] as const) {
    it(`${name}=${JSON.stringify(value)} is refused in one line: "${what}"`, () => {
      assert.throws(
        () => loadConfig({ [name]: value }),
        (err: unknown) =>
          err instanceof ConfigError &&
          err.message.startsWith(`invalid configuration: ${name}: ${what}`) &&
          !err.message.includes("\n"),
      );
    });
  }

  it("never echoes a secret it refuses", () => {
    const secret = "0x" + "ab".repeat(31); // one byte short
    assert.throws(
      () => loadConfig({ RELAYER_PRIVATE_KEY: secret }),
      (err: unknown) =>
        err instanceof ConfigError && err.message.includes("RELAYER_PRIVATE_KEY") && !err.message.includes(secret),
    );
  });

  it("treats an empty variable as unset and ignores variables it does not own", () => {
    const c = loadConfig({ PORT: "", CHAIN_ID: "", UNRELATED: "x", port: "1" });
    assert.equal(c.port, 8787);
    assert.equal(c.chainId, 31337);
  });

  it("draws a fresh session secret per start unless SESSION_SECRET is set", () => {
    assert.notEqual(loadConfig({}).sessionSecret, loadConfig({}).sessionSecret);
    assert.equal(loadConfig({ SESSION_SECRET: "s".repeat(32) }).sessionSecret, "s".repeat(32));
  });
});

describe("relayer configuration, documentation", () => {
  // The "| Variable | Default | Meaning |" table of docs/relayer.md, as [names, default cell].
  const doc = readFileSync(new URL("../../docs/relayer.md", import.meta.url), "utf8").split("\n");
  const start = doc.findIndex((l) => l.startsWith("| Variable | Default | Meaning |"));
  const rows = doc
    .slice(start + 2)
    .filter((_, i, a) => a.slice(0, i + 1).every((l) => l.startsWith("|")))
    .map((l) => l.split("|").map((c) => c.trim()))
    .map((cells) => ({ names: [...cells[1].matchAll(/`([A-Z0-9_]+)`/g)].map((m) => m[1]), defaults: cells[2] }));
  const documented = rows.flatMap((r) => r.names);
  const variables = Object.values(CONFIG_ENV);

  it("gives every field one distinct variable", () => {
    assert.equal(new Set(variables).size, Object.keys(CONFIG_ENV).length);
    for (const v of variables) assert.match(v, /^[A-Z][A-Z0-9_]*$/);
  });

  it("documents every variable of the schema, and only those", () => {
    assert.ok(start >= 0, "docs/relayer.md has the configuration table");
    assert.deepEqual([...documented].sort(), [...variables].sort());
  });

  it("documents the defaults the schema applies", () => {
    for (const [field, name] of Object.entries(CONFIG_ENV)) {
      const value: unknown = configFields.shape[field as keyof typeof CONFIG_ENV].parse(undefined);
      const shown = Array.isArray(value) ? value.join(",") : String(value);
      // Derived, machine-specific or secret defaults (absolute paths, keys, a random secret) are described in words.
      if (value === undefined || shown.startsWith("/") || shown.startsWith("0x") || shown.length > 40) continue;
      const row = rows.find((r) => r.names.includes(name))!;
      assert.ok(
        row.defaults.includes(`\`${shown}\``),
        `docs/relayer.md shows ${name}'s default \`${shown}\` (row: ${row.defaults})`,
      );
    }
  });
});
