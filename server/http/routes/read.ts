// Read API served from the event index: the read model of the whole system, which the dApp reads
// instead of scanning logs. Every answer carries `asOfBlock`, the last block the index applied, so
// a client that just sent a transaction waits until the stamp reaches its block. Lists are paged
// by (start, pass id): `next` is the cursor of the following page, null on the last.
//
// Public: venues (with resources and doors), a resource, availability, policies, currencies, a
// venue's splits and trusted relayers. Passes and bookings are location history: members see only
// their own, operators only their venues' (SIWE session required).
import express, { type Router } from "express";
import type { z } from "zod";
import type { RelayerContext } from "../../context.ts";
import {
  byStartThenId,
  type ChainIndex,
  type IndexedBooking,
  type IndexedCancellation,
  type IndexedPass,
  type IndexedResource,
  type SplitTaxes,
  TAX_FIGURES,
  onLoanTo,
} from "../../index/chainIndex.ts";
import {
  auditQuery,
  availabilityQuery,
  DEFAULT_PAGE,
  pageQuery,
  passesQuery,
  resourceIdParam,
  venueIdParam,
} from "../schemas.ts";
import { RelayerError } from "../../errors.ts";
import {
  auditAnswer,
  availability,
  bookingsAnswer,
  currenciesAnswer,
  passesAnswer,
  policiesAnswer,
  relayersAnswer,
  resourceAnswer,
  revenue,
  taxesAnswer,
  splitsAnswer,
  venueAnswer,
  venuesAnswer,
  type activeBooking,
  type cancelledBooking,
} from "../../../protocol/api/read.ts";
import { venueRevenue } from "../../receipts/revenue.ts";
import type { Hex } from "../../../protocol/types.ts";
import { requireSession } from "./auth.ts";
import { toWire } from "../wire.ts";

const SLOT = 3600;
type ActiveBooking = z.output<typeof activeBooking>;
type CancelledBooking = z.output<typeof cancelledBooking>;

/** A standing pass as the read API lists it (protocol/api/read.ts `activeBooking`, decoded). */
function passOut(index: ChainIndex, p: IndexedPass): ActiveBooking {
  return {
    passId: p.id,
    status: "active",
    holder: p.holder,
    resourceId: p.resourceId,
    venueId: index.venueOf(p) ?? null,
    unit: p.unit,
    start: p.start,
    end: p.end,
    currency: p.currency,
    amount: p.amount,
    gst: p.gst,
    qst: p.qst,
    serviceFee: p.serviceFee,
    policyId: p.policyId,
    releaseTime: p.releaseTime,
    settled: p.settled,
    guest: p.guest,
    guestExpires: p.guestExpires,
    block: p.block,
  };
}

function cancellationOut(index: ChainIndex, c: IndexedCancellation): CancelledBooking {
  return {
    passId: c.id,
    status: "cancelled",
    holder: c.refundTo,
    resourceId: c.resourceId,
    venueId: index.resources.get(c.resourceId)?.venueId ?? null,
    unit: c.unit,
    start: c.start,
    end: c.end,
    currency: c.currency,
    amount: c.amount,
    gst: c.gst,
    qst: c.qst,
    serviceFee: c.serviceFee,
    byOperator: c.byOperator,
    refund: c.refund,
    retained: c.retained,
    gstRefund: c.gstRefund,
    qstRefund: c.qstRefund,
    refundServiceFee: c.refundServiceFee,
    block: c.block,
  };
}

function resourceOut(r: IndexedResource) {
  return {
    ...r,
    pricePerHour: BigInt(r.pricePerHour),
    pricePerDay: BigInt(r.pricePerDay),
    pricePerMonth: BigInt(r.pricePerMonth),
  };
}

function parseOr400<T>(r: { success: true; data: T } | { success: false }, message: string): T {
  if (!r.success) throw new RelayerError("bad_request", message);
  return r.data;
}

/**
 * One page of `sorted` (the index's order) after the cursor, keeping the items `keep` maps to JSON
 * (null drops one): the page and the cursor of the next one.
 */
function page<T>(
  sorted: readonly IndexedBooking[],
  q: { after?: { start: number; id: bigint }; limit?: number },
  keep: (b: IndexedBooking) => T | null,
): { items: T[]; next: string | null } {
  const limit = q.limit ?? DEFAULT_PAGE;
  let i = 0;
  if (q.after) {
    // First item strictly after the cursor.
    let hi = sorted.length;
    while (i < hi) {
      const mid = (i + hi) >> 1;
      if (byStartThenId(sorted[mid], q.after) <= 0) i = mid + 1;
      else hi = mid;
    }
  }
  const items: T[] = [];
  let last: IndexedBooking | null = null;
  for (; i < sorted.length && items.length < limit; i++) {
    const item = keep(sorted[i]);
    if (item !== null) {
      items.push(item);
      last = sorted[i];
    }
  }
  return { items, next: i < sorted.length && last ? `${last.start}.${last.id}` : null };
}

