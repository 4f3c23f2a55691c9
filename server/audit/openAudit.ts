// AUDIT_DB names the audit trail: a file path (SQLite, the default; several relayers on one host
// may share the file) or a postgres:// URL (one trail for a fleet of relayers on several hosts).
import { AuditLog, type AuditStore } from "./auditLog.ts";
import { PgAuditLog } from "./pgAuditLog.ts";

export function isPostgresUrl(spec: string): boolean {
  return /^postgres(ql)?:\/\//.test(spec);
}

/** `timeoutMs` bounds how long a record waits for the store before it is refused (AUDIT_TIMEOUT_MS). */
export async function openAudit(spec: string, opts: { timeoutMs?: number } = {}): Promise<AuditStore> {
  return isPostgresUrl(spec) ? PgAuditLog.open(spec, opts) : new AuditLog(spec, opts);
}
