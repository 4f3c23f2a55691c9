// The operator's door routes in the relayer's OpenAPI document (server/http/openapi.ts).
import { doorsStatusAnswer, pulseAnswer } from "../../protocol/api/doorOps.ts";
import { apiErrors, idParam, type Routes } from "./openapiRoute.ts";

export const doorOpsRoutes: Routes = {
  "/api/venues/{id}/doors/status": {
    get: {
      summary: "The live status of the venue's active doors, as this relayer hears them on the broker (operator only)",
      description:
        "From the agents' retained door and agent statuses (their Last Will marks an agent offline). A door is `online` only when its status and its agent's both say so; `unknown` when nothing was heard. Poll it (a few seconds apart) while the page is shown.",
      session: true,
      parameters: [idParam("id", "venue id")],
      responses: {
        200: doorsStatusAnswer,
        400: "bad_request: bad venue id",
        401: "unauthorized: not signed in",
        403: "forbidden: not the venue's operator",
        404: "not_found: no such venue",
        ...apiErrors,
      },
    },
  },
  "/api/doors/{doorId}/pulse": {
    post: {
      summary: "Open a door once, remotely (the venue's operator only; audited as an operator pulse)",
      description:
        "Fetches a fresh challenge from the door's agent, checks it against the door's on-chain lockKey, records `operator_pulse` in the audit log (no record, no command), sends an open command signed by this relayer exactly as for a member's unlock, then records the outcome (`operator_pulse_opened`, `_refused`, `_unreachable`) under the same request id. Needs the session cookie and an `Origin` header naming a dApp origin (DAPP_ORIGIN). At most 10 pulses per operator and minute.",
      session: true,
      parameters: [idParam("doorId", "door id (uint32)")],
      responses: {
        200: pulseAnswer,
        400: "bad_request: bad door id",
        401: "unauthorized: not signed in",
        403: "forbidden: not the venue's operator (recorded as operator_pulse_forbidden; nothing sent), or not from a dApp origin",
        404: "not_found: no such door, or an inactive one",
        503: "audit_unavailable: the pulse could not be recorded, nothing was sent; chain_unavailable: the door could not be read",
        ...apiErrors,
      },
    },
  },
};
