// The relayer's OpenAPI 3.1 document, served at /openapi.json, GENERATED: every body shape comes
// from the zod schemas of protocol/api/ (the ones the routes serialise through and the dApp parses
// with), turned into JSON Schema by zod (`z.toJSONSchema`, the wire side: decimal strings, hex).
// This file lists the routes (method, path, parameters, which schema each status answers; the read
// API's in readOpenapi.ts, the receipts' in receiptsOpenapi.ts, the shape of one in openapiRoute.ts)
// and builds the document.
// A test checks real answers against the document (test/server/network.test.ts).
import { z } from "zod";
import { decisionAnswer, challenge, unlockRequest } from "../../protocol/api/door.ts";
import { contractAbi, deployments, networkDescription } from "../../protocol/api/network.ts";
import { me, nonceAnswer, okAnswer, signedIn, siweVerifyBody } from "../../protocol/api/session.ts";
import { relayBody, relayed, sponsorTerms } from "../../protocol/api/sponsor.ts";
import { readiness } from "../../protocol/api/ops.ts";
import { errorAnswer } from "../errors.ts";
import { receiptsRoutes } from "./receiptsOpenapi.ts";
import { apiErrors, idParam, type Answer, type Routes } from "./openapiRoute.ts";
import { readRoutes } from "./readOpenapi.ts";
import { doorOpsRoutes } from "./doorOpsOpenapi.ts";
import { doorPassRoutes } from "./doorPassOpenapi.ts";

