// Receipts, credit notes, the operator's CSV and the calendar feed through a relayer on a real
// chain: the documents carry the Booked and Cancelled events' amounts, a member sees only their
// own, an operator their venue's; the PDF reads back; the feed parses with ical.js, carries the
// right instants, and a revoked link is refused by every relayer sharing the audit trail.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { parseEventLogs } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { createSiweMessage } from "viem/siwe";
import ICAL from "ical.js";
import { HOUR, ZERO_ADDRESS, startHarness, type Harness } from "./fixture.ts";
import { loadConfig } from "../../server/config.ts";
import { startRelayer, type RunningRelayer } from "../../server/relayer.ts";
import { InProcessLockAdapter } from "../../server/locks/lockAdapter.ts";
import { readCsv, tax, units } from "./receiptsLedger.ts";
import { pdfText } from "./pdfText.ts";
import type { Hex } from "../../protocol/types.ts";

const ORIGIN = "http://localhost:5173";
const SECRET = "one-secret-shared-by-the-whole-fleet-receipts";
const CAD = 1_000_000n; // TestCAD has 6 decimals: taxes are computed to the cent (ETH is refused at a taxable venue)
const META = `data:application/json,${encodeURIComponent(
  JSON.stringify({
    timezone: "America/Toronto",
    address: "12, rue Principale, Saint-Germain (Québec)",
    doors: { "1": "Porte principale" },
  }),
)}`;

type Doc = {
  id: string;
  kind: string;
  member: string;
  passId: string;
  preTax: string;
  gst: string;
  qst: string;
  total: string;
  txHash: string;
};
type ErrorBody = { error: { code: string; message: string } };

