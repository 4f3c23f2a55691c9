// Reads of the protocol contract: state through its views, lists through its events (ids are
// whatever the contract assigns). The ABI and address come from the deployments in config.json.
import { getBalance, getContractEvents, readContract } from "viem/actions";
import {
  createClient,
  defineChain,
  erc20Abi,
  getAddress,
  http,
  zeroAddress,
  type Abi,
  type Address,
  type Chain,
  type Client,
} from "viem";
import type { RuntimeConfig } from "./config.ts";
import { ETH, type Currency } from "./money.ts";
import { readMetadata, validTimeZone, type ResourceMeta, type VenueMeta } from "./metadata.ts";
import type { RefundTier } from "./policy.ts";
import type { PassInfo } from "./passes.ts";

export type Venue = {
  id: number;
  operator: Address;
  pendingOperator: Address;
  splitId: number;
  paused: boolean;
  name: string;
  metadataURI: string;
  meta: VenueMeta;
  timeZone: string;
};

export type Resource = {
  id: number;
  venueId: number;
  units: number;
  kind: number;
  transferable: boolean;
  currency: Address;
  pricePerHour: bigint;
  pricePerDay: bigint;
  pricePerMonth: bigint;
  minHours: number;
  maxHours: number;
  horizonHours: number;
  graceSeconds: number;
  policyId: number;
  name: string;
  metadataURI: string;
  meta: ResourceMeta;
};

export type Door = { id: number; venueId: number; allResources: boolean; active: boolean; lockKey: Address };

export type Booking = {
  passId: bigint;
  resourceId: number;
  holder: Address;
  unit: number;
  start: number;
  end: number;
  currency: Address;
  amount: bigint;
  splitId: number;
  releaseTime: number;
  blockNumber: bigint;
  cancelled: boolean;
  /** Kept by the payees when cancelled (policy penalty). */
  retained: bigint;
  settled: boolean;
};

export type Protocol = {
  config: RuntimeConfig;
  chain: Chain;
  client: Client;
  address: Address;
  /** Passepartout's ABI plus the token's errors, to decode any revert. */
  abi: Abi;
  fromBlock: bigint;
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
  const errorsOf = (abi: Abi | undefined) => (abi ?? []).filter((x) => x.type === "error");
  return {
    config,
    chain,
    client: createClient({ chain, transport: http(config.rpcUrl), pollingInterval: 1000 }),
    address: Passepartout.address,
    abi: [...Passepartout.abi, ...errorsOf(TestCAD?.abi)] as Abi,
    fromBlock: BigInt(config.deployments.deployBlock ?? 0),
    testToken: TestCAD?.address ?? null,
  };
}

// --- generic helpers -------------------------------------------------------------------------

type Rec = Record<string, unknown>;

export async function read<T>(p: Protocol, functionName: string, args: readonly unknown[] = []): Promise<T> {
  return (await readContract(p.client, { address: p.address, abi: p.abi, functionName, args } as never)) as T;
}

export async function events(p: Protocol, eventName: string, args?: Rec): Promise<{ args: Rec; blockNumber: bigint }[]> {
  const logs = await getContractEvents(p.client, {
    address: p.address,
    abi: p.abi,
    eventName,
    args,
    fromBlock: p.fromBlock,
    toBlock: "latest",
  } as never);
  return (logs as unknown as { args: Rec; blockNumber: bigint }[]).map((l) => ({ args: l.args, blockNumber: l.blockNumber }));
}

const uniq = (xs: number[]) => [...new Set(xs)].sort((a, b) => a - b);
const num = (x: unknown) => Number(x as bigint | number);

// --- venues, resources, doors ----------------------------------------------------------------

export async function loadVenue(p: Protocol, id: number): Promise<Venue> {
  const v = await read<Rec>(p, "venue", [id]);
  const meta = await readMetadata<VenueMeta>(String(v.metadataURI ?? ""));
  return {
    id,
    operator: v.operator as Address,
    pendingOperator: v.pendingOperator as Address,
    splitId: num(v.splitId),
    paused: Boolean(v.paused),
    name: String(v.name),
    metadataURI: String(v.metadataURI),
    meta,
    timeZone: validTimeZone(meta.timezone ?? meta.timeZone),
  };
}

export async function loadVenues(p: Protocol): Promise<Venue[]> {
  const ids = uniq((await events(p, "VenueCreated")).map((e) => num(e.args.venueId)));
  return Promise.all(ids.map((id) => loadVenue(p, id)));
}

function toResource(id: number, r: Rec, meta: ResourceMeta): Resource {
  return {
    id,
    venueId: num(r.venueId),
    units: num(r.units),
    kind: num(r.kind),
    transferable: Boolean(r.transferable),
    currency: r.currency as Address,
    pricePerHour: BigInt(r.pricePerHour as bigint),
    pricePerDay: BigInt(r.pricePerDay as bigint),
    pricePerMonth: BigInt(r.pricePerMonth as bigint),
    minHours: num(r.minHours),
    maxHours: num(r.maxHours),
    horizonHours: num(r.horizonHours),
    graceSeconds: num(r.graceSeconds),
    policyId: num(r.policyId),
    name: String(r.name),
    metadataURI: String(r.metadataURI),
    meta,
  };
}

