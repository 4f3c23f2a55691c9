// toWire (server/http/wire.ts) answers exactly what the schema's zod `encode` answers, for the
// answers the relayer sends most (a member's passes, a venue's bookings, an unlock decision), and
// keeps zod's own `encode` where a compiled one would be wrong.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { z } from "zod";
import { getAddress } from "viem";
import { toWire } from "../../server/http/wire.ts";
import { bookingsAnswer, passesAnswer, revenue } from "../../protocol/api/read.ts";
import { decisionAnswer } from "../../protocol/api/door.ts";

const HOLDER = "0xAbCdEf0123456789aBcDeF0123456789AbCdEf01";
const CURRENCY = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
const booked = (i: number) => ({
  passId: 10n ** 30n + BigInt(i),
  holder: HOLDER,
  resourceId: 3,
  venueId: i % 2 ? 1 : null,
  unit: 0,
  start: 1_800_000_000 + i * 3600,
  end: 1_800_003_600 + i * 3600,
  currency: CURRENCY,
  amount: 500_000n,
  gst: 25_000n,
  qst: 49_875n,
  serviceFee: 0n,
});
const active = (i: number) => ({
  ...booked(i),
  status: "active" as const,
  policyId: 1,
  releaseTime: 1_799_990_000,
  settled: i % 3 === 0,
  guest: i % 4 ? null : CURRENCY,
  guestExpires: 0,
  block: 1234 + i,
});
const cancelled = (i: number) => ({
  ...booked(i),
  status: "cancelled" as const,
  byOperator: false,
  refund: 400_000n,
  retained: 100_000n,
  gstRefund: 20_000n,
  qstRefund: 39_900n,
  refundServiceFee: 250n,
  block: 2000 + i,
});

describe("toWire: a schema's encode, compiled", () => {
  it("answers a venue's bookings exactly as zod's encode does (codecs, nullable, a discriminated union)", () => {
    const value = {
      venueId: 1,
      bookings: Array.from({ length: 12 }, (_, i) => (i % 3 === 2 ? cancelled(i) : active(i))),
      next: null,
      asOfBlock: 99,
    };
    const wire = toWire(bookingsAnswer, value as never);
    assert.deepEqual(wire, bookingsAnswer.encode(value as never));
    // The wire side as the dApp reads it: lower-case addresses, amounts as decimal strings.
    assert.equal(wire.bookings[0].holder, HOLDER.toLowerCase());
    assert.equal(wire.bookings[0].passId, (10n ** 30n).toString());
    // And it parses back to the value.
    const back = bookingsAnswer.decode(JSON.parse(JSON.stringify(wire)) as typeof wire).bookings[2];
    assert.deepEqual(back, { ...cancelled(2), holder: getAddress(HOLDER), currency: getAddress(CURRENCY) });
  });

  it("drops keys the schema does not declare, as encode does", () => {
    const value = {
      holder: HOLDER,
      passes: [{ ...active(0), role: "holder" as const, secret: 1 }],
      next: "c",
      asOfBlock: 1,
    };
    const wire = toWire(passesAnswer, value as never);
    assert.deepEqual(wire, passesAnswer.encode(value as never));
    assert.equal("secret" in wire.passes[0], false);
  });

  it("leaves optional parts out when absent and encodes them when present (unlock decisions)", () => {
    const refused = { requestId: "r1", granted: false, reason: "expired" as const, auditId: 7 };
    assert.deepEqual(toWire(decisionAnswer, refused), decisionAnswer.encode(refused));
    const granted = {
      requestId: "r2",
      granted: true,
      reason: "granted" as const,
      auditId: 8,
      openCommand: {
        door: 4,
        challenge: `0x${"11".repeat(32)}` as const,
        expires: 1_800_000_030,
        relayer: `0x${"22".repeat(20)}` as const,
        signature: `0x${"33".repeat(65)}` as const,
      },
      lock: { status: "opened" as const },
    };
    assert.deepEqual(toWire(decisionAnswer, granted), decisionAnswer.encode(granted));
  });

  it("encodes dated revenue (string formats and nested arrays) like encode", () => {
    const value = {
      venueId: 2,
      timeZone: "America/Toronto",
      totals: [
        {
          currency: CURRENCY,
          bookings: 3,
          booked: 9n,
          refunded: 1n,
          retained: 1n,
          net: 8n,
          settled: 0n,
          fees: 1n,
        },
      ],
      daily: [{ day: "2026-12-06", dayStart: 1_796_000_000, currency: CURRENCY, amount: 8n }],
      asOfBlock: 5,
    };
    assert.deepEqual(toWire(revenue, value as never), revenue.encode(value as never));
  });

  it("keeps zod's encode where a compiled one would be wrong: a union without a discriminator, a one-way transform", () => {
    const either = z.union([z.object({ a: z.bigint() }), z.object({ b: z.string() })]);
    assert.deepEqual(toWire(either, { b: "x" }), { b: "x" });
    const oneWay = z.object({ n: z.string().transform((s) => s.length) });
    // zod refuses to encode through a one-way transform; so does toWire (it is zod's encode).
    assert.throws(() => toWire(oneWay, { n: 3 }));
    assert.throws(() => oneWay.encode({ n: 3 }));
  });
});
