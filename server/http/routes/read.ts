// Read API served from the event index: availability, a member's passes, a venue's bookings and
// revenue, venues, and the audit log. Passes and audit records are location history: members see
// only their own, operators only their venues' (SIWE session required).
import express, { type Router } from "express";
import type { RelayerContext } from "../../context.ts";
import type { IndexedPass } from "../../index/chainIndex.ts";
import { auditQuery, availabilityQuery, passesQuery, resourceIdParam, venueIdParam } from "../schemas.ts";
import { RelayerError } from "../../errors.ts";
import { requireSession } from "./auth.ts";

const SLOT = 3600;

function passJson(ctx: RelayerContext, p: IndexedPass) {
  return {
    passId: p.id.toString(),
    holder: p.holder,
    resourceId: p.resourceId,
    venueId: ctx.index.venueOf(p) ?? null,
    unit: p.unit,
    start: p.start,
    end: p.end,
    currency: p.currency,
    amount: p.amount.toString(),
    settled: p.settled,
    guest: p.guest,
    guestExpires: p.guestExpires,
    block: p.block,
  };
}

function parseOr400<T>(r: { success: true; data: T } | { success: false }, message: string): T {
  if (!r.success) throw new RelayerError("bad_request", message);
  return r.data;
}

export function readRouter(ctx: RelayerContext): Router {
  const router = express.Router();
  const { index } = ctx;
  // Read-your-writes for the dApp: answer from a poll that started after the request when the
  // chain is reachable (stale but labelled with `asOfBlock` when it is not).
  const fresh: express.RequestHandler = (_req, _res, next) => {
    void index.ensureFresh(0).finally(() => next());
  };
  router.use(["/api/venues", "/api/resources", "/api/passes", "/api/audit"], fresh);

  router.get("/api/venues", (_req, res) => {
    const resources = [...index.resources.values()];
    const doors = [...index.doors.values()];
    res.json(
      [...index.venues.values()].map((v) => ({
        ...v,
        resources: resources.filter((r) => r.venueId === v.id),
        doors: doors
          .filter((d) => d.venueId === v.id)
          .map((d) => ({ id: d.id, allResources: d.allResources, active: d.active })),
      })),
    );
  });

  router.get("/api/resources/:id/availability", (req, res) => {
    const id = parseOr400(resourceIdParam.safeParse(req.params.id), "resource id must be a uint32");
    const q = parseOr400(
      availabilityQuery.safeParse(req.query),
      "from and to must be UNIX seconds or ISO dates, to after from, at most 62 days",
    );
    const resource = index.resources.get(id);
    if (!resource) throw new RelayerError("not_found", "no such resource");
    const from = Math.floor(q.from / SLOT) * SLOT;
    const to = Math.ceil(q.to / SLOT) * SLOT;
    const hours = (to - from) / SLOT;
    const taken = new Array<number>(hours).fill(0);
    for (const p of index.passes.values()) {
      if (p.resourceId !== id || p.end <= from || p.start >= to) continue;
      const a = Math.max(p.start, from);
      const b = Math.min(p.end, to);
      for (let t = a; t < b; t += SLOT) taken[(t - from) / SLOT]++;
    }
    res.json({
      resourceId: id,
      units: resource.units,
      from,
      to,
      slotSeconds: SLOT,
      free: taken.map((n) => Math.max(0, resource.units - n)),
      asOfBlock: index.tip,
    });
  });

  router.get("/api/passes", (req, res) => {
    const s = requireSession(ctx, req);
    const q = parseOr400(passesQuery.safeParse(req.query), "holder must be an address");
    const holder = q.holder ?? s.address;
    if (holder !== s.address) throw new RelayerError("forbidden", "members see only their own passes");
    const now = ctx.clock();
    const out = [];
    for (const p of index.passes.values()) {
      const asGuest = p.guest === holder && p.guestExpires > now;
      if (p.holder === holder || asGuest)
        out.push({ ...passJson(ctx, p), role: p.holder === holder ? "holder" : "guest" });
    }
    out.sort((a, b) => a.start - b.start);
    res.json({ holder, passes: out, asOfBlock: index.tip });
  });

  const operatorOnly = (venueParam: string, address: string) => {
    const venueId = parseOr400(venueIdParam.safeParse(venueParam), "venue id must be a uint32");
    const venue = index.venues.get(venueId);
    if (!venue) throw new RelayerError("not_found", "no such venue");
    if (venue.operator !== address) throw new RelayerError("forbidden", "operators see only their own venues");
    return venueId;
  };

  router.get("/api/venues/:id/bookings", (req, res) => {
    const s = requireSession(ctx, req);
    const venueId = operatorOnly(req.params.id, s.address);
    const bookings = [...index.passes.values()]
      .filter((p) => index.venueOf(p) === venueId)
      .map((p) => passJson(ctx, p));
    bookings.sort((a, b) => a.start - b.start);
    res.json({ venueId, bookings, asOfBlock: index.tip });
  });

  router.get("/api/venues/:id/revenue", (req, res) => {
    const s = requireSession(ctx, req);
    const venueId = operatorOnly(req.params.id, s.address);
    const totals = [...index.money.values()]
      .filter((m) => m.venueId === venueId)
      .map((m) => ({
        currency: m.currency,
        bookings: m.bookings,
        booked: m.booked.toString(),
        refunded: m.refunded.toString(),
        retained: m.retained.toString(),
        net: (m.booked - m.refunded).toString(),
        settled: m.settled.toString(),
        fees: m.fees.toString(),
      }));
    // Daily series (by booking start day, UTC) of the bookings still standing.
    const daily = new Map<string, bigint>();
    for (const p of index.passes.values()) {
      if (index.venueOf(p) !== venueId) continue;
      const key = `${new Date(p.start * 1000).toISOString().slice(0, 10)}|${p.currency}`;
      daily.set(key, (daily.get(key) ?? 0n) + p.amount);
    }
    const series = [...daily.entries()]
      .map(([k, amount]) => {
        const [day, currency] = k.split("|");
        return { day, currency, amount: amount.toString() };
      })
      .sort((a, b) => a.day.localeCompare(b.day));
    res.json({ venueId, totals, daily: series, asOfBlock: index.tip });
  });

  router.get("/api/audit", async (req, res) => {
    const s = requireSession(ctx, req);
    const q = parseOr400(auditQuery.safeParse(req.query), "venue must be a uint32, limit 1..1000");
    const operated = index.venuesOperatedBy(s.address);
    let records;
    if (q.venue !== undefined) {
      if (!operated.includes(q.venue)) throw new RelayerError("forbidden", "operators see only their own venues");
      records = await ctx.audit.query({ venues: [q.venue], limit: q.limit });
    } else {
      records = await ctx.audit.query({ signer: s.address, venues: operated, limit: q.limit });
    }
    res.json({ records });
  });
  return router;
}