export async function loadResource(p: Protocol, id: number): Promise<Resource> {
  const r = await read<Rec>(p, "resource", [id]);
  return toResource(id, r, await readMetadata<ResourceMeta>(String(r.metadataURI ?? "")));
}

export async function loadResources(p: Protocol, venueId?: number): Promise<Resource[]> {
  const evs = await events(p, "ResourceCreated", venueId === undefined ? undefined : { venueId });
  const ids = uniq(evs.map((e) => num(e.args.resourceId)));
  return Promise.all(ids.map((id) => loadResource(p, id)));
}

export async function loadDoors(p: Protocol, venueId?: number): Promise<Door[]> {
  const evs = await events(p, "DoorSet", venueId === undefined ? undefined : { venueId });
  const ids = uniq(evs.map((e) => num(e.args.doorId)));
  return Promise.all(
    ids.map(async (id) => {
      const d = await read<Rec>(p, "door", [id]);
      return {
        id,
        venueId: num(d.venueId),
        allResources: Boolean(d.allResources),
        active: Boolean(d.active),
        lockKey: d.lockKey as Address,
      };
    }),
  );
}

/** Active doors that admit `resourceId`. */
export async function doorsFor(p: Protocol, resource: Resource): Promise<Door[]> {
  const doors = (await loadDoors(p, resource.venueId)).filter((d) => d.active);
  const admits = await Promise.all(doors.map((d) => read<boolean>(p, "doorAdmits", [d.id, resource.id])));
  return doors.filter((_, i) => admits[i]);
}

export async function loadPolicy(p: Protocol, policyId: number): Promise<RefundTier[]> {
  if (policyId === 0) return [];
  const tiers = await read<Rec[]>(p, "policy", [policyId]);
  return tiers.map((t) => ({ secondsBeforeStart: num(t.secondsBeforeStart), refundBps: num(t.refundBps) }));
}

export async function loadPolicies(p: Protocol): Promise<{ id: number; tiers: RefundTier[] }[]> {
  const evs = await events(p, "PolicyCreated");
  return evs.map((e) => ({
    id: num(e.args.policyId),
    tiers: (e.args.tiers as Rec[]).map((t) => ({ secondsBeforeStart: num(t.secondsBeforeStart), refundBps: num(t.refundBps) })),
  }));
}

export async function loadRelayers(p: Protocol, venueId: number): Promise<Address[]> {
  const evs = await events(p, "RelayerTrustSet", { venueId });
  const state = new Map<string, boolean>();
  for (const e of evs) state.set(String(e.args.relayer), Boolean(e.args.trusted));
  return [...state].filter(([, trusted]) => trusted).map(([a]) => a as Address);
}

// --- currencies ------------------------------------------------------------------------------

const currencyCache = new Map<string, Promise<Currency>>();

