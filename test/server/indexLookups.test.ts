// The index's lookups (bookings by member and by venue, standing passes per resource and slot) are
// kept up to date by each table change, never rebuilt on read. Property: after any sequence of
// protocol events, synced through the real sync engine in pages, and after a reorg that replaces
// the newest blocks, the incremental lookups equal a from-scratch rebuild from the tables; a
// rollback restores the lookups (and tables) of the block it rolls back to exactly; and the index
// equals one that synced the new chain from scratch.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { encodeAbiParameters, encodeEventTopics, pad, toHex, type Log, type PublicClient } from "viem";
import { passepartoutAbi } from "../../protocol/abis.ts";
import type { Hex } from "../../protocol/types.ts";
import { ChainIndex } from "../../server/index/chainIndex.ts";
import { BookingLookups, SlotCounts } from "../../server/index/lookups.ts";
import type { IndexProjection } from "../../server/index/projection.ts";

const CONTRACT: Hex = "0x00000000000000000000000000000000000000c0";
const ZERO: Hex = "0x0000000000000000000000000000000000000000";
const HOUR = 3600;
const MEMBERS: Hex[] = [1, 2, 3, 4].map((i) => pad(toHex(0xa0 + i), { size: 20 }));
const VENUES = [1, 2];
const SPONSOR: Hex = pad(toHex(0xbb), { size: 20 });

type AbiEvent = Extract<(typeof passepartoutAbi)[number], { type: "event" }>;
type Event = { name: AbiEvent["name"]; args: Record<string, unknown> };

/** A log as eth_getLogs returns it, ABI-encoded from the generated ABI. */
function encodeLog(ev: Event, block: number, blockHash: Hex, logIndex: number): Log {
  const abiEvent = passepartoutAbi.find((x): x is AbiEvent => x.type === "event" && x.name === ev.name)!;
  const indexed = Object.fromEntries(abiEvent.inputs.filter((i) => i.indexed).map((i) => [i.name, ev.args[i.name]]));
  const topics = encodeEventTopics({ abi: [abiEvent], eventName: abiEvent.name, args: indexed });
  const rest = abiEvent.inputs.filter((i) => !i.indexed);
  const data = encodeAbiParameters(rest, rest.map((i) => ev.args[i.name]) as never);
  return {
    address: CONTRACT,
    topics,
    data,
    blockNumber: BigInt(block),
    blockHash,
    logIndex,
    transactionHash: pad(toHex(block * 1000 + logIndex), { size: 32 }),
    transactionIndex: 0,
    removed: false,
  } as unknown as Log;
}

const resourceParams = (units: number) => ({
  name: "r",
  metadataURI: "",
  kind: 0,
  units,
  currency: ZERO,
  pricePerHour: 1n,
  pricePerDay: 10n,
  pricePerMonth: 100n,
  minHours: 1,
  maxHours: 720,
  horizonHours: 10_000,
  graceSeconds: 0,
  policyId: 0,
  transferable: true,
  followsOpeningHours: false,
});
const resourceEvent = (name: "ResourceCreated" | "ResourceUpdated", id: number, venueId: number): Event => ({
  name,
  args: { resourceId: id, venueId, params: resourceParams(2) },
});

/** What a random step does (indices pick among existing passes, members, resources, venues). */
type Op =
  | { op: "book"; resource: number; holder: number; startHour: number; hours: number; fee: bigint }
  | { op: "transfer"; pass: number; to: number }
  | { op: "lend"; pass: number; guest: number; expires: number }
  | { op: "cancel"; pass: number; byOperator: boolean; fee: bigint }
  | { op: "settle"; pass: number }
  | { op: "moveResource"; resource: number; venue: number }
  | { op: "taxProfile"; venue: number; payee: number }
  | { op: "claimTaxes"; payee: number }
  | { op: "block" };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      op: fc.constant("book" as const),
      resource: fc.nat(2),
      holder: fc.nat(3),
      startHour: fc.nat(96),
      hours: fc.integer({ min: 1, max: 60 }),
      fee: fc.constantFrom(0n, 250_000n), // a gasless booking's sponsor fee (SponsorFeePaid)
    }),
  },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("transfer" as const), pass: fc.nat(40), to: fc.nat(3) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant("lend" as const),
      pass: fc.nat(40),
      guest: fc.nat(4),
      expires: fc.nat(200 * HOUR),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant("cancel" as const),
      pass: fc.nat(40),
      byOperator: fc.boolean(),
      fee: fc.constantFrom(0n, 200_000n),
    }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("settle" as const), pass: fc.nat(40) }) },
  {
    weight: 1,
    arbitrary: fc.record({ op: fc.constant("moveResource" as const), resource: fc.nat(2), venue: fc.nat(1) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ op: fc.constant("taxProfile" as const), venue: fc.nat(1), payee: fc.nat(3) }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("claimTaxes" as const), payee: fc.nat(3) }) },
  { weight: 3, arbitrary: fc.constant({ op: "block" as const }) },
);

