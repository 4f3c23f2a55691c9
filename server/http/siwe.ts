// Sign-In with Ethereum (EIP-4361) for the dApp: server-issued nonces; the message parsed and
// verified by the maintained `siwe` package (its ABNF parser refuses non-EIP-55 addresses and
// anything after the last field), with the domain, nonce and time passed to it explicitly and the
// relayer's own checks for what it does not bind (URI origin, chain id, issued-at window).
// EOA signatures by recovery, contract wallets by ERC-1271 through the relayer's chain reader.
//
// Nonces are self-authenticating (random, expiry, HMAC with SESSION_SECRET), so relayers sharing
// that secret behind a load balancer accept each other's nonces without shared state. Each relayer
// consumes a nonce once, and only for a sign-in whose signature verified, so junk sign-ins use up
// nothing; across N relayers a captured signed message could at most be replayed once per other
// relayer, and only before the nonce expires (SIWE_NONCE_TTL_S).
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { SiweMessage, SiweResponse } from "siwe";

/** The `siwe` package (and the ethers it brings), loaded with the first sign-in, not at start. */
let siwePackage: Promise<typeof import("siwe")> | null = null;
const loadSiwe = () => (siwePackage ??= import("siwe"));
import { hashMessage } from "viem";
import type { ChainReader } from "../index/chain.ts";
import { hexToBuf, recoverSigner, sameAddress, type Hex } from "../door/doorCrypto.ts";
import { RelayerError } from "../errors.ts";
import type { Clock } from "../clock.ts";

export type SiwePolicy = {
  /** Accepted `domain` values (the dApp's host[:port]). */
  domains: string[];
  /** Accepted origins of the message `uri`. */
  uriOrigins: string[];
  chainId: number;
  nonceTtlS: number;
  clockSkewS: number;
};

export type NonceLimits = {
  /** Used nonces kept per requester (client IP) until they expire; beyond, that requester waits. */
  perRequester: number;
  /** The same per signed-in address: one address cannot use up its network's share (an office
   * behind one NAT address can then be given a large per-IP share). */
  perAddress?: number;
};

export type ConsumeResult = "consumed" | "unusable" | "requester_full";

export class NonceStore {
  /** Nonces consumed here, until they expire, with the requester and address that used each. */
  private readonly used = new Map<string, { until: number; keys: string[] }>();
  /** Live used nonces per requester (`ip:`) and per address (`address:`): memory grows with
   * requesters, never with one requester's flood. */
  private readonly live = new Map<string, number>();
  private readonly ttlS: number;
  private readonly clock: Clock;
  private readonly secret: string;
  private readonly limits: NonceLimits;
  private prunedAt = -1;
  constructor(ttlS: number, clock: Clock, secret: string, limits: NonceLimits = { perRequester: 100 }) {
    this.ttlS = ttlS;
    this.clock = clock;
    this.secret = secret;
    this.limits = limits;
  }
  /** 56 hex characters (alphanumeric, as EIP-4361 wants): 12 random bytes, the expiry, a MAC. */
  issue(): string {
    const expiry = Buffer.alloc(4);
    expiry.writeUInt32BE(this.clock() + this.ttlS);
    const payload = Buffer.concat([randomBytes(12), expiry]).toString("hex");
    return payload + this.mac(payload);
  }
  /** Whether this network issued the nonce, it has not expired and is unused here (uses nothing up). */
  usable(nonce: string): boolean {
    if (!/^[0-9a-f]{56}$/.test(nonce)) return false;
    const payload = nonce.slice(0, 32);
    if (!timingSafeEqual(Buffer.from(nonce.slice(32), "hex"), Buffer.from(this.mac(payload), "hex"))) return false;
    return Buffer.from(payload, "hex").readUInt32BE(12) >= this.clock() && !this.used.has(nonce);
  }
  /** Uses up a nonce for a verified sign-in by `requester` (and `address`): once, and within the
   * requester's share and the address's. */
  consume(nonce: string, requester: string, address?: string): ConsumeResult {
    if (!this.usable(nonce)) return "unusable";
    this.prune(this.clock());
    const keys = [`ip:${requester}`];
    if (address !== undefined) keys.push(`address:${address.toLowerCase()}`);
    const caps = [this.limits.perRequester, this.limits.perAddress ?? Number.MAX_SAFE_INTEGER];
    if (keys.some((k, i) => (this.live.get(k) ?? 0) >= caps[i])) return "requester_full";
    this.used.set(nonce, { until: Buffer.from(nonce.slice(0, 32), "hex").readUInt32BE(12), keys });
    for (const k of keys) this.live.set(k, (this.live.get(k) ?? 0) + 1);
    return "consumed";
  }
  private mac(payload: string): string {
    return createHmac("sha256", this.secret).update(`siwe-nonce:${payload}`).digest("hex").slice(0, 24);
  }
  /** Drops expired nonces, at most once per clock second (a scan, not one per sign-in). */
  private prune(now: number): void {
    if (now === this.prunedAt) return;
    this.prunedAt = now;
    for (const [n, { until, keys }] of this.used) {
      if (until >= now) continue;
      this.used.delete(n);
      for (const k of keys) {
        const left = (this.live.get(k) ?? 1) - 1;
        if (left > 0) this.live.set(k, left);
        else this.live.delete(k);
      }
    }
  }
}

