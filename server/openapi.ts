// OpenAPI 3.1 description of the relayer's HTTP API, served at /openapi.json.
import { REASONS } from "../protocol/reasons.ts";

const hex = (bytes: number) => ({ type: "string", pattern: `^0x[0-9a-fA-F]{${bytes * 2}}$` });
const address = hex(20);
const error = { $ref: "#/components/schemas/Error" };
const errorResponse = (description: string) => ({ description, content: { "application/json": { schema: error } } });
const sessionSecurity = [{ session: [] }];
const idParam = (name: string) => ({ name, in: "path", required: true, schema: { type: "string", pattern: "^\\d{1,10}$" } });

export const openApiDocument = {
  openapi: "3.1.0",
  info: {
    title: "Passepartout door relayer",
    version: "1.0.0",
    description:
      "Checks EIP-712 signed unlock requests against the Passepartout contract (event index, contract read as fallback), signs open commands for locks, records every decision in an audit log, and serves the dApp's SIWE sign-in and read API. Denials carry a reason code from the shared list (protocol/reasons.ts).",
  },
  components: {
    securitySchemes: { session: { type: "apiKey", in: "cookie", name: "pp_session" } },
    schemas: {
      Error: {
        type: "object",
        required: ["error"],
        properties: { error: { type: "object", required: ["code", "message"], properties: { code: { type: "string" }, message: { type: "string" } } } },
      },
      Reason: { type: "string", enum: [...REASONS] },
      Challenge: {
        type: "object",
        required: ["door", "nonce", "time", "signature"],
        properties: { door: { type: "integer", minimum: 0, maximum: 4294967295 }, nonce: hex(16), time: { type: "integer" }, signature: hex(65) },
      },
      UnlockRequest: {
        type: "object",
        required: ["chainId", "contract", "door", "challenge", "passId", "deadline", "signer", "signature"],
        description: "EIP-712 UnlockRequest(door, challenge = EIP-712 digest of the Challenge, passId, deadline) signed by `signer` under the protocol domain.",
        properties: {
          chainId: { type: "integer" },
          contract: address,
          door: { type: "integer", minimum: 0, maximum: 4294967295 },
          challenge: { $ref: "#/components/schemas/Challenge" },
          passId: { type: "string", pattern: "^\\d{1,78}$" },
          deadline: { type: "integer" },
          signer: address,
          signature: { type: "string", pattern: "^0x([0-9a-fA-F]{2})+$", description: "65 bytes for an EOA; any ERC-1271 signature for a contract wallet" },
        },
      },
      OpenCommand: {
        type: "object",
        required: ["door", "challenge", "expires", "relayer", "signature"],
        properties: { door: { type: "integer" }, challenge: hex(32), expires: { type: "integer" }, relayer: address, signature: hex(65) },
      },
      Decision: {
        type: "object",
        required: ["requestId", "granted", "reason", "auditId"],
        properties: {
          requestId: { type: "string" },
          granted: { type: "boolean" },
          reason: { $ref: "#/components/schemas/Reason" },
          auditId: { type: "integer" },
          openCommand: { $ref: "#/components/schemas/OpenCommand" },
          lock: {
            type: "object",
            description: "What the lock did with the open command. `unreachable` (reason `timeout`, `connection_failed` or `no_answer`) is answered only once the command has expired: the door will not open with it afterwards.",
            properties: { status: { type: "string", enum: ["opened", "refused", "unreachable"] }, reason: { type: "string" } },
          },
        },
      },
      Pass: {
        type: "object",
        properties: {
          passId: { type: "string" },
          holder: address,
          resourceId: { type: "integer" },
          venueId: { type: ["integer", "null"] },
          unit: { type: "integer" },
          start: { type: "integer" },
          end: { type: "integer" },
          currency: address,
          amount: { type: "string" },
          settled: { type: "boolean" },
          guest: { type: ["string", "null"] },
          guestExpires: { type: "integer" },
          block: { type: "integer" },
          role: { type: "string", enum: ["holder", "guest"] },
        },
      },
      AuditRecord: {
        type: "object",
        properties: {
          id: { type: "integer" },
          time: { type: "integer" },
          door: { type: ["integer", "null"] },
          venue: { type: ["integer", "null"] },
          signer: { type: ["string", "null"] },
          pass: { type: ["string", "null"] },
          decision: { type: "string", enum: ["granted", "denied"] },
          reason: { type: "string" },
          block: { type: ["integer", "null"] },
          challenge: { type: ["string", "null"] },
          requestId: { type: "string" },
        },
      },
    },
  },
  paths: {
    "/api/doors/{doorId}/challenge": {
      get: {
        summary: "A fresh challenge from the door's lock (forwarded unchanged)",
        parameters: [idParam("doorId")],
        responses: {
          200: { description: "Challenge", content: { "application/json": { schema: { $ref: "#/components/schemas/Challenge" } } } },
          400: errorResponse("bad door id"),
          404: errorResponse("no lock for this door"),
          502: errorResponse("lock unavailable"),
        },
      },
    },
    "/api/unlock": {
      post: {
        summary: "Decide an unlock request; on grant, returns and delivers a signed open command",
        requestBody: { required: true, content: { "application/json": { schema: { $ref: "#/components/schemas/UnlockRequest" } } } },
        responses: {
          400: { description: "denied: malformed_request", content: { "application/json": { schema: { $ref: "#/components/schemas/Decision" } } } },
          200: { description: "granted, or denied with a reason", content: { "application/json": { schema: { $ref: "#/components/schemas/Decision" } } } },
          429: { description: "denied: rate_limited" },
          503: { description: "denied: chain_unavailable (fail closed), or audit log unavailable" },
        },
      },
    },
    "/api/siwe/nonce": { get: { summary: "A single-use SIWE nonce", responses: { 200: { description: "nonce", content: { "application/json": { schema: { type: "object", properties: { nonce: { type: "string" } } } } } } } } },
    "/api/siwe/verify": {
      post: {
        summary: "Verify a signed EIP-4361 message (strict: EIP-55 address, nothing after the last field; domain, URI, chain, nonce, time; EOA or ERC-1271) and set the session cookie",
        requestBody: { required: true, content: { "application/json": { schema: { type: "object", required: ["message", "signature"], properties: { message: { type: "string" }, signature: { type: "string" } } } } } },
        responses: { 200: { description: "signed in" }, 400: errorResponse("bad body"), 401: errorResponse("siwe_invalid"), 429: errorResponse("rate_limited: this client IP used its share of sign-ins (SIWE_SIGNINS_PER_IP per nonce lifetime)") },
      },
    },
    "/api/siwe/logout": { post: { summary: "Sign out (clears and revokes the session)", responses: { 200: { description: "ok" } } } },
    "/api/me": { get: { summary: "The signed-in address and the venues it operates", security: sessionSecurity, responses: { 200: { description: "me" }, 401: errorResponse("not signed in") } } },
    "/api/passes": {
      get: {
        summary: "The signed-in member's passes (as holder or current guest)",
        security: sessionSecurity,
        parameters: [{ name: "holder", in: "query", required: false, schema: address }],
        responses: { 200: { description: "passes", content: { "application/json": { schema: { type: "object", properties: { holder: address, passes: { type: "array", items: { $ref: "#/components/schemas/Pass" } } } } } } }, 401: errorResponse("not signed in"), 403: errorResponse("another member") },
      },
    },
    "/api/venues": { get: { summary: "Venues with their resources and doors", responses: { 200: { description: "venues" } } } },
    "/api/resources/{id}/availability": {
      get: {
        summary: "Free units per hour slot over [from, to) (at most 62 days)",
        parameters: [idParam("id"), { name: "from", in: "query", required: true, schema: { type: "string", description: "UNIX seconds or ISO date" } }, { name: "to", in: "query", required: true, schema: { type: "string" } }],
        responses: { 200: { description: "availability" }, 400: errorResponse("bad range"), 404: errorResponse("no such resource") },
      },
    },
    "/api/venues/{id}/bookings": { get: { summary: "A venue's current bookings (its operator only)", security: sessionSecurity, parameters: [idParam("id")], responses: { 200: { description: "bookings" }, 401: errorResponse("not signed in"), 403: errorResponse("not the operator"), 404: errorResponse("no such venue") } } },
    "/api/venues/{id}/revenue": { get: { summary: "A venue's revenue per currency and a daily series (its operator only)", security: sessionSecurity, parameters: [idParam("id")], responses: { 200: { description: "revenue" }, 401: errorResponse("not signed in"), 403: errorResponse("not the operator") } } },
    "/api/audit": {
      get: {
        summary: "Audit records: a member's own, plus those of the venues the member operates",
        security: sessionSecurity,
        parameters: [{ name: "venue", in: "query", required: false, schema: { type: "string" } }, { name: "limit", in: "query", required: false, schema: { type: "string" } }],
        responses: { 200: { description: "records", content: { "application/json": { schema: { type: "object", properties: { records: { type: "array", items: { $ref: "#/components/schemas/AuditRecord" } } } } } } }, 401: errorResponse("not signed in"), 403: errorResponse("not the operator") },
      },
    },
    "/healthz": { get: { summary: "Liveness", responses: { 200: { description: "alive" } } } },
    "/readyz": { get: { summary: "Readiness: index synced and fresh; reports lag", responses: { 200: { description: "ready" }, 503: { description: "not ready" } } } },
    "/metrics": { get: { summary: "Prometheus metrics", responses: { 200: { description: "text exposition format" } } } },
    "/openapi.json": { get: { summary: "This document", responses: { 200: { description: "OpenAPI 3.1" } } } },
  },
} as const;