/**
 * Turns steps into blocks of events the contract could emit, continuing from `state`; with the
 * state after each block (`after[i]`: after `blocks[i]`).
 */
type SimState = { nextPass: bigint; passes: { id: bigint; holder: Hex }[] };
const copy = (s: SimState): SimState => ({ nextPass: s.nextPass, passes: s.passes.map((p) => ({ ...p })) });
function simulate(ops: Op[], state: SimState): { blocks: Event[][]; after: SimState[] } {
  const blocks: Event[][] = [[]];
  const after: SimState[] = [];
  const emit = (e: Event) => blocks[blocks.length - 1].push(e);
  for (const o of ops) {
    const pick = (i: number) => (state.passes.length ? state.passes[i % state.passes.length] : null);
    switch (o.op) {
      case "block":
        after.push(copy(state));
        blocks.push([]);
        break;
      case "book": {
        const id = state.nextPass++;
        const holder = MEMBERS[o.holder];
        emit({ name: "Transfer", args: { from: ZERO, to: holder, tokenId: id } });
        emit({
          name: "Booked",
          args: {
            passId: id,
            resourceId: o.resource + 1,
            holder,
            payer: holder,
            unit: 0,
            start: BigInt(o.startHour * HOUR),
            end: BigInt((o.startHour + o.hours) * HOUR),
            currency: ZERO,
            amount: 100n,
            splitId: 0,
            gst: 5n,
            qst: 10n,
          },
        });
        if (o.fee)
          emit({ name: "SponsorFeePaid", args: { passId: id, sponsor: SPONSOR, fee: o.fee, onCancel: false } });
        state.passes.push({ id, holder });
        break;
      }
      case "transfer": {
        const p = pick(o.pass);
        if (!p) break;
        emit({ name: "Transfer", args: { from: p.holder, to: MEMBERS[o.to], tokenId: p.id } });
        p.holder = MEMBERS[o.to];
        break;
      }
      case "lend": {
        const p = pick(o.pass);
        if (p)
          emit({
            name: "UpdateUser",
            args: { tokenId: p.id, user: MEMBERS[o.guest] ?? ZERO, expires: BigInt(o.expires) },
          });
        break;
      }
      case "cancel": {
        const p = pick(o.pass);
        if (!p) break;
        emit({ name: "Transfer", args: { from: p.holder, to: ZERO, tokenId: p.id } });
        emit({
          name: "Cancelled",
          args: {
            passId: p.id,
            by: p.holder,
            byOperator: o.byOperator,
            refundTo: p.holder,
            refund: 50n,
            retained: 50n,
            gstRefund: 2n,
            qstRefund: 5n,
          },
        });
        if (o.fee && !o.byOperator)
          emit({ name: "SponsorFeePaid", args: { passId: p.id, sponsor: SPONSOR, fee: o.fee, onCancel: true } });
        state.passes.splice(state.passes.indexOf(p), 1);
        break;
      }
      case "settle": {
        const p = pick(o.pass);
        if (p) emit({ name: "Settled", args: { passId: p.id, fee: 1n, gst: 5n, qst: 10n } });
        break;
      }
      case "moveResource":
        emit(resourceEvent("ResourceUpdated", o.resource + 1, VENUES[o.venue]));
        break;
      case "taxProfile":
        emit({
          name: "VenueTaxProfileSet",
          args: {
            venueId: VENUES[o.venue],
            profile: {
              legalName: "l",
              postalAddress: "a",
              gstNumber: "",
              qstNumber: "",
              taxPayee: MEMBERS[o.payee],
              taxable: true,
            },
          },
        });
        break;
      case "claimTaxes":
        // The amount is not read: the index pays out what its tax table holds as settled.
        emit({ name: "TaxesClaimed", args: { splitId: 0, currency: ZERO, taxPayee: MEMBERS[o.payee], amount: 1n } });
        break;
    }
  }
  after.push(copy(state));
  return { blocks, after };
}

/** A chain of blocks 1..n; block 1 sets up the venues and resources. Fork `f` gives other hashes. */
class FakeChain {
  readonly blocks: { hash: Hex; logs: Log[] }[] = [];
  add(events: Event[], fork: number): void {
    const n = this.blocks.length + 1;
    const hash = pad(toHex(fork * 1_000_000 + n), { size: 32 });
    this.blocks.push({ hash, logs: events.map((e, i) => encodeLog(e, n, hash, i)) });
  }
  /** The first `n` blocks of this chain, to be continued on another fork. */
  prefix(n: number): FakeChain {
    const c = new FakeChain();
    c.blocks.push(...this.blocks.slice(0, n));
    return c;
  }
}