const fail = (message: string): never => {
  throw new RelayerError("siwe_invalid", message);
};

const seconds = (iso: string): number => Math.floor(new Date(iso).getTime() / 1000);

/** Line 2 of an EIP-4361 message: the claimed address (read before the full parse, to screen junk cheaply). */
const CLAIMED_ADDRESS = /^[^\n]{1,512} wants you to sign in with your Ethereum account:\n(0x[0-9a-fA-F]{40})\n/;

/** What each `siwe` failure means for the member (from the loaded package's error types). */
const siweFailures = (t: (typeof import("siwe"))["SiweErrorType"]): Partial<Record<string, string>> => ({
  [t.DOMAIN_MISMATCH]: "wrong domain",
  [t.SCHEME_MISMATCH]: "wrong scheme",
  [t.NONCE_MISMATCH]: "wrong nonce",
  [t.EXPIRED_MESSAGE]: "message expired",
  [t.NOT_YET_VALID_MESSAGE]: "message not yet valid",
  [t.INVALID_SIGNATURE]: "bad signature",
});

/**
 * Verifies a SIWE message and signature for `requester` (the client IP's rate-limit key); returns
 * the signed-in address (lower case). Order: signature screen (cheap: one recovery, or the signer
 * has code) → strict EIP-4361 parse → policy → nonce usable → `siwe` verify (domain, nonce, time,
 * signature) → nonce used up. Nothing is used up by a sign-in that fails.
 */
export async function verifySiwe(
  message: string,
  signature: Hex,
  policy: SiwePolicy,
  nonces: NonceStore,
  reader: ChainReader,
  now: number,
  requester: string,
): Promise<{ address: Hex; chainId: number; expiresAt: number | null }> {
  const claimed = CLAIMED_ADDRESS.exec(message)?.[1] as Hex | undefined;
  if (!claimed) return fail("message is not an EIP-4361 message");
  const digest = hashMessage(message);
  const recovered = signature.length === 132 ? recoverSigner(hexToBuf(digest), signature) : null;
  const byEoa = recovered !== null && sameAddress(recovered, claimed);
  if (!byEoa && !(await chainRead(() => reader.hasCode(claimed)))) fail("bad signature");

  const { SiweMessage, SiweErrorType } = await loadSiwe();
  let m: SiweMessage;
  try {
    m = new SiweMessage(message);
  } catch (err) {
    return fail(`not an EIP-4361 message: ${(err as Error).message.split("\n")[0]}`);
  }
  // The signature is checked over the package's serialisation: it must be the signed text itself.
  if (m.prepareMessage() !== message) fail("not an EIP-4361 message: not in canonical form");
  if (m.version !== "1") fail("unsupported SIWE version");
  if (!policy.domains.includes(m.domain)) fail("wrong domain");
  let uriOrigin: string;
  try {
    uriOrigin = new URL(m.uri).origin;
  } catch {
    return fail("bad uri");
  }
  if (!policy.uriOrigins.includes(uriOrigin)) fail("wrong uri");
  if (m.scheme !== undefined && `${m.scheme}:` !== new URL(uriOrigin).protocol) fail("wrong scheme");
  if (m.chainId !== policy.chainId) fail("wrong chain");
  const issued = m.issuedAt ? seconds(m.issuedAt) : NaN;
  if (!Number.isFinite(issued) || issued > now + policy.clockSkewS) fail("issued in the future");
  if (issued < now - policy.nonceTtlS - policy.clockSkewS) fail("message too old");
  if (!nonces.usable(m.nonce)) fail("unknown, expired or used nonce");

  // The package checks domain, nonce, expiry and not-before (at the relayer's clock) and the
  // signature; a contract wallet's through the relayer's reader (ERC-1271 on the message hash).
  // (It writes to console.error when ethers cannot parse a signature: after the screen above,
  // only a contract wallet's signature of another length than 65 bytes gets here.)
  let chainError: unknown;
  const res: SiweResponse = await m.verify(
    {
      signature,
      domain: m.domain,
      nonce: m.nonce,
      time: new Date(now * 1000).toISOString(),
      ...(m.scheme ? { scheme: m.scheme } : {}),
    },
    {
      suppressExceptions: true,
      verificationFallback: async () => {
        let ok = false;
        try {
          ok = await reader.isValidSignature(claimed, digest, signature);
        } catch (err) {
          chainError = err;
        }
        return ok
          ? { success: true, data: m }
          : { success: false, data: m, error: { type: SiweErrorType.INVALID_SIGNATURE } };
      },
    },
  );
  if (chainError) throw new RelayerError("chain_unavailable", "cannot check a contract wallet signature now");
  if (!res.success) fail(siweFailures(SiweErrorType)[res.error?.type ?? ""] ?? "bad signature");

  const used = nonces.consume(m.nonce, requester, claimed);
  if (used === "requester_full")
    throw new RelayerError(
      "rate_limited",
      "too many sign-ins from this network address or for this account; retry in a few minutes",
    );
  if (used !== "consumed") fail("unknown, expired or used nonce");
  return {
    address: claimed.toLowerCase() as Hex,
    chainId: m.chainId,
    expiresAt: m.expirationTime ? seconds(m.expirationTime) : null,
  };
}

async function chainRead<T>(f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch {
    throw new RelayerError("chain_unavailable", "cannot check a contract wallet signature now");
  }
}
