// A venue's taxes on a real chain: GST and QST collected on bookings, refunded with cancellations,
// settled into the tax pools of two splits and paid to the tax payee by claimTaxes. The read API's
// figures equal the events' sums and the contract's taxPool; the tax payee's balance moves by exactly
// the pools' GST + QST; the month CSV carries the same figures.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createPublicClient, erc20Abi, http, parseEventLogs, type Log } from "viem";
import { HOUR, startHarness, type Harness } from "./fixture.ts";
import { sessionCookie } from "./siweSession.ts";
import { readCsv, units } from "./receiptsLedger.ts";
import type { Hex } from "../../protocol/types.ts";

const CAD = 1_000_000n; // TestCAD has 6 decimals

type TaxFigures = { collected: string; refunded: string; settled: string; claimed: string };
type TaxesAnswer = {
  venueId: number;
  taxes: { currency: string; gst: TaxFigures; qst: TaxFigures; splits: { splitId: number; toClaim: string }[] }[];
};

describe("a venue's taxes: read API, claimTaxes and the month CSV", { timeout: 120_000 }, () => {
  let h: Harness;
  let token: Hex;
  let resource: number;
  let policyId: number;
  const splits: number[] = [];
  /** Sums of the Booked and Cancelled events. */
  const events = { gst: 0n, qst: 0n, gstRefund: 0n, qstRefund: 0n };
  const member = () => h.chain.accounts[2];
  const taxPayee = () => h.chain.accounts[6];

  const cadOf = (who: Hex) =>
    createPublicClient({ transport: http(h.chain.rpcUrl) }).readContract({
      address: token,
      abi: erc20Abi,
      functionName: "balanceOf",
      args: [who],
    });

  async function book(start: number): Promise<bigint> {
    const price = await h.p.read("quote", [resource, BigInt(start), BigInt(start + HOUR)]);
    const r = await h.p.write(member(), {
      functionName: "book",
      args: [resource, BigInt(start), BigInt(start + HOUR), 65535, price, member().address, policyId, true],
    });
    const [ev] = parseEventLogs({ abi: h.p.abi, logs: r.logs, eventName: "Booked" });
    events.gst += ev.args.gst;
    events.qst += ev.args.qst;
    return ev.args.passId;
  }
  function noteCancel(logs: Log[]) {
    const [ev] = parseEventLogs({ abi: h.p.abi, logs, eventName: "Cancelled" });
    events.gstRefund += ev.args.gstRefund;
    events.qstRefund += ev.args.qstRefund;
  }
  const get = async <T>(path: string, cookie?: string) => {
    const res = await fetch(`${h.relayer.url}${path}`, { headers: cookie ? { cookie } : {} });
    return {
      status: res.status,
      body: res.headers.get("content-type")?.includes("json") ? ((await res.json()) as T) : null,
      res,
    };
  };
  /** The relayer's index has applied the chain's latest block. */
  async function caughtUp() {
    const head = Number(await createPublicClient({ transport: http(h.chain.rpcUrl) }).getBlockNumber());
    for (let i = 0; i < 200; i++) {
      const { body } = await get<{ asOfBlock: number }>("/api/venues");
      if (body && body.asOfBlock >= head) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error("the index did not catch up");
  }

  before(async () => {
    h = await startHarness({ LOG_LEVEL: "silent" });
    token = h.chain.deployments.contracts.TestCAD.address;
    const op = h.venue.operator;
    await h.p.write(h.chain.accounts[0], { functionName: "setTaxRates", args: [5_000, 9_975] });
    await h.p.write(op, {
      functionName: "setVenueTaxProfile",
      args: [
        h.venue.venueId,
        {
          legalName: "Café-Atelier Le Lab inc.",
          postalAddress: "12, rue Principale, Saint-Germain (Québec) J0C 1K0",
          gstNumber: "123456789RT0001",
          qstNumber: "1234567890TQ0001",
          taxPayee: taxPayee().address,
          taxable: true,
        },
      ],
    });
    // Half refunded until an hour before the start.
    const policy = await h.p.write(op, {
      functionName: "createPolicy",
      args: [[{ secondsBeforeStart: HOUR, refundBps: 5_000 }]],
    });
    const [created] = parseEventLogs({ abi: h.p.abi, logs: policy.logs, eventName: "PolicyCreated" });
    policyId = created.args.policyId;
    await h.p.write(op, {
      functionName: "createResource",
      args: [
        h.venue.venueId,
        {
          name: "Poste",
          metadataURI: "",
          kind: 0,
          units: 4,
          currency: token,
          pricePerHour: 7n * CAD + 330_000n, // 7.33: GST 0.3665 and QST 0.7311675 round to the cent
          pricePerDay: 50n * CAD,
          pricePerMonth: 500n * CAD,
          minHours: 1,
          maxHours: 48,
          horizonHours: 24 * 30,
          graceSeconds: 900,
          policyId,
          transferable: true,
          followsOpeningHours: false,
        },
      ],
    });
    resource = Number(await h.p.read("resourceCount", []));
    await h.p.fundWithCad(member(), 1_000n * CAD);
    splits.push((await h.p.read("venue", [h.venue.venueId])).splitId);

    const hour = Math.floor((await h.p.chainNow()) / HOUR) * HOUR;
    const now1 = await book(hour); // started: releasable at once
    const half = await book(hour + 5 * HOUR);
    const full = await book(hour + 7 * HOUR);
    noteCancel((await h.p.write(member(), { functionName: "cancel", args: [half] })).logs); // 50 % retained
    noteCancel((await h.p.write(op, { functionName: "cancel", args: [full] })).logs); // all refunded
    await h.p.write(op, { functionName: "settle", args: [[now1]] });
    // A payee change makes a second split with its own tax pool.
    await h.p.write(op, {
      functionName: "setVenuePayees",
      args: [h.venue.venueId, [op.address, h.chain.accounts[7].address], [6_000, 4_000]],
    });
    splits.push((await h.p.read("venue", [h.venue.venueId])).splitId);
    const now2 = await book(hour);
    await h.p.write(op, { functionName: "settle", args: [[now2]] });
  });
  after(async () => {
    await h?.stop();
  });

  /** The contract's tax pools of the venue's two splits, summed. */
  async function pools() {
    let gst = 0n;
    let qst = 0n;
    let claimed = 0n;
    for (const s of splits) {
      const [g, q, c] = await h.p.read("taxPool", [s, token]);
      gst += g;
      qst += q;
      claimed += c;
    }
    return { gst, qst, claimed };
  }

  it("shows the operator GST and QST apart: collected, refunded, settled (the taxPool) and what is to claim per split", async () => {
    await caughtUp();
    const cookie = await sessionCookie(h.relayer.url, h.venue.operator.privateKey, h.clock.now);
    const { status, body } = await get<TaxesAnswer>(`/api/venues/${h.venue.venueId}/taxes`, cookie);
    assert.equal(status, 200);
    assert.equal(body!.taxes.length, 1, "one currency");
    const t = body!.taxes[0];
    assert.equal(t.currency, token.toLowerCase());
    const pool = await pools();
    assert.ok(pool.gst > 0n && pool.qst > 0n, "the pools hold taxes");
    assert.equal(pool.claimed, 0n);
    assert.deepEqual(t.gst, {
      collected: String(events.gst),
      refunded: String(events.gstRefund),
      settled: String(pool.gst),
      claimed: "0",
    });
    assert.deepEqual(t.qst, {
      collected: String(events.qst),
      refunded: String(events.qstRefund),
      settled: String(pool.qst),
      claimed: "0",
    });
    // Nothing is left in escrow: every booking was settled or cancelled.
    assert.equal(events.gst - events.gstRefund, pool.gst);
    assert.equal(events.qst - events.qstRefund, pool.qst);
    const toClaim = await Promise.all(splits.map(async (s) => h.p.read("taxPool", [s, token])));
    assert.deepEqual(
      t.splits,
      splits.map((s, i) => ({ splitId: s, toClaim: String(toClaim[i][0] + toClaim[i][1]) })),
    );
  });

  it("claimTaxes pays the tax payee exactly the pools' GST + QST, and the API and the month CSV say it was claimed", async () => {
    const pool = await pools();
    const before = await cadOf(taxPayee().address);
    for (const s of splits) await h.p.write(member(), { functionName: "claimTaxes", args: [s, token] });
    assert.equal((await cadOf(taxPayee().address)) - before, pool.gst + pool.qst);
    await caughtUp();

    const cookie = await sessionCookie(h.relayer.url, h.venue.operator.privateKey, h.clock.now);
    const { body } = await get<TaxesAnswer>(`/api/venues/${h.venue.venueId}/taxes`, cookie);
    const t = body!.taxes[0];
    assert.equal(t.gst.claimed, String(pool.gst));
    assert.equal(t.qst.claimed, String(pool.qst));
    assert.deepEqual(t.splits, [], "nothing left to claim");

    const csv = readCsv(await (await get(`/api/venues/${h.venue.venueId}/receipts.csv`, cookie)).res.text());
    const col = (r: string[], name: string) => units(r[csv[0].indexOf(name)], 6);
    const total = (label: string) => csv.find((r) => r[0] === "total" && r[1] === label)!;
    assert.equal(col(total("sales"), "gst"), events.gst);
    assert.equal(col(total("sales"), "qst"), events.qst);
    assert.equal(col(total("refunds"), "gst"), events.gstRefund);
    assert.equal(col(total("refunds"), "qst"), events.qstRefund);
    assert.equal(col(total("taxes_claimed"), "gst"), pool.gst);
    assert.equal(col(total("taxes_claimed"), "qst"), pool.qst);
    assert.equal(col(total("taxes_claimed"), "total"), pool.gst + pool.qst);
    const claims = csv.filter((r) => r[0] === "tax_claim");
    assert.equal(claims.length, 2, "one row per claimTaxes");
    for (const r of claims) assert.equal(r[csv[0].indexOf("member")], taxPayee().address.toLowerCase());
    // A month before the claims has none.
    const early = readCsv(
      await (await get(`/api/venues/${h.venue.venueId}/receipts.csv?from=0&to=1000`, cookie)).res.text(),
    );
    assert.deepEqual(early.slice(1), []);
  });

  it("refuses the figures without a session (401) and to a member who is neither operator, payee nor tax payee (403)", async () => {
    assert.equal((await get(`/api/venues/${h.venue.venueId}/taxes`)).status, 401);
    const cookie = await sessionCookie(h.relayer.url, member().privateKey, h.clock.now);
    const denied = await get<{ error: { code: string } }>(`/api/venues/${h.venue.venueId}/taxes`, cookie);
    assert.equal(denied.status, 403);
    assert.equal(denied.body!.error.code, "forbidden");
    assert.equal((await get(`/api/venues/99/taxes`, cookie)).status, 404);
    // The tax payee, neither operator nor payee, sees the taxes it receives.
    const payee = await sessionCookie(h.relayer.url, taxPayee().privateKey, h.clock.now);
    assert.equal((await get(`/api/venues/${h.venue.venueId}/taxes`, payee)).status, 200);
  });
});
