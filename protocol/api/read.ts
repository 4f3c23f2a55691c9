// The read API's answers (server/http/routes/read.ts): the read model the dApp lists venues,
// resources, doors, passes and bookings from. Every answer carries `asOfBlock`.
import { z } from "zod";
import { address, asOfBlock, decimal, int, nextCursor, unixSeconds } from "./json.ts";

export const resource = z
  .object({
    id: int,
    venueId: int,
    name: z.string(),
    kind: int,
    units: int,
    currency: address.meta({ description: "0x0 for ETH, else an allow-listed ERC-20" }),
    pricePerHour: decimal,
    pricePerDay: decimal,
    pricePerMonth: decimal,
    minHours: int,
    maxHours: int,
    horizonHours: int,
    graceSeconds: int.meta({ description: "a pass opens from start − grace" }),
    policyId: int,
    transferable: z.boolean(),
    followsOpeningHours: z.boolean().meta({ description: "bookings must fall in the venue's opening hours" }),
    metadataURI: z.string(),
  })
  .meta({ id: "Resource" });

export const door = z
  .object({
    id: int,
    venueId: int,
    allResources: z.boolean(),
    active: z.boolean(),
    lockKey: address,
    admits: z.array(int).meta({ description: "resource ids the door admits" }),
  })
  .meta({ id: "Door" });

export const venue = z
  .object({
    id: int,
    operator: address,
    pendingOperator: address.meta({ description: "proposed, not yet accepted; 0x0 when none" }),
    splitId: int.meta({ description: "the payee split new bookings settle into" }),
    paused: z.boolean().meta({ description: "a paused venue takes no new bookings" }),
    payees: z.array(address).meta({ description: "the current split's payees" }),
    taxPayee: address.meta({ description: "the venue's tax payee now (its tax profile); 0x0 before one is set" }),
    doorPassMaxHours: z.number().int().min(1).max(24).nullable().meta({
      description:
        "the longest offline DoorPass the operator set on chain (setDoorPassMaxHours), 1–24 h; null when unset (the relayer's default, GET /api/network limits.doorPassDefaultHours, applies)",
    }),
    name: z.string(),
    metadataURI: z.string(),
    resources: z.array(resource),
    doors: z.array(door),
  })
  .meta({ id: "Venue" });

export const split = z
  .object({ id: int, venueId: int, payees: z.array(address), sharesBps: z.array(int) })
  .meta({ id: "Split" });

export const policy = z
  .object({ id: int, tiers: z.array(z.object({ secondsBeforeStart: int, refundBps: int })) })
  .meta({ id: "Policy" });

export const availability = z
  .object({
    resourceId: int,
    units: int,
    from: unixSeconds,
    to: unixSeconds,
    slotSeconds: z.literal(3600),
    free: z
      .array(z.number().int().min(0))
      .meta({ description: "free units per hour slot of [from, to), rounded out to whole hours" }),
    asOfBlock,
  })
  .meta({ id: "Availability" });

/** What every booking carries, standing or cancelled. */
const booked = {
  passId: decimal,
  holder: address.meta({ description: "active: the holder; cancelled: the holder refunded" }),
  resourceId: int,
  venueId: int.nullable(),
  unit: int,
  start: unixSeconds,
  end: unixSeconds,
  currency: address,
  amount: decimal.meta({ description: "pre-tax price paid (smallest unit of the currency)" }),
  gst: decimal.meta({ description: "GST paid with it" }),
  qst: decimal.meta({ description: "QST paid with it" }),
  serviceFee: decimal.meta({
    description: "the sponsor's fee paid on top with a gasless booking (SponsorFeePaid), 0 otherwise",
  }),
};

export const activeBooking = z
  .object({
    ...booked,
    status: z.literal("active"),
    policyId: int.meta({ description: "the refund policy the booking pinned" }),
    releaseTime: unixSeconds.meta({ description: "from then on no refund is owed and it may be settled" }),
    settled: z.boolean().meta({ description: "paid out to the payees" }),
    guest: address.nullable(),
    guestExpires: unixSeconds,
    block: int.meta({ description: "block of the booking" }),
  })
  .meta({ id: "ActiveBooking", description: "A standing pass." });

export const cancelledBooking = z
  .object({
    ...booked,
    status: z.literal("cancelled"),
    byOperator: z.boolean().meta({ description: "by the venue's operator (full refund)" }),
    refund: decimal.meta({ description: "pre-tax amount refunded" }),
    retained: decimal.meta({ description: "pre-tax amount kept by the payees" }),
    gstRefund: decimal.meta({ description: "GST refunded" }),
    qstRefund: decimal.meta({ description: "QST refunded" }),
    refundServiceFee: decimal.meta({
      description: "the sponsor's fee of a gasless cancellation, taken from the refund; 0 otherwise",
    }),
    block: int.meta({ description: "block of the cancellation" }),
  })
  .meta({ id: "CancelledBooking", description: "A cancelled booking (its pass burned)." });

/** A venue's booking: a standing pass or a cancellation, never both. */
export const booking = z.discriminatedUnion("status", [activeBooking, cancelledBooking]).meta({ id: "Booking" });
export type Booking = z.output<typeof booking>;

const role = z
  .enum(["holder", "guest"])
  .meta({ description: "holder, or the current guest of a pass lent to the member (cancelled: holder)" });
/** A member's pass in GET /api/passes: a booking and the member's role in it. */
export const memberPass = z
  .discriminatedUnion("status", [activeBooking.extend({ role }), cancelledBooking.extend({ role })])
  .meta({ id: "MemberPass" });
export type MemberPass = z.output<typeof memberPass>;