/** An index reading `chain()` (the current chain, swapped to simulate a reorg) in pages of 3 blocks. */
function indexOn(chain: () => FakeChain): ChainIndex {
  return new ChainIndex({
    client: {} as PublicClient,
    contract: CONTRACT,
    deployBlock: 1,
    source: {
      readLogs: (from, maxTo) => {
        const to = Math.min(maxTo, from + 2);
        return Promise.resolve({
          to,
          logs: chain()
            .blocks.slice(from - 1, to)
            .flatMap((b) => b.logs),
        });
      },
      blockHash: (n) => Promise.resolve(chain().blocks[n - 1]?.hash ?? null),
    },
    latestBlock: () => {
      const c = chain();
      return Promise.resolve({ number: BigInt(c.blocks.length), hash: c.blocks[c.blocks.length - 1].hash });
    },
    onError: (err) => {
      throw err;
    },
  });
}

/** The lookups' content, lists in their order (the objects they point to compared by value). */
function view(p: IndexProjection, { bookings, slots } = p.lookups()) {
  const lists = <K>(
    m: ReadonlyMap<K, readonly { start: number; id: bigint; pass: unknown; cancellation: unknown }[]>,
  ) =>
    [...m.entries()]
      .map(([k, list]) => [String(k), list.map((b) => [b.start, b.id, b.pass ?? b.cancellation])] as const)
      .sort((a, b) => a[0].localeCompare(b[0]));
  return {
    byMember: lists(bookings.byMember),
    byVenue: lists(bookings.byVenue),
    slots: [...slots.entries()].sort((a, b) => a[0].localeCompare(b[0])),
  };
}

/** The same lookups computed from scratch from the tables. */
function rebuiltView(p: IndexProjection) {
  const bookings = new BookingLookups(
    (id) => p.resources.get(id)?.venueId,
    () => [
      ...[...p.passes.values()].map((x) => ({ start: x.start, id: x.id, pass: x, cancellation: null })),
      ...[...p.cancellations.values()].map((c) => ({ start: c.start, id: c.id, pass: null, cancellation: c })),
    ],
  );
  bookings.rebuild();
  const slots = new SlotCounts();
  slots.rebuild(p.passes.values());
  return view(p, { bookings, slots });
}

function tables(p: IndexProjection) {
  return p.tables.map((t) => [t.name, [...t.map.entries()].sort((a, b) => String(a[0]).localeCompare(String(b[0])))]);
}

const setup: Event[] = [
  ...VENUES.map((v) => ({
    name: "VenueCreated" as const,
    args: { venueId: v, operator: MEMBERS[0], name: "v", metadataURI: "" },
  })),
  resourceEvent("ResourceCreated", 1, 1),
  resourceEvent("ResourceCreated", 2, 2),
  resourceEvent("ResourceCreated", 3, 1),
];

describe("index lookups", () => {
  it("equal a from-scratch rebuild after random events and a reorg, and a rollback restores them exactly", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(opArb, { minLength: 1, maxLength: 60 }),
        fc.array(opArb, { maxLength: 40 }),
        fc.nat(),
        async (opsA, opsB, cut) => {
          const initial: SimState = { nextPass: 1n, passes: [] };
          const simA = simulate(opsA, copy(initial));
          const a = new FakeChain();
          a.add(setup, 1);
          for (const b of simA.blocks) a.add(b, 1);
          // The fork point: a block of A after the set-up; B continues from there with other events.
          const k = 1 + (cut % a.blocks.length);
          let current = a.prefix(k);
          const index = indexOn(() => current);
          await index.poll();
          assert.deepEqual(view(index.projection), rebuiltView(index.projection));
          const atK = { lookups: view(index.projection), tables: tables(index.projection) };

          current = a;
          await index.poll();
          assert.equal(index.tip, a.blocks.length);
          assert.deepEqual(view(index.projection), rebuiltView(index.projection), "after chain A");
          const taxes = index.projection.taxes.get("0:" + ZERO);
          if (taxes) assert.ok(taxes.gstClaimed <= taxes.gstSettled, "claims pay out settled taxes only");

          // Reorg: blocks after k replaced by B's (possibly none: the chain went back to block k).
          // B's events continue from the contract's state at block k (block 1 is the set-up).
          const b = a.prefix(k);
          const blocksB = opsB.length ? simulate(opsB, copy(k === 1 ? initial : simA.after[k - 2])).blocks : [];
          for (const events of blocksB) b.add(events, 2);
          current = b;
          await index.poll();
          assert.equal(index.tip, b.blocks.length);
          if (blocksB.length === 0) {
            assert.deepEqual(view(index.projection), atK.lookups, "the rollback restored the lookups of block k");
            assert.deepEqual(tables(index.projection), atK.tables, "and the tables");
          }
          assert.deepEqual(view(index.projection), rebuiltView(index.projection), "after the reorg");
          assert.ok(index.reorgs >= 1 || b.blocks.length >= a.blocks.length);

          const fresh = indexOn(() => b);
          await fresh.poll();
          assert.deepEqual(tables(index.projection), tables(fresh.projection), "same tables as a fresh sync of B");
          assert.deepEqual(view(index.projection), view(fresh.projection), "same lookups as a fresh sync of B");
        },
      ),
      { numRuns: 150 },
    );
  });
});
