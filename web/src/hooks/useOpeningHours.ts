// Opening hours read from the chain for the calendar, occupancy and the operator's editor.
import { useQuery } from "@tanstack/react-query";
import { readContract } from "viem/actions";
import { useApp } from "./useApp.ts";
import { readClosedHours } from "../lib/openingHours.ts";
import type { Resource } from "../lib/protocol.ts";

const NONE: ReadonlySet<number> = new Set();

/** The hours of `[start, start + count h)` the resource cannot be booked (none if it does not follow
 * its venue's hours: no call is made then). */
export function useClosedHours(resource: Pick<Resource, "id" | "followsOpeningHours">, start: number, count: number) {
  const { protocol } = useApp();
  const q = useQuery({
    queryKey: ["chain", "closedHours", resource.id, start, count],
    queryFn: () => readClosedHours(protocol, resource.id, start, count),
    enabled: resource.followsOpeningHours && count > 0,
    staleTime: 60_000,
  });
  return resource.followsOpeningHours ? q.data : NONE;
}

/** Closed hours of one day `[dayStart, dayStart + 24 h)` for each resource that follows the hours. */
export function useClosedHoursOfDay(resources: readonly Resource[] | undefined, dayStart: number) {
  const { protocol } = useApp();
  const following = (resources ?? []).filter((r) => r.followsOpeningHours).map((r) => r.id);
  return useQuery({
    queryKey: ["chain", "closedHoursOfDay", following, dayStart],
    enabled: resources !== undefined,
    queryFn: async () =>
      new Map(
        await Promise.all(
          following.map(async (id) => [id, await readClosedHours(protocol, id, dayStart, 24)] as const),
        ),
      ),
  });
}

/** A venue's weekly hours mask and time-zone rule as stored. */
export function useVenueOpeningHours(venueId: number) {
  const { protocol } = useApp();
  return useQuery({
    queryKey: ["chain", "openingHours", venueId],
    queryFn: () =>
      readContract(protocol.client, { ...protocol.contract, functionName: "openingHours", args: [venueId] }),
  });
}
