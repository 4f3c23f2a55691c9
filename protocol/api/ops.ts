// Liveness and readiness (server/http/routes/ops.ts).
import { z } from "zod";
import { int } from "./json.ts";

export const readiness = z
  .object({
    ready: z.boolean(),
    tip: int,
    head: int,
    lagBlocks: int.nullable(),
    lastSyncAgeMs: int.nullable(),
    reorgs: int,
  })
  .meta({ id: "Readiness" });
