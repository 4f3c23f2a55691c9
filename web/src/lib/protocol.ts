// What the dApp reads: lists (venues, resources, doors, policies, splits, passes, bookings,
// availability) from the relayer's read model (lib/readApi.ts), never by scanning the chain's logs;
// from the contract's views only what must be exact when a transaction is prepared (quote, refund,
// claimable, the pass being cancelled) and balances. Chain reads are typed by the generated
// `as const` ABI of protocol/abis.ts and leave in JSON-RPC batches.
import { getBalance, readContract } from "viem/actions";
import {
  createClient,
  defineChain,
  erc20Abi,
  getAddress,
  http,
  zeroAddress,
  type Address,
  type Chain,
  type Client,
} from "viem";
import { passepartoutAbi } from "../../../protocol/abis.ts";
import { sameAddress } from "../../../protocol/address.ts";
import type {
  Door as DoorStruct,
  PassepartoutAbi,
  RefundTier,
  Resource as ResourceStruct,
  Venue as VenueStruct,
} from "../../../protocol/types.ts";
import type { RuntimeConfig } from "./config.ts";
import { ETH, type Currency } from "./money.ts";
import { readMetadata, validTimeZone, type ResourceMeta, type VenueMeta } from "./metadata.ts";
import type { Booking, MemberPass, VenueTaxes } from "../../../protocol/api/read.ts";
import { makeReadApi, type ApiDoor, type ApiResource, type ApiVenue, type ReadApi, type Revenue } from "./readApi.ts";

/** A venue as the app shows it: the contract's struct, its id and its decoded metadata. */
export type Venue = VenueStruct & {
  id: number;
  meta: VenueMeta;
  timeZone: string;
  payees: readonly Address[];
  /** Who claimTaxes pays (the zero address before the venue sets a tax profile). */
  taxPayee: Address;
  /** The longest offline door pass its operator set on chain (1–24 h); null when unset. */
  doorPassMaxHours: number | null;
};

/** A resource as the app shows it: the contract's struct, its id and its decoded metadata. */
export type Resource = ResourceStruct & { id: number; meta: ResourceMeta };

export type Door = DoorStruct & { id: number };

/** One booking of a venue as the read API lists it: a standing pass or a cancellation. */
export type { Booking };

export type Protocol = {
  config: RuntimeConfig;
  chain: Chain;
  client: Client;
  address: Address;
  /** Spread into viem's contract actions: `{ ...p.contract, functionName, args }`. */
  contract: { address: Address; abi: PassepartoutAbi };
  /** The relayer's read model. */
  api: ReadApi;
  testToken: Address | null;
};

export function makeChain(config: RuntimeConfig): Chain {
  return defineChain({
    id: config.chainId,
    name: config.chainName,
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [config.rpcUrl] } },
  });
}

export function makeProtocol(config: RuntimeConfig): Protocol {
  const chain = makeChain(config);
  const { Passepartout, TestCAD } = config.deployments.contracts;
  return {
    config,
    chain,
    // The reads a page fires together leave in one JSON-RPC batch.
    client: createClient({ chain, transport: http(config.rpcUrl, { batch: { wait: 10 } }), pollingInterval: 1000 }),
    address: Passepartout.address,
    contract: { address: Passepartout.address, abi: passepartoutAbi },
    api: makeReadApi(config.relayerUrl),
    testToken: TestCAD?.address ?? null,
  };
}

// --- venues, resources, doors (the read model) ------------------------------------------------

function toDoor(d: ApiDoor): Door {
  return { id: d.id, venueId: d.venueId, allResources: d.allResources, active: d.active, lockKey: d.lockKey };
}

async function toVenue(v: ApiVenue): Promise<Venue> {
  const meta = await readMetadata<VenueMeta>(v.metadataURI);
  return {
    id: v.id,
    operator: v.operator,
    pendingOperator: v.pendingOperator,
    splitId: v.splitId,
    paused: v.paused,
    name: v.name,
    metadataURI: v.metadataURI,
    payees: v.payees,
    taxPayee: v.taxPayee,
    doorPassMaxHours: v.doorPassMaxHours,
    meta,
    timeZone: validTimeZone(meta.timezone ?? meta.timeZone),
  };
}

