// The one error shape of the relayer: every 4xx/5xx that is not a door decision, and every 429 and
// 503. `code` is machine-readable (the relayer maps it to the status, server/errors.ts).
import { z } from "zod";

export function errorAnswerOf<C extends z.ZodType<string>>(code: C) {
  return z
    .object({
      error: z
        .object({
          code: code.meta({ description: "machine-readable; the status follows from it (server/errors.ts)" }),
          message: z.string().meta({ description: "short, for humans" }),
          details: z.unknown().optional().meta({
            description:
              "optional: `{ requestId, auditId }` for decisions answered as errors; the readiness state for not_ready",
          }),
        })
        .strict(),
    })
    .strict();
}

/** Any error answer, as a client reads it (the relayer's document names the codes). */
export const errorAnswer = errorAnswerOf(z.string());
