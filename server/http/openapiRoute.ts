// What the OpenAPI document (server/http/openapi.ts) says of a route: its parameters and which
// schema or error each status answers; the errors every /api route may answer.
import type { z } from "zod";

/** A response: a schema (JSON), an error description (the Error shape), or a non-JSON body. */
export type Answer =
  z.ZodType | { schema: z.ZodType; description: string } | string | { media: string; description: string };
export type Parameter = {
  name: string;
  in: "path" | "query";
  required: boolean;
  description?: string;
  schema: Record<string, unknown>;
};
export type Route = {
  summary: string;
  description?: string;
  session?: true;
  parameters?: Parameter[];
  body?: z.ZodType;
  responses: Record<number, Answer>;
};
export type Routes = Record<string, Partial<Record<"get" | "post" | "delete", Route>>>;

export const idParam = (name: string, description: string): Parameter => ({
  name,
  in: "path",
  required: true,
  description,
  schema: { type: "string", pattern: "^\\d{1,10}$" },
});

/** Every /api route may answer these. */
export const apiErrors: Record<number, Answer> = {
  429: "rate_limited",
  500: "internal: an unexpected error (logged)",
};
