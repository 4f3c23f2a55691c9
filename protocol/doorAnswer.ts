// The digest a door's lock signs for its answer to an open command (and for each decision event),
// for the relayer and the dApp (viem). The door agent encodes the same EIP-712 message without viem
// (agent/src/lockCrypto.ts); test/agent/lockCrypto.test.ts checks that both agree.
import { hashTypedData } from "viem";
import { protocolDomain } from "./eip712.ts";
import { openAnswerTypes, type OpenResult } from "./doorMqtt.ts";

type Hex = `0x${string}`;

/** The EIP-712 digest the lock signs for an answer (protocol domain, like every door message);
 * `id` is the open request's id, the challenge id without its 0x. */
export function openAnswerDigest(
  chainId: number,
  contract: Hex,
  a: { door: number; id: string; result: OpenResult; reason: string; time: number },
): Hex {
  return hashTypedData({
    domain: protocolDomain(chainId, contract),
    types: openAnswerTypes,
    primaryType: "OpenAnswer",
    message: { door: a.door, challenge: `0x${a.id}`, result: a.result, reason: a.reason, time: BigInt(a.time) },
  });
}
