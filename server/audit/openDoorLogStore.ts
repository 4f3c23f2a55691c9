// The door log store beside the audit trail: the same AUDIT_DB (a SQLite file or a postgres:// URL).
import { isPostgresUrl } from "./openAudit.ts";
import { SqliteDoorLogStore, type DoorLogStore } from "./doorLogStore.ts";
import { PgDoorLogStore } from "./pgDoorLogStore.ts";

export async function openDoorLogStore(spec: string): Promise<DoorLogStore> {
  return isPostgresUrl(spec) ? PgDoorLogStore.open(spec) : new SqliteDoorLogStore(spec);
}