const routes: Routes = {
  "/api/network": {
    get: {
      summary: "The network description: chain, contracts, EIP-712 domain and types, limits",
      responses: { 200: networkDescription, ...apiErrors },
    },
  },
  "/api/network/abi/{name}": {
    get: {
      summary: "One contract's ABI, address and ABI hash",
      parameters: [
        {
          name: "name",
          in: "path",
          required: true,
          schema: { type: "string", pattern: "^[A-Za-z][A-Za-z0-9_]{0,63}$" },
          description: "a key of `contracts` in GET /api/network",
        },
      ],
      responses: {
        200: contractAbi,
        400: "bad_request: not a contract name",
        404: "not_found: no such contract",
        ...apiErrors,
      },
    },
  },
  "/api/network/deployments": {
    get: { summary: "The whole deployments file (addresses and ABIs)", responses: { 200: deployments, ...apiErrors } },
  },
  "/api/doors/{doorId}/challenge": {
    get: {
      summary: "A fresh challenge from the door's lock (forwarded unchanged)",
      parameters: [idParam("doorId", "door id (uint32)")],
      responses: {
        200: challenge,
        400: "bad_request: bad door id",
        404: "not_found: no lock for this door",
        502: "lock_unavailable: the lock did not answer",
        ...apiErrors,
      },
    },
  },
  ...doorOpsRoutes,
  "/api/unlock": {
    post: {
      summary: "Decide an unlock request; on grant, returns and delivers a signed open command",
      description:
        "Checks, in order: body → chainId/contract → challenge names the door → deadline → challenge age → challenge reuse → door → lock's signature → member's signature (EOA, else ERC-1271) → canEnter (holder or guest, window [start − grace, end), door admits the resource). Every decision is in the audit log before the answer.",
      body: unlockRequest,
      responses: {
        200: { schema: decisionAnswer, description: "granted (with openCommand and lock), or denied with a reason" },
        400: {
          schema: decisionAnswer,
          description: "denied: malformed_request (bad JSON, schema, oversize body, deadline too far ahead)",
        },
        429: "rate_limited",
        500: "internal",
        503: "chain_unavailable (the chain was needed and could not be read: denied, fail closed; details = { requestId, auditId }), or audit_unavailable (the decision could not be recorded: no answer)",
      },
    },
  },
  "/api/siwe/nonce": {
    get: {
      summary: "A SIWE nonce (single use, expires after SIWE_NONCE_TTL_S)",
      responses: { 200: nonceAnswer, ...apiErrors },
    },
  },
  "/api/siwe/verify": {
    post: {
      summary:
        "Verify a signed EIP-4361 message (strict: EIP-55 address, nothing after the last field; domain, URI, chain, nonce, time; EOA or ERC-1271) and set the session cookie (pp_session=…; HttpOnly; SameSite=Lax)",
      body: siweVerifyBody,
      responses: {
        200: { schema: signedIn, description: "signed in (Set-Cookie: the session)" },
        400: "bad_request: expected { message, signature }",
        401: "siwe_invalid: wrong domain, URI, chain, nonce, time or signature",
        503: "chain_unavailable: a contract-wallet signature could not be checked now",
        ...apiErrors,
        429: "rate_limited: too many requests from this client IP, or it used its share of sign-ins (SIWE_SIGNINS_PER_IP per nonce lifetime)",
      },
    },
  },
  "/api/siwe/logout": {
    post: { summary: "Sign out (clears and revokes the session)", responses: { 200: okAnswer, ...apiErrors } },
  },
  "/api/me": {
    get: {
      summary: "The signed-in address and the venues it operates",
      session: true,
      responses: { 200: me, 401: "unauthorized: not signed in", ...apiErrors },
    },
  },
  ...readRoutes,
  ...doorPassRoutes,
  "/api/sponsor": {
    get: {
      summary: "Gasless calls: the sponsor's terms (docs/gasless.md)",
      responses: { 200: sponsorTerms, 503: "sponsor_disabled: this relayer sponsors nothing", ...apiErrors },
    },
  },
  "/api/sponsor/relay": {
    post: {
      summary: "Relay a member's signed ForwardRequest through PassepartoutForwarder, paying its gas",
      description:
        "Simulates the exact transaction first: a call that would revert is refused (422 sponsor_refused, details = { errorName, args } decoded with the contract's ABI). Then the per-member rate limit, the gas budget and the sponsor's ETH.",
      body: relayBody,
      responses: {
        200: relayed,
        400: "bad_request",
        409: "sponsor_request_pending: the member's previous sponsored request is not mined yet",
        422: "sponsor_refused: the call would revert (details.errorName) or is not sponsored",
        503: "sponsor_out_of_funds, sponsor_budget_exhausted, sponsor_disabled or sponsor_unavailable (busy or a send failed: retry, details.retryAfterS)",
        ...apiErrors,
        429: "rate_limited, sponsor_share_exhausted or sponsor_free_calls_exhausted (per member; details.retryAfterS)",
      },
    },
  },
  "/healthz": { get: { summary: "Liveness", responses: { 200: okAnswer } } },
  "/readyz": {
    get: {
      summary: "Readiness: index synced and fresh; reports lag",
      responses: { 200: readiness, 503: "not_ready: details = the readiness state (ready false)" },
    },
  },
  "/metrics": {
    get: {
      summary: "Prometheus metrics",
      responses: { 200: { media: "text/plain", description: "text exposition format" } },
    },
  },
  ...receiptsRoutes,
  "/openapi.json": {
    get: { summary: "This document", responses: { 200: { media: "application/json", description: "OpenAPI 3.1" } } },
  },
};

const INFO = {
  title: "Passepartout door relayer",
  version: "1.2.0",
  description: [
    "Checks EIP-712 signed unlock requests against the Passepartout contract (event index, contract read as fallback), signs open commands for locks, records every decision in an audit log, and serves the dApp's SIWE sign-in, a read API and the network description.",
    "",
    "Start with `GET /api/network`: chain id, contract addresses and ABI hashes (`GET /api/network/abi/{name}` for an ABI), the EIP-712 domain and types of the door messages, the limits. The door protocol for third-party clients, step by step: docs/door-protocol.md.",
    "",
    "Errors: every error status, including every 429 and 503, has the body `{ error: { code, message, details? } }` (schema `Error`). A door decision is answered `{ requestId, granted, reason, auditId, … }` (schema `Decision`) with 200 (granted, or denied with a reason) or 400 (`malformed_request`); the decisions `rate_limited` (429) and `chain_unavailable` (503) are answered with the error shape, `error.code` being the reason and `error.details` holding `requestId` and `auditId`. Reason codes: protocol/reasons.ts (schema `Reason`).",
    "",
    "Every shape below is generated from the zod schemas of protocol/api/ (the wire form: uint256 values as decimal strings, addresses as lower-case hex).",
  ].join("\n"),
};

