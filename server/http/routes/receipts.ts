// Receipts and credit notes (JSON, PDF), the operator's CSV export, and the member's private
// calendar subscription feed. Documents are derived from the index's ledger (server/receipts/):
// a member sees the documents that bill or refund them, an operator those of their venues.
import express, { type Request, type Router } from "express";
import { z } from "zod";
import type { RelayerContext } from "../../context.ts";
import { RelayerError } from "../../errors.ts";
import { requireSession } from "./auth.ts";
import { venueIdParam } from "../schemas.ts";
import {
  billingDocument,
  calendarFeed,
  feedRevoked,
  memberReceipts,
  venueReceipts,
} from "../../../protocol/api/receipts.ts";
import { onLoanTo } from "../../index/chainIndex.ts";
import { venueFacts, DEFAULT_TIME_ZONE } from "../../receipts/receiptsService.ts";
import type { BillingDocument } from "../../receipts/derive.ts";
import { documentsIn, periodTotals, receiptsCsv, taxClaimsIn, type Period } from "../../receipts/csv.ts";
import { renderPdf } from "../../receipts/pdf.ts";
import type { CurrencyInfo } from "../../receipts/money.ts";
import { FeedTokenCodec, FeedTokenError } from "../../receipts/feedToken.ts";
import { issuedAfter, latestRevocation, recordRevocation } from "../../receipts/feedRevocation.ts";
import { passesCalendar, type CalendarPass } from "../../../protocol/ics.ts";
import { tzOffset } from "../../../protocol/timeZone.ts";
import type { Hex } from "../../../protocol/types.ts";
import type { Logger } from "../../logger.ts";
import { toWire } from "../wire.ts";

const documentIdParam = z.string().regex(/^\d{1,10}-(R|CN)-\d{6,10}$/);
const langQuery = z.object({ lang: z.enum(["fr", "en"]).default("fr") });
/** UNIX seconds, or a date (YYYY-MM-DD) read as midnight in the venue's time zone. */
const periodBound = z.string().regex(/^(\d{1,12}|\d{4}-\d{2}-\d{2})$/);
const periodQuery = z.object({ from: periodBound.optional(), to: periodBound.optional() });
/** Rendered PDFs kept (about 20 kB each). */
const PDF_CACHE_SIZE = 500;
const feedTokenParam = z.string().regex(/^[A-Za-z0-9_-]{1,300}\.[A-Za-z0-9_-]{43}$/);

/** Midnight of `date` (YYYY-MM-DD) in `timeZone`, as UNIX seconds. */
function localMidnight(date: string, timeZone: string): number {
  const utc = Date.parse(`${date}T00:00:00Z`) / 1000;
  // Date.parse rolls 2026-02-31 over to March 3rd: a date must read back as itself.
  if (!Number.isFinite(utc) || new Date(utc * 1000).toISOString().slice(0, 10) !== date)
    throw new RelayerError("bad_request", `${date} is not a date`);
  const guess = utc - tzOffset(utc, timeZone);
  return utc - tzOffset(guess, timeZone);
}

/** The period of `from` and `to`; without them, all of the venue's history. */
function parsePeriod(query: unknown, timeZone: string): Period {
  const q = periodQuery.safeParse(query);
  if (!q.success) throw new RelayerError("bad_request", "from and to must be UNIX seconds or dates (YYYY-MM-DD)");
  const bound = (v: string | undefined, fallback: number) =>
    v === undefined ? fallback : /^\d+$/.test(v) ? Number(v) : localMidnight(v, timeZone);
  const period = { from: bound(q.data.from, 0), to: bound(q.data.to, Number.MAX_SAFE_INTEGER) };
  if (period.to <= period.from) throw new RelayerError("bad_request", "to must be after from");
  return period;
}

function documentOut(d: BillingDocument, currency: CurrencyInfo, timeZone: string): z.output<typeof billingDocument> {
  return {
    id: d.id,
    kind: d.kind,
    venueId: d.venueId,
    number: d.number,
    seller: d.seller,
    taxable: d.taxable,
    member: d.member,
    passId: d.passId,
    resourceId: d.resourceId,
    resourceName: d.resourceName,
    start: d.start,
    end: d.end,
    timeZone,
    currency,
    preTax: d.preTax,
    gst: d.gst,
    qst: d.qst,
    total: d.total,
    serviceFee: d.serviceFee,
    retained: d.retained,
    refersTo: d.refersTo,
    txHash: d.txHash,
    block: d.block,
    logIndex: d.logIndex,
    time: d.time,
  };
}

