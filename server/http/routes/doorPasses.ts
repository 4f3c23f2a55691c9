// POST /api/door-passes: an offline DoorPass for the signed-in holder or current guest of a pass,
// bound to their device key (server/door/issueDoorPass.ts has the checks and their codes).
import express, { type Router } from "express";
import type { RelayerContext } from "../../context.ts";
import { RelayerError } from "../../errors.ts";
import { doorPassAnswer, doorPassRequest } from "../../../protocol/api/doorPass.ts";
import { statusListTopic } from "../../../protocol/statusList.ts";
import { requireSession } from "./auth.ts";
import { toWire } from "../wire.ts";

export function doorPassRouter(ctx: RelayerContext): Router {
  const router = express.Router();
  router.post("/api/door-passes", express.json({ limit: ctx.config.bodyLimitBytes }), async (req, res) => {
    const session = requireSession(ctx, req);
    const body = doorPassRequest.safeParse(req.body);
    if (!body.success) {
      const issue = body.error.issues[0];
      const field = issue.path.join(".");
      throw new RelayerError(field === "deviceKey" ? "bad_device_key" : "bad_request", `${field}: ${issue.message}`);
    }
    if (!ctx.doorPasses) throw new RelayerError("door_passes_unavailable", "this relayer issues no DoorPass");
    const issued = await ctx.doorPasses.issuer.issue(session.address, body.data);
    ctx.doorPasses.statusLists.schedule(issued.pass.venue); // the venue has a list before any outage
    req.log.info({ pass: issued.pass.passId.toString(), serial: issued.pass.serial }, "door pass issued");
    res
      .set("cache-control", "no-store")
      .json(toWire(doorPassAnswer, { ...issued, statusListTopic: statusListTopic(issued.pass.venue) }));
  });
  return router;
}
