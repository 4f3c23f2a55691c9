// OpenAPI 3.1 description of the relayer's HTTP API, served at /openapi.json. Every route, every
// request and response body, the one error shape. A test checks real answers against these schemas
// (test/server/network.test.ts); docs/door-protocol.md is the prose for third-party clients.
import { REASONS } from "../../protocol/reasons.ts";
import { ERROR_STATUS } from "../errors.ts";
import { receiptsPaths, receiptsSchemas } from "../receipts/openapi.ts";

const hex = (bytes: number, description?: string) => ({
  type: "string",
  pattern: `^0x[0-9a-fA-F]{${bytes * 2}}$`,
  ...(description ? { description } : {}),
});
const address = hex(20);
const uint32 = { type: "integer", minimum: 0, maximum: 4294967295 };
const unixSeconds = { type: "integer", minimum: 0, description: "UNIX seconds (UTC)" };
const decimal = { type: "string", pattern: "^\\d{1,78}$", description: "decimal integer (uint256 as a string)" };
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: object, description: string) => ({ description, content: { "application/json": { schema } } });
const errorResponse = (description: string) => json(ref("Error"), description);
const sessionSecurity = [{ session: [] }];
const idParam = (name: string, description: string) => ({
  name,
  in: "path",
  required: true,
  description,
  schema: { type: "string", pattern: "^\\d{1,10}$" },
});
/** Paged lists (by start, then pass id). */
const pageParams = [
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
const nextCursor = { type: ["string", "null"], description: "`after` of the next page; null on the last page" };
const fields = (props: Record<string, object>, required = Object.keys(props)) => ({
  type: "object",
  required,
  properties: props,
});

/** Every /api route may answer these. */
const apiErrors = {
  429: { $ref: "#/components/responses/RateLimited" },
  500: errorResponse("internal: an unexpected error (logged)"),
};
/** Routes answered from the event index: 503 while it is still syncing at start. */
const readErrors = {
  ...apiErrors,
  503: errorResponse("not_ready: the event index is still syncing (cold start); retry after Retry-After seconds"),
};

const EIP712_NOTE =
  'EIP-712 domain of every door message: `{ name: "Passepartout", version: "1", chainId, verifyingContract: <Passepartout address> }` (GET /api/network → `eip712.domain`; also the contract\'s ERC-5267 `eip712Domain()`).';

export const openApiDocument = {
  openapi: "3.1.0",
  info: {
    title: "Passepartout door relayer",
    version: "1.1.0",
    description: [
      "Checks EIP-712 signed unlock requests against the Passepartout contract (event index, contract read as fallback), signs open commands for locks, records every decision in an audit log, and serves the dApp's SIWE sign-in, a read API and the network description.",
      "",
      "Start with `GET /api/network`: chain id, contract addresses and ABI hashes (`GET /api/network/abi/{name}` for an ABI), the EIP-712 domain and types of the door messages, the limits. The door protocol for third-party clients, step by step: docs/door-protocol.md.",
      "",
      "Errors: every error status, including every 429 and 503, has the body `{ error: { code, message, details? } }` (schema `Error`). A door decision is answered `{ requestId, granted, reason, auditId, … }` (schema `Decision`) with 200 (granted, or denied with a reason) or 400 (`malformed_request`); the decisions `rate_limited` (429) and `chain_unavailable` (503) are answered with the error shape, `error.code` being the reason and `error.details` holding `requestId` and `auditId`. Reason codes: protocol/reasons.ts (schema `Reason`).",
    ].join("\n"),
  },
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
        content: { "application/json": { schema: ref("Error") } },
      },
    },
    schemas: {
      ...receiptsSchemas,
      Error: {
        type: "object",
        required: ["error"],
        additionalProperties: false,
        description:
          "The one error shape of the relayer (every 4xx/5xx that is not a door decision, and every 429 and 503).",
        properties: {
          error: {
            type: "object",
            required: ["code", "message"],
            additionalProperties: false,
            properties: {
              code: {
                type: "string",
                enum: Object.keys(ERROR_STATUS),
                description: "machine-readable; the status follows from it (server/errors.ts)",
              },
              message: { type: "string", description: "short, for humans" },
              details: {
                description:
                  "optional: `{ requestId, auditId }` for decisions answered as errors; the readiness state for not_ready",
              },
            },
          },
        },
      },
      Reason: {
        type: "string",
        enum: [...REASONS],
        description: "Decision reason, shared by contracts, relayer and dApp (protocol/reasons.ts).",
      },
      Challenge: {
        ...fields({
          door: uint32,
          nonce: hex(16, "16 random bytes"),
          time: { ...unixSeconds, description: "the lock's clock when it issued the challenge" },
          signature: hex(65, "the lock's 65-byte signature r‖s‖v of the challenge id, by the door's on-chain lockKey"),
        }),
        additionalProperties: false,
        description: `Issued by the door's lock. Its id is the EIP-712 digest hashTypedData(domain, { Challenge: [door uint32, nonce bytes16, time uint64] }, { door, nonce, time }). ${EIP712_NOTE} Fresh for CHALLENGE_MAX_AGE_S (limits.challengeMaxAgeSeconds), at most CLOCK_SKEW_S in the future; the lock accepts it once.`,
      },
      UnlockRequest: {
        ...fields({
          chainId: { type: "integer", minimum: 1, description: "must equal the relayer's chain id (else wrong_chain)" },
          contract: { ...address, description: "the Passepartout address (else wrong_contract)" },
          door: { ...uint32, description: "must equal challenge.door (else challenge_forged)" },
          challenge: ref("Challenge"),
          passId: {
            ...decimal,
            description:
              "the pass (ERC-721 token id) the signer holds or is the guest of: `passId` of the Booked event",
          },
          deadline: {
            ...unixSeconds,
            maximum: 9007199254740991,
            description:
              "now ≤ deadline ≤ now + MAX_DEADLINE_AHEAD_S (limits.deadlineMaxSeconds, 600 by default); past: deadline_expired; farther: malformed_request",
          },
          signer: address,
          signature: {
            type: "string",
            pattern: "^0x([0-9a-fA-F]{2}){1,2048}$",
            description:
              "EOA: exactly 65 bytes r‖s‖v, v ∈ {27, 28} or {0, 1}, low s (s ≤ n/2); anything else (EIP-2098 64-byte compact, high s) is not recovered and is bad_signature unless `signer` has code. Contract wallet (signer has code): any bytes up to 2048, checked with ERC-1271 isValidSignature(digest, signature).",
          },
        }),
        description: `The member's EIP-712 UnlockRequest(door uint32, challenge bytes32, passId uint256, deadline uint64), challenge = the challenge id, signed by \`signer\`. ${EIP712_NOTE}`,
      },
      OpenCommand: {
        ...fields({
          door: uint32,
          challenge: hex(32, "the challenge id"),
          expires: unixSeconds,
          relayer: address,
          signature: hex(65, "EIP-712 OpenCommand(door uint32, challenge bytes32, expires uint64) signed by `relayer`"),
        }),
        description:
          "Signed by the relayer; the lock accepts it once, before `expires`, from a relayer key the door's venue trusts on chain.",
      },
      LockDelivery: {
        type: "object",
        required: ["status"],
        properties: {
          status: { type: "string", enum: ["opened", "refused", "unreachable"] },
          reason: { type: "string" },
        },
        description:
          "What the lock did with the open command. `unreachable` (reason `timeout`, `connection_failed` or `no_answer`) is answered only once the command has expired: the door will not open with it afterwards.",
      },
      Decision: {
        ...fields(
          {
            requestId: { type: "string" },
            granted: { type: "boolean" },
            reason: ref("Reason"),
            auditId: { type: "integer", description: "id of the audit record, committed before the answer" },
            openCommand: ref("OpenCommand"),
            lock: ref("LockDelivery"),
          },
          ["requestId", "granted", "reason", "auditId"],
        ),
        additionalProperties: false,
      },
      NetworkDescription: {
        ...fields({
          chainId: { type: "integer" },
          deployBlock: { type: "integer", description: "first block to read events from" },
          contracts: {
            type: "object",
            description:
              "by name: Passepartout (bookings, passes, doors, canEnter), VenueRegistry, PassRenderer, TestCAD (test stablecoin, demo only)…",
            additionalProperties: fields({
              address,
              abiHash: hex(
                32,
                "keccak256 of the ABI's compact JSON, JSON.stringify(abi) as served by /api/network/abi/{name}",
              ),
            }),
          },
          eip712: fields({
            domain: fields({
              name: { const: "Passepartout" },
              version: { const: "1" },
              chainId: { type: "integer" },
              verifyingContract: address,
            }),
            types: {
              type: "object",
              description: "Challenge, UnlockRequest and OpenCommand, in the form viem/ethers signTypedData take",
              additionalProperties: {
                type: "array",
                items: fields({ name: { type: "string" }, type: { type: "string" } }),
              },
            },
          }),
          relayer: { ...address, description: "signs open commands; a venue must trust it on chain (RelayerTrustSet)" },
          slotSeconds: { const: 3600, description: "bookings are whole hours [start, end), UTC" },
          limits: fields({
            deadlineMaxSeconds: { type: "integer", description: "UnlockRequest.deadline ≤ now + this" },
            challengeMaxAgeSeconds: { type: "integer" },
            clockSkewSeconds: { type: "integer" },
            openCommandTtlSeconds: { type: "integer" },
            rateLimitIpPerMinute: { type: "integer" },
            rateLimitSignerPerMinute: { type: "integer" },
            bodyLimitBytes: { type: "integer" },
            siweNonceTtlSeconds: { type: "integer" },
          }),
        }),
      },
      Deployments: {
        ...fields({
          chainId: { type: "integer" },
          deployBlock: { type: "integer" },
          contracts: {
            type: "object",
            additionalProperties: fields({ address, abi: { type: "array", items: { type: "object" } } }),
          },
        }),
        description: "The deployments file deployments/<chainId>.json the relayer reads (protocol/deployments.ts).",
      },
      ContractAbi: fields({
        name: { type: "string" },
        address,
        abiHash: hex(32),
        abi: { type: "array", items: { type: "object" } },
      }),
      Resource: fields({
        id: { type: "integer" },
        venueId: { type: "integer" },
        name: { type: "string" },
        kind: { type: "integer" },
        units: { type: "integer" },
        currency: { ...address, description: "0x0 for ETH, else an allow-listed ERC-20" },
        pricePerHour: decimal,
        pricePerDay: decimal,
        pricePerMonth: decimal,
        minHours: { type: "integer" },
        maxHours: { type: "integer" },
        horizonHours: { type: "integer" },
        graceSeconds: { type: "integer", description: "a pass opens from start − grace" },
        policyId: { type: "integer" },
        transferable: { type: "boolean" },
        followsOpeningHours: { type: "boolean", description: "bookings must fall in the venue's opening hours" },
        metadataURI: { type: "string" },
      }),
      Venue: fields({
        id: { type: "integer" },
        operator: address,
        pendingOperator: { ...address, description: "proposed, not yet accepted; 0x0 when none" },
        splitId: { type: "integer", description: "the payee split new bookings settle into" },
        paused: { type: "boolean", description: "a paused venue takes no new bookings" },
        payees: { type: "array", items: address, description: "the current split's payees" },
        name: { type: "string" },
        metadataURI: { type: "string" },
        resources: { type: "array", items: ref("Resource") },
        doors: {
          type: "array",
          items: fields({
            id: { type: "integer" },
            venueId: { type: "integer" },
            allResources: { type: "boolean" },
            active: { type: "boolean" },
            lockKey: address,
            admits: { type: "array", items: { type: "integer" }, description: "resource ids the door admits" },
          }),
        },
      }),
      Split: fields({
        id: { type: "integer" },
        venueId: { type: "integer" },
        payees: { type: "array", items: address },
        sharesBps: { type: "array", items: { type: "integer" } },
      }),
      Policy: fields({
        id: { type: "integer" },
        tiers: {
          type: "array",
          items: fields({ secondsBeforeStart: { type: "integer" }, refundBps: { type: "integer" } }),
        },
      }),
      Availability: fields({
        resourceId: { type: "integer" },
        units: { type: "integer" },
        from: unixSeconds,
        to: unixSeconds,
        slotSeconds: { const: 3600 },
        free: {
          type: "array",
          items: { type: "integer", minimum: 0 },
          description: "free units per hour slot of [from, to), rounded out to whole hours",
        },
        asOfBlock: { type: "integer" },
      }),
      Pass: fields(
        {
          passId: decimal,
          holder: address,
          resourceId: { type: "integer" },
          venueId: { type: ["integer", "null"] },
          unit: { type: "integer" },
          start: unixSeconds,
          end: unixSeconds,
          currency: address,
          status: { type: "string", enum: ["active", "cancelled"] },
          amount: { ...decimal, description: "pre-tax price paid (smallest unit of the currency)" },
          gst: { ...decimal, description: "GST paid with it" },
          qst: { ...decimal, description: "QST paid with it" },
          policyId: { type: "integer", description: "active: the refund policy the booking pinned" },
          releaseTime: { ...unixSeconds, description: "active: from then on no refund is owed and it may be settled" },
          byOperator: { type: "boolean", description: "cancelled: by the venue's operator (full refund)" },
          refund: { ...decimal, description: "cancelled: pre-tax amount refunded" },
          retained: { ...decimal, description: "cancelled: pre-tax amount kept by the payees" },
          gstRefund: { ...decimal, description: "cancelled: GST refunded" },
          qstRefund: { ...decimal, description: "cancelled: QST refunded" },
          settled: { type: "boolean", description: "active: paid out to the payees" },
          guest: { anyOf: [address, { type: "null" }] },
          guestExpires: unixSeconds,
          block: { type: "integer", description: "block of the booking" },
          role: { type: "string", enum: ["holder", "guest"], description: "only in GET /api/passes" },
        },
        [
          "passId",
          "holder",
          "resourceId",
          "venueId",
          "unit",
          "start",
          "end",
          "currency",
          "status",
          "amount",
          "gst",
          "qst",
          "block",
        ],
      ),
      Revenue: fields({
        venueId: { type: "integer" },
        totals: {
          type: "array",
          items: fields({
            currency: address,
            bookings: { type: "integer" },
            booked: decimal,
            refunded: decimal,
            retained: decimal,
            net: decimal,
            settled: decimal,
            fees: decimal,
          }),
        },
        daily: {
          type: "array",
          items: fields({ day: { type: "string", format: "date" }, currency: address, amount: decimal }),
        },
        asOfBlock: { type: "integer" },
      }),
      AuditRecord: fields({
        id: { type: "integer" },
        recordedAt: { type: "integer", description: "UNIX milliseconds of the commit" },
        time: unixSeconds,
        door: { type: ["integer", "null"] },
        venue: { type: ["integer", "null"] },
        signer: {
          type: ["string", "null"],
          description: "the signer whose signature verified; null: unauthenticated request",
        },
        claimedSigner: { type: ["string", "null"], description: "the signer the request named, verified or not" },
        pass: { type: ["string", "null"] },
        decision: { type: "string", enum: ["granted", "denied"] },
        reason: { type: "string" },
        block: { type: ["integer", "null"] },
        challenge: { type: ["string", "null"] },
        requestId: { type: "string" },
      }),
      Readiness: fields({
        ready: { type: "boolean" },
        tip: { type: "integer" },
        head: { type: "integer" },
        lagBlocks: { type: ["integer", "null"] },
        lastSyncAgeMs: { type: ["integer", "null"] },
        reorgs: { type: "integer" },
      }),
    },
  },
  paths: {
    "/api/network": {
      get: {
        summary: "The network description: chain, contracts, EIP-712 domain and types, limits",
        responses: { 200: json(ref("NetworkDescription"), "network"), ...apiErrors },
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
          200: json(ref("ContractAbi"), "ABI"),
          400: errorResponse("bad_request: not a contract name"),
          404: errorResponse("not_found: no such contract"),
          ...apiErrors,
        },
      },
    },
    "/api/network/deployments": {
      get: {
        summary: "The whole deployments file (addresses and ABIs)",
        responses: { 200: json(ref("Deployments"), "deployments"), ...apiErrors },
      },
    },
    "/api/doors/{doorId}/challenge": {
      get: {
        summary: "A fresh challenge from the door's lock (forwarded unchanged)",
        parameters: [idParam("doorId", "door id (uint32)")],
        responses: {
          200: json(ref("Challenge"), "Challenge"),
          400: errorResponse("bad_request: bad door id"),
          404: errorResponse("not_found: no lock for this door"),
          502: errorResponse("lock_unavailable: the lock did not answer"),
          ...apiErrors,
        },
      },
    },
    "/api/unlock": {
      post: {
        summary: "Decide an unlock request; on grant, returns and delivers a signed open command",
        description:
          "Checks, in order: body → chainId/contract → challenge names the door → deadline → challenge age → challenge reuse → door → lock's signature → member's signature (EOA, else ERC-1271) → canEnter (holder or guest, window [start − grace, end), door admits the resource). Every decision is in the audit log before the answer.",
        requestBody: { required: true, content: { "application/json": { schema: ref("UnlockRequest") } } },
        responses: {
          200: json(ref("Decision"), "granted (with openCommand and lock), or denied with a reason"),
          400: json(
            ref("Decision"),
            "denied: malformed_request (bad JSON, schema, oversize body, deadline too far ahead)",
          ),
          429: { $ref: "#/components/responses/RateLimited" },
          500: errorResponse("internal"),
          503: errorResponse(
            "chain_unavailable (the chain was needed and could not be read: denied, fail closed; details = { requestId, auditId }), or audit_unavailable (the decision could not be recorded: no answer)",
          ),
        },
      },
    },
    "/api/siwe/nonce": {
      get: {
        summary: "A SIWE nonce (single use, expires after SIWE_NONCE_TTL_S)",
        responses: {
          200: json(fields({ nonce: { type: "string", pattern: "^[0-9a-f]{56}$" } }), "nonce"),
          ...apiErrors,
        },
      },
    },
    "/api/siwe/verify": {
      post: {
        summary:
          "Verify a signed EIP-4361 message (strict: EIP-55 address, nothing after the last field; domain, URI, chain, nonce, time; EOA or ERC-1271) and set the session cookie",
        requestBody: {
          required: true,
          content: {
            "application/json": {
              schema: fields({
                message: { type: "string", maxLength: 4096 },
                signature: { type: "string", pattern: "^0x([0-9a-fA-F]{2}){1,2048}$" },
              }),
            },
          },
        },
        responses: {
          200: {
            ...json(fields({ address, chainId: { type: "integer" }, expiresAt: unixSeconds }), "signed in"),
            headers: {
              "Set-Cookie": { schema: { type: "string" }, description: "pp_session=…; HttpOnly; SameSite=Lax" },
            },
          },
          400: errorResponse("bad_request: expected { message, signature }"),
          401: errorResponse("siwe_invalid: wrong domain, URI, chain, nonce, time or signature"),
          503: errorResponse("chain_unavailable: a contract-wallet signature could not be checked now"),
          ...apiErrors,
          429: errorResponse(
            "rate_limited: too many requests from this client IP, or it used its share of sign-ins (SIWE_SIGNINS_PER_IP per nonce lifetime)",
          ),
        },
      },
    },
    "/api/siwe/logout": {
      post: {
        summary: "Sign out (clears and revokes the session)",
        responses: { 200: json(fields({ ok: { const: true } }), "ok"), ...apiErrors },
      },
    },
    "/api/me": {
      get: {
        summary: "The signed-in address and the venues it operates",
        security: sessionSecurity,
        responses: {
          200: json(
            fields({
              address,
              chainId: { type: "integer" },
              expiresAt: unixSeconds,
              operatorOf: { type: "array", items: { type: "integer" } },
            }),
            "me",
          ),
          401: errorResponse("unauthorized: not signed in"),
          ...apiErrors,
        },
      },
    },
    "/api/passes": {
      get: {
        summary: "The signed-in member's passes (as holder or current guest)",
        security: sessionSecurity,
        parameters: [
          {
            name: "holder",
            in: "query",
            required: false,
            schema: address,
            description: "must be the signed-in address (default)",
          },
          ...pageParams,
        ],
        responses: {
          200: json(
            fields({
              holder: address,
              passes: { type: "array", items: ref("Pass") },
              next: nextCursor,
              asOfBlock: { type: "integer" },
            }),
            "passes (standing, lent to the member, and cancelled ones refunded to it), by start",
          ),
          400: errorResponse("bad_request"),
          401: errorResponse("unauthorized: not signed in"),
          403: errorResponse("forbidden: another member's passes"),
          ...readErrors,
        },
      },
    },
    "/api/venues": {
      get: {
        summary: "Venues with their resources and doors",
        responses: {
          200: json(
            fields({ venues: { type: "array", items: ref("Venue") }, asOfBlock: { type: "integer" } }),
            "venues",
          ),
          ...readErrors,
        },
      },
    },
    "/api/venues/{id}": {
      get: {
        summary: "One venue with its resources and doors",
        parameters: [idParam("id", "venue id")],
        responses: {
          200: json(fields({ venue: ref("Venue"), asOfBlock: { type: "integer" } }), "venue"),
          400: errorResponse("bad_request"),
          404: errorResponse("not_found: no such venue"),
          ...readErrors,
        },
      },
    },
    "/api/venues/{id}/splits": {
      get: {
        summary: "Every payee split the venue ever had (the current one is the venue's splitId)",
        parameters: [idParam("id", "venue id")],
        responses: {
          200: json(
            fields({
              venueId: { type: "integer" },
              splits: { type: "array", items: ref("Split") },
              asOfBlock: { type: "integer" },
            }),
            "splits",
          ),
          400: errorResponse("bad_request"),
          404: errorResponse("not_found: no such venue"),
          ...readErrors,
        },
      },
    },
    "/api/venues/{id}/relayers": {
      get: {
        summary: "The relayer keys the venue trusts",
        parameters: [idParam("id", "venue id")],
        responses: {
          200: json(
            fields({
              venueId: { type: "integer" },
              relayers: { type: "array", items: address },
              asOfBlock: { type: "integer" },
            }),
            "relayers",
          ),
          400: errorResponse("bad_request"),
          404: errorResponse("not_found: no such venue"),
          ...readErrors,
        },
      },
    },
    "/api/resources/{id}": {
      get: {
        summary: "One resource",
        parameters: [idParam("id", "resource id")],
        responses: {
          200: json(fields({ resource: ref("Resource"), asOfBlock: { type: "integer" } }), "resource"),
          400: errorResponse("bad_request"),
          404: errorResponse("not_found: no such resource"),
          ...readErrors,
        },
      },
    },
    "/api/policies": {
      get: {
        summary: "Every refund policy (immutable once created)",
        responses: {
          200: json(
            fields({ policies: { type: "array", items: ref("Policy") }, asOfBlock: { type: "integer" } }),
            "policies",
          ),
          ...readErrors,
        },
      },
    },
    "/api/currencies": {
      get: {
        summary: "The ERC-20 currencies the network allows now (ETH, 0x0, always)",
        responses: {
          200: json(
            fields({ currencies: { type: "array", items: address }, asOfBlock: { type: "integer" } }),
            "currencies",
          ),
          ...readErrors,
        },
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
          {
            name: "to",
            in: "query",
            required: true,
            schema: { type: "string" },
            description: "same forms, after from",
          },
        ],
        responses: {
          200: json(ref("Availability"), "availability"),
          400: errorResponse("bad_request: bad range"),
          404: errorResponse("not_found: no such resource"),
          ...readErrors,
        },
      },
    },
    "/api/venues/{id}/bookings": {
      get: {
        summary: "A venue's bookings, standing and cancelled, by start (its operator only)",
        security: sessionSecurity,
        parameters: [idParam("id", "venue id"), ...pageParams],
        responses: {
          200: json(
            fields({
              venueId: { type: "integer" },
              bookings: { type: "array", items: ref("Pass") },
              next: nextCursor,
              asOfBlock: { type: "integer" },
            }),
            "bookings",
          ),
          400: errorResponse("bad_request"),
          401: errorResponse("unauthorized"),
          403: errorResponse("forbidden: not the operator"),
          404: errorResponse("not_found: no such venue"),
          ...readErrors,
        },
      },
    },
    "/api/venues/{id}/revenue": {
      get: {
        summary: "A venue's revenue per currency and a daily series (its operator only)",
        security: sessionSecurity,
        parameters: [idParam("id", "venue id")],
        responses: {
          200: json(ref("Revenue"), "revenue"),
          400: errorResponse("bad_request"),
          401: errorResponse("unauthorized"),
          403: errorResponse("forbidden: not the operator"),
          404: errorResponse("not_found: no such venue"),
          ...readErrors,
        },
      },
    },
    "/api/audit": {
      get: {
        summary: "Audit records: a member's own, plus those of the venues the member operates",
        security: sessionSecurity,
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
          200: json(fields({ records: { type: "array", items: ref("AuditRecord") } }), "records, newest first"),
          400: errorResponse("bad_request"),
          401: errorResponse("unauthorized"),
          403: errorResponse("forbidden: not the operator"),
          ...readErrors,
        },
      },
    },
    "/api/sponsor": {
      get: {
        summary: "Gasless calls: the sponsor's terms (docs/gasless.md)",
        responses: {
          200: json(
            fields({
              sponsor: { type: "string" },
              forwarder: { type: "string" },
              currency: { type: ["string", "null"] },
              fees: fields({ book: { type: "string" }, cancel: { type: "string" }, lend: { type: "string" } }),
              maxCallGas: { type: "string" },
              available: { type: "boolean" },
              reason: { enum: ["out_of_funds", "budget_exhausted", null] },
            }),
            "terms",
          ),
          503: errorResponse("sponsor_disabled: this relayer sponsors nothing"),
          ...apiErrors,
        },
      },
    },
    "/api/sponsor/relay": {
      post: {
        summary: "Relay a member's signed ForwardRequest through PassepartoutForwarder, paying its gas",
        description:
          "Simulates the exact transaction first: a call that would revert is refused (422 sponsor_refused, details = { errorName, args } decoded with the contract's ABI). Then the per-member rate limit, the gas budget and the sponsor's ETH.",
        requestBody: {
          required: true,
          content: {
            "application/json": {
              schema: fields({
                request: fields({
                  from: { type: "string" },
                  to: { type: "string" },
                  value: { type: "string" },
                  gas: { type: "string" },
                  deadline: { type: "integer" },
                  data: { type: "string" },
                  signature: { type: "string" },
                }),
              }),
            },
          },
        },
        responses: {
          200: json(
            fields({ hash: { type: "string" }, call: { type: "string" }, fee: { type: "string" } }),
            "submitted",
          ),
          400: errorResponse("bad_request"),
          409: errorResponse("sponsor_request_pending: the member's previous sponsored request is not mined yet"),
          422: errorResponse("sponsor_refused: the call would revert (details.errorName) or is not sponsored"),
          503: errorResponse(
            "sponsor_out_of_funds, sponsor_budget_exhausted, sponsor_disabled or sponsor_unavailable (busy or a send failed: retry, details.retryAfterS)",
          ),
          ...apiErrors,
          429: errorResponse(
            "rate_limited, sponsor_share_exhausted or sponsor_free_calls_exhausted (per member; details.retryAfterS)",
          ),
        },
      },
    },
    "/healthz": { get: { summary: "Liveness", responses: { 200: json(fields({ ok: { const: true } }), "alive") } } },
    "/readyz": {
      get: {
        summary: "Readiness: index synced and fresh; reports lag",
        responses: {
          200: json(ref("Readiness"), "ready"),
          503: errorResponse("not_ready: details = the readiness state (ready false)"),
        },
      },
    },
    "/metrics": {
      get: {
        summary: "Prometheus metrics",
        responses: {
          200: { description: "text exposition format", content: { "text/plain": { schema: { type: "string" } } } },
        },
      },
    },
    ...receiptsPaths,
    "/openapi.json": { get: { summary: "This document", responses: { 200: json({ type: "object" }, "OpenAPI 3.1") } } },
  },
} as const;
