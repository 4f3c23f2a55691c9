// Sign-In with Ethereum (EIP-4361) for the dApp: server-issued nonces, message checks (domain,
// URI, chain id, unused nonce, issued-at / expiration / not-before with a small clock skew),
// EOA signatures by recovery and contract wallets by ERC-1271.
//
// Nonces are self-authenticating (random, expiry, HMAC with SESSION_SECRET), so relayers sharing
// that secret behind a load balancer accept each other's nonces without shared state. Each relayer
// consumes a nonce once; across N relayers a captured signed message could at most be replayed
// once per other relayer, and only before the nonce expires (SIWE_NONCE_TTL_S).
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
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
  /** Nonces consumed here, until they expire. */
  private readonly used = new Map<string, number>();
  private readonly ttlS: number;
  private readonly clock: Clock;
  private readonly secret: string;
  constructor(ttlS: number, clock: Clock, secret: string) {
    this.ttlS = ttlS;
    this.clock = clock;
    this.secret = secret;
  }
  /** 56 hex characters (alphanumeric, as EIP-4361 wants): 12 random bytes, the expiry, a MAC. */
  issue(): string {
    const expiry = Buffer.alloc(4);
    expiry.writeUInt32BE(this.clock() + this.ttlS);
    const payload = Buffer.concat([randomBytes(12), expiry]).toString("hex");
    return payload + this.mac(payload);
  }
  /** Consumes a nonce; true only the first time here, only if this network issued it, before it expires. */
  consume(nonce: string): boolean {
    if (!/^[0-9a-f]{56}$/.test(nonce)) return false;
    const payload = nonce.slice(0, 32);
    if (!timingSafeEqual(Buffer.from(nonce.slice(32), "hex"), Buffer.from(this.mac(payload), "hex"))) return false;
    const until = Buffer.from(payload, "hex").readUInt32BE(12);
    const now = this.clock();
    if (until < now || this.used.has(nonce)) return false;
    this.prune(now);
    if (this.used.size > 100_000) return false; // bounded memory: refuse rather than grow
    this.used.set(nonce, until);
    return true;
  }
  private mac(payload: string): string {
    return createHmac("sha256", this.secret).update(`siwe-nonce:${payload}`).digest("hex").slice(0, 24);
  }
  private prune(now: number): void {
    for (const [n, until] of this.used) if (until < now) this.used.delete(n);
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
