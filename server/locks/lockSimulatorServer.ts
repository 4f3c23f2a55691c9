// HTTP face of a LockSimulator (the API a lock bridge offers the relayer's HttpLockAdapter).
import express from "express";
import type { LockSimulator } from "./lockSimulator.ts";

function doorParam(raw: string): number | null {
  return /^\d{1,10}$/.test(raw) && Number(raw) <= 0xffffffff ? Number(raw) : null;
}

export function createLockApp(sim: LockSimulator): express.Express {
  const app = express();
  app.disable("x-powered-by");
  app.use(express.json({ limit: "256kb" }));
  app.get("/healthz", (_req, res) => {
    res.json({ ok: true, doors: sim.doors() });
  });
  app.get("/doors", (_req, res) => {
    res.json(sim.doors().map((door) => ({ door, lockKey: sim.lockAddress(door) })));
  });
  app.get("/doors/:door/challenge", (req, res) => {
    const door = doorParam(req.params.door);
    const challenge = door === null ? null : sim.issueChallenge(door);
    if (!challenge) {
      res.status(404).json({ error: { code: "not_found", message: "door not simulated here" } });
      return;
    }
    res.set("cache-control", "no-store").json(challenge);
  });
  app.post("/doors/:door/open", async (req, res) => {
    const door = doorParam(req.params.door);
    if (door === null) {
      res.status(404).json({ result: "refused", reason: "unknown_door" });
      return;
    }
    const result = await sim.submit(door, req.body);
    res.status(result.result === "opened" ? 200 : 403).json(result);
  });
  // Several commands in one request (the relayer's HTTP adapter batches under load): answers in order.
  app.post("/open-batch", async (req, res) => {
    const list: unknown = req.body;
    if (!Array.isArray(list) || list.length === 0 || list.length > 256) {
      res.status(400).json({ result: "refused", reason: "malformed_command" });
      return;
    }
    const results = await Promise.all(
      list.map((cmd) => {
        const door = cmd && typeof cmd === "object" ? (cmd as { door?: unknown }).door : undefined;
        return typeof door === "number"
          ? sim.submit(door, cmd)
          : Promise.resolve({ result: "refused", reason: "malformed_command" });
      }),
    );
    res.json(results);
  });
  app.get("/log", (req, res) => {
    const door = typeof req.query.door === "string" ? doorParam(req.query.door) : null;
    res.json(sim.log(door ?? undefined));
  });
  app.use(
    (err: Error & { status?: number }, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
      res
        .status(err.status && err.status < 500 ? err.status : 400)
        .json({ result: "refused", reason: "malformed_command" });
    },
  );
  return app;
}
