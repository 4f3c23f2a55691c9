// The demo's public /rpc forwards what a wallet needs and refuses the node's test and admin methods.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { rpcGate } from "../../scripts/lib/rpcGate.ts";

const call = (method: string, id: number | string = 1) => ({ jsonrpc: "2.0", id, method, params: [] });

describe("the demo's /rpc gate", () => {
  test("forwards the calls a wallet and the dApp make", () => {
    for (const m of [
      "eth_chainId",
      "eth_call",
      "eth_getLogs",
      "eth_estimateGas",
      "eth_sendRawTransaction",
      "eth_getTransactionReceipt",
      "eth_feeHistory",
    ])
      assert.deepEqual(rpcGate(JSON.stringify(call(m))), { ok: true }, m);
    assert.deepEqual(rpcGate(JSON.stringify([call("eth_blockNumber", 1), call("eth_getBalance", 2)])), { ok: true });
  });

  test("refuses the node's test, debug and admin methods and its unlocked-account signing with JSON-RPC error -32601", () => {
    for (const m of [
      "evm_mine",
      "evm_increaseTime",
      "evm_snapshot",
      "evm_revert",
      "hardhat_setBalance",
      "hardhat_impersonateAccount",
      "hardhat_reset",
      "debug_traceTransaction",
      "anvil_setBalance",
      "eth_sendTransaction",
      "eth_sign",
      "eth_signTypedData_v4",
      "personal_sign",
      "eth_accounts",
      "txpool_content",
      "admin_peers",
    ]) {
      const v = rpcGate(JSON.stringify(call(m, 7)));
      assert.equal(v.ok, false, m);
      if (v.ok) continue;
      assert.equal(v.status, 200);
      assert.deepEqual(v.body, {
        jsonrpc: "2.0",
        id: 7,
        error: { code: -32601, message: `method ${m} is not available on the demo's public RPC` },
      });
    }
  });

  test("a forbidden call hidden in a batch stops the whole batch, each call answered in order", () => {
    const v = rpcGate(JSON.stringify([call("eth_chainId", 1), call("hardhat_setBalance", 2)]));
    assert.equal(v.ok, false);
    if (v.ok) return;
    const [a, b] = v.body as { id: number; error: { code: number } }[];
    assert.deepEqual([a.id, a.error.code, b.id, b.error.code], [1, -32603, 2, -32601]);
  });

  test("refuses malformed bodies: not JSON, an empty batch, a method that is not a string", () => {
    assert.deepEqual(rpcGate("{nope"), {
      ok: false,
      status: 400,
      body: { jsonrpc: "2.0", id: null, error: { code: -32700, message: "parse error" } },
    });
    assert.equal((rpcGate("[]") as { status: number }).status, 400);
    assert.equal((rpcGate("[1]") as { status: number }).status, 400);
    const v = rpcGate(JSON.stringify({ jsonrpc: "2.0", id: 3, method: ["evm_mine"] }));
    assert.equal(v.ok, false);
  });
});