const withMeta = async (r: ApiResource): Promise<Resource> => ({
  ...r,
  meta: await readMetadata<ResourceMeta>(r.metadataURI),
});

/**
 * One /api/venues answer serves the venues, resources and doors hooks of a page: shared while it is
 * in flight and for a second after (keyed by the read floor, so a new transaction reads anew).
 */
let snapshot: { at: number; floor: number; answer: Promise<ApiVenue[]> } | null = null;
function venuesSnapshot(p: Protocol): Promise<ApiVenue[]> {
  const floor = p.api.floor();
  if (snapshot && snapshot.floor === floor && Date.now() - snapshot.at < 1000) return snapshot.answer;
  const answer = p.api.venues();
  const entry = { at: Number.POSITIVE_INFINITY, floor, answer }; // fresh while in flight
  snapshot = entry;
  answer.then(
    () => (entry.at = Date.now()),
    () => snapshot === entry && (snapshot = null),
  );
  return answer;
}

/** Starts the venues answer the first page will read (errors surface where it is read). */
export function prefetchVenues(p: Protocol): void {
  venuesSnapshot(p).catch(() => undefined);
}

export async function loadVenue(p: Protocol, id: number): Promise<Venue> {
  return toVenue(await p.api.venue(id));
}

export async function loadVenues(p: Protocol): Promise<Venue[]> {
  return Promise.all((await venuesSnapshot(p)).map(toVenue));
}

export async function loadResource(p: Protocol, id: number): Promise<Resource> {
  return withMeta(await p.api.resource(id));
}

export async function loadResources(p: Protocol, venueId?: number): Promise<Resource[]> {
  const venues = (await venuesSnapshot(p)).filter((v) => venueId === undefined || v.id === venueId);
  return Promise.all(venues.flatMap((v) => v.resources).map(withMeta));
}

/** Doors, each with the ids of the resources it admits. */
export async function loadDoors(p: Protocol, venueId?: number): Promise<(Door & { admits: number[] })[]> {
  const venues = (await venuesSnapshot(p)).filter((v) => venueId === undefined || v.id === venueId);
  return venues.flatMap((v) => v.doors).map((d) => ({ ...toDoor(d), admits: d.admits }));
}

/** Active doors that admit `resourceId`. */
export async function doorsFor(p: Protocol, resource: Resource): Promise<Door[]> {
  const venue = (await venuesSnapshot(p)).find((v) => v.id === resource.venueId);
  return (venue?.doors ?? []).filter((d) => d.active && d.admits.includes(resource.id)).map(toDoor);
}

/** A policy's tiers: immutable, so read once from the contract. */
export async function loadPolicy(p: Protocol, policyId: number): Promise<readonly RefundTier[]> {
  if (policyId === 0) return [];
  return readContract(p.client, { ...p.contract, functionName: "policy", args: [policyId] });
}

export async function loadPolicies(p: Protocol): Promise<{ id: number; tiers: readonly RefundTier[] }[]> {
  return p.api.policies();
}

export function loadRelayers(p: Protocol, venueId: number): Promise<Address[]> {
  return p.api.relayers(venueId);
}

// --- currencies ------------------------------------------------------------------------------

const currencyCache = new Map<string, Promise<Currency>>();

export function loadCurrency(p: Protocol, address: Address): Promise<Currency> {
  if (sameAddress(address, zeroAddress)) return Promise.resolve(ETH);
  const key = address.toLowerCase();
  let c = currencyCache.get(key);
  if (!c) {
    c = (async () => {
      const [symbol, decimals] = await Promise.all([
        readContract(p.client, { address, abi: erc20Abi, functionName: "symbol" }),
        readContract(p.client, { address, abi: erc20Abi, functionName: "decimals" }),
      ]);
      return { address, symbol, decimals };
    })();
    c.catch(() => currencyCache.delete(key));
    currencyCache.set(key, c);
  }
  return c;
}

/** ETH plus every ERC-20 the network allows. */
export async function loadCurrencies(p: Protocol): Promise<Currency[]> {
  const tokens = new Set<string>();
  for (const a of await p.api.currencies()) tokens.add(a.toLowerCase());
  if (p.testToken) tokens.add(p.testToken.toLowerCase());
  tokens.delete(zeroAddress);
  return [ETH, ...(await Promise.all([...tokens].map((t) => loadCurrency(p, getAddress(t)))))];
}

