// A request id on every log line of a request: each express request gets `req.id` (a random UUID;
// the unlock decision records it in the audit log and answers it) and `req.log`, a child of the
// relayer's logger carrying `requestId`. The child is made on first use, so a request that logs
// nothing costs no logger. Route code logs through `req.log`, never through the bare logger.
import { randomUUID } from "node:crypto";
import type express from "express";
import type { Logger } from "../logger.ts";

declare module "express-serve-static-core" {
  interface Request {
    /** This request's id, on every log line it writes (`requestId`). */
    id: string;
    /** The relayer's logger bound to this request's id. */
    readonly log: Logger;
  }
}

/** Gives every request of `app` an id and a `req.log` bound to it; mount first. */
export function requestLogging(app: express.Express, logger: Logger): express.RequestHandler {
  const bound = new WeakMap<object, Logger>();
  Object.defineProperty(app.request, "log", {
    configurable: true,
    get(this: express.Request): Logger {
      let log = bound.get(this);
      if (!log) bound.set(this, (log = logger.child({ requestId: this.id })));
      return log;
    },
  });
  return (req, _res, next) => {
    req.id = randomUUID();
    next();
  };
}