export function readRouter(ctx: RelayerContext): Router {
  const router = express.Router();
  const { index } = ctx;

  const venueJson = (id: number) => {
    const v = index.venues.get(id);
    if (!v) return null;
    const resources = [...index.resources.values()].filter((r) => r.venueId === id).map(resourceOut);
    const doors = [...index.doors.values()]
      .filter((d) => d.venueId === id)
      .map((d) => ({
        ...d,
        // The resources a room door admits (a street door, allResources, admits them all).
        admits: d.allResources
          ? resources.map((r) => r.id)
          : resources.filter((r) => index.doorResources.has(`${d.id}:${r.id}`)).map((r) => r.id),
      }));
    // The current split's payees: they share the venue's revenue and see its bookings.
    return { ...v, payees: index.splits.get(v.splitId)?.payees ?? [], resources, doors };
  };
  const venueParam = (raw: string) => parseOr400(venueIdParam.safeParse(raw), "venue id must be a uint32");
  const knownVenue = (raw: string) => {
    const venueId = venueParam(raw);
    if (!index.venues.has(venueId)) throw new RelayerError("not_found", "no such venue");
    return venueId;
  };

  router.get("/api/venues", (_req, res) => {
    const venues = [...index.venues.keys()].sort((a, b) => a - b).map((id) => venueJson(id)!);
    res.json(toWire(venuesAnswer, { venues, asOfBlock: index.tip }));
  });

  router.get("/api/venues/:id", (req, res) => {
    const v = venueJson(knownVenue(req.params.id));
    res.json(toWire(venueAnswer, { venue: v!, asOfBlock: index.tip }));
  });

  router.get("/api/venues/:id/splits", (req, res) => {
    const venueId = knownVenue(req.params.id);
    const splits = [...index.splits.values()].filter((s) => s.venueId === venueId).sort((a, b) => a.id - b.id);
    res.json(toWire(splitsAnswer, { venueId, splits, asOfBlock: index.tip }));
  });

  router.get("/api/venues/:id/relayers", (req, res) => {
    const venueId = knownVenue(req.params.id);
    const prefix = `${venueId}:`;
    const relayers = [...index.trustedRelayers.map.keys()]
      .filter((k) => k.startsWith(prefix))
      .map((k) => k.slice(prefix.length))
      .sort();
    res.json(toWire(relayersAnswer, { venueId, relayers: relayers as Hex[], asOfBlock: index.tip }));
  });

  router.get("/api/resources/:id", (req, res) => {
    const id = parseOr400(resourceIdParam.safeParse(req.params.id), "resource id must be a uint32");
    const resource = index.resources.get(id);
    if (!resource) throw new RelayerError("not_found", "no such resource");
    res.json(toWire(resourceAnswer, { resource: resourceOut(resource), asOfBlock: index.tip }));
  });

  router.get("/api/policies", (_req, res) => {
    const policies = [...index.policies.values()].sort((a, b) => a.id - b.id);
    res.json(toWire(policiesAnswer, { policies, asOfBlock: index.tip }));
  });

  router.get("/api/currencies", (_req, res) => {
    const currencies = [...index.currencies.values()].filter((c) => c.allowed).map((c) => c.address);
    res.json(toWire(currenciesAnswer, { currencies, asOfBlock: index.tip }));
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
    res.json(
      toWire(availability, {
        resourceId: id,
        units: resource.units,
        from,
        to,
        slotSeconds: SLOT,
        free: index.freeUnits(id, from, to)!,
        asOfBlock: index.tip,
      }),
    );
  });

  router.get("/api/passes", (req, res) => {
    const s = requireSession(ctx, req);
    const q = parseOr400(
      passesQuery.safeParse(req.query),
      "holder must be an address, after a cursor from `next`, limit 1..1000",
    );
    const holder = q.holder ?? s.address;
    if (holder !== s.address) throw new RelayerError("forbidden", "members see only their own passes");
    const now = ctx.clock();
    const { items, next } = page(index.bookingsOfMember(holder), q, ({ pass: p, cancellation: c }) => {
      if (c) return { ...cancellationOut(index, c), role: "holder" as const };
      if (p!.holder === holder) return { ...passOut(index, p!), role: "holder" as const };
      // A guest sees the pass while the loan lasts.
      return onLoanTo(p!, holder, now) ? { ...passOut(index, p!), role: "guest" as const } : null;
    });
    res.json(toWire(passesAnswer, { holder, passes: items, next, asOfBlock: index.tip }));
  });

  // A venue's bookings and revenue: its operator, and the payees of its current split (the building
  // owner paid a share of every booking), see them.
  const operatorOnly = (venueParam: string, address: string) => {
    const venueId = knownVenue(venueParam);
    const v = index.venues.get(venueId)!;
    if (v.operator !== address && !index.splits.get(v.splitId)?.payees.includes(address as `0x${string}`))
      throw new RelayerError("forbidden", "operators and payees see only their own venues");
    return venueId;
  };
  /** The venue's taxes: its operator, payees and tax payee (who receives them) see them. */
  const taxesReader = (venueParam: string, address: string) => {
    const venueId = knownVenue(venueParam);
    if (index.venues.get(venueId)!.taxPayee === address) return venueId;
    return operatorOnly(venueParam, address);
  };

  router.get("/api/venues/:id/bookings", (req, res) => {
    const s = requireSession(ctx, req);
    const venueId = operatorOnly(req.params.id, s.address);
    const q = parseOr400(pageQuery.safeParse(req.query), "after must be a cursor from `next`, limit 1..1000");
    const { items, next } = page(index.bookingsOfVenue(venueId), q, ({ pass: p, cancellation: c }) =>
      c ? cancellationOut(index, c) : passOut(index, p!),
    );
    res.json(toWire(bookingsAnswer, { venueId, bookings: items, next, asOfBlock: index.tip }));
  });

  router.get("/api/venues/:id/revenue", (req, res) => {
    const s = requireSession(ctx, req);
    const venueId = operatorOnly(req.params.id, s.address);
    res.json(toWire(revenue, { venueId, ...venueRevenue(index, venueId), asOfBlock: index.tip }));
  });

  // A venue's taxes per currency, GST and QST apart, summed over its splits (every payee change
  // makes a split, each with its own tax pool): what members paid, what refunds gave back, what
  // settled into the tax pools and what claimTaxes paid out; per split, what can be claimed now.
  router.get("/api/venues/:id/taxes", (req, res) => {
    const s = requireSession(ctx, req);
    const venueId = taxesReader(req.params.id, s.address);
    const byCurrency = new Map<string, { sum: SplitTaxes; splits: { splitId: number; toClaim: bigint }[] }>();
    for (const t of index.taxes.values()) {
      if (t.venueId !== venueId) continue;
      let c = byCurrency.get(t.currency);
      if (!c) byCurrency.set(t.currency, (c = { sum: { ...t }, splits: [] }));
      else for (const k of TAX_FIGURES) c.sum[k] += t[k];
      const toClaim = t.gstSettled + t.qstSettled - t.gstClaimed - t.qstClaimed;
      if (toClaim > 0n) c.splits.push({ splitId: t.splitId, toClaim });
    }
    const tax = (t: SplitTaxes, k: "gst" | "qst") => ({
      collected: t[`${k}Collected`],
      refunded: t[`${k}Refunded`],
      settled: t[`${k}Settled`],
      claimed: t[`${k}Claimed`],
    });
    const taxes = [...byCurrency.values()]
      .sort((a, b) => a.sum.currency.localeCompare(b.sum.currency))
      .map(({ sum, splits }) => ({
        currency: sum.currency,
        gst: tax(sum, "gst"),
        qst: tax(sum, "qst"),
        splits: splits.sort((a, b) => a.splitId - b.splitId),
      }));
    res.json(toWire(taxesAnswer, { venueId, taxes, asOfBlock: index.tip }));
  });

  router.get("/api/audit", async (req, res) => {
    const s = requireSession(ctx, req);
    const q = parseOr400(auditQuery.safeParse(req.query), "venue must be a uint32, limit 1..1000");
    const operated = index.venuesOperatedBy(s.address);
    let records, agentRecords, doorLogForks;
    if (q.venue !== undefined) {
      if (!operated.includes(q.venue)) throw new RelayerError("forbidden", "operators see only their own venues");
      [records, agentRecords, doorLogForks] = await Promise.all([
        ctx.audit.query({ venues: [q.venue], limit: q.limit }),
        ctx.doorLog.query({ venues: [q.venue], limit: q.limit }),
        ctx.doorLog.forks([q.venue]),
      ]);
    } else {
      // A member's offline entries are the agents' records naming their passes (held, lent to them,
      // cancelled); their online ones are already in `records`.
      const passes = [...new Set(index.bookingsOfMember(s.address).map((b) => b.id.toString()))];
      [records, agentRecords, doorLogForks] = await Promise.all([
        ctx.audit.query({ signer: s.address, venues: operated, limit: q.limit }),
        ctx.doorLog.query({ passes, venues: operated, limit: q.limit }),
        ctx.doorLog.forks(operated),
      ]);
    }
    res.json(toWire(auditAnswer, { records, agentRecords, doorLogForks, asOfBlock: index.tip }));
  });
  return router;
}
