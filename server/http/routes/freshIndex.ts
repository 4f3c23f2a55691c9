// Read-your-writes for the dApp: a read route answers from a poll that started after the request
// when the chain is reachable (stale but labelled with `asOfBlock` when it is not). While the index
// is catching up (cold sync) its lists are incomplete, so reads answer 503 not_ready instead.
import type express from "express";
import type { ChainIndex } from "../../index/chainIndex.ts";
import { RelayerError, errorBody } from "../../errors.ts";

/** The routes answered from the index (the read API, receipts, the calendar feed). */
export const INDEX_READS = [
  "/api/venues",
  "/api/resources",
  "/api/passes",
  "/api/audit",
  "/api/policies",
  "/api/currencies",
  "/api/receipts",
  "/api/calendar",
  "/api/door-passes", // issued from a poll after the request: never for a pass just transferred or cancelled
];

export function freshIndex(index: ChainIndex): express.RequestHandler {
  return (_req, res, next) => {
    if (index.catchingUp) {
      const details = { tip: index.tip, head: index.head };
      res
        .status(503)
        .set("retry-after", "5")
        .json(errorBody(new RelayerError("not_ready", "event index still syncing: try again shortly", details)));
      return;
    }
    void index.ensureFresh(0).finally(() => next());
  };
}
