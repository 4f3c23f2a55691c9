// Typed errors: a short message and a machine-readable code. HTTP statuses are mapped here, once.
import { z } from "zod";
import { errorAnswerOf } from "../protocol/api/errors.ts";

export const ERROR_STATUS = {
  bad_request: 400,
  payload_too_large: 413,
  unsupported_media_type: 415,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  rate_limited: 429,
  siwe_invalid: 401,
  chain_unavailable: 503,
  audit_unavailable: 503,
  not_ready: 503,
  lock_unavailable: 502,
  internal: 500,
  feed_token_invalid: 401,
  feed_token_expired: 401,
  feed_token_revoked: 403,
  // Gasless calls (server/sponsor): a call that would revert, and a sponsor that cannot pay.
  sponsor_refused: 422,
  sponsor_out_of_funds: 503,
  sponsor_budget_exhausted: 503,
  sponsor_disabled: 503,
  // The sponsor's key is busy with another relayer, or a send failed: retry (details.retryAfterS).
  sponsor_unavailable: 503,
  // The member's previous sponsored request is not mined yet (its forwarder nonce would collide).
  sponsor_request_pending: 409,
  // The member's fair share of the day's gas budget, or the free calls of a pass or member, are spent.
  sponsor_share_exhausted: 429,
  sponsor_free_calls_exhausted: 429,
  // Offline DoorPasses (POST /api/door-passes).
  pass_not_found: 404,
  not_holder_or_guest: 403,
  pass_expired: 410,
  bad_device_key: 400,
  device_binding_invalid: 403,
  pass_without_door: 409,
  // The pass's resource follows the opening hours and the venue does not open within 24 hours.
  venue_closed: 409,
  door_passes_unavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

/** The relayer's error answer (protocol/api/errors.ts), with the codes it uses. */
export const errorAnswer = errorAnswerOf(z.enum(Object.keys(ERROR_STATUS) as [ErrorCode, ...ErrorCode[]]));

export class RelayerError extends Error {
  readonly code: ErrorCode;
  readonly details?: unknown;
  constructor(code: ErrorCode, message: string, details?: unknown) {
    super(message);
    this.name = "RelayerError";
    this.code = code;
    this.details = details;
  }
  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

/** Body of every error answer: `{ error: { code, message } }`. */
export function errorBody(err: RelayerError): { error: { code: ErrorCode; message: string; details?: unknown } } {
  return {
    error: { code: err.code, message: err.message, ...(err.details === undefined ? {} : { details: err.details }) },
  };
}

/** Messages of the door decisions answered with an error status (429, 503). */
const DECISION_ERRORS: Partial<Record<string, string>> = {
  rate_limited: "too many unlock requests for this signer; retry after the Retry-After delay",
  chain_unavailable: "the chain cannot be read now: denied (fail closed)",
};

/**
 * A door decision that is answered as an error (429 rate_limited, 503 chain_unavailable), so that
 * every 429 and 503 of the relayer has the one error shape `{ error: { code, message, details } }`;
 * `details` carries the decision's `requestId` and `auditId` (it was recorded). Null for the other
 * decisions (answered as `{ requestId, granted, reason, auditId, … }`).
 */
export function decisionError(reason: string, details: { requestId: string; auditId: number }): RelayerError | null {
  const message = DECISION_ERRORS[reason];
  return message === undefined ? null : new RelayerError(reason as ErrorCode, message, details);
}

/** HTTP status of a door decision's answer. A denial is a decision, not an error: 200 with
 * `granted: false` and its reason (a 4xx would also surface as an error in the browser console).
 * Only requests that could not be decided get an error status. */
export function reasonStatus(reason: string): number {
  switch (reason) {
    case "granted":
      return 200;
    case "malformed_request":
      return 400;
    case "rate_limited":
      return 429;
    case "chain_unavailable":
      return 503;
    default:
      return 200;
  }
}
