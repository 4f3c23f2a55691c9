// The receipts and calendar routes of the relayer's OpenAPI document (server/http/openapi.ts).
import {
  billingDocument,
  calendarFeed,
  feedRevoked,
  memberReceipts,
  venueReceipts,
} from "../../protocol/api/receipts.ts";
import type { Answer, Parameter, Routes } from "./openapiRoute.ts";

const apiErrors: Record<number, Answer> = {
  429: "rate_limited",
  500: "internal: an unexpected error (logged)",
  503: "chain_unavailable: a block time or a token's decimals cannot be read now; not_ready: the event index is still syncing (Retry-After)",
};
const documentId: Parameter = {
  name: "id",
  in: "path",
  required: true,
  description: "document id, e.g. 1-R-000001 (receipt) or 1-CN-000001 (credit note)",
  schema: { type: "string", pattern: "^\\d{1,10}-(R|CN)-\\d{6,10}$" },
};
const venueId: Parameter = {
  name: "id",
  in: "path",
  required: true,
  description: "venue id",
  schema: { type: "string", pattern: "^\\d{1,10}$" },
};
const period: Parameter[] = [
  {
    name: "from",
    in: "query",
    required: false,
    schema: { type: "string" },
    description: "UNIX seconds or YYYY-MM-DD (midnight in the venue's time zone); default: the beginning",
  },
  {
    name: "to",
    in: "query",
    required: false,
    schema: { type: "string" },
    description: "same forms, exclusive; default: no end",
  },
];
const operatorErrors: Record<number, Answer> = {
  400: "bad_request: bad venue id or period",
  401: "unauthorized: not signed in",
  403: "forbidden: not the venue's operator",
  404: "not_found: no such venue",
  ...apiErrors,
};

export const receiptsRoutes: Routes = {
  "/api/receipts": {
    get: {
      summary: "The signed-in member's receipts and credit notes",
      session: true,
      responses: { 200: memberReceipts, 401: "unauthorized: not signed in", ...apiErrors },
    },
  },
  "/api/receipts/{id}": {
    get: {
      summary: "One receipt or credit note (its member or its venue's operator)",
      session: true,
      parameters: [documentId],
      responses: {
        200: { schema: billingDocument, description: "the document" },
        400: "bad_request: bad id",
        401: "unauthorized: not signed in",
        404: "not_found: no such document, or another member's (answered alike)",
        ...apiErrors,
      },
    },
  },
  "/api/receipts/{id}/pdf": {
    get: {
      summary: "The document as PDF, in French or English",
      session: true,
      parameters: [
        documentId,
        {
          name: "lang",
          in: "query",
          required: false,
          schema: { type: "string", enum: ["fr", "en"] },
          description: "default fr",
        },
      ],
      responses: {
        200: { media: "application/pdf", description: "the PDF" },
        400: "bad_request: bad id or lang",
        401: "unauthorized: not signed in",
        404: "not_found: no such document, or another member's (answered alike)",
        ...apiErrors,
      },
    },
  },
  "/api/venues/{id}/receipts": {
    get: {
      summary: "A venue's documents of a period with their totals (its operator only)",
      session: true,
      parameters: [venueId, ...period],
      responses: { 200: venueReceipts, ...operatorErrors },
    },
  },
  "/api/venues/{id}/receipts.csv": {
    get: {
      summary: "A venue's documents of a period as CSV for the accountant, with total rows (its operator only)",
      session: true,
      parameters: [venueId, ...period],
      responses: {
        200: { media: "text/csv", description: "RFC 4180 CSV; columns in docs/receipts.md" },
        ...operatorErrors,
      },
    },
  },
  "/api/calendar/feed": {
    post: {
      summary: "A new private calendar subscription URL for the signed-in member",
      session: true,
      responses: {
        200: calendarFeed,
        401: "unauthorized: not signed in",
        ...apiErrors,
        503: "audit_unavailable: the audit trail cannot be read",
      },
    },
    delete: {
      summary: "Revokes every calendar URL of the signed-in member issued so far (on every relayer of the fleet)",
      session: true,
      responses: {
        200: feedRevoked,
        401: "unauthorized: not signed in",
        ...apiErrors,
        503: "audit_unavailable: the revocation could not be recorded",
      },
    },
  },
  "/api/calendar/{token}/passes.ics": {
    get: {
      summary: "The member's passes as an RFC 5545 calendar (the token is the credential)",
      parameters: [
        {
          name: "token",
          in: "path",
          required: true,
          schema: { type: "string" },
          description: "from POST /api/calendar/feed",
        },
      ],
      responses: {
        200: { media: "text/calendar", description: "iCalendar" },
        401: "feed_token_invalid or feed_token_expired",
        403: "feed_token_revoked: revoked by its member",
        ...apiErrors,
        503: "audit_unavailable: the audit trail cannot be read (refused, fail closed)",
      },
    },
  },
};
