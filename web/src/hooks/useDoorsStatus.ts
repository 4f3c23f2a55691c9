// A venue's doors' live status from the relayer (its operator's session), polled every few seconds
// while the page is visible, never in a hidden tab.
import { useQuery } from "@tanstack/react-query";
import { useApp } from "./useApp.ts";

export const DOOR_STATUS_POLL_MS = 5000;

const visible = () => typeof document === "undefined" || document.visibilityState === "visible";

/** Off (no request) unless `enabled`: the operator's session. */
export function useDoorsStatus(venueId: number, enabled: boolean) {
  const { relayer } = useApp();
  return useQuery({
    queryKey: ["relayer", "doors-status", venueId],
    queryFn: () => relayer.doorsStatus(venueId),
    enabled,
    refetchInterval: () => (visible() ? DOOR_STATUS_POLL_MS : false),
    refetchIntervalInBackground: false,
  });
}
