// The relayer decodes the chain with the generated ABI: a deployments file whose Passepartout ABI is
// another build's must stop it at start with one clear line, before it reads a single event.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { passepartoutAbi } from "../../protocol/abis.ts";
import type { Deployments } from "../../protocol/types.ts";
import { loadConfig } from "../../server/config.ts";
import { ConfigError } from "../../server/errors.ts";
import { checkChain } from "../../server/relayer.ts";

// No chain listens here: a check that reached the RPC would fail with "chain unreachable" instead.
const config = loadConfig({ RPC_URL: "http://127.0.0.1:9", RPC_TIMEOUT_MS: "200" });
const deployments = (abi: Deployments["contracts"]["Passepartout"]["abi"]): Deployments => ({
  chainId: 31337,
  deployBlock: 1,
  contracts: { Passepartout: { address: "0x5FbDB2315678afecb367f032d93F642f64180aa3", abi } },
});

describe("the deployments file's ABI", () => {
  it("is refused at start when it differs from the generated one (an event lost a field)", async () => {
    const drifted = passepartoutAbi.map((item) =>
      item.type === "event" && item.name === "Booked"
        ? { ...item, inputs: item.inputs.filter((i) => i.name !== "amount") }
        : item,
    );
    await assert.rejects(checkChain(config, deployments(drifted)), (err: unknown) => {
      assert.ok(err instanceof ConfigError, String(err));
      assert.match(err.message, /Passepartout ABI differs from this relayer's \(protocol\/abis\.ts\)/);
      assert.ok(!err.message.includes("\n"));
      return true;
    });
  });

  it("passes the ABI check when it is the generated one (and goes on to the chain)", async () => {
    await assert.rejects(
      checkChain(config, deployments(passepartoutAbi)),
      /chain unreachable at RPC_URL=http:\/\/127\.0\.0\.1:9/,
    );
  });
});
