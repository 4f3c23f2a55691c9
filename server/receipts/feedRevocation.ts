// Revocations of members' calendar links, kept in the audit trail that every relayer of a fleet
// shares (server/audit/: one SQLite file, or PostgreSQL): a `calendar_feed_revoked` record per
// revocation, filed under the member. See feedToken.ts for how a token is checked against it.
import { randomUUID } from "node:crypto";
import type { AuditStore } from "../audit/auditLog.ts";
import type { Hex } from "../../protocol/types.ts";
import { FEED_REVOKED_REASON } from "./feedToken.ts";

/** The time of the member's latest revocation, or null when there was none. */
export async function latestRevocation(audit: AuditStore, member: Hex): Promise<number | null> {
  const [latest] = await audit.query({ signer: member, reason: FEED_REVOKED_REASON, limit: 1 });
  return latest ? latest.time : null;
}

/** Records that `member` revoked every calendar link issued up to `now` (resolves once durable). */
export async function recordRevocation(audit: AuditStore, member: Hex, now: number, block: number): Promise<void> {
  await audit.record({
    time: now,
    door: null,
    venue: null,
    signer: member,
    claimedSigner: member,
    pass: null,
    decision: "denied",
    reason: FEED_REVOKED_REASON,
    block,
    challenge: null,
    requestId: randomUUID(),
  });
}

/** Whether a token issued at `iat` still holds against the member's latest revocation. */
export function issuedAfter(iat: number, revokedAt: number | null): boolean {
  return revokedAt === null || iat > revokedAt;
}