export async function balanceOf(p: Protocol, account: Address, currency: Address): Promise<bigint> {
  if (sameAddress(currency, zeroAddress)) return getBalance(p.client, { address: account });
  return readContract(p.client, { address: currency, abi: erc20Abi, functionName: "balanceOf", args: [account] });
}

// --- bookings and passes ---------------------------------------------------------------------

/** A venue's bookings, standing and cancelled (its operator's or a payee's session). */
export function loadBookings(p: Protocol, venueId: number): Promise<Booking[]> {
  return p.api.bookings(venueId);
}

/** A venue's revenue per currency and per local day of use, as the relayer computes it. */
export function loadRevenue(p: Protocol, venueId: number): Promise<Revenue> {
  return p.api.revenue(venueId);
}

/** Booked units per hour slot of `[from, to)` (slot start → count), from the relayer's availability. */
export async function loadOccupancy(p: Protocol, r: Resource, from: number, to: number): Promise<Map<number, number>> {
  const MAX = 62 * 24 * 3600; // the read API's longest range
  const chunks: [number, number][] = [];
  for (let a = from; a < to; a += MAX) chunks.push([a, Math.min(to, a + MAX)]);
  const answers = await Promise.all(chunks.map(([a, b]) => p.api.availability(r.id, a, b)));
  const counts = new Map<number, number>();
  for (const av of answers)
    av.free.forEach((free, i) => {
      const taken = av.units - free;
      if (taken > 0) counts.set(av.from + i * av.slotSeconds, taken);
    });
  return counts;
}

/**
 * Passes the account holds now, passes lent to it, and its cancelled bookings (refunded to it),
 * from the read model: needs the member's SIWE session.
 */
export function loadPassesOf(p: Protocol, account: Address): Promise<MemberPass[]> {
  return p.api.passes(account);
}

export type Split = { id: number; venueId: number; payees: readonly Address[]; sharesBps: readonly number[] };

export async function loadSplits(p: Protocol, venueId: number): Promise<Split[]> {
  return p.api.splits(venueId);
}

export function claimable(p: Protocol, splitId: number, currency: Address, index: number): Promise<bigint> {
  return readContract(p.client, { ...p.contract, functionName: "claimable", args: [splitId, currency, index] });
}

export function claimableFees(p: Protocol, splitId: number, currency: Address): Promise<bigint> {
  return readContract(p.client, { ...p.contract, functionName: "claimableFees", args: [splitId, currency] });
}

export type { VenueTaxes };

/** A venue's GST and QST per currency, from the read model (its operator's, a payee's or its tax payee's session). */
export function loadTaxes(p: Protocol, venueId: number): Promise<VenueTaxes[]> {
  return p.api.taxes(venueId);
}

/** What {claimTaxes} would pay the venue's tax payee now from a split's tax pool (the contract's taxPool). */
export async function claimableTaxes(p: Protocol, splitId: number, currency: Address): Promise<bigint> {
  const [gst, qst, claimed] = await readContract(p.client, {
    ...p.contract,
    functionName: "taxPool",
    args: [splitId, currency],
  });
  return gst + qst - claimed;
}

export type Quote = { preTax: bigint; gst: bigint; qst: bigint; total: bigint };

/** {quote} in parts: pre-tax price, GST and QST (0 for an untaxed venue), total. */
export async function quoteBreakdown(p: Protocol, resourceId: number, start: number, end: number): Promise<Quote> {
  const [preTax, gst, qst, total] = await readContract(p.client, {
    ...p.contract,
    functionName: "quoteBreakdown",
    args: [resourceId, BigInt(start), BigInt(end)],
  });
  return { preTax, gst, qst, total };
}

export function refundAt(p: Protocol, passId: bigint, at: number): Promise<bigint> {
  return readContract(p.client, { ...p.contract, functionName: "refundAt", args: [passId, BigInt(at)] });
}

/** `unit` for {book} that picks the lowest free unit (IPassepartoutBase: `unit == 65535`, ANY_UNIT,
 * an internal constant the contract does not expose as a view). */
export const ANY_UNIT = 0xffff;
