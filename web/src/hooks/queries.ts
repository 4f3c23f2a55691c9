// React Query hooks over the protocol reads. Every chain query key starts with "chain" so one
// invalidation after a transaction refreshes them all.
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useConnection } from "wagmi";
import { zeroAddress, type Address } from "viem";
import { useApp } from "./useApp.ts";
import {
  balanceOf,
  doorsFor,
  loadBookings,
  loadRevenue,
  loadCurrencies,
  loadCurrency,
  loadOccupancy,
  loadPassesOf,
  loadPolicy,
  loadResource,
  loadResources,
  loadVenue,
  loadVenues,
  type Protocol,
  type Resource,
} from "../lib/protocol.ts";
import { isNotFound } from "../lib/errors.ts";
import {
  readModelOrChain,
  resourceFromChain,
  resourcesFromChain,
  venueFromChain,
  venuesFromChain,
} from "../lib/chainFallback.ts";
import { loadSponsorTerms } from "../lib/gasless.ts";

/** A missing venue or resource will not appear on a second try: show "not found" at once. */
const retryUnlessMissing = (failures: number, err: unknown) => failures < 1 && !isNotFound(err);

// Venues and resources come from the read model, or from the chain while the relayer is down.
export function useVenues() {
  const { protocol, health } = useApp();
  return useQuery({
    queryKey: ["chain", "venues"],
    queryFn: () =>
      readModelOrChain(
        () => loadVenues(protocol),
        () => venuesFromChain(protocol),
        health.report,
      ),
  });
}

export function useVenue(id: number | undefined) {
  const { protocol, health } = useApp();
  return useQuery({
    queryKey: ["chain", "venue", id],
    queryFn: () =>
      readModelOrChain(
        () => loadVenue(protocol, id!),
        () => venueFromChain(protocol, id!),
        health.report,
      ),
    enabled: id !== undefined,
    retry: retryUnlessMissing,
  });
}

export function useResources(venueId?: number) {
  const { protocol, health } = useApp();
  return useQuery({
    queryKey: ["chain", "resources", venueId ?? "all"],
    queryFn: () =>
      readModelOrChain(
        () => loadResources(protocol, venueId),
        () => resourcesFromChain(protocol, venueId),
        health.report,
      ),
  });
}

export function useResource(id: number | undefined) {
  const { protocol, health } = useApp();
  return useQuery({
    queryKey: ["chain", "resource", id],
    queryFn: () =>
      readModelOrChain(
        () => loadResource(protocol, id!),
        () => resourceFromChain(protocol, id!),
        health.report,
      ),
    enabled: id !== undefined,
    retry: retryUnlessMissing,
  });
}

export function usePolicy(policyId: number | undefined) {
  const { protocol } = useApp();
  return useQuery({
    queryKey: ["chain", "policy", policyId],
    queryFn: () => loadPolicy(protocol, policyId!),
    enabled: policyId !== undefined,
    staleTime: Infinity, // policies are immutable
  });
}

export function useCurrency(address: Address | undefined) {
  const { protocol } = useApp();
  return useQuery({
    queryKey: ["currency", address],
    queryFn: () => loadCurrency(protocol, address!),
    enabled: address !== undefined,
    staleTime: Infinity,
  });
}

export function useCurrencies() {
  const { protocol } = useApp();
  return useQuery({ queryKey: ["chain", "currencies"], queryFn: () => loadCurrencies(protocol), staleTime: 60_000 });
}

/** How often a balance is read again while a booking is being composed. */
export const BALANCE_POLL_MS = 10_000;

/**
 * Query options of a balance: read once, again after each transaction of this tab (every "chain"
 * query is invalidated) and when the tab comes back; polled only while `composing` (a booking is
 * being put together, so the funds check stays true), never in a hidden tab.
 */
export function balanceQuery(protocol: Protocol, account: Address | undefined, currency: Address, composing: boolean) {
  return {
    queryKey: ["chain", "balance", account, currency],
    queryFn: () => balanceOf(protocol, account!, currency),
    enabled: account !== undefined,
    refetchInterval: composing ? BALANCE_POLL_MS : (false as const),
    refetchIntervalInBackground: false,
    refetchOnWindowFocus: true,
  };
}

/** `account`'s balance in `currency` (ETH: the zero address). */
export function useBalance(account: Address | undefined, currency: Address = zeroAddress, composing = false) {
  const { protocol } = useApp();
  return useQuery(balanceQuery(protocol, account, currency, composing));
}

/** The account's balance in every currency (the wallet panel): not polled, see {balanceQuery}. */
export function useBalances(account: Address | undefined) {
  const { protocol } = useApp();
  const currencies = useCurrencies();
  return useQuery({
    queryKey: ["chain", "balances", account, currencies.data?.map((c) => c.address)],
    queryFn: async () =>
      Promise.all(
        currencies.data!.map(async (c) => ({ currency: c, amount: await balanceOf(protocol, account!, c.address) })),
      ),
    enabled: account !== undefined && currencies.data !== undefined,
    refetchOnWindowFocus: true,
  });
}

/** The relayer's sponsor terms (null: no sponsor); they change rarely, so read them once a minute at most. */
export function useSponsorTerms(enabled: boolean) {
  const { relayer } = useApp();
  return useQuery({
    queryKey: ["sponsor"],
    queryFn: () => loadSponsorTerms(relayer),
    enabled,
    staleTime: 60_000,
  });
}

/** The member's passes: from the read model, once signed in (SIWE) as that account. */
export function usePasses(account: Address | undefined, signedIn: boolean) {
  const { protocol } = useApp();
  return useQuery({
    queryKey: ["chain", "passes", account],
    queryFn: () => loadPassesOf(protocol, account!),
    enabled: account !== undefined && signedIn,
    refetchInterval: 15_000,
  });
}

export function useDoorsFor(resource: Resource | undefined) {
  const { protocol } = useApp();
  return useQuery({
    queryKey: ["chain", "doorsFor", resource?.id],
    queryFn: () => doorsFor(protocol, resource!),
    enabled: resource !== undefined,
  });
}

/** A venue's bookings: from the read model, for its operator or a payee signed in (SIWE). */
export function useBookings(venueId: number, signedIn: boolean) {
  const { protocol } = useApp();
  return useQuery({
    queryKey: ["chain", "bookings", venueId],
    queryFn: () => loadBookings(protocol, venueId),
    enabled: signedIn,
    refetchInterval: 15_000,
  });
}

/** A venue's revenue per currency and local day, computed by the relayer (its operator's or a payee's session). */
export function useRevenue(venueId: number, signedIn: boolean) {
  const { protocol } = useApp();
  return useQuery({
    queryKey: ["chain", "revenue", venueId],
    queryFn: () => loadRevenue(protocol, venueId),
    enabled: signedIn,
    refetchInterval: 15_000,
  });
}

/** Booked units per hour slot of `[from, to)` of a resource (the relayer's availability). */
export function useOccupancy(resource: Resource, from: number, to: number) {
  const { protocol } = useApp();
  return useQuery({
    queryKey: ["chain", "occupancy", resource.id, from, to],
    queryFn: () => loadOccupancy(protocol, resource, from, to),
    refetchInterval: 15_000,
  });
}

export function useRefreshChain() {
  const qc = useQueryClient();
  return () => qc.invalidateQueries({ queryKey: ["chain"] });
}

/** The connected account when the wallet is on our chain's account list (or any chain). */
export function useAccount(): { address: Address | undefined; chainId: number | undefined; connected: boolean } {
  const c = useConnection();
  return { address: c.address, chainId: c.chainId, connected: c.status === "connected" };
}