const errorSchema = errorAnswer.meta({
  id: "Error",
  description: "The one error shape of the relayer (every 4xx/5xx that is not a door decision, and every 429 and 503).",
});

const idOf = (schema: z.ZodType): string => {
  const id = z.globalRegistry.get(schema)?.id;
  if (!id) throw new Error("an OpenAPI body or response schema needs an id (.meta({ id }))");
  return id;
};
const ref = (schema: z.ZodType) => ({ $ref: `#/components/schemas/${idOf(schema)}` });
const json = (schema: object, description: string) => ({ description, content: { "application/json": { schema } } });

function response(answer: Answer) {
  if (typeof answer === "string") {
    if (answer === "rate_limited") return { $ref: "#/components/responses/RateLimited" };
    return json(ref(errorSchema), answer);
  }
  if (answer instanceof z.ZodType) {
    const meta = z.globalRegistry.get(answer);
    return json(ref(answer), meta?.description ?? idOf(answer));
  }
  if ("schema" in answer) return json(ref(answer.schema), answer.description);
  return {
    description: answer.description,
    content: {
      [answer.media]: { schema: answer.media === "application/json" ? { type: "object" } : { type: "string" } },
    },
  };
}

/** The components of every schema with an id (protocol/api/), as JSON Schema of the wire form. */
function components(): Record<string, object> {
  const { schemas } = z.toJSONSchema(z.globalRegistry, {
    io: "input",
    unrepresentable: "any",
    uri: (id) => `#/components/schemas/${id}`,
  }) as { schemas: Record<string, Record<string, unknown>> };
  return Object.fromEntries(
    Object.entries(schemas).map(([id, s]) => {
      const { $schema: _s, $id: _i, ...rest } = s;
      return [id, rest];
    }),
  );
}

function paths() {
  return Object.fromEntries(
    Object.entries(routes).map(([path, ops]) => [
      path,
      Object.fromEntries(
        Object.entries(ops).map(([method, r]) => [
          method,
          {
            summary: r.summary,
            ...(r.description ? { description: r.description } : {}),
            ...(r.session ? { security: [{ session: [] }] } : {}),
            ...(r.parameters ? { parameters: r.parameters } : {}),
            ...(r.body
              ? { requestBody: { required: true, content: { "application/json": { schema: ref(r.body) } } } }
              : {}),
            responses: Object.fromEntries(Object.entries(r.responses).map(([status, a]) => [status, response(a)])),
          },
        ]),
      ),
    ]),
  );
}

function build() {
  return {
    openapi: "3.1.0",
    info: INFO,
    components: {
      securitySchemes: {
        session: {
          type: "apiKey",
          in: "cookie",
          name: "pp_session",
          description: "Set by POST /api/siwe/verify (HttpOnly, SameSite=Lax).",
        },
      },
      headers: {
        RateLimit: {
          description: 'IETF draft-8 rate limit state, e.g. `"1200-in-1min"; r=0; t=42`',
          schema: { type: "string" },
        },
        RateLimitPolicy: {
          description: 'IETF draft-8 policy, e.g. `"1200-in-1min"; q=1200; w=60; pk=:…:`',
          schema: { type: "string" },
        },
        RetryAfter: { description: "seconds until the window resets", schema: { type: "string", pattern: "^\\d+$" } },
      },
      responses: {
        RateLimited: {
          description:
            "rate_limited: per client IP on every /api route (`RATE_LIMIT_IP_PER_MIN`), or per signer on /api/unlock (`RATE_LIMIT_ADDRESS_PER_MIN`; then an audited decision, `details` = `{ requestId, auditId }`).",
          headers: {
            RateLimit: { $ref: "#/components/headers/RateLimit" },
            "RateLimit-Policy": { $ref: "#/components/headers/RateLimitPolicy" },
            "Retry-After": { $ref: "#/components/headers/RetryAfter" },
          },
          content: { "application/json": { schema: ref(errorSchema) } },
        },
      },
      schemas: components(),
    },
    paths: paths(),
  };
}

let document: ReturnType<typeof build> | undefined;
/** The document, generated once. */
export function openApiDocument(): ReturnType<typeof build> {
  document ??= build();
  return document;
}
