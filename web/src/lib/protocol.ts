// Reads of the protocol contract: state through its views, lists through its events (ids are
// whatever the contract assigns). Every call is typed by the generated `as const` ABI of
// protocol/abis.ts; only the address (and the deploy block) come from config.json's deployments.
import { getBalance, getContractEvents, readContract } from "viem/actions";
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
  PassepartoutEventArgs,
  RefundTier,
  Resource as ResourceStruct,
  Venue as VenueStruct,
} from "../../../protocol/types.ts";
import type { RuntimeConfig } from "./config.ts";
import { ETH, type Currency } from "./money.ts";
import { readMetadata, validTimeZone, type ResourceMeta, type VenueMeta } from "./metadata.ts";
import type { PassInfo } from "./passes.ts";

/** A venue as the app shows it: the contract's struct, its id and its decoded metadata. */
export type Venue = VenueStruct & { id: number; meta: VenueMeta; timeZone: string };

/** A resource as the app shows it: the contract's struct, its id and its decoded metadata. */
export type Resource = ResourceStruct & { id: number; meta: ResourceMeta };

export type Door = DoorStruct & { id: number };

/** One booking as the operator's dashboard shows it: its Booked event, then Cancelled and Settled. */
export type Booking = Omit<PassepartoutEventArgs<"Booked">, "payer" | "start" | "end"> & {
  start: number;
  end: number;
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
  /** Spread into viem's contract actions: `{ ...p.contract, functionName, args }`. */
  contract: { address: Address; abi: PassepartoutAbi };
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
  return {
    config,
    chain,
    client: createClient({ chain, transport: http(config.rpcUrl), pollingInterval: 1000 }),
    address: Passepartout.address,
    contract: { address: Passepartout.address, abi: passepartoutAbi },
    fromBlock: BigInt(config.deployments.deployBlock ?? 0),
    testToken: TestCAD?.address ?? null,
  };
}

/** The block range of every event query: from the deployment to the chain's head. */
const range = (p: Protocol) => ({ fromBlock: p.fromBlock, toBlock: "latest" as const, strict: true as const });

const uniq = (xs: number[]) => [...new Set(xs)].sort((a, b) => a - b);

// --- venues, resources, doors ----------------------------------------------------------------

export async function loadVenue(p: Protocol, id: number): Promise<Venue> {
  const v = await readContract(p.client, { ...p.contract, functionName: "venue", args: [id] });
  const meta = await readMetadata<VenueMeta>(v.metadataURI);
  return { ...v, id, meta, timeZone: validTimeZone(meta.timezone ?? meta.timeZone) };
}

export async function loadVenues(p: Protocol): Promise<Venue[]> {
  const logs = await getContractEvents(p.client, { ...p.contract, eventName: "VenueCreated", ...range(p) });
  return Promise.all(uniq(logs.map((l) => l.args.venueId)).map((id) => loadVenue(p, id)));
}

export async function loadResource(p: Protocol, id: number): Promise<Resource> {
  const r = await readContract(p.client, { ...p.contract, functionName: "resource", args: [id] });
  return { ...r, id, meta: await readMetadata<ResourceMeta>(r.metadataURI) };
}

export async function loadResources(p: Protocol, venueId?: number): Promise<Resource[]> {
  const logs = await getContractEvents(p.client, {
    ...p.contract,
    eventName: "ResourceCreated",
    args: { venueId },
    ...range(p),
  });
  return Promise.all(uniq(logs.map((l) => l.args.resourceId)).map((id) => loadResource(p, id)));
}

export async function loadDoors(p: Protocol, venueId?: number): Promise<Door[]> {
  const logs = await getContractEvents(p.client, {
    ...p.contract,
    eventName: "DoorSet",
    args: { venueId },
    ...range(p),
  });
  return Promise.all(
    uniq(logs.map((l) => l.args.doorId)).map(async (id) => ({
      ...(await readContract(p.client, { ...p.contract, functionName: "door", args: [id] })),
      id,
    })),
  );
}

export function doorAdmits(p: Protocol, doorId: number, resourceId: number): Promise<boolean> {
  return readContract(p.client, { ...p.contract, functionName: "doorAdmits", args: [doorId, resourceId] });
}

