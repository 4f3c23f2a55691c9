// The relayer's read model, as the dApp reads it: every answer stamped with the block it reflects,
// venues / resources / doors / policies / splits / relayers equal to the contract's views, a
// member's passes and a venue's bookings paged without loss or repetition, cancellations with
// their refunds, release times equal to the contract's, and the session rules (member, operator,
// payee, stranger).
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { parseEventLogs } from "viem";
import { HOUR, startHarness, type Harness } from "./fixture.ts";
import { json } from "./json.ts";
import { sessionCookie } from "./siweSession.ts";
import { localDayStart, tzOffset } from "../../protocol/timeZone.ts";

type Stamped = { asOfBlock: number };
const ZERO = "0x0000000000000000000000000000000000000000";
type Booking = {
  passId: string;
  status: "active" | "cancelled";
  holder: string;
  start: number;
  amount: string;
  gst: string;
  qst: string;
  releaseTime?: number;
  policyId?: number;
  refund?: string;
  retained?: string;
  byOperator?: boolean;
  role?: string;
};

describe("read model", () => {
  let h: Harness;
  let slot0: number;
  const member = () => h.chain.accounts[2];
  const payee = () => h.chain.accounts[9];
  const get = async <T>(path: string, cookie?: string) => {
    const res = await fetch(`${h.relayer.url}${path}`, { headers: cookie ? { cookie } : {} });
    return { status: res.status, body: await json<T & Stamped>(res) };
  };
  const signIn = (key: `0x${string}`) => sessionCookie(h.relayer.url, key, h.clock.now);

  before(async () => {
    h = await startHarness({ LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "silent" });
    slot0 = Math.floor((await h.p.chainNow()) / HOUR) * HOUR;
    h.clock.now = slot0 + 60;
  });
  after(async () => {
    await h?.stop();
  });

  it("stamps every answer with a block at least as new as the last transaction", async () => {
    const { blockNumber } = await h.p.book(member(), h.venue.office, slot0 + 24 * HOUR, slot0 + 25 * HOUR);
    const cookie = await signIn(member().privateKey);
    for (const path of [
      "/api/venues",
      `/api/venues/${h.venue.venueId}`,
      `/api/venues/${h.venue.venueId}/splits`,
      `/api/venues/${h.venue.venueId}/relayers`,
      `/api/resources/${h.venue.office}`,
      `/api/resources/${h.venue.office}/availability?from=${slot0}&to=${slot0 + 48 * HOUR}`,
      "/api/policies",
      "/api/currencies",
      "/api/passes",
    ]) {
      const { status, body } = await get<object>(path, cookie);
      assert.equal(status, 200, path);
      assert.ok(body.asOfBlock >= Number(blockNumber), `${path}: asOfBlock ${body.asOfBlock} < ${blockNumber}`);
    }
  });

  it("serves venues, resources and doors equal to the contract's views", async () => {
    const { body } = await get<{
      venues: {
        id: number;
        operator: string;
        splitId: number;
        paused: boolean;
        name: string;
        payees: string[];
        resources: { id: number; units: number; pricePerHour: string; policyId: number; name: string }[];
        doors: { id: number; active: boolean; allResources: boolean; lockKey: string; admits: number[] }[];
      }[];
    }>("/api/venues");
    const v = body.venues.find((x) => x.id === h.venue.venueId)!;
    const chainVenue = await h.p.read("venue", [v.id]);
    assert.equal(v.operator, chainVenue.operator.toLowerCase());
    assert.equal(v.splitId, chainVenue.splitId);
    assert.equal(v.paused, chainVenue.paused);
    assert.equal(v.name, chainVenue.name);
    assert.deepEqual(v.payees, [h.venue.operator.address.toLowerCase()]);
    assert.deepEqual(
      v.resources.map((r) => r.id),
      [h.venue.office, h.venue.room],
    );
    for (const r of v.resources) {
      const c = await h.p.read("resource", [r.id]);
      assert.deepEqual(
        [r.units, BigInt(r.pricePerHour), r.policyId, r.name],
        [c.units, c.pricePerHour, c.policyId, c.name],
      );
    }
    for (const d of v.doors) {
      const c = await h.p.read("door", [d.id]);
      assert.deepEqual([d.active, d.allResources, d.lockKey], [c.active, c.allResources, c.lockKey.toLowerCase()]);
      for (const r of v.resources)
        assert.equal(d.admits.includes(r.id), await h.p.read("doorAdmits", [d.id, r.id]), `door ${d.id} / ${r.id}`);
    }
    // The venue pauses: the read model follows.
    await h.p.write(h.venue.operator, { functionName: "setVenuePaused", args: [v.id, true] });
    assert.equal((await get<{ venue: { paused: boolean } }>(`/api/venues/${v.id}`)).body.venue.paused, true);
    await h.p.write(h.venue.operator, { functionName: "setVenuePaused", args: [v.id, false] });
    assert.equal((await get<object>("/api/venues/4242")).status, 404);
    assert.equal((await get<object>("/api/resources/x1")).status, 400);
  });

  it("lists a new split's payees, policies and their release times as the contract computes them", async () => {
    const op = h.venue.operator;
    // 100 % refund until 24 h before, 50 % until 2 h before: release = start − 2 h + 1 s.
    const created = await h.p.write(op, {
      functionName: "createPolicy",
      args: [
        [
          { secondsBeforeStart: 24 * HOUR, refundBps: 10_000 },
          { secondsBeforeStart: 2 * HOUR, refundBps: 5_000 },
        ],
      ],
    });
    const [ev] = parseEventLogs({ abi: h.p.abi, logs: created.logs, eventName: "PolicyCreated" });
    const policyId = ev.args.policyId;
    const policies = (await get<{ policies: { id: number; tiers: unknown[] }[] }>("/api/policies")).body.policies;
    assert.deepEqual(policies.find((p) => p.id === policyId)?.tiers, [
      { secondsBeforeStart: 24 * HOUR, refundBps: 10_000 },
      { secondsBeforeStart: 2 * HOUR, refundBps: 5_000 },
    ]);
    const params = await h.p.read("resource", [h.venue.room]);
    await h.p.write(op, {
      functionName: "updateResource",
      args: [
        h.venue.room,
        {
          name: params.name,
          metadataURI: params.metadataURI,
          kind: params.kind,
          units: params.units,
          currency: params.currency,
          pricePerHour: params.pricePerHour,
          pricePerDay: params.pricePerDay,
          pricePerMonth: params.pricePerMonth,
          minHours: params.minHours,
          maxHours: params.maxHours,
          horizonHours: params.horizonHours,
          graceSeconds: params.graceSeconds,
          policyId,
          transferable: params.transferable,
          followsOpeningHours: params.followsOpeningHours,
        },
      ],
    });
    // The building owner joins the split at 30 %.
    await h.p.write(op, {
      functionName: "setVenuePayees",
      args: [h.venue.venueId, [op.address, payee().address], [7_000, 3_000]],
    });
    const splits = (
      await get<{ splits: { id: number; payees: string[]; sharesBps: number[] }[] }>(
        `/api/venues/${h.venue.venueId}/splits`,
      )
    ).body.splits;
    const current = splits.at(-1)!;
    assert.equal(current.id, (await h.p.read("venue", [h.venue.venueId])).splitId);
    assert.deepEqual(current.payees, [op.address.toLowerCase(), payee().address.toLowerCase()]);
    assert.deepEqual(current.sharesBps, [7_000, 3_000]);

    const start = slot0 + 72 * HOUR;
    const { passId } = await h.p.book(member(), h.venue.room, start, start + HOUR);
    const cookie = await signIn(member().privateKey);
    const mine = (await get<{ passes: Booking[] }>("/api/passes", cookie)).body.passes;
    const pass = mine.find((p) => p.passId === String(passId))!;
    const onChain = await h.p.read("pass", [passId]);
    assert.equal(pass.releaseTime, Number(onChain.releaseTime));
    assert.equal(pass.releaseTime, start - 2 * HOUR + 1);
    assert.equal(pass.policyId, policyId);
  });

  it("keeps a cancelled booking, with its refund, in the member's passes and the venue's bookings", async () => {
    const start = slot0 + 96 * HOUR;
    const { passId } = await h.p.book(member(), h.venue.room, start, start + 2 * HOUR);
    const cancelled = await h.p.write(member(), { functionName: "cancel", args: [passId] });
    const [ev] = parseEventLogs({ abi: h.p.abi, logs: cancelled.logs, eventName: "Cancelled" });
    const cookie = await signIn(member().privateKey);
    const mine = (await get<{ passes: Booking[] }>("/api/passes", cookie)).body.passes;
    const c = mine.find((p) => p.passId === String(passId))!;
    assert.equal(c.status, "cancelled");
    assert.equal(c.refund, String(ev.args.refund));
    assert.equal(c.retained, String(ev.args.retained));
    assert.equal(c.byOperator, false);
    assert.equal(c.role, "holder");
    const opCookie = await signIn(h.venue.operator.privateKey);
    const bookings = (await get<{ bookings: Booking[] }>(`/api/venues/${h.venue.venueId}/bookings`, opCookie)).body
      .bookings;
    assert.equal(bookings.find((b) => b.passId === String(passId))?.status, "cancelled");
  });

  it("pages passes and bookings by start without loss or repetition, and rejects bad cursors", async () => {
    for (let i = 0; i < 7; i++)
      await h.p.book(member(), h.venue.office, slot0 + (120 + i) * HOUR, slot0 + (121 + i) * HOUR);
    const cookie = await signIn(member().privateKey);
    const full = (await get<{ passes: Booking[]; next: string | null }>("/api/passes?limit=1000", cookie)).body;
    assert.equal(full.next, null);
    assert.ok(full.passes.length >= 10);
    const paged: Booking[] = [];
    let after: string | null = null;
    let pages = 0;
    do {
      const q: string = after ? `?limit=3&after=${after}` : "?limit=3";
      const { status, body } = await get<{ passes: Booking[]; next: string | null }>(`/api/passes${q}`, cookie);
      assert.equal(status, 200);
      assert.ok(body.passes.length <= 3);
      paged.push(...body.passes);
      after = body.next;
      pages++;
    } while (after && pages < 50);
    assert.deepEqual(
      paged.map((p) => p.passId),
      full.passes.map((p) => p.passId),
    );
    const starts = paged.map((p) => p.start);
    assert.deepEqual(
      starts,
      [...starts].sort((a, b) => a - b),
      "ordered by start",
    );
    for (const bad of ["?after=abc", "?after=1.", "?limit=0", "?limit=1001", "?limit=-3"])
      assert.equal((await get<object>(`/api/passes${bad}`, cookie)).status, 400, bad);
    const opCookie = await signIn(h.venue.operator.privateKey);
    const page1 = (
      await get<{ bookings: Booking[]; next: string | null }>(
        `/api/venues/${h.venue.venueId}/bookings?limit=4`,
        opCookie,
      )
    ).body;
    assert.equal(page1.bookings.length, 4);
    assert.ok(page1.next);
    const page2 = (
      await get<{ bookings: Booking[] }>(
        `/api/venues/${h.venue.venueId}/bookings?limit=4&after=${page1.next}`,
        opCookie,
      )
    ).body;
    assert.equal(
      page2.bookings.some((b) => page1.bookings.some((a) => a.passId === b.passId)),
      false,
      "no repetition across pages",
    );
  });

  it("shows a venue's bookings and revenue to its operator and its payees only", async () => {
    const path = `/api/venues/${h.venue.venueId}/bookings`;
    assert.equal((await get<object>(path)).status, 401);
    assert.equal((await get<object>(path, await signIn(payee().privateKey))).status, 200, "the building owner");
    assert.equal(
      (await get<object>(`/api/venues/${h.venue.venueId}/revenue`, await signIn(payee().privateKey))).status,
      200,
    );
    assert.equal((await get<object>(path, await signIn(h.chain.accounts[11].privateKey))).status, 403, "a stranger");
    assert.equal((await get<object>("/api/venues/4242/bookings", await signIn(payee().privateKey))).status, 404);
  });

  it("counts revenue per venue-local day of use, a cancelled booking by what its payees retained", async () => {
    // 02:00 UTC is the evening before in the venue's zone (America/Toronto: no zone in its metadata).
    const zone = "America/Toronto";
    const evening = Math.floor(slot0 / 86_400) * 86_400 + 10 * 86_400 + 2 * HOUR;
    const { passId: kept } = await h.p.book(member(), h.venue.office, evening, evening + HOUR);
    const { passId: gone } = await h.p.book(member(), h.venue.office, evening + 24 * HOUR, evening + 25 * HOUR);
    // The office's policy 0 is never refundable: the payees keep the whole price.
    const cancelled = await h.p.write(member(), { functionName: "cancel", args: [gone] });
    const [ev] = parseEventLogs({ abi: h.p.abi, logs: cancelled.logs, eventName: "Cancelled" });
    assert.ok(ev.args.retained > 0n);
    const opCookie = await signIn(h.venue.operator.privateKey);
    const bookings = (await get<{ bookings: Booking[] }>(`/api/venues/${h.venue.venueId}/bookings`, opCookie)).body
      .bookings;
    const keptAmount = bookings.find((b) => b.passId === String(kept))!.amount;
    type Day = { day: string; dayStart: number; currency: string; amount: string };
    const revenue = (await get<{ timeZone: string; daily: Day[] }>(`/api/venues/${h.venue.venueId}/revenue`, opCookie))
      .body;
    assert.equal(revenue.timeZone, zone);
    const localDate = (t: number) => new Date((t + tzOffset(t, zone)) * 1000).toISOString().slice(0, 10);
    assert.notEqual(localDate(evening), new Date(evening * 1000).toISOString().slice(0, 10), "a day apart from UTC");
    const on = (t: number) => revenue.daily.filter((d) => d.day === localDate(t));
    assert.deepEqual(on(evening), [
      { day: localDate(evening), dayStart: localDayStart(evening, zone), currency: ZERO, amount: keptAmount },
    ]);
    assert.deepEqual(on(evening + 24 * HOUR), [
      {
        day: localDate(evening + 24 * HOUR),
        dayStart: localDayStart(evening + 24 * HOUR, zone),
        currency: ZERO,
        amount: String(ev.args.retained),
      },
    ]);
  });
});
