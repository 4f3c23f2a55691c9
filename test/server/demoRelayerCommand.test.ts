// The demo prints the exact command that restarts only its relayer. That command, with the demo's
// settings (built by the same function), starts a relayer serving the demo's chain and deployments.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { writeFileSync } from "node:fs";
import { tempDir } from "../helpers/tempDirs.ts";
import path from "node:path";
import { freePort, killGroup, startLocalChain, type LocalChain } from "../helpers/localChain.ts";
import { demoRelayerEnv, relayerCommand } from "../../scripts/demo.ts";
import type { networkDescription } from "../../server/http/routes/network.ts";
import { json } from "./json.ts";

describe("the demo's relayer restart command", () => {
  let chain: LocalChain;
  let child: ChildProcess | undefined;
  before(async () => {
    chain = await startLocalChain();
  });
  after(async () => {
    if (child) await killGroup(child);
    await chain?.stop();
  });

  it("quotes every value for the shell", () => {
    const cmd = relayerCommand({ A: "it's $HOME `x`", B: "plain" });
    assert.match(cmd, /env A='it'\\''s \$HOME `x`' B='plain' '.+' server\/main\.ts$/);
  });

  it("starts a relayer on the demo's port, chain and deployments", async () => {
    const runDir = tempDir("passepartout-demo-");
    writeFileSync(path.join(runDir, "31337.json"), JSON.stringify(chain.deployments));
    const port = await freePort();
    const env = demoRelayerEnv({
      rpcUrl: chain.rpcUrl,
      runDir,
      port,
      brokerUrl: "mqtt://127.0.0.1:9",
      brokerPassword: "demo-broker-password",
      webPort: 5173,
      sessionSecret: "s".repeat(64),
    });
    assert.deepEqual(Object.keys(env).sort(), [
      "AUDIT_DB",
      "BROKER_PASSWORD",
      "BROKER_URL",
      "CHAIN_ID",
      "DAPP_ORIGIN",
      "DEPLOYMENTS_DIR",
      "INDEX_DB",
      "LOG_LEVEL",
      "PORT",
      "RPC_URL",
      "SESSION_SECRET",
      "TRUST_PROXY",
    ]);
    child = spawn("sh", ["-c", relayerCommand(env)], { detached: true, stdio: "ignore" });
    let network: ReturnType<typeof networkDescription> | undefined;
    for (let k = 0; k < 150 && !network; k++) {
      try {
        const res = await fetch(`http://127.0.0.1:${port}/api/network`);
        if (res.ok) network = await json<ReturnType<typeof networkDescription>>(res);
      } catch {
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    assert.ok(network, "relayer answered");
    assert.equal(network.chainId, 31337);
    assert.equal(network.contracts.Passepartout.address, chain.deployments.contracts.Passepartout.address);
  });
});
