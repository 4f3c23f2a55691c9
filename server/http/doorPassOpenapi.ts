// The OpenAPI description of POST /api/door-passes (server/http/routes/doorPasses.ts).
import { doorPassAnswer, doorPassRequest } from "../../protocol/api/doorPass.ts";
import { apiErrors, type Routes } from "./openapiRoute.ts";

export const doorPassRoutes: Routes = {
  "/api/door-passes": {
    post: {
      summary: "An offline DoorPass for a pass the signed-in member holds or is the guest of, bound to a device key",
      description:
        "Checks, in order: session → body → pass indexed → holder or current guest → device key on P-256 → the member's EIP-712 DeviceKey(member, deviceKey) signature → the pass (or loan) has not ended → a door of the venue admits it. validFrom = max(now, start − grace); validUntil ≤ validFrom + the venue's maximum validity (its operator's setDoorPassMaxHours on chain, else the relayer's DOOR_PASS_MAX_HOURS; 1–24 h), the pass's end and, for a guest, the loan's expiry. A resource that follows the venue's opening hours gets one open interval (the contract's openHours): validFrom ≥ its opening − grace, validUntil ≤ its closing; closed now → validFrom is the next opening − grace (the dApp renews for the next interval). The serial is the venue's next; a cancel, transfer or end of loan revokes it in the venue's status list (docs/door-protocol.md §7).",
      session: true,
      body: doorPassRequest,
      responses: {
        200: doorPassAnswer,
        400: "bad_request (body), or bad_device_key: not a compressed P-256 point",
        401: "unauthorized: not signed in",
        403: "not_holder_or_guest, or device_binding_invalid: the DeviceKey signature is not the member's",
        404: "pass_not_found: no such pass (never booked, or cancelled)",
        409: "pass_without_door: no door of the venue admits the pass, or venue_closed: the pass's resource follows the opening hours and the venue does not open within 24 hours (nor before the pass ends)",
        410: "pass_expired: the pass, or the loan, has ended",
        503: "chain_unavailable (a contract wallet's ERC-1271 check, or the opening hours, could not be read), or door_passes_unavailable",
        ...apiErrors,
      },
    },
  },
};