/** Active doors that admit `resourceId`. */
export async function doorsFor(p: Protocol, resource: Resource): Promise<Door[]> {
  const doors = (await loadDoors(p, resource.venueId)).filter((d) => d.active);
  const admits = await Promise.all(doors.map((d) => doorAdmits(p, d.id, resource.id)));
  return doors.filter((_, i) => admits[i]);
}

export async function loadPolicy(p: Protocol, policyId: number): Promise<readonly RefundTier[]> {
  if (policyId === 0) return [];
  return readContract(p.client, { ...p.contract, functionName: "policy", args: [policyId] });
}

export async function loadPolicies(p: Protocol): Promise<{ id: number; tiers: readonly RefundTier[] }[]> {
  const logs = await getContractEvents(p.client, { ...p.contract, eventName: "PolicyCreated", ...range(p) });
  return logs.map((l) => ({ id: l.args.policyId, tiers: l.args.tiers }));
}

export async function loadRelayers(p: Protocol, venueId: number): Promise<Address[]> {
  const logs = await getContractEvents(p.client, {
    ...p.contract,
    eventName: "RelayerTrustSet",
    args: { venueId },
    ...range(p),
  });
  const state = new Map<Address, boolean>();
  for (const l of logs) state.set(l.args.relayer, l.args.trusted);
  return [...state].filter(([, trusted]) => trusted).map(([a]) => a);
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

/** ETH plus every ERC-20 the admin ever allowed. */
export async function loadCurrencies(p: Protocol): Promise<Currency[]> {
  const logs = await getContractEvents(p.client, { ...p.contract, eventName: "CurrencyAllowed", ...range(p) });
  const tokens = new Set<string>();
  for (const l of logs) tokens.add(l.args.currency.toLowerCase());
  if (p.testToken) tokens.add(p.testToken.toLowerCase());
  tokens.delete(zeroAddress);
  return [ETH, ...(await Promise.all([...tokens].map((t) => loadCurrency(p, getAddress(t)))))];
}

export async function balanceOf(p: Protocol, account: Address, currency: Address): Promise<bigint> {
  if (sameAddress(currency, zeroAddress)) return getBalance(p.client, { address: account });
  return readContract(p.client, { address: currency, abi: erc20Abi, functionName: "balanceOf", args: [account] });
}

// --- bookings and passes ---------------------------------------------------------------------

function bookedLogs(p: Protocol, args: { resourceId?: number; passId?: bigint[] } = {}) {
  return getContractEvents(p.client, { ...p.contract, eventName: "Booked", args, ...range(p) });
}

export async function loadBookings(p: Protocol, resourceIds?: number[]): Promise<Booking[]> {
  const booked =
    resourceIds === undefined
      ? await bookedLogs(p)
      : (await Promise.all(resourceIds.map((resourceId) => bookedLogs(p, { resourceId })))).flat();
  const [cancelledLogs, settledLogs] = await Promise.all([
    getContractEvents(p.client, { ...p.contract, eventName: "Cancelled", ...range(p) }),
    getContractEvents(p.client, { ...p.contract, eventName: "Settled", ...range(p) }),
  ]);
  const cancelled = new Map(cancelledLogs.map((l) => [l.args.passId, l.args.retained]));
  const settled = new Set(settledLogs.map((l) => l.args.passId));
  // The Booked event does not carry the release time: read it for the bookings still in escrow.
  return Promise.all(
    booked.map(async ({ args: a, blockNumber }) => {
      const isCancelled = cancelled.has(a.passId);
      const isSettled = settled.has(a.passId);
      const releaseTime =
        isCancelled || isSettled
          ? Number.NaN
          : Number(
              (await readContract(p.client, { ...p.contract, functionName: "pass", args: [a.passId] })).releaseTime,
            );
      return {
        passId: a.passId,
        resourceId: a.resourceId,
        holder: a.holder,
        unit: a.unit,
        start: Number(a.start),
        end: Number(a.end),
        currency: a.currency,
        amount: a.amount,
        splitId: a.splitId,
        gst: a.gst,
        qst: a.qst,
        releaseTime,
        blockNumber,
        cancelled: isCancelled,
        retained: cancelled.get(a.passId) ?? 0n,
        settled: isSettled,
      };
    }),
  );
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
  let raw;
  try {
    raw = await readContract(p.client, { ...p.contract, functionName: "pass", args: [id] });
  } catch {
    return null; // burned (cancelled) or unknown
  }
  if (sameAddress(raw.holder, zeroAddress)) return null;
  const [guest, expires] = await Promise.all([
    readContract(p.client, { ...p.contract, functionName: "userOf", args: [id] }),
    readContract(p.client, { ...p.contract, functionName: "userExpires", args: [id] }),
  ]);
  return {
    id,
    holder: raw.holder,
    resourceId: raw.resourceId,
    unit: raw.unit,
    start: Number(raw.start),
    end: Number(raw.end),
    currency: raw.currency,
    amount: raw.amount,
    policyId: raw.policyId,
    releaseTime: Number(raw.releaseTime),
    settled: raw.settled,
    guest: sameAddress(guest, zeroAddress) ? null : guest,
    guestExpires: Number(expires),
    asGuest: viewer !== undefined && !sameAddress(raw.holder, viewer),
    cancelled: null,
  };
}

/**
 * Passes the account holds now, passes lent to it, and its cancelled bookings (refunded to it),
 * each with the amount paid, taxes included, as the Booked event recorded it (the pass's escrow
 * reads 0 once settled), and for a cancelled one the refund with its taxes.
 */
export async function loadPassesOf(p: Protocol, account: Address): Promise<PassInfo[]> {
  const [received, lent, cancels] = await Promise.all([
    getContractEvents(p.client, { ...p.contract, eventName: "Transfer", args: { to: account }, ...range(p) }),
    getContractEvents(p.client, { ...p.contract, eventName: "UpdateUser", args: { user: account }, ...range(p) }),
    getContractEvents(p.client, { ...p.contract, eventName: "Cancelled", ...range(p) }),
  ]);
  const ids = [...new Set([...received.map((l) => l.args.tokenId), ...lent.map((l) => l.args.tokenId)])];
  const mine = cancels.filter((l) => sameAddress(l.args.refundTo, account));
  const wanted = [...ids, ...mine.map((l) => l.args.passId)];
  const [passes, booked] = await Promise.all([
    Promise.all(ids.map((id) => loadPass(p, id, account))),
    wanted.length === 0 ? [] : bookedLogs(p, { passId: wanted }),
  ]);
  const bookedById = new Map(booked.map((l) => [l.args.passId, l.args]));
  const live = passes.filter(
    (x): x is PassInfo =>
      x !== null && (sameAddress(x.holder, account) || (x.guest !== null && sameAddress(x.guest, account))),
  );
  for (const pass of live) {
    const b = bookedById.get(pass.id);
    if (b) pass.amount = b.amount + b.gst + b.qst;
  }
  const cancelled: PassInfo[] = [];
  for (const { args: c } of mine) {
    const b = bookedById.get(c.passId);
    if (!b) continue;
    cancelled.push({
      id: c.passId,
      holder: account,
      resourceId: b.resourceId,
      unit: b.unit,
      start: Number(b.start),
      end: Number(b.end),
      currency: b.currency,
      amount: b.amount + b.gst + b.qst,
      policyId: 0,
      releaseTime: 0,
      settled: false,
      guest: null,
      guestExpires: 0,
      asGuest: false,
      cancelled: { refund: c.refund + c.gstRefund + c.qstRefund, byOperator: c.byOperator },
    });
  }
  return [...live, ...cancelled];
}

export type Split = { id: number; venueId: number; payees: readonly Address[]; sharesBps: readonly number[] };

export async function loadSplits(p: Protocol, venueId: number): Promise<Split[]> {
  const logs = await getContractEvents(p.client, {
    ...p.contract,
    eventName: "SplitCreated",
    args: { venueId },
    ...range(p),
  });
  return logs.map((l) => ({ id: l.args.splitId, venueId, payees: l.args.payees, sharesBps: l.args.sharesBps }));
}

export function claimable(p: Protocol, splitId: number, currency: Address, index: number): Promise<bigint> {
  return readContract(p.client, { ...p.contract, functionName: "claimable", args: [splitId, currency, index] });
}

export function claimableFees(p: Protocol, splitId: number, currency: Address): Promise<bigint> {
  return readContract(p.client, { ...p.contract, functionName: "claimableFees", args: [splitId, currency] });
}

/** What booking `[start, end)` costs now, taxes included: the amount `book` charges at most. */
export function quote(p: Protocol, resourceId: number, start: number, end: number): Promise<bigint> {
  return readContract(p.client, {
    ...p.contract,
    functionName: "quote",
    args: [resourceId, BigInt(start), BigInt(end)],
  });
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
