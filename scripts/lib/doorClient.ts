// Client side of the door protocol, for scripts (the walk-through), tests and the benchmark:
// fetch a challenge through the relayer, sign the EIP-712 UnlockRequest, post it.
import { privateKeyToAccount, type LocalAccount } from "viem/accounts";
import {
  protocolDomain,
  unlockRequestTypes,
  type Challenge,
  type OpenCommand,
  type UnlockRequest,
} from "../../protocol/eip712.ts";
import { createDoorHasher, toHex, type Hex } from "../../server/door/doorCrypto.ts";

export type UnlockAnswer = {
  requestId: string;
  granted: boolean;
  reason: string;
  auditId: number;
  openCommand?: OpenCommand;
  lock?: { status: string; reason?: string };
};

/** The challenge id a member signs: the EIP-712 digest of the lock's Challenge. */
export function challengeId(chainId: number, contract: Hex, challenge: Challenge): Hex {
  return toHex(createDoorHasher(chainId, contract).challengeDigest(challenge));
}

export async function fetchChallenge(relayerUrl: string, door: number): Promise<Challenge> {
  const res = await fetch(`${relayerUrl.replace(/\/$/, "")}/api/doors/${door}/challenge`);
  if (!res.ok) throw new Error(`challenge for door ${door}: HTTP ${res.status}`);
  return (await res.json()) as Challenge;
}

/**
 * Signs an unlock request. `signer` defaults to the account's address; pass a contract wallet's
 * address to sign for it (ERC-1271) with its owner's key.
 */
export async function signUnlockRequest(args: {
  account: LocalAccount | Hex;
  chainId: number;
  contract: Hex;
  door: number;
  challenge: Challenge;
  passId: bigint | string;
  deadline: number;
  signer?: Hex;
}): Promise<UnlockRequest> {
  const account = typeof args.account === "string" ? privateKeyToAccount(args.account) : args.account;
  const signature = await account.signTypedData({
    domain: protocolDomain(args.chainId, args.contract),
    types: unlockRequestTypes,
    primaryType: "UnlockRequest",
    message: {
      door: args.door,
      challenge: challengeId(args.chainId, args.contract, args.challenge),
      passId: BigInt(args.passId),
      deadline: BigInt(args.deadline),
    },
  });
  return {
    chainId: args.chainId,
    contract: args.contract,
    door: args.door,
    challenge: args.challenge,
    passId: String(args.passId),
    deadline: args.deadline,
    signer: args.signer ?? account.address,
    signature,
  };
}

/** The relayer's error shape (every 429 and 503, and every other error status). */
export type ErrorAnswer = {
  error: {
    code: string;
    message: string;
    details?: { requestId?: string; auditId?: number } & Record<string, unknown>;
  };
};

/**
 * Posts an unlock request. `answer` is the decision; a decision answered with the error shape
 * (429 rate_limited, 503 chain_unavailable / audit_unavailable) is read back as a denial with
 * `error.code` as its reason. `body` is what the relayer sent.
 */
export async function requestUnlock(
  relayerUrl: string,
  request: UnlockRequest,
): Promise<{ status: number; answer: UnlockAnswer; body: UnlockAnswer | ErrorAnswer }> {
  const res = await fetch(`${relayerUrl.replace(/\/$/, "")}/api/unlock`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(request),
  });
  const body = (await res.json()) as UnlockAnswer | ErrorAnswer;
  return { status: res.status, answer: asDecision(body), body };
}

/** An unlock answer as a decision: the error shape is read back as a denial with `error.code` as its reason. */
export function asDecision(body: UnlockAnswer | ErrorAnswer): UnlockAnswer {
  if (!("error" in body)) return body;
  const d = body.error.details ?? {};
  return { requestId: d.requestId ?? "", granted: false, reason: body.error.code, auditId: d.auditId ?? 0 };
}
