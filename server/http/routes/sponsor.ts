// Gasless booking: the sponsor's terms and the relay of a member's signed request (server/sponsor).
//   GET  /api/sponsor         the sponsor's address, forwarder, fee currency and fees, and whether
//                             it can pay for a request now (`available`, else `reason`)
//   POST /api/sponsor/relay   { request: ForwardRequestData } → { hash, call, fee } once submitted;
//                             422 sponsor_refused { errorName, args } when the call would revert,
//                             409 sponsor_request_pending, 429 rate_limited /
//                             sponsor_share_exhausted / sponsor_free_calls_exhausted per member,
//                             503 sponsor_out_of_funds / sponsor_budget_exhausted / sponsor_disabled /
//                             sponsor_unavailable (never 500: a send error is retryable)
import express, { type Router } from "express";
import { z } from "zod";
import type { RelayerContext } from "../../context.ts";
import { RelayerError } from "../../errors.ts";
import { createSponsor, type Sponsor } from "../../sponsor/sponsor.ts";
import type { Hex } from "../../../protocol/types.ts";

const hex = z.string().regex(/^0x([0-9a-fA-F]{2})*$/, "must be 0x-prefixed hex bytes");
const address = z
  .string()
  .regex(/^0x[0-9a-fA-F]{40}$/, "must be an address")
  .transform((s) => s as Hex);
const uint = z
  .string()
  .regex(/^(0|[1-9][0-9]{0,77})$/, "must be a decimal integer")
  .transform((s) => BigInt(s));

const relayBody = z.object({
  request: z.object({
    from: address,
    to: address,
    value: uint,
    gas: uint,
    deadline: z
      .number()
      .int()
      .min(0)
      .max(2 ** 48 - 1),
    data: hex.transform((s) => s as Hex),
    signature: hex.transform((s) => s as Hex),
  }),
});

/** The sponsor of this relayer, or null when it has none (no key, no forwarder in the deployments). */
function sponsorOf(ctx: RelayerContext): Sponsor | null {
  const c = ctx.config;
  const forwarder = ctx.deployments.contracts.PassepartoutForwarder?.address;
  if (!c.sponsorPrivateKey || !forwarder || !ctx.sponsorStore) return null;
  const currency = c.sponsorCurrency ?? ctx.deployments.contracts.TestCAD?.address ?? null;
  return createSponsor({
    client: ctx.reader.client,
    rpcUrl: c.rpcUrl,
    privateKey: c.sponsorPrivateKey,
    passepartout: ctx.deployments.contracts.Passepartout.address,
    forwarder,
    currency,
    fees: { book: BigInt(c.sponsorBookFee), cancel: BigInt(c.sponsorCancelFee) },
    maxCallGas: BigInt(c.sponsorMaxCallGas),
    ratePerHour: c.sponsorRatePerHour,
    gasBudget: BigInt(c.sponsorGasBudget),
    memberShareBps: c.sponsorMemberShareBps,
    budgetWindowS: 86_400,
    freeCallsPerPass: c.sponsorFreeCallsPerPass,
    freeCallsPerMember: c.sponsorFreeCallsPerMember,
    store: ctx.sponsorStore,
    clock: ctx.clock,
    logger: ctx.logger,
  });
}

export function sponsorRouter(ctx: RelayerContext): Router {
  const router = express.Router();
  const sponsor = sponsorOf(ctx);
  const enabled = (): Sponsor => {
    if (!sponsor) throw new RelayerError("sponsor_disabled", "this relayer sponsors no gasless calls");
    return sponsor;
  };
  router.get("/api/sponsor", async (_req, res) => {
    res.set("cache-control", "no-store").json(await enabled().terms());
  });
  router.post("/api/sponsor/relay", express.json({ limit: ctx.config.bodyLimitBytes }), async (req, res) => {
    const s = enabled();
    const body = relayBody.safeParse(req.body);
    if (!body.success) {
      const issue = body.error.issues[0];
      throw new RelayerError("bad_request", `${issue.path.join(".")}: ${issue.message}`);
    }
    res.json(await s.relay(body.data.request));
  });
  return router;
}
