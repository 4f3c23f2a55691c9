// The read API routes of the relayer's OpenAPI document (server/http/openapi.ts): what the event
// index answers (server/http/routes/read.ts).
import {
  auditAnswer,
  availability,
  bookingsAnswer,
  currenciesAnswer,
  passesAnswer,
  policiesAnswer,
  relayersAnswer,
  resourceAnswer,
  revenue,
  splitsAnswer,
  taxesAnswer,
  venueAnswer,
  venuesAnswer,
} from "../../protocol/api/read.ts";
import { apiErrors, idParam, type Answer, type Parameter, type Routes } from "./openapiRoute.ts";

/** Paged lists (by start, then pass id). */
const pageParams: Parameter[] = [
  {
    name: "after",
    in: "query",
    required: false,
    schema: { type: "string", pattern: "^\\d{1,15}\\.\\d{1,78}$" },
    description: "the `next` cursor of the previous page",
  },
  {
    name: "limit",
    in: "query",
    required: false,
    schema: { type: "string", pattern: "^\\d{1,4}$" },
    description: "items per page, 1..1000 (default 200)",
  },
];

/** Routes answered from the event index: 503 while it is still syncing at start. */
const readErrors: Record<number, Answer> = {
  ...apiErrors,
  503: "not_ready: the event index is still syncing (cold start); retry after Retry-After seconds",
};

export const readRoutes: Routes = {
  "/api/passes": {
    get: {
      summary: "The signed-in member's passes (as holder or current guest)",
      session: true,
      parameters: [
        {
          name: "holder",
          in: "query",
          required: false,
          schema: { type: "string", pattern: "^0x[0-9a-fA-F]{40}$" },
          description: "must be the signed-in address (default)",
        },
        ...pageParams,
      ],
      responses: {
        200: passesAnswer,
        400: "bad_request",
        401: "unauthorized: not signed in",
        403: "forbidden: another member's passes",
        ...readErrors,
      },
    },
  },
  "/api/venues": {
    get: { summary: "Venues with their resources and doors", responses: { 200: venuesAnswer, ...readErrors } },
  },
  "/api/venues/{id}": {
    get: {
      summary: "One venue with its resources and doors",
      parameters: [idParam("id", "venue id")],
      responses: { 200: venueAnswer, 400: "bad_request", 404: "not_found: no such venue", ...readErrors },
    },
  },
  "/api/venues/{id}/splits": {
    get: {
      summary: "Every payee split the venue ever had (the current one is the venue's splitId)",
      parameters: [idParam("id", "venue id")],
      responses: { 200: splitsAnswer, 400: "bad_request", 404: "not_found: no such venue", ...readErrors },
    },
  },
  "/api/venues/{id}/relayers": {
    get: {
      summary: "The relayer keys the venue trusts",
      parameters: [idParam("id", "venue id")],
      responses: { 200: relayersAnswer, 400: "bad_request", 404: "not_found: no such venue", ...readErrors },
    },
  },
  "/api/resources/{id}": {
    get: {
      summary: "One resource",
      parameters: [idParam("id", "resource id")],
      responses: { 200: resourceAnswer, 400: "bad_request", 404: "not_found: no such resource", ...readErrors },
    },
  },
  "/api/policies": {
    get: { summary: "Every refund policy (immutable once created)", responses: { 200: policiesAnswer, ...readErrors } },
  },
  "/api/currencies": {
    get: {
      summary: "The ERC-20 currencies the network allows now (ETH, 0x0, always)",
      responses: { 200: currenciesAnswer, ...readErrors },
    },
  },
  "/api/resources/{id}/availability": {
    get: {
      summary: "Free units per hour slot over [from, to) (at most 62 days)",
      parameters: [
        idParam("id", "resource id"),
        {
          name: "from",
          in: "query",
          required: true,
          schema: { type: "string" },
          description: "UNIX seconds, ISO date or ISO date-time with offset",
        },
        { name: "to", in: "query", required: true, schema: { type: "string" }, description: "same forms, after from" },
      ],
      responses: {
        200: availability,
        400: "bad_request: bad range",
        404: "not_found: no such resource",
        ...readErrors,
      },
    },
  },
  "/api/venues/{id}/bookings": {
    get: {
      summary: "A venue's bookings, standing and cancelled, by start (its operator only)",
      session: true,
      parameters: [idParam("id", "venue id"), ...pageParams],
      responses: {
        200: bookingsAnswer,
        400: "bad_request",
        401: "unauthorized",
        403: "forbidden: not the operator",
        404: "not_found: no such venue",
        ...readErrors,
      },
    },
  },
  "/api/venues/{id}/revenue": {
    get: {
      summary:
        "A venue's revenue per currency and per local day of use: standing bookings' amounts plus cancelled ones' retained amounts (its operator and payees only)",
      session: true,
      parameters: [idParam("id", "venue id")],
      responses: {
        200: revenue,
        400: "bad_request",
        401: "unauthorized",
        403: "forbidden: not the operator",
        404: "not_found: no such venue",
        ...readErrors,
      },
    },
  },
  "/api/venues/{id}/taxes": {
    get: {
      summary:
        "A venue's GST and QST per currency, summed over its splits: collected, refunded, settled into the tax pools, claimed (its operator, payees and tax payee only)",
      session: true,
      parameters: [idParam("id", "venue id")],
      responses: {
        200: taxesAnswer,
        400: "bad_request",
        401: "unauthorized",
        403: "forbidden: not the operator, a payee or the tax payee",
        404: "not_found: no such venue",
        ...readErrors,
      },
    },
  },
  "/api/audit": {
    get: {
      summary: "Audit records: a member's own, plus those of the venues the member operates",
      session: true,
      parameters: [
        {
          name: "venue",
          in: "query",
          required: false,
          schema: { type: "string", pattern: "^\\d{1,10}$" },
          description: "only this venue (its operator only)",
        },
        {
          name: "limit",
          in: "query",
          required: false,
          schema: { type: "string", pattern: "^\\d{1,4}$" },
          description: "1..1000",
        },
      ],
      responses: {
        200: auditAnswer,
        400: "bad_request",
        401: "unauthorized",
        403: "forbidden: not the operator",
        ...readErrors,
      },
    },
  },
};
