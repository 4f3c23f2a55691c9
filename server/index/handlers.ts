// The projection's event handlers: one per event of the Passepartout contract, each writing the
// tables (server/index/projection.ts) the way the contract's state changed. The sync engine
// (server/index/syncEngine.ts) calls them in chain order inside the block's undo journal; the
// lookups the queries read (server/index/lookups.ts) follow the tables by themselves.
//
// Adding an event: one handler here, keyed by the event's name (its arguments are typed by the
// generated ABI, so a field the contract drops fails the type check at the line that reads it),
// writing a table of projection.ts (a new table: one line there); and its query in chainIndex.ts,
// reading the table or a lookup that observes it. Nothing else changes: journal, rollback,
// persistence and snapshot cover every table.
import type { Log } from "viem";
import { decodeEventLog } from "viem";
import { passepartoutAbi } from "../../protocol/abis.ts";
import type { Hex } from "../../protocol/types.ts";
import {
  lower,
  releaseTimeOf,
  splitTaxesKey,
  TAX_FIGURES,
  ZERO,
  type LedgerPosition,
  type SplitTaxes,
  type VenueMoney,
} from "./model.ts";
import type { Tables } from "./projection.ts";

/** A log of the Passepartout address decoded with the generated ABI, or null if it is none of its events. */
export function decodePassepartoutLog(log: Log) {
  try {
    return decodeEventLog({ abi: passepartoutAbi, data: log.data, topics: log.topics, strict: true });
  } catch {
    return null;
  }
}

export type PassepartoutEvent = NonNullable<ReturnType<typeof decodePassepartoutLog>>;
export type EventName = PassepartoutEvent["eventName"];
/** Where the event sits: its block, its ledger position and the ledger key of that position. */
export type EventContext = { block: number; position: LedgerPosition; key: string };
export type ArgsOf<N extends EventName> = Extract<PassepartoutEvent, { eventName: N }>["args"];
export type EventHandler<N extends EventName> = (db: Tables, args: ArgsOf<N>, e: EventContext) => void;

function addMoney(db: Tables, venueId: number, currency: Hex, d: Partial<Omit<VenueMoney, "venueId" | "currency">>) {
  const key = `${venueId}:${currency}`;
  const m = db.money.get(key) ?? {
    venueId,
    currency,
    bookings: 0,
    booked: 0n,
    refunded: 0n,
    retained: 0n,
    settled: 0n,
    fees: 0n,
  };
  db.money.set(key, {
    ...m,
    bookings: m.bookings + (d.bookings ?? 0),
    booked: m.booked + (d.booked ?? 0n),
    refunded: m.refunded + (d.refunded ?? 0n),
    retained: m.retained + (d.retained ?? 0n),
    settled: m.settled + (d.settled ?? 0n),
    fees: m.fees + (d.fees ?? 0n),
  });
}

type TaxFigure = (typeof TAX_FIGURES)[number];

/** A split's taxes in a currency (zeros before its first taxed booking). */
function taxesOf(db: Tables, splitId: number, currency: Hex): SplitTaxes {
  const zero = Object.fromEntries(TAX_FIGURES.map((k) => [k, 0n])) as Record<TaxFigure, bigint>;
  return (
    db.taxes.get(splitTaxesKey(splitId, currency)) ?? {
      splitId,
      venueId: db.splits.get(splitId)?.venueId ?? -1,
      currency,
      ...zero,
    }
  );
}

function addTaxes(db: Tables, splitId: number, currency: Hex, d: Partial<Record<TaxFigure, bigint>>): void {
  if (!Object.values(d).some((v) => v !== 0n)) return; // an untaxed booking leaves no entry
  const t = { ...taxesOf(db, splitId, currency) };
  for (const k of TAX_FIGURES) t[k] += d[k] ?? 0n;
  db.taxes.set(splitTaxesKey(splitId, currency), t);
}

/** ResourceCreated and ResourceUpdated carry the whole resource. */
function resourceSet(db: Tables, a: ArgsOf<"ResourceCreated" | "ResourceUpdated">): void {
  const { resourceId: id, venueId, params: p } = a;
  db.resources.set(id, {
    id,
    venueId,
    name: p.name,
    kind: p.kind,
    units: p.units,
    currency: lower(p.currency),
    pricePerHour: String(p.pricePerHour),
    pricePerDay: String(p.pricePerDay),
    pricePerMonth: String(p.pricePerMonth),
    minHours: p.minHours,
    maxHours: p.maxHours,
    horizonHours: p.horizonHours,
    graceSeconds: p.graceSeconds,
    policyId: p.policyId,
    transferable: p.transferable,
    followsOpeningHours: p.followsOpeningHours,
    metadataURI: p.metadataURI,
  });
}

