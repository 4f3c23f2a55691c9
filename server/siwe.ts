// Sign-In with Ethereum (EIP-4361) for the dApp: server-issued nonces, message checks (domain,
// URI, chain id, unused nonce, issued-at / expiration / not-before with a small clock skew),
// EOA signatures by recovery and contract wallets by ERC-1271.
//
// Nonces live in this relayer's memory: behind a load balancer, pin /api/siwe/* to one relayer
// (sticky sessions) or share the nonce store.
import { randomBytes } from "node:crypto";
import { hashMessage } from "viem";
import { parseSiweMessage } from "viem/siwe";
import type { ChainReader } from "./chain.ts";
import { hexToBuf, recoverSigner, sameAddress, type Hex } from "./doorCrypto.ts";
import { RelayerError } from "./errors.ts";
import type { Clock } from "./clock.ts";

export type SiwePolicy = {
  /** Accepted `domain` values (the dApp's host[:port]). */
  domains: string[];
  /** Accepted origins of the message `uri`. */
  uriOrigins: string[];
  chainId: number;
  nonceTtlS: number;
  clockSkewS: number;
};

export class NonceStore {
  private readonly nonces = new Map<string, number>();
  private readonly ttlS: number;
  private readonly clock: Clock;
  constructor(ttlS: number, clock: Clock) {
    this.ttlS = ttlS;
    this.clock = clock;
  }
  issue(): string {
    this.prune();
    if (this.nonces.size > 100_000) throw new RelayerError("rate_limited", "too many outstanding nonces");
    const nonce = randomBytes(12).toString("hex"); // alphanumeric, ≥ 8 chars (EIP-4361)
    this.nonces.set(nonce, this.clock() + this.ttlS);
    return nonce;
  }
  /** Consumes a nonce; true only the first time, and only before it expires. */
  consume(nonce: string): boolean {
    const until = this.nonces.get(nonce);
    this.nonces.delete(nonce);
    return until !== undefined && until >= this.clock();
  }
  private prune(): void {
    const now = this.clock();
    for (const [n, until] of this.nonces) if (until < now) this.nonces.delete(n);
  }
}

const fail = (message: string): never => {
  throw new RelayerError("siwe_invalid", message);
};

/** Verifies a SIWE message and signature; returns the signed-in address (lower case). */
export async function verifySiwe(
  message: string,
  signature: Hex,
  policy: SiwePolicy,
  nonces: NonceStore,
  reader: ChainReader,
  now: number,
): Promise<{ address: Hex; chainId: number; expiresAt: number | null }> {
  let m: ReturnType<typeof parseSiweMessage>;
  try {
    m = parseSiweMessage(message);
  } catch {
    return fail("message is not a SIWE message");
  }
  if (!m.address || !m.domain || !m.uri || !m.nonce || !m.chainId || !m.version || !m.issuedAt) fail("message lacks required fields");
  if (m.version !== "1") fail("unsupported SIWE version");
  if (!policy.domains.includes(m.domain!)) fail("wrong domain");
  let uriOrigin: string;
  try {
    uriOrigin = new URL(m.uri!).origin;
  } catch {
    return fail("bad uri");
  }
  if (!policy.uriOrigins.includes(uriOrigin)) fail("wrong uri");
  if (m.chainId !== policy.chainId) fail("wrong chain");
  const skew = policy.clockSkewS;
  const issued = Math.floor(m.issuedAt!.getTime() / 1000);
  if (!Number.isFinite(issued) || issued > now + skew) fail("issued in the future");
  if (issued < now - policy.nonceTtlS - skew) fail("message too old");
  if (m.expirationTime && Math.floor(m.expirationTime.getTime() / 1000) <= now - skew) fail("message expired");
  if (m.notBefore && Math.floor(m.notBefore.getTime() / 1000) > now + skew) fail("message not yet valid");
  // Consume the nonce only after the cheap checks, and before the signature (single attempt).
  if (!nonces.consume(m.nonce!)) fail("unknown, expired or used nonce");
  const address = m.address!.toLowerCase() as Hex;
  const digest = hashMessage(message);
  const recovered = signature.length === 132 ? recoverSigner(hexToBuf(digest), signature) : null;
  if (!recovered || !sameAddress(recovered, address)) {
    let ok = false;
    try {
      ok = (await reader.hasCode(address)) && (await reader.isValidSignature(address, digest, signature));
    } catch {
      throw new RelayerError("chain_unavailable", "cannot check a contract wallet signature now");
    }
    if (!ok) fail("bad signature");
  }
  return { address, chainId: m.chainId!, expiresAt: m.expirationTime ? Math.floor(m.expirationTime.getTime() / 1000) : null };
}