describe("receipts API on a real chain", () => {
  let h: Harness;
  let second: RunningRelayer;
  let resource: number;
  let slot0: number;
  const a = () => h.chain.accounts[2];
  const b = () => h.chain.accounts[3];
  const booked: { passId: bigint; amount: bigint; gst: bigint; qst: bigint; txHash: Hex }[] = [];
  let cancelled: { refund: bigint; gstRefund: bigint; qstRefund: bigint; txHash: Hex };

  async function book(who: (typeof h.chain.accounts)[number], start: number, hours: number) {
    const price = await h.p.read("quote", [resource, BigInt(start), BigInt(start + hours * HOUR)]);
    const r = await h.p.write(who, {
      functionName: "book",
      args: [resource, BigInt(start), BigInt(start + hours * HOUR), 65535, price, who.address, 0, true],
    });
    const [ev] = parseEventLogs({ abi: h.p.abi, logs: r.logs, eventName: "Booked" });
    booked.push({
      passId: ev.args.passId,
      amount: ev.args.amount,
      gst: ev.args.gst,
      qst: ev.args.qst,
      txHash: ev.transactionHash,
    });
    return ev.args.passId;
  }

  before(async () => {
    h = await startHarness({ SESSION_SECRET: SECRET, LOG_LEVEL: "silent" });
    const admin = h.chain.accounts[0];
    const op = h.venue.operator;
    await h.p.write(admin, { functionName: "setTaxRates", args: [5_000, 9_975] });
    await h.p.write(op, {
      functionName: "setVenueTaxProfile",
      args: [
        h.venue.venueId,
        {
          legalName: "Café-Atelier Le Lab inc.",
          postalAddress: "12, rue Principale, Saint-Germain (Québec) J0C 1K0",
          gstNumber: "123456789RT0001",
          qstNumber: "1234567890TQ0001",
          taxPayee: op.address,
          taxable: true,
        },
      ],
    });
    await h.p.write(op, { functionName: "updateVenue", args: [h.venue.venueId, "Le Lab", META] });
    // 1.23 tCAD an hour: taxes of a few cents, rounded to the cent.
    const token = h.chain.deployments.contracts.TestCAD.address;
    await h.p.write(op, {
      functionName: "createResource",
      args: [
        h.venue.venueId,
        {
          name: "Salle Élise",
          metadataURI: "",
          kind: 1,
          units: 3,
          currency: token,
          pricePerHour: 1_230_000n,
          pricePerDay: 20n * CAD,
          pricePerMonth: 300n * CAD,
          minHours: 1,
          maxHours: 48,
          horizonHours: 24 * 30,
          graceSeconds: 900,
          policyId: 0,
          transferable: true,
          followsOpeningHours: false,
        },
      ],
    });
    resource = Number(await h.p.read("resourceCount", []));
    for (const who of [a(), b()]) await h.p.fundWithCad(who, 1_000n * CAD);
    slot0 = Math.floor((await h.p.chainNow()) / HOUR) * HOUR + 5 * HOUR;
    await book(a(), slot0, 2);
    const cancelMe = await book(a(), slot0 + 3 * HOUR, 1);
    await book(b(), slot0, 1);
    // The operator's cancellation refunds in full (with its taxes): a credit note.
    const r = await h.p.write(h.venue.operator, { functionName: "cancel", args: [cancelMe] });
    const [ev] = parseEventLogs({ abi: h.p.abi, logs: r.logs, eventName: "Cancelled" });
    cancelled = {
      refund: ev.args.refund,
      gstRefund: ev.args.gstRefund,
      qstRefund: ev.args.qstRefund,
      txHash: ev.transactionHash,
    };
    second = await startRelayer(
      loadConfig({
        PORT: "0",
        RPC_URL: h.chain.rpcUrl,
        AUDIT_DB: h.auditDb,
        INDEX_DB: `${h.indexDb}.second`,
        LOG_LEVEL: "silent",
        INDEX_POLL_MS: "100",
        SESSION_SECRET: SECRET,
        RATE_LIMIT_IP_PER_MIN: "1000000",
        DAPP_ORIGIN: ORIGIN,
      }),
      {
        clock: h.clock.fn,
        lock: new InProcessLockAdapter(h.sim),
        deployments: h.chain.deployments,
        defaultMetrics: false,
      },
    );
  });
  after(async () => {
    await second?.close();
    await h?.stop();
  });

  async function signIn(key: Hex): Promise<string> {
    const account = privateKeyToAccount(key);
    const { nonce } = (await (await fetch(`${h.relayer.url}/api/siwe/nonce`)).json()) as { nonce: string };
    const message = createSiweMessage({
      address: account.address,
      domain: "localhost:5173",
      uri: ORIGIN,
      chainId: 31337,
      nonce,
      version: "1",
      issuedAt: new Date(h.clock.now * 1000),
      expirationTime: new Date((h.clock.now + 3600) * 1000),
    });
    const signature = await account.signMessage({ message });
    const res = await fetch(`${h.relayer.url}/api/siwe/verify`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ message, signature }),
    });
    assert.equal(res.status, 200, "signed in");
    return res.headers
      .getSetCookie()
      .find((c) => c.startsWith("pp_session="))!
      .split(";")[0];
  }
  const get = (path: string, cookie?: string, base = h.relayer.url) =>
    fetch(`${base}${path}`, { headers: cookie ? { cookie } : {} });

  it("the Booked events' amounts carry the taxes rounded to the cent", () => {
    const [first] = booked;
    assert.equal(first.amount, 2_460_000n);
    assert.equal(first.gst, tax(first.amount, 5_000n, 6));
    assert.equal(first.qst, tax(first.amount, 9_975n, 6));
    assert.ok(first.gst > 0n && first.qst > 0n);
  });

  it("a member sees their receipts and credit note, with the events' amounts, and no one else's", async () => {
    assert.equal((await get("/api/receipts")).status, 401);
    const cookie = await signIn(a().privateKey);
    const res = await get("/api/receipts", cookie);
    assert.equal(res.status, 200);
    const { documents } = (await res.json()) as { documents: Doc[] };
    assert.deepEqual(
      documents.map((d) => [d.id, d.kind]),
      [
        ["1-R-000001", "receipt"],
        ["1-R-000002", "receipt"],
        ["1-CN-000001", "credit_note"],
      ],
    );
    for (const [i, d] of documents.slice(0, 2).entries()) {
      const e = booked[i];
      assert.deepEqual(
        [d.passId, d.preTax, d.gst, d.qst, d.total, d.txHash],
        [String(e.passId), String(e.amount), String(e.gst), String(e.qst), String(e.amount + e.gst + e.qst), e.txHash],
      );
    }
    const note = documents[2];
    assert.deepEqual(
      [note.preTax, note.gst, note.qst, note.total, note.txHash],
      [
        String(cancelled.refund),
        String(cancelled.gstRefund),
        String(cancelled.qstRefund),
        String(cancelled.refund + cancelled.gstRefund + cancelled.qstRefund),
        cancelled.txHash,
      ],
    );
    const other = await get("/api/receipts/1-R-000003", cookie);
    // Another member's receipt answers exactly as a missing one: numbers cannot be enumerated.
    const missing = await get("/api/receipts/1-R-000099", cookie);
    assert.equal(other.status, 404, "another member's receipt");
    assert.equal(missing.status, 404);
    assert.deepEqual(await other.json(), await missing.json());
    assert.equal((await get("/api/receipts/1-R-000003/pdf", cookie)).status, 404);
    assert.equal((await get("/api/receipts/..%2F1", cookie)).status, 400);
    assert.equal((await get("/api/venues/1/receipts.csv", cookie)).status, 403, "a member is not the operator");
  });

  it("serves the receipt PDF, which reads back with the seller, window and totals", async () => {
    const cookie = await signIn(a().privateKey);
    const res = await get("/api/receipts/1-R-000001/pdf?lang=fr", cookie);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("content-type"), "application/pdf");
    const { lines } = await pdfText(Buffer.from(await res.arrayBuffer()));
    const e = booked[0];
    const cents = (x: bigint) => (Number(x / 10n ** 4n) / 100).toFixed(2).replace(".", ",");
    for (const line of [
      "Reçu 1-R-000001",
      "Café-Atelier Le Lab inc.",
      "Ressource | Salle Élise",
      "Fuseau horaire | America/Toronto",
      `Transaction | ${e.txHash}`,
      `Montant avant taxes | ${cents(e.amount)} tCAD`,
      `TPS | ${cents(e.gst)} tCAD`,
      `TVQ | ${cents(e.qst)} tCAD`,
      `Total | ${cents(e.amount + e.gst + e.qst)} tCAD`,
    ])
      assert.ok(lines.includes(line), `missing ${line} in\n${lines.join("\n")}`);
    assert.equal((await get("/api/receipts/1-R-000001/pdf?lang=de", cookie)).status, 400);
  });

  it("exports the venue's period as CSV whose totals equal the on-chain amounts", async () => {
    const cookie = await signIn(h.venue.operator.privateKey);
    const res = await get("/api/venues/1/receipts.csv", cookie);
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type") ?? "", /^text\/csv/);
    const rows = readCsv(await res.text());
    const col = (r: string[], name: string) => r[rows[0].indexOf(name)];
    const wei = (s: string) => units(s, 6);
    const total = (label: string) => rows.find((r) => r[0] === "total" && r[1] === label)!;
    const sum = (f: (x: (typeof booked)[number]) => bigint) => booked.reduce((s, x) => s + f(x), 0n);
    assert.equal(
      wei(col(total("sales"), "pre_tax")),
      sum((x) => x.amount),
    );
    assert.equal(
      wei(col(total("sales"), "gst")),
      sum((x) => x.gst),
    );
    assert.equal(
      wei(col(total("sales"), "qst")),
      sum((x) => x.qst),
    );
    assert.equal(wei(col(total("refunds"), "gst")), cancelled.gstRefund);
    assert.equal(wei(col(total("refunds"), "qst")), cancelled.qstRefund);
    assert.equal(wei(col(total("net"), "gst")), sum((x) => x.gst) - cancelled.gstRefund);
    assert.equal(rows.filter((r) => r[0] === "receipt").length, 3);
    // A period before the bookings is empty; bad bounds are refused.
    const empty = readCsv(await (await get("/api/venues/1/receipts.csv?from=0&to=1000", cookie)).text());
    assert.equal(empty.length, 1, "header only");
    assert.equal((await get("/api/venues/1/receipts.csv?from=2027-13-45", cookie)).status, 400);
    for (const impossible of ["2026-02-31", "2026-02-29", "2026-04-31"]) {
      const r = await get(`/api/venues/1/receipts.csv?from=${impossible}`, cookie);
      assert.equal(r.status, 400, impossible);
      assert.equal(((await r.json()) as ErrorBody).error.code, "bad_request");
    }
    assert.equal((await get("/api/venues/1/receipts.csv?from=2028-02-29", cookie)).status, 200, "a leap day");
    assert.equal((await get("/api/venues/1/receipts.csv?from=100&to=50", cookie)).status, 400);
    assert.equal((await get("/api/venues/99/receipts.csv", cookie)).status, 404);
    const json = (await (await get("/api/venues/1/receipts", cookie)).json()) as { documents: Doc[] };
    assert.equal(json.documents.length, 4, "the operator sees every document of the venue");
    assert.equal((await get("/api/receipts/1-R-000003", cookie)).status, 200, "the operator reads a member's receipt");
  });

  it("serves a private calendar feed that parses, carries the right instants, and dies when revoked, on every relayer", async () => {
    const cookie = await signIn(a().privateKey);
    const issued = await fetch(`${h.relayer.url}/api/calendar/feed`, { method: "POST", headers: { cookie } });
    assert.equal(issued.status, 200);
    const { path } = (await issued.json()) as { path: string };
    const feed = await get(path);
    assert.equal(feed.status, 200);
    assert.match(feed.headers.get("content-type") ?? "", /^text\/calendar/);
    const cal = new ICAL.Component(ICAL.parse(await feed.text()) as unknown[]);
    for (const tz of cal.getAllSubcomponents("vtimezone")) ICAL.TimezoneService.register(tz);
    try {
      const events = cal.getAllSubcomponents("vevent").map((v) => new ICAL.Event(v));
      assert.equal(
        events.length,
        1,
        "the member's one standing pass (the cancelled one and the other member's are not in it)",
      );
      assert.equal(events[0].startDate.toUnixTime(), slot0);
      assert.equal(events[0].endDate.toUnixTime(), slot0 + 2 * HOUR);
      assert.equal(events[0].summary, "Salle Élise — Le Lab");
      assert.equal(events[0].location, "12, rue Principale, Saint-Germain (Québec)");
      assert.equal(events[0].uid, `pass-${booked[0].passId}-chain-31337@passepartout`);
    } finally {
      ICAL.TimezoneService.reset();
    }
    assert.equal((await get(path, undefined, second.url)).status, 200, "another relayer of the fleet serves it");
    const tampered = path.replace(/\.([A-Za-z0-9_-])/, (_m, c: string) => `.${c === "A" ? "B" : "A"}`);
    const bad = await get(tampered);
    assert.equal(bad.status, 401);
    assert.equal(((await bad.json()) as ErrorBody).error.code, "feed_token_invalid");

    assert.equal((await fetch(`${h.relayer.url}/api/calendar/feed`, { method: "DELETE" })).status, 401);
    const revoke = await fetch(`${h.relayer.url}/api/calendar/feed`, { method: "DELETE", headers: { cookie } });
    assert.equal(revoke.status, 200);
    for (const base of [h.relayer.url, second.url]) {
      const refused = await get(path, undefined, base);
      assert.equal(refused.status, 403, `revoked on ${base}`);
      const body = (await refused.json()) as ErrorBody;
      assert.equal(body.error.code, "feed_token_revoked");
      assert.match(body.error.message, /revoked/);
    }
    // A new link works at once, even within the second of the revocation.
    const renewed = (await (
      await fetch(`${h.relayer.url}/api/calendar/feed`, { method: "POST", headers: { cookie } })
    ).json()) as { path: string };
    assert.notEqual(renewed.path, path);
    assert.equal((await get(renewed.path, undefined, second.url)).status, 200);
    assert.equal((await get(path)).status, 403, "the old one stays revoked");
    // Revoked again within the same second (the test clock stands still): the renewed link dies too.
    const again = await fetch(`${second.url}/api/calendar/feed`, { method: "DELETE", headers: { cookie } });
    assert.equal(again.status, 200);
    for (const base of [h.relayer.url, second.url])
      assert.equal((await get(renewed.path, undefined, base)).status, 403, `second revocation on ${base}`);
    const third = (await (
      await fetch(`${h.relayer.url}/api/calendar/feed`, { method: "POST", headers: { cookie } })
    ).json()) as { path: string };
    assert.equal((await get(third.path)).status, 200, "a link issued after both revocations works");
  });

  it("refuses an expired feed link", async () => {
    const cookie = await signIn(b().privateKey);
    const { path, expiresAt } = (await (
      await fetch(`${h.relayer.url}/api/calendar/feed`, { method: "POST", headers: { cookie } })
    ).json()) as { path: string; expiresAt: number };
    const saved = h.clock.now;
    h.clock.now = expiresAt;
    try {
      const res = await get(path);
      assert.equal(res.status, 401);
      assert.equal(((await res.json()) as ErrorBody).error.code, "feed_token_expired");
    } finally {
      h.clock.now = saved;
    }
  });

  it("lists a pass lent to the member while the loan lasts, ending with the loan", async () => {
    const guest = h.chain.accounts[4];
    const lent = booked[0].passId; // a's standing pass, [slot0, slot0 + 2 h)
    await h.p.write(a(), { functionName: "setUser", args: [lent, guest.address, BigInt(slot0 + HOUR)] });
    const cookie = await signIn(guest.privateKey);
    const { path } = (await (
      await fetch(`${h.relayer.url}/api/calendar/feed`, { method: "POST", headers: { cookie } })
    ).json()) as { path: string };
    const eventsOf = async () => {
      const res = await get(path);
      assert.equal(res.status, 200);
      const cal = new ICAL.Component(ICAL.parse(await res.text()) as unknown[]);
      return cal.getAllSubcomponents("vevent").map((v) => new ICAL.Event(v));
    };
    const saved = h.clock.now;
    try {
      h.clock.now = slot0 - 60;
      const events = await eventsOf();
      assert.equal(events.length, 1);
      assert.equal(events[0].uid, `pass-${lent}-chain-31337@passepartout`);
      assert.equal(events[0].startDate.toUnixTime(), slot0);
      assert.equal(events[0].endDate.toUnixTime(), slot0 + HOUR, "the event ends with the loan");
      h.clock.now = slot0 + HOUR; // the loan is over
      assert.equal((await eventsOf()).length, 0);
    } finally {
      h.clock.now = saved;
      await h.p.write(a(), { functionName: "setUser", args: [lent, ZERO_ADDRESS, 0n] });
    }
  });

  it("follows a reorg: a receipt whose block is gone disappears and its number goes to the next booking", async () => {
    const cookieB = await signIn(b().privateKey);
    const ids = async (cookie: string) =>
      ((await (await get("/api/receipts", cookie)).json()) as { documents: Doc[] }).documents.map((d) => d.id);
    const snapshot = await h.chain.rpc<string>("evm_snapshot");
    await book(b(), slot0 + 6 * HOUR, 1);
    assert.deepEqual(await ids(cookieB), ["1-R-000003", "1-R-000004"]);
    assert.equal(await h.chain.rpc("evm_revert", [snapshot]), true);
    for (let i = 0; i < 3; i++) await h.chain.rpc("evm_mine");
    booked.pop();
    await book(a(), slot0 + 7 * HOUR, 1);
    assert.deepEqual(await ids(cookieB), ["1-R-000003"], "the reorged booking's receipt is gone");
    const cookieA = await signIn(a().privateKey);
    const mine = ((await (await get("/api/receipts", cookieA)).json()) as { documents: Doc[] }).documents;
    const renumbered = mine.find((d) => d.id === "1-R-000004");
    assert.ok(renumbered, "the next booking takes the number");
    assert.equal(renumbered.txHash, booked[booked.length - 1].txHash);
  });
});