export const revenueDay = z.object({
  day: z.iso.date().meta({ description: "the venue's local date (its time zone) the bookings start on" }),
  dayStart: unixSeconds.meta({ description: "the first second of that local day" }),
  currency: address,
  amount: decimal.meta({ description: "pre-tax: standing bookings' amounts plus cancelled ones' retained amounts" }),
});

export const revenue = z
  .object({
    venueId: int,
    timeZone: z.string().meta({ description: "the venue's IANA time zone (its metadata), days are local to it" }),
    totals: z.array(
      z.object({
        currency: address,
        bookings: int,
        booked: decimal,
        refunded: decimal,
        retained: decimal,
        net: decimal,
        settled: decimal,
        fees: decimal,
      }),
    ),
    daily: z.array(revenueDay).meta({ description: "revenue per local day of use, by day" }),
    asOfBlock,
  })
  .meta({ id: "Revenue" });

/** One tax of a venue in one currency, summed over its splits. */
export const taxFigures = z
  .object({
    collected: decimal.meta({ description: "charged on bookings" }),
    refunded: decimal.meta({ description: "given back with refunds" }),
    settled: decimal.meta({ description: "moved into the tax pools (the contract's taxPool)" }),
    claimed: decimal.meta({ description: "paid to the tax payee (claimTaxes)" }),
  })
  .meta({ id: "TaxFigures" });

export const taxesAnswer = z
  .object({
    venueId: int,
    taxes: z
      .array(
        z.object({
          currency: address,
          gst: taxFigures,
          qst: taxFigures,
          splits: z
            .array(z.object({ splitId: int, toClaim: decimal }))
            .meta({ description: "splits whose tax pool holds taxes not claimed yet (claimTaxes)" }),
        }),
      )
      .meta({ description: "per currency, GST and QST apart" }),
    asOfBlock,
  })
  .meta({ id: "Taxes" });
export type VenueTaxes = z.output<typeof taxesAnswer>["taxes"][number];

export const auditRecord = z
  .object({
    id: int,
    recordedAt: int.meta({ description: "UNIX milliseconds of the commit" }),
    time: unixSeconds,
    door: int.nullable(),
    venue: int.nullable(),
    signer: z
      .string()
      .nullable()
      .meta({ description: "the signer whose signature verified; null: unauthenticated request" }),
    claimedSigner: z.string().nullable().meta({ description: "the signer the request named, verified or not" }),
    pass: z.string().nullable(),
    decision: z.enum(["granted", "denied"]),
    reason: z.string(),
    block: int.nullable(),
    challenge: z.string().nullable(),
    requestId: z.string(),
  })
  .meta({ id: "AuditRecord" });

// ---- answers ----
export const venuesAnswer = z.object({ venues: z.array(venue), asOfBlock }).meta({ id: "VenuesAnswer" });
export const venueAnswer = z.object({ venue, asOfBlock }).meta({ id: "VenueAnswer" });
export const splitsAnswer = z.object({ venueId: int, splits: z.array(split), asOfBlock }).meta({ id: "SplitsAnswer" });
export const relayersAnswer = z
  .object({ venueId: int, relayers: z.array(address), asOfBlock })
  .meta({ id: "RelayersAnswer" });
export const resourceAnswer = z.object({ resource, asOfBlock }).meta({ id: "ResourceAnswer" });
export const policiesAnswer = z.object({ policies: z.array(policy), asOfBlock }).meta({ id: "PoliciesAnswer" });
export const currenciesAnswer = z.object({ currencies: z.array(address), asOfBlock }).meta({ id: "CurrenciesAnswer" });
export const passesAnswer = z
  .object({ holder: address, passes: z.array(memberPass), next: nextCursor, asOfBlock })
  .meta({
    id: "PassesAnswer",
    description: "passes (standing, lent to the member, and cancelled ones refunded to it), by start",
  });
export const bookingsAnswer = z
  .object({ venueId: int, bookings: z.array(booking), next: nextCursor, asOfBlock })
  .meta({ id: "BookingsAnswer" });
export const agentLogRecord = z
  .object({
    venue: int,
    agent: z.string(),
    seq: int.meta({ description: "the record's place in its agent's log: 1, 2, 3… without gaps" }),
    time: unixSeconds.meta({ description: "the agent's clock at the decision" }),
    door: int,
    kind: z.enum(["online", "offline"]).meta({
      description:
        "online: a relayer's open command, also in `records` (same challenge as `ref`); offline: decided by the agent alone",
    }),
    result: z.enum(["granted", "refused", "lock_failed"]),
    reason: z.string(),
    ref: z.string().meta({ description: "online: the challenge id; offline: the scanned code's reference" }),
    relayer: z.string().nullable(),
    pass: z.string().nullable(),
    prevHash: z.string(),
    hash: z.string(),
    signature: z.string().meta({ description: "the door's lock key over DoorLogRecord(door, seq, hash)" }),
    receivedAt: int.meta({ description: "UNIX seconds the relayer stored it" }),
  })
  .meta({ id: "AgentLogRecord" });

export const doorLogFork = z
  .object({
    venue: int,
    agent: z.string(),
    seq: int,
    heldHash: z.string(),
    offeredHash: z.string(),
    detectedAt: unixSeconds,
  })
  .meta({ id: "DoorLogFork", description: "an agent offered another history than the one held: refused" });

export const auditAnswer = z
  .object({
    records: z.array(auditRecord),
    agentRecords: z.array(agentLogRecord).meta({
      description:
        "door agents' uploaded log records, newest first: a member's offline entries (naming their passes); an operator's venues' records, online ones included",
    }),
    doorLogForks: z
      .array(doorLogFork)
      .meta({ description: "operators: forked agent histories refused at their venues" }),
    asOfBlock,
  })
  .meta({ id: "AuditAnswer", description: "records, newest first" });