export function receiptsRouter(ctx: RelayerContext): Router {
  const router = express.Router();
  const { index } = ctx;
  const service = ctx.receipts;
  const feeds = new FeedTokenCodec(ctx.config.sessionSecret);
  const pdfCache = new Map<string, Buffer>();
  const timeZoneOf = (venueId: number) => venueFacts(index.venues.get(venueId)).timeZone;

  /** The documents, dated; a chain that cannot be read for a missing block time fails the request. */
  const documents = async (log: Logger) => {
    try {
      return await service.documents();
    } catch (err) {
      log.warn({ err }, "receipts: block time unreadable");
      throw new RelayerError("chain_unavailable", "the chain cannot be read now to date the documents");
    }
  };
  /** The tax pools' payments to tax payees, dated like the documents. */
  const taxClaims = async (log: Logger) => {
    try {
      return await service.taxClaims();
    } catch (err) {
      log.warn({ err }, "receipts: block time unreadable");
      throw new RelayerError("chain_unavailable", "the chain cannot be read now to date the tax claims");
    }
  };
  const currencies = async (log: Logger, docs: readonly { currency: Hex }[]) => {
    try {
      return await service.currencyBook(docs);
    } catch (err) {
      log.warn({ err }, "receipts: currency unreadable");
      throw new RelayerError(
        "chain_unavailable",
        "the chain cannot be read now for the currency's symbol and decimals",
      );
    }
  };
  const operatedVenue = (req: Request, address: Hex) => {
    const v = venueIdParam.safeParse(req.params.id);
    if (!v.success) throw new RelayerError("bad_request", "venue id must be a uint32");
    const venue = index.venues.get(v.data);
    if (!venue) throw new RelayerError("not_found", "no such venue");
    if (venue.operator !== address) throw new RelayerError("forbidden", "operators see only their own venues");
    return v.data;
  };
  /** One document, if the signed-in address is its member or its venue's operator. Another's
   * document answers 404 like a missing one, so document numbers cannot be enumerated. */
  const visibleDocument = async (req: Request) => {
    const s = requireSession(ctx, req);
    const id = documentIdParam.safeParse(req.params.id);
    if (!id.success) throw new RelayerError("bad_request", "document id must look like 1-R-000001 or 1-CN-000001");
    const doc = (await documents(req.log)).find((d) => d.id === id.data);
    if (!doc || (doc.member !== s.address && index.venues.get(doc.venueId)?.operator !== s.address))
      throw new RelayerError("not_found", "no such receipt or credit note");
    return doc;
  };

  router.get("/api/receipts", async (req, res) => {
    const s = requireSession(ctx, req);
    const mine = (await documents(req.log)).filter((d) => d.member === s.address);
    const book = await currencies(req.log, mine);
    res.json(
      toWire(memberReceipts, {
        member: s.address,
        documents: mine.map((d) => documentOut(d, book(d.currency), timeZoneOf(d.venueId))),
        asOfBlock: index.tip,
      }),
    );
  });

  router.get("/api/receipts/:id", async (req, res) => {
    const doc = await visibleDocument(req);
    const book = await currencies(req.log, [doc]);
    res.json(toWire(billingDocument, documentOut(doc, book(doc.currency), timeZoneOf(doc.venueId))));
  });

  router.get("/api/receipts/:id/pdf", async (req, res) => {
    const q = langQuery.safeParse(req.query);
    if (!q.success) throw new RelayerError("bad_request", "lang must be fr or en");
    const doc = await visibleDocument(req);
    const book = await currencies(req.log, [doc]);
    const timeZone = timeZoneOf(doc.venueId);
    // A document never changes once its transaction is in (a reorg gives another hash): rendering
    // (~0.1 s of CPU) happens once per document, language and zone.
    const key = `${doc.id}:${doc.txHash}:${doc.block}:${q.data.lang}:${timeZone}`;
    let pdf = pdfCache.get(key);
    if (!pdf) {
      pdf = await renderPdf({
        doc,
        lang: q.data.lang,
        currency: book(doc.currency),
        timeZone,
        createdAt: new Date((doc.time ?? 0) * 1000),
      });
      pdfCache.set(key, pdf);
      if (pdfCache.size > PDF_CACHE_SIZE) pdfCache.delete(pdfCache.keys().next().value!);
    }
    res
      .set("content-type", "application/pdf")
      .set("content-disposition", `attachment; filename="${doc.id}-${q.data.lang}.pdf"`)
      .set("cache-control", "private, no-store")
      .send(pdf);
  });

  /** The venue's documents of a period, for its operator. */
  const venuePeriod = async (req: Request) => {
    const s = requireSession(ctx, req);
    const venueId = operatedVenue(req, s.address);
    const timeZone = timeZoneOf(venueId);
    const period = parsePeriod(req.query, timeZone);
    const docs = documentsIn(await documents(req.log), venueId, period);
    const claims = taxClaimsIn(await taxClaims(req.log), venueId, period);
    return { venueId, timeZone, period, docs, claims, book: await currencies(req.log, [...docs, ...claims]) };
  };

  router.get("/api/venues/:id/receipts", async (req, res) => {
    const { venueId, timeZone, period, docs, claims, book } = await venuePeriod(req);
    res.json(
      toWire(venueReceipts, {
        venueId,
        from: period.from,
        to: period.to,
        documents: docs.map((d) => documentOut(d, book(d.currency), timeZone)),
        totals: periodTotals(docs, claims).map((t) => ({
          ...t,
          currency: book(t.currency),
          ...Object.fromEntries(
            Object.entries(t)
              .filter(([, v]) => typeof v === "bigint")
              .map(([k, v]) => [k, String(v)]),
          ),
        })),
        asOfBlock: index.tip,
      }),
    );
  });

  router.get("/api/venues/:id/receipts.csv", async (req, res) => {
    const { venueId, timeZone, period, docs, claims, book } = await venuePeriod(req);
    res
      .set("content-type", "text/csv; charset=utf-8")
      .set("content-disposition", `attachment; filename="venue-${venueId}-${period.from}-${period.to}.csv"`)
      .set("cache-control", "private, no-store")
      .send(receiptsCsv(docs, timeZone, book, claims));
  });

  // ---- calendar subscription feed ----

  /** The member's latest revocation time (fails closed when the audit trail cannot be read). */
  const revokedAt = async (log: Logger, address: Hex): Promise<number | null> => {
    try {
      return await latestRevocation(ctx.audit, address);
    } catch (err) {
      log.warn({ err }, "calendar feed: audit trail unreadable");
      throw new RelayerError("audit_unavailable", "the audit trail cannot be read now: calendar links are refused");
    }
  };

  router.post("/api/calendar/feed", async (req, res) => {
    const s = requireSession(ctx, req);
    const now = ctx.clock();
    // A link issued in the second of a revocation would read as revoked: date it just after.
    const iat = Math.max(now, ((await revokedAt(req.log, s.address)) ?? -1) + 1);
    const exp = iat + ctx.config.auditRetentionDays * 86_400;
    const token = feeds.issue({ address: s.address, chainId: ctx.config.chainId, iat, exp });
    const path = `/api/calendar/${token}/passes.ics`;
    res
      .set("cache-control", "no-store")
      .json(toWire(calendarFeed, { url: `${req.protocol}://${req.get("host")}${path}`, path, expiresAt: exp }));
  });

  router.delete("/api/calendar/feed", async (req, res) => {
    const s = requireSession(ctx, req);
    // Revocation times only grow: a link issued after the previous revocation (dated one second
    // after it, see above) is revoked by this one even within the same second.
    const at = Math.max(ctx.clock(), ((await revokedAt(req.log, s.address)) ?? -1) + 1);
    try {
      await recordRevocation(ctx.audit, s.address, at, index.tip);
    } catch (err) {
      req.log.warn({ err }, "calendar feed: revocation not recorded");
      throw new RelayerError("audit_unavailable", "the revocation could not be recorded: try again");
    }
    res.set("cache-control", "no-store").json(toWire(feedRevoked, { revokedAt: at }));
  });

  router.get("/api/calendar/:token/passes.ics", async (req, res) => {
    const t = feedTokenParam.safeParse(req.params.token);
    if (!t.success) throw new RelayerError("feed_token_invalid", "this calendar link is not valid");
    let claims;
    try {
      claims = feeds.read(t.data, ctx.clock());
    } catch (err) {
      if (err instanceof FeedTokenError) throw new RelayerError(err.code, err.message);
      throw new RelayerError("feed_token_invalid", "this calendar link is not valid");
    }
    if (claims.chainId !== ctx.config.chainId)
      throw new RelayerError("feed_token_invalid", "this calendar link is for another network");
    const revoked = await revokedAt(req.log, claims.address);
    if (!issuedAfter(claims.iat, revoked))
      throw new RelayerError("feed_token_revoked", "this calendar link was revoked by its member: get a new one");
    // The member's standing passes, and those lent to it while the loan lasts (its event ends
    // with the loan), in the read model's order (start, then id).
    const now = ctx.clock();
    const passes = index.bookingsOfMember(claims.address).flatMap(({ pass: p }) => {
      if (!p) return []; // a cancellation
      if (p.holder === claims.address) return [{ p, end: p.end }];
      const end = Math.min(p.end, p.guestExpires);
      return onLoanTo(p, claims.address, now) && end > p.start ? [{ p, end }] : [];
    });
    const events: CalendarPass[] = passes.map(({ p, end }) => {
      const resource = index.resources.get(p.resourceId);
      const venue = resource ? index.venues.get(resource.venueId) : undefined;
      const facts = venueFacts(venue);
      const doors = [...index.doors.values()]
        .filter((d) => d.venueId === resource?.venueId && index.doorAdmits(d, p.resourceId))
        .map((d) => facts.doors[String(d.id)] ?? `#${d.id}`);
      return {
        passId: p.id,
        chainId: ctx.config.chainId,
        start: p.start,
        end,
        title: [resource?.name ?? `#${p.resourceId}`, venue?.name].filter(Boolean).join(" — "),
        venueAddress: facts.address ?? undefined,
        doors,
      };
    });
    // One VTIMEZONE per calendar: the first pass's venue's (instants stay exact for the others).
    const first = passes[0] && index.resources.get(passes[0].p.resourceId);
    const timeZone = first ? timeZoneOf(first.venueId) : DEFAULT_TIME_ZONE;
    res
      .set("content-type", "text/calendar; charset=utf-8")
      .set("cache-control", "private, no-store")
      .send(passesCalendar(events, timeZone, ctx.clock(), "Passepartout"));
  });
  return router;
}