/** Event name → its handler. An event without one (ERC-721 approvals, ownership) changes nothing here. */
export const handlers: { readonly [N in EventName]?: EventHandler<N> } = {
  VenueCreated(db, a) {
    db.venues.set(a.venueId, {
      id: a.venueId,
      operator: lower(a.operator),
      pendingOperator: ZERO,
      splitId: 0,
      paused: false,
      name: a.name,
      metadataURI: a.metadataURI,
      taxPayee: ZERO,
      doorPassMaxHours: null,
    });
  },
  VenueUpdated(db, a) {
    const v = db.venues.get(a.venueId);
    if (v) db.venues.set(v.id, { ...v, name: a.name, metadataURI: a.metadataURI });
  },
  VenueOperatorChanged(db, a) {
    const v = db.venues.get(a.venueId);
    if (v) db.venues.set(v.id, { ...v, operator: lower(a.newOperator), pendingOperator: ZERO });
  },
  VenueOperatorProposed(db, a) {
    const v = db.venues.get(a.venueId);
    if (v) db.venues.set(v.id, { ...v, pendingOperator: lower(a.pendingOperator) });
  },
  VenuePauseChanged(db, a) {
    const v = db.venues.get(a.venueId);
    if (v) db.venues.set(v.id, { ...v, paused: a.paused });
  },
  SplitCreated(db, a) {
    db.splits.set(a.splitId, {
      id: a.splitId,
      venueId: a.venueId,
      payees: a.payees.map(lower),
      sharesBps: [...a.sharesBps],
    });
    const v = db.venues.get(a.venueId);
    if (v) db.venues.set(v.id, { ...v, splitId: a.splitId });
  },
  PolicyCreated(db, a) {
    db.policies.set(a.policyId, {
      id: a.policyId,
      tiers: a.tiers.map((t) => ({ secondsBeforeStart: t.secondsBeforeStart, refundBps: t.refundBps })),
    });
  },
  CurrencyAllowed(db, a) {
    const address = lower(a.currency);
    db.currencies.set(address, { address, allowed: a.allowed });
  },
  VenueTaxProfileSet(db, a, e) {
    const { venueId, profile: t } = a;
    db.ledger.set(e.key, {
      ...e.position,
      kind: "taxProfile",
      venueId,
      legalName: t.legalName,
      postalAddress: t.postalAddress,
      gstNumber: t.gstNumber,
      qstNumber: t.qstNumber,
      taxPayee: lower(t.taxPayee),
      taxable: t.taxable,
    });
    const v = db.venues.get(venueId);
    if (v) db.venues.set(v.id, { ...v, taxPayee: lower(t.taxPayee) });
  },
  ResourceCreated: (db, a) => resourceSet(db, a),
  ResourceUpdated: (db, a) => resourceSet(db, a),
  Booked(db, a, e) {
    const currency = lower(a.currency);
    const policyId = db.resources.get(a.resourceId)?.policyId ?? 0;
    // What the pass and its receipt both carry.
    const terms = {
      resourceId: a.resourceId,
      unit: a.unit,
      start: Number(a.start),
      end: Number(a.end),
      currency,
      amount: a.amount,
      gst: a.gst,
      qst: a.qst,
    };
    db.passes.set(a.passId, {
      id: a.passId,
      holder: lower(a.holder),
      ...terms,
      policyId,
      splitId: a.splitId,
      releaseTime: releaseTimeOf(Number(a.start), db.policies.get(policyId)),
      serviceFee: 0n, // SponsorFeePaid follows in the same transaction when sponsored
      settled: false,
      guest: null,
      guestExpires: 0,
      block: e.block,
    });
    const venueId = db.resources.get(a.resourceId)?.venueId;
    db.ledger.set(e.key, {
      ...e.position,
      kind: "booked",
      passId: a.passId,
      venueId: venueId ?? null,
      resourceName: db.resources.get(a.resourceId)?.name ?? "",
      holder: lower(a.holder),
      payer: lower(a.payer),
      ...terms,
    });
    // Pre-tax amounts throughout: the GST and QST of Booked, Cancelled and Settled are the venue's
    // tax pool, not its revenue.
    if (venueId !== undefined) addMoney(db, venueId, currency, { bookings: 1, booked: a.amount });
    addTaxes(db, a.splitId, currency, { gstCollected: a.gst, qstCollected: a.qst });
  },
  Cancelled(db, a, e) {
    db.ledger.set(e.key, {
      ...e.position,
      kind: "cancelled",
      passId: a.passId,
      by: lower(a.by),
      byOperator: a.byOperator,
      refundTo: lower(a.refundTo),
      refund: a.refund,
      retained: a.retained,
      gstRefund: a.gstRefund,
      qstRefund: a.qstRefund,
    });
    const p = db.passes.get(a.passId);
    if (p) {
      const venueId = db.resources.get(p.resourceId)?.venueId;
      if (venueId !== undefined) addMoney(db, venueId, p.currency, { refunded: a.refund, retained: a.retained });
      // As the contract: the taxes of the refund go back, those of a retained part go to the pool.
      addTaxes(db, p.splitId, p.currency, {
        gstRefunded: a.gstRefund,
        qstRefunded: a.qstRefund,
        ...(a.retained !== 0n ? { gstSettled: p.gst - a.gstRefund, qstSettled: p.qst - a.qstRefund } : {}),
      });
      db.passes.delete(p.id);
      const { id, resourceId, unit, start, end, currency, amount, gst, qst, serviceFee } = p;
      db.cancellations.set(p.id, {
        id,
        resourceId,
        unit,
        start,
        end,
        currency,
        amount,
        gst,
        qst,
        serviceFee,
        refundTo: lower(a.refundTo),
        byOperator: a.byOperator,
        refund: a.refund,
        retained: a.retained,
        gstRefund: a.gstRefund,
        qstRefund: a.qstRefund,
        refundServiceFee: 0n, // SponsorFeePaid follows in the same transaction when sponsored
        block: e.block,
      });
    }
  },
  SponsorFeePaid(db, a, e) {
    // Emitted after Booked (the pass stands) or after Cancelled (the pass is a cancellation now).
    db.ledger.set(e.key, {
      ...e.position,
      kind: "sponsorFee",
      passId: a.passId,
      sponsor: lower(a.sponsor),
      fee: a.fee,
      onCancel: a.onCancel,
    });
    if (a.onCancel) {
      const c = db.cancellations.get(a.passId);
      if (c) db.cancellations.set(c.id, { ...c, refundServiceFee: c.refundServiceFee + a.fee });
    } else {
      const p = db.passes.get(a.passId);
      if (p) db.passes.set(p.id, { ...p, serviceFee: p.serviceFee + a.fee });
    }
  },
  Settled(db, a, e) {
    db.ledger.set(e.key, { ...e.position, kind: "settled", passId: a.passId, fee: a.fee, gst: a.gst, qst: a.qst });
    const p = db.passes.get(a.passId);
    if (p) {
      db.passes.set(p.id, { ...p, settled: true });
      const venueId = db.resources.get(p.resourceId)?.venueId;
      // Settled(passId, fee): the whole escrow (the Booked amount) moves to the payees' pool.
      if (venueId !== undefined) addMoney(db, venueId, p.currency, { settled: p.amount, fees: a.fee });
      addTaxes(db, p.splitId, p.currency, { gstSettled: a.gst, qstSettled: a.qst });
    }
  },
  TaxesClaimed(db, a, e) {
    const currency = lower(a.currency);
    const t = taxesOf(db, a.splitId, currency);
    // claimTaxes pays everything settled and not yet claimed: GST and QST alike.
    db.taxes.set(splitTaxesKey(a.splitId, currency), { ...t, gstClaimed: t.gstSettled, qstClaimed: t.qstSettled });
    db.ledger.set(e.key, {
      ...e.position,
      kind: "taxesClaimed",
      splitId: a.splitId,
      venueId: db.splits.get(a.splitId)?.venueId ?? null,
      currency,
      taxPayee: lower(a.taxPayee),
      gst: t.gstSettled - t.gstClaimed,
      qst: t.qstSettled - t.qstClaimed,
    });
  },
  Transfer(db, a) {
    const to = lower(a.to);
    const p = db.passes.get(a.tokenId);
    if (!p) return; // a mint: Booked follows in the same transaction
    // A burn is a cancellation: `cancel` burns, then emits Cancelled, which retires the pass
    // (and needs its terms), so the burn itself only takes the pass from its holder.
    if (to === ZERO) db.passes.set(a.tokenId, { ...p, holder: ZERO, guest: null, guestExpires: 0 });
    else if (to !== p.holder) db.passes.set(a.tokenId, { ...p, holder: to, guest: null, guestExpires: 0 });
  },
  UpdateUser(db, a) {
    const p = db.passes.get(a.tokenId);
    if (p) {
      const user = lower(a.user);
      db.passes.set(p.id, { ...p, guest: user === ZERO ? null : user, guestExpires: Number(a.expires) });
    }
  },
  DoorSet(db, a) {
    db.doors.set(a.doorId, {
      id: a.doorId,
      venueId: a.venueId,
      allResources: a.allResources,
      active: a.active,
      lockKey: lower(a.lockKey),
    });
  },
  DoorResourceSet(db, a) {
    const key = `${a.doorId}:${a.resourceId}`;
    if (a.admitted) db.doorResources.set(key, true);
    else db.doorResources.delete(key);
  },
  DoorPassMaxHoursSet(db, a) {
    const v = db.venues.get(a.venueId);
    if (v) db.venues.set(v.id, { ...v, doorPassMaxHours: a.hours_ });
  },
  RelayerTrustSet(db, a) {
    const key = `${a.venueId}:${lower(a.relayer)}`;
    if (a.trusted) db.trustedRelayers.set(key, true);
    else db.trustedRelayers.delete(key);
  },
};
