// The relayer's HTTP API: SIWE session, door challenges and unlock requests.
import { createSiweMessage } from "viem/siwe";
import { hashTypedData, type Address, type Hex } from "viem";
import {
  protocolDomain,
  challengeTypes,
  unlockRequestTypes,
  type Challenge,
  type UnlockRequest,
} from "../../../protocol/eip712.ts";
import { doorsStatusAnswer, pulseAnswer } from "../../../protocol/api/doorOps.ts";
import type { z } from "zod";

export type DoorsStatus = z.output<typeof doorsStatusAnswer>;
export type PulseResult = z.output<typeof pulseAnswer>;

/**
 * A call to the relayer that failed, as the dApp sees it: the answer's error `code` and HTTP status
 * (0 when nothing answered). Not the server's own `RelayerError` (server/errors.ts).
 */
export class RelayerRequestError extends Error {
  readonly code: string;
  readonly status: number;
  /** `error.details` of the answer (e.g. the sponsor's decoded contract error). */
  readonly details?: unknown;
  constructor(code: string, status: number, message?: string, details?: unknown) {
    super(message ?? code);
    this.code = code;
    this.status = status;
    this.details = details;
  }
}

export type Relayer = ReturnType<typeof makeRelayer>;

export function makeRelayer(baseUrl: string) {
  const url = (path: string) => `${baseUrl}${path}`;

  async function call<T>(path: string, init?: RequestInit): Promise<T> {
    let res: Response;
    try {
      res = await fetch(url(path), {
        credentials: "include",
        ...init,
        headers: init?.body ? { "content-type": "application/json", ...init.headers } : init?.headers,
      });
    } catch {
      throw new RelayerRequestError("relayer_unreachable", 0);
    }
    const text = await res.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      // plain text body
    }
    if (!res.ok) {
      // The relayer answers errors as { error: { code, message } } and unlock denials as { reason }.
      type ErrorBody = {
        reason?: string;
        error?: { code?: string; message?: string; details?: unknown } | string;
      } | null;
      const b = (typeof body === "object" ? body : null) as ErrorBody;
      const err = typeof b?.error === "object" ? b.error : { code: b?.error, details: undefined };
      throw new RelayerRequestError(
        b?.reason ?? err?.code ?? `http_${res.status}`,
        res.status,
        err?.message,
        err?.details,
      );
    }
    return body as T;
  }

  return {
    async nonce(): Promise<string> {
      const b = await call<{ nonce: string } | string>("/api/siwe/nonce");
      return typeof b === "string" ? b : b.nonce;
    },
    async verify(message: string, signature: Hex): Promise<{ address: Address }> {
      return call("/api/siwe/verify", { method: "POST", body: JSON.stringify({ message, signature }) });
    },
    async me(): Promise<Address | null> {
      try {
        const b = await call<{ address?: Address } | null>("/api/me");
        return b?.address ?? null;
      } catch (e) {
        // No network (a phone at an offline venue): the session is unknown, not over — the page
        // keeps its hint and asks again once the relayer answers.
        if (e instanceof RelayerRequestError && e.status === 0) throw e;
        return null;
      }
    },
    async logout(): Promise<void> {
      await call("/api/siwe/logout", { method: "POST", body: "{}" }).catch(() => undefined);
    },
    async challenge(doorId: number): Promise<Challenge> {
      const b = await call<Challenge | { challenge: Challenge }>(`/api/doors/${doorId}/challenge`);
      return "challenge" in b && typeof b.challenge === "object" ? b.challenge : (b as Challenge);
    },
    async unlock(req: UnlockRequest): Promise<{ granted: boolean; reason: string }> {
      const b = await call<{
        granted?: boolean;
        decision?: string;
        reason?: string;
        code?: string;
        lock?: { status?: string; reason?: string };
      }>("/api/unlock", {
        method: "POST",
        body: JSON.stringify(req),
      });
      const granted = b.granted ?? b.decision === "granted";
      // Granted, but the door did not open: the member is told why, in the lock's terms.
      if (granted && b.lock && b.lock.status !== "opened") return { granted: false, reason: doorOutcome(b.lock) };
      return { granted: Boolean(granted), reason: b.reason ?? b.code ?? (granted ? "granted" : "malformed_request") };
    },
    async get<T>(path: string): Promise<T> {
      return call<T>(path);
    },
    /** The live status of a venue's doors (its operator's session). */
    async doorsStatus(venueId: number): Promise<DoorsStatus> {
      return doorsStatusAnswer.parse(await call(`/api/venues/${venueId}/doors/status`));
    },
    /** Opens a door once, remotely (its venue's operator's session): opened, refused or unreachable. */
    async pulse(doorId: number): Promise<PulseResult> {
      return pulseAnswer.parse(await call(`/api/doors/${doorId}/pulse`, { method: "POST", body: "{}" }));
    },
    /** A POST or DELETE without a body worth sending (the session cookie says who). */
    async send<T>(path: string, method: "POST" | "DELETE"): Promise<T> {
      return call<T>(path, { method, body: "{}" });
    },
    /** A file the relayer serves to the session (a receipt's PDF, the CSV export). */
    async file(path: string): Promise<Blob> {
      let res: Response;
      try {
        res = await fetch(url(path), { credentials: "include" });
      } catch {
        throw new RelayerRequestError("relayer_unreachable", 0);
      }
      if (!res.ok) {
        const b = (await res.json().catch(() => null)) as { error?: { code?: string; message?: string } } | null;
        throw new RelayerRequestError(b?.error?.code ?? `http_${res.status}`, res.status, b?.error?.message);
      }
      return res.blob();
    },
    async post<T>(path: string, body: unknown): Promise<T> {
      return call<T>(path, { method: "POST", body: JSON.stringify(body) });
    },
  };
}

