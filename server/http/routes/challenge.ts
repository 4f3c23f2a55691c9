// GET /api/doors/:doorId/challenge — forwards a fresh challenge from the door's lock (the relayer
// adds nothing: the challenge is authenticated by the lock's own key).
import express, { type Router } from "express";
import type { RelayerContext } from "../../context.ts";
import { doorIdParam } from "../schemas.ts";
import { RelayerError } from "../../errors.ts";

export function challengeRouter(ctx: RelayerContext): Router {
  const router = express.Router();
  router.get("/api/doors/:doorId/challenge", async (req, res) => {
    const door = doorIdParam.safeParse(req.params.doorId);
    if (!door.success) throw new RelayerError("bad_request", "door id must be a uint32");
    let challenge;
    try {
      challenge = await ctx.lock.getChallenge(door.data);
    } catch {
      throw new RelayerError("lock_unavailable", "the door's lock did not answer");
    }
    if (!challenge) throw new RelayerError("not_found", "no lock for this door");
    res.set("cache-control", "no-store").json(challenge);
  });
  return router;
}
