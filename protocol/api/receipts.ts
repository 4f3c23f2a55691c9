// Receipts, credit notes and the calendar feed (server/http/routes/receipts.ts, docs/receipts.md).
import { z } from "zod";
import { asOfBlock, decimal, hex, int, unixSeconds } from "./json.ts";

const units = decimal.meta({ description: "amount in the currency's smallest unit" });

export const billingDocument = z
  .object({
    id: z.string(),
    kind: z.enum(["receipt", "credit_note"]),
    venueId: int,
    number: z.number().int().min(1).meta({ description: "sequential per venue and kind, in chain order" }),
    seller: z
      .object({ legalName: z.string(), postalAddress: z.string(), gstNumber: z.string(), qstNumber: z.string() })
      .nullable()
      .meta({ description: "the venue's tax profile at the event, null when none was set" }),
    taxable: z.boolean(),
    member: hex(20),
    passId: decimal,
    resourceId: int,
    resourceName: z.string(),
    start: unixSeconds,
    end: unixSeconds,
    timeZone: z.string(),
    currency: z.object({ address: hex(20), symbol: z.string(), decimals: int }),
    preTax: units,
    gst: units,
    qst: units,
    total: units,
    serviceFee: units.meta({
      description:
        "the gasless call's sponsor fee: paid on top of total (receipt) or taken from it (credit note); not part of the sale",
    }),
    retained: units,
    refersTo: z.string().nullable(),
    txHash: z.string().regex(/^0x[0-9a-f]{64}$/),
    block: int,
    logIndex: int,
    time: int.nullable().meta({ description: "the block's timestamp" }),
  })
  .meta({
    id: "BillingDocument",
    description:
      "A receipt (one per Booked event) or credit note (one per refunding Cancelled event); see docs/receipts.md.",
  });
export type BillingDocumentJson = z.input<typeof billingDocument>;

export const memberReceipts = z
  .object({ member: hex(20), documents: z.array(billingDocument), asOfBlock })
  .meta({ id: "MemberReceipts", description: "documents, in chain order" });

export const venueReceipts = z
  .object({
    venueId: int,
    from: int,
    to: int,
    documents: z.array(billingDocument),
    totals: z.array(z.record(z.string(), z.unknown())).meta({ description: "totals per currency" }),
    asOfBlock,
  })
  .meta({ id: "VenueReceipts", description: "documents and totals per currency" });

export const calendarFeed = z
  .object({ url: z.string(), path: z.string(), expiresAt: unixSeconds })
  .meta({ id: "CalendarFeed", description: "the feed's URL" });

export const feedRevoked = z.object({ revokedAt: unixSeconds }).meta({ id: "FeedRevoked", description: "revoked" });
