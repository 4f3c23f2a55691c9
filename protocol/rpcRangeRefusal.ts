// Whether a JSON-RPC error of eth_getLogs means "ask for fewer blocks": the relayer's index
// (server/index/rpc.ts, its log pager) and the door agent's trusted-relayer scan
// (agent/src/offline/trustedRelayers.ts) both read logs through public providers that limit the range.

// Messages of providers that refuse a log query for its size (Alchemy, Infura, QuickNode, Ankr,
// public nodes, geth/erigon/reth defaults). Matched case-insensitively.
const RANGE_REFUSAL =
  /more than \d+ results|too many (results|logs|blocks)|block range (is )?too (wide|large|big)|range is too (wide|large)|exceeds? (the )?max(imum)? (block )?range|max(imum)? block range|block range (limit|exceeded)|response size (is )?(exceeded|too large)|query timeout exceeded|log response size/i;

/** Rate limits, some of them sent with -32005 too (Infura: "daily request count exceeded, request rate limited"). */
export const RATE_LIMITED = /rate[- ]limit|too many requests|request count exceeded|capacity exceeded|throttl/i;

/** Whether a JSON-RPC error means "ask for less". */
export function isRangeRefusal(code: number | undefined, message: string): boolean {
  if (RATE_LIMITED.test(message)) return false;
  if (RANGE_REFUSAL.test(message)) return true;
  // -32005 is "limit exceeded" in EIP-1474; providers use it for log limits without a fixed message.
  return code === -32005;
}