/** A receipt or credit note as GET /api/receipts answers it (docs/receipts.md). */
export type BillingDocumentJson = {
  id: string;
  kind: "receipt" | "credit_note";
  venueId: number;
  passId: string;
  resourceName: string;
  start: number;
  end: number;
  timeZone: string;
  currency: { address: Address; symbol: string; decimals: number };
  preTax: string;
  gst: string;
  qst: string;
  total: string;
  /** The gasless call's sponsor fee: paid on top of a receipt's total, taken from a credit note's. */
  serviceFee: string;
  time: number | null;
};

export function siweMessage(p: { address: Address; chainId: number; nonce: string; statement: string }): string {
  const now = new Date();
  return createSiweMessage({
    domain: window.location.host,
    uri: window.location.origin,
    address: p.address,
    chainId: p.chainId,
    nonce: p.nonce,
    statement: p.statement,
    version: "1",
    issuedAt: now,
    expirationTime: new Date(now.getTime() + 24 * 3600 * 1000),
  });
}

/** The EIP-712 challenge id the member's request names: the digest of the lock's Challenge. */
export function challengeId(chainId: number, contract: Address, c: Challenge): Hex {
  return hashTypedData({
    domain: protocolDomain(chainId, contract),
    types: challengeTypes,
    primaryType: "Challenge",
    message: { door: c.door, nonce: c.nonce, time: BigInt(c.time) },
  });
}

export function unlockTypedData(
  chainId: number,
  contract: Address,
  door: number,
  challenge: Hex,
  passId: bigint,
  deadline: number,
) {
  return {
    domain: protocolDomain(chainId, contract),
    types: unlockRequestTypes,
    primaryType: "UnlockRequest" as const,
    message: { door, challenge, passId, deadline: BigInt(deadline) },
  };
}

/** The reason a granted request still left the door shut (protocol/reasons.ts). */
export function doorOutcome(lock: {
  status?: string;
  reason?: string;
}): "lock_unreachable" | "lock_jammed" | "lock_refused" {
  if (lock.status === "unreachable") return "lock_unreachable";
  return lock.reason === "lock_jammed" ? "lock_jammed" : "lock_refused";
}
