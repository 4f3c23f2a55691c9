// The receipts routes in the relayer's OpenAPI document (spread into server/http/openapi.ts).
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: object, description: string) => ({ description, content: { "application/json": { schema } } });
const errorResponse = (description: string) => json(ref("Error"), description);
const file = (type: string, description: string) => ({
  description,
  content: { [type]: { schema: { type: "string" } } },
});
const sessionSecurity = [{ session: [] }];
const units = { type: "string", pattern: "^\\d{1,78}$", description: "amount in the currency's smallest unit" };
const address = { type: "string", pattern: "^0x[0-9a-fA-F]{40}$" };
const apiErrors = {
  429: { $ref: "#/components/responses/RateLimited" },
  500: errorResponse("internal: an unexpected error (logged)"),
  503: errorResponse(
    "chain_unavailable: a block time or a token's decimals cannot be read now; not_ready: the event index is still syncing (Retry-After)",
  ),
};
const documentId = {
  name: "id",
  in: "path",
  required: true,
  description: "document id, e.g. 1-R-000001 (receipt) or 1-CN-000001 (credit note)",
  schema: { type: "string", pattern: "^\\d{1,10}-(R|CN)-\\d{6,10}$" },
};
const venueId = {
  name: "id",
  in: "path",
  required: true,
  description: "venue id",
  schema: { type: "string", pattern: "^\\d{1,10}$" },
};
const period = [
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
const operatorErrors = {
  400: errorResponse("bad_request: bad venue id or period"),
  401: errorResponse("unauthorized: not signed in"),
  403: errorResponse("forbidden: not the venue's operator"),
  404: errorResponse("not_found: no such venue"),
  ...apiErrors,
};

export const receiptsSchemas = {
  BillingDocument: {
    type: "object",
    description:
      "A receipt (one per Booked event) or credit note (one per refunding Cancelled event); see docs/receipts.md.",
    required: [
      "id",
      "kind",
      "venueId",
      "number",
      "member",
      "passId",
      "preTax",
      "gst",
      "qst",
      "total",
      "txHash",
      "block",
    ],
    properties: {
      id: { type: "string" },
      kind: { type: "string", enum: ["receipt", "credit_note"] },
      venueId: { type: "integer" },
      number: { type: "integer", minimum: 1, description: "sequential per venue and kind, in chain order" },
      seller: {
        description: "the venue's tax profile at the event, null when none was set",
        oneOf: [
          { type: "null" },
          {
            type: "object",
            properties: {
              legalName: { type: "string" },
              postalAddress: { type: "string" },
              gstNumber: { type: "string" },
              qstNumber: { type: "string" },
            },
          },
        ],
      },
      taxable: { type: "boolean" },
      member: address,
      passId: units,
      resourceId: { type: "integer" },
      resourceName: { type: "string" },
      start: { type: "integer" },
      end: { type: "integer" },
      timeZone: { type: "string" },
      currency: {
        type: "object",
        properties: { address, symbol: { type: "string" }, decimals: { type: "integer" } },
      },
      preTax: units,
      gst: units,
      qst: units,
      total: units,
      retained: units,
      refersTo: { type: ["string", "null"] },
      txHash: { type: "string", pattern: "^0x[0-9a-f]{64}$" },
      block: { type: "integer" },
      logIndex: { type: "integer" },
      time: { type: ["integer", "null"], description: "the block's timestamp" },
    },
  },
} as const;

export const receiptsPaths = {
  "/api/receipts": {
    get: {
      summary: "The signed-in member's receipts and credit notes",
      security: sessionSecurity,
      responses: {
        200: json(
          {
            type: "object",
            properties: {
              member: address,
              documents: { type: "array", items: ref("BillingDocument") },
              asOfBlock: { type: "integer" },
            },
          },
          "documents, in chain order",
        ),
        401: errorResponse("unauthorized: not signed in"),
        ...apiErrors,
      },
    },
  },
  "/api/receipts/{id}": {
    get: {
      summary: "One receipt or credit note (its member or its venue's operator)",
      security: sessionSecurity,
      parameters: [documentId],
      responses: {
        200: json(ref("BillingDocument"), "the document"),
        400: errorResponse("bad_request: bad id"),
        401: errorResponse("unauthorized: not signed in"),
        404: errorResponse("not_found: no such document, or another member's (answered alike)"),
        ...apiErrors,
      },
    },
  },
  "/api/receipts/{id}/pdf": {
    get: {
      summary: "The document as PDF, in French or English",
      security: sessionSecurity,
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
        200: file("application/pdf", "the PDF"),
        400: errorResponse("bad_request: bad id or lang"),
        401: errorResponse("unauthorized: not signed in"),
        404: errorResponse("not_found: no such document, or another member's (answered alike)"),
        ...apiErrors,
      },
    },
  },
  "/api/venues/{id}/receipts": {
    get: {
      summary: "A venue's documents of a period with their totals (its operator only)",
      security: sessionSecurity,
      parameters: [venueId, ...period],
      responses: {
        200: json(
          {
            type: "object",
            properties: {
              venueId: { type: "integer" },
              from: { type: "integer" },
              to: { type: "integer" },
              documents: { type: "array", items: ref("BillingDocument") },
              totals: { type: "array", items: { type: "object" } },
              asOfBlock: { type: "integer" },
            },
          },
          "documents and totals per currency",
        ),
        ...operatorErrors,
      },
    },
  },
  "/api/venues/{id}/receipts.csv": {
    get: {
      summary: "A venue's documents of a period as CSV for the accountant, with total rows (its operator only)",
      security: sessionSecurity,
      parameters: [venueId, ...period],
      responses: { 200: file("text/csv", "RFC 4180 CSV; columns in docs/receipts.md"), ...operatorErrors },
    },
  },
  "/api/calendar/feed": {
    post: {
      summary: "A new private calendar subscription URL for the signed-in member",
      security: sessionSecurity,
      responses: {
        200: json(
          {
            type: "object",
            properties: { url: { type: "string" }, path: { type: "string" }, expiresAt: { type: "integer" } },
          },
          "the feed's URL",
        ),
        401: errorResponse("unauthorized: not signed in"),
        ...apiErrors,
        503: errorResponse("audit_unavailable: the audit trail cannot be read"),
      },
    },
    delete: {
      summary: "Revokes every calendar URL of the signed-in member issued so far (on every relayer of the fleet)",
      security: sessionSecurity,
      responses: {
        200: json({ type: "object", properties: { revokedAt: { type: "integer" } } }, "revoked"),
        401: errorResponse("unauthorized: not signed in"),
        ...apiErrors,
        503: errorResponse("audit_unavailable: the revocation could not be recorded"),
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
        200: file("text/calendar", "iCalendar"),
        401: errorResponse("feed_token_invalid or feed_token_expired"),
        403: errorResponse("feed_token_revoked: revoked by its member"),
        ...apiErrors,
        503: errorResponse("audit_unavailable: the audit trail cannot be read (refused, fail closed)"),
      },
    },
  },
} as const;
