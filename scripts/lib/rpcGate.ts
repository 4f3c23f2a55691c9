// The demo's public /rpc forwards what a browser wallet and the dApp need from the chain — reads,
// logs, fee data and signed transactions — and nothing else. The Hardhat node behind it also
// answers evm_*, hardhat_*, debug_* (time travel, minting balances, impersonation) and signs with
// its unlocked accounts (eth_sendTransaction, eth_sign…): none of that may reach it from a page.

/** JSON-RPC methods a wallet or the dApp sends. Everything else is refused. */
export const RPC_ALLOWED = new Set([
  "web3_clientVersion",
  "net_version",
  "net_listening",
  "eth_chainId",
  "eth_syncing",
  "eth_blockNumber",
  "eth_gasPrice",
  "eth_maxPriorityFeePerGas",
  "eth_feeHistory",
  "eth_blobBaseFee",
  "eth_getBalance",
  "eth_getCode",
  "eth_getStorageAt",
  "eth_getTransactionCount",
  "eth_getProof",
  "eth_call",
  "eth_estimateGas",
  "eth_createAccessList",
  "eth_getBlockByNumber",
  "eth_getBlockByHash",
  "eth_getBlockTransactionCountByNumber",
  "eth_getBlockTransactionCountByHash",
  "eth_getTransactionByHash",
  "eth_getTransactionByBlockNumberAndIndex",
  "eth_getTransactionByBlockHashAndIndex",
  "eth_getTransactionReceipt",
  "eth_getLogs",
  "eth_newFilter",
  "eth_newBlockFilter",
  "eth_getFilterChanges",
  "eth_getFilterLogs",
  "eth_uninstallFilter",
  "eth_sendRawTransaction",
]);

export const RPC_BODY_LIMIT = 1_000_000;

type Call = { jsonrpc?: unknown; id?: unknown; method?: unknown };
export type RpcVerdict = { ok: true } | { ok: false; status: number; body: unknown };

const refusal = (id: unknown, code: number, message: string) => ({
  jsonrpc: "2.0",
  id: id ?? null,
  error: { code, message },
});

/**
 * Decides whether a /rpc body may be forwarded. A batch is forwarded only when every call in it is
 * allowed; otherwise each call gets its answer (the refused ones a JSON-RPC error -32601), so one
 * forbidden call cannot hide in a batch.
 */
export function rpcGate(raw: string): RpcVerdict {
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    return { ok: false, status: 400, body: refusal(null, -32700, "parse error") };
  }
  const calls = (Array.isArray(body) ? body : [body]) as Call[];
  if (calls.length === 0 || calls.some((c) => c === null || typeof c !== "object"))
    return { ok: false, status: 400, body: refusal(null, -32600, "invalid request") };
  const allowed = (c: Call) => typeof c.method === "string" && RPC_ALLOWED.has(c.method);
  if (calls.every(allowed)) return { ok: true };
  const answers = calls.map((c) =>
    allowed(c)
      ? refusal(c.id, -32603, "not forwarded: another call of this batch is not allowed")
      : refusal(
          c.id,
          -32601,
          `method ${typeof c.method === "string" ? c.method : "?"} is not available on the demo's public RPC`,
        ),
  );
  return { ok: false, status: 200, body: Array.isArray(body) ? answers : answers[0] };
}