export function loadCurrency(p: Protocol, address: Address): Promise<Currency> {
  if (address.toLowerCase() === zeroAddress) return Promise.resolve(ETH);
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

/** ETH plus every ERC-20 the admin ever allowed. */
export async function loadCurrencies(p: Protocol): Promise<Currency[]> {
  const evs = await events(p, "CurrencyAllowed");
  const tokens = new Set<string>();
  for (const e of evs) tokens.add(String(e.args.currency).toLowerCase());
  if (p.testToken) tokens.add(p.testToken.toLowerCase());
  tokens.delete(zeroAddress);
  return [ETH, ...(await Promise.all([...tokens].map((t) => loadCurrency(p, getAddress(t)))))];
}

export async function balanceOf(p: Protocol, account: Address, currency: Address): Promise<bigint> {
  if (currency.toLowerCase() === zeroAddress) return getBalance(p.client, { address: account });
  return readContract(p.client, { address: currency, abi: erc20Abi, functionName: "balanceOf", args: [account] });
}

// --- bookings and passes ---------------------------------------------------------------------

export async function loadBookings(p: Protocol, resourceIds?: number[]): Promise<Booking[]> {
  const booked =
    resourceIds === undefined
      ? await events(p, "Booked")
      : (await Promise.all(resourceIds.map((resourceId) => events(p, "Booked", { resourceId })))).flat();
  const [cancelledEvs, settledEvs] = await Promise.all([events(p, "Cancelled"), events(p, "Settled")]);
  const cancelled = new Map(cancelledEvs.map((e) => [String(e.args.passId), BigInt(e.args.retained as bigint)]));
  const settled = new Set(settledEvs.map((e) => String(e.args.passId)));
  const list = booked.map(({ args: a, blockNumber }) => ({
    passId: a.passId as bigint,
    resourceId: num(a.resourceId),
    holder: a.holder as Address,
    unit: num(a.unit),
    start: num(a.start),
    end: num(a.end),
    currency: a.currency as Address,
    amount: BigInt(a.amount as bigint),
    splitId: num(a.splitId),
    releaseTime: a.releaseTime === undefined ? Number.NaN : num(a.releaseTime),
    blockNumber,
    cancelled: cancelled.has(String(a.passId)),
    retained: cancelled.get(String(a.passId)) ?? 0n,
    settled: settled.has(String(a.passId)),
  }));
  // The Booked event does not carry the release time: read it for the bookings still in escrow.
  await Promise.all(
    list
      .filter((b) => Number.isNaN(b.releaseTime) && !b.cancelled && !b.settled)
      .map(async (b) => {
        b.releaseTime = num((await read<Rec>(p, "pass", [b.passId])).releaseTime);
      }),
  );
  return list;
}

/** Booked units per hour slot of `[from, to)` (slot index → count). */
export function occupancy(bookings: readonly Booking[], from: number, to: number): Map<number, number> {
  const counts = new Map<number, number>();
  for (const b of bookings) {
    if (b.cancelled || b.end <= from || b.start >= to) continue;
    for (let t = Math.max(b.start, from); t < Math.min(b.end, to); t += 3600) counts.set(t, (counts.get(t) ?? 0) + 1);
  }
  return counts;
}

export async function loadPass(p: Protocol, id: bigint, viewer?: Address): Promise<PassInfo | null> {
  let raw: Rec;
  try {
    raw = await read<Rec>(p, "pass", [id]);
  } catch {
    return null; // burned (cancelled) or unknown
  }
  if (!raw || (raw.holder as string).toLowerCase() === zeroAddress) return null;
  const [guest, expires] = await Promise.all([read<Address>(p, "userOf", [id]), read<bigint>(p, "userExpires", [id])]);
  const holder = raw.holder as Address;
  const hasGuest = guest.toLowerCase() !== zeroAddress;
  return {
    id,
    holder,
    resourceId: num(raw.resourceId),
    unit: num(raw.unit),
    start: num(raw.start),
    end: num(raw.end),
    currency: raw.currency as Address,
    amount: BigInt(raw.amount as bigint),
    policyId: num(raw.policyId),
    releaseTime: num(raw.releaseTime),
    settled: Boolean(raw.settled),
    guest: hasGuest ? guest : null,
    guestExpires: Number(expires),
    asGuest: viewer !== undefined && holder.toLowerCase() !== viewer.toLowerCase(),
    cancelled: null,
  };
}

/** The Booked events of `ids` by pass id: what was paid stays there after settlement or a burn. */
async function bookedEvents(p: Protocol, ids: bigint[]): Promise<Map<string, Rec>> {
  if (ids.length === 0) return new Map();
  const evs = await events(p, "Booked", { passId: ids });
  return new Map(evs.map((e) => [String(e.args.passId), e.args]));
}

/**
 * Passes the account holds now, passes lent to it, and its cancelled bookings (refunded to it),
 * each with the amount paid as the Booked event recorded it: the pass's escrow reads 0 once settled.
 */
export async function loadPassesOf(p: Protocol, account: Address): Promise<PassInfo[]> {
  const [received, lent, cancels] = await Promise.all([
    events(p, "Transfer", { to: account }),
    events(p, "UpdateUser", { user: account }),
    events(p, "Cancelled"),
  ]);
  const me = account.toLowerCase();
  const ids = [...new Set([...received, ...lent].map((e) => String(e.args.tokenId)))].map((x) => BigInt(x));
  const mine = cancels.filter((e) => String(e.args.refundTo).toLowerCase() === me);
  const [passes, booked] = await Promise.all([
    Promise.all(ids.map((id) => loadPass(p, id, account))),
    bookedEvents(p, [...ids, ...mine.map((e) => e.args.passId as bigint)]),
  ]);
  const live = passes.filter((x): x is PassInfo => x !== null && (x.holder.toLowerCase() === me || x.guest?.toLowerCase() === me));
  for (const pass of live) {
    const b = booked.get(pass.id.toString());
    if (b) pass.amount = BigInt(b.amount as bigint);
  }
  const cancelled: PassInfo[] = [];
  for (const e of mine) {
    const b = booked.get(String(e.args.passId));
    if (!b) continue;
    cancelled.push({
      id: e.args.passId as bigint,
      holder: account,
      resourceId: num(b.resourceId),
      unit: num(b.unit),
      start: num(b.start),
      end: num(b.end),
      currency: b.currency as Address,
      amount: BigInt(b.amount as bigint),
      policyId: 0,
      releaseTime: 0,
      settled: false,
      guest: null,
      guestExpires: 0,
      asGuest: false,
      cancelled: { refund: BigInt(e.args.refund as bigint), byOperator: Boolean(e.args.byOperator) },
    });
  }
  return [...live, ...cancelled];
}

export type Split = { id: number; venueId: number; payees: Address[]; sharesBps: number[] };

export async function loadSplits(p: Protocol, venueId: number): Promise<Split[]> {
  const evs = await events(p, "SplitCreated", { venueId });
  return evs.map((e) => ({
    id: num(e.args.splitId),
    venueId,
    payees: e.args.payees as Address[],
    sharesBps: (e.args.sharesBps as number[]).map(Number),
  }));
}
