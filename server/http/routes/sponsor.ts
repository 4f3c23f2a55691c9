// Gasless booking: the sponsor's terms and the relay of a member's signed request (server/sponsor).
//   GET  /api/sponsor         the sponsor's address, forwarder, fee currency and fees, and whether
//                             it can pay for a request now (`available`, else `reason`)
//   POST /api/sponsor/relay   { request: ForwardRequestData } → { hash, call, fee } once submitted;
//                             422 sponsor_refused { errorName, args } when the call would revert,
//                             429 per member, 503 sponsor_out_of_funds / sponsor_budget_exhausted /
//                             sponsor_disabled
import express, { type Router } from "express";
import type { RelayerContext } from "../../context.ts";
import { RelayerError } from "../../errors.ts";
import type { Sponsor } from "../../sponsor/sponsor.ts";
import { relayBody, relayed, sponsorTerms } from "../../../protocol/api/sponsor.ts";

export function sponsorRouter(ctx: RelayerContext): Router {
  const router = express.Router();
  const { sponsor } = ctx;
  const enabled = (): Sponsor => {
    if (!sponsor) throw new RelayerError("sponsor_disabled", "this relayer sponsors no gasless calls");
    return sponsor;
  };
  router.get("/api/sponsor", async (_req, res) => {
    res.set("cache-control", "no-store").json(sponsorTerms.parse(await enabled().terms()));
  });
  router.post("/api/sponsor/relay", express.json({ limit: ctx.config.bodyLimitBytes }), async (req, res) => {
    const s = enabled();
    const body = relayBody.safeParse(req.body);
    if (!body.success) {
      const issue = body.error.issues[0];
      throw new RelayerError("bad_request", `${issue.path.join(".")}: ${issue.message}`);
    }
    res.json(relayed.parse(await s.relay(body.data.request, req.log)));
  });
  return router;
}
