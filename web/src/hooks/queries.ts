// React Query hooks over the protocol reads. Every chain query key starts with "chain" so one
// invalidation after a transaction refreshes them all.
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useConnection } from "wagmi";
import type { Address } from "viem";
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
  type Resource,
} from "../lib/protocol.ts";
import { isNotFound } from "../lib/errors.ts";

/** A missing venue or resource will not appear on a second try: show "not found" at once. */
const retryUnlessMissing = (failures: number, err: unknown) => failures < 1 && !isNotFound(err);

export function useVenues() {
  const { protocol } = useApp();
  return useQuery({ queryKey: ["chain", "venues"], queryFn: () => loadVenues(protocol) });
}

export function useVenue(id: number | undefined) {
  const { protocol } = useApp();
  return useQuery({
    queryKey: ["chain", "venue", id],
    queryFn: () => loadVenue(protocol, id!),
    enabled: id !== undefined,
    retry: retryUnlessMissing,
  });
}

export function useResources(venueId?: number) {
  const { protocol } = useApp();
  return useQuery({
    queryKey: ["chain", "resources", venueId ?? "all"],
    queryFn: () => loadResources(protocol, venueId),
  });
}

export function useResource(id: number | undefined) {
  const { protocol } = useApp();
  return useQuery({
    queryKey: ["chain", "resource", id],
    queryFn: () => loadResource(protocol, id!),
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
    refetchInterval: 10_000,
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
