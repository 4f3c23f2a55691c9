// Which DoorPasses the passes page asks for, keeps or drops while online (docs/door-agent.md,
// "Offline doors"): a pass the member may use now or within the next 24 h gets one; a held DoorPass
// is asked again before it ends while the booking goes on, when it names another device key, and
// dropped once its pass is cancelled, lent away, or over. Pure: the page feeds it the clock.
import type { Address } from "viem";
import { sameAddress } from "../../../protocol/address.ts";
import { needsRefresh, type HeldDoorPass } from "./offlinePass.ts";
import type { PassInfo } from "./passes.ts";

/** How far ahead a pass gets its DoorPass: a DoorPass lasts at most 24 h. */
export const OFFLINE_HORIZON_S = 24 * 3600;

/** The passes the member may use at a door (holder without a guest, or the guest while the loan lasts). */
export function usable(p: PassInfo, member: Address, now: number): boolean {
  if (p.status !== "active") return false;
  if (p.role === "guest") return !!p.guest && sameAddress(p.guest, member) && p.guestExpires > now;
  return !(p.guest && p.guestExpires > now);
}

export type RefreshPlan = { fetch: bigint[]; drop: string[] };

/**
 * What to do now. `held` is keyed by pass id; `graceOf` gives a pass's grace (its resource's),
 * so a pass whose door opens `grace` before its start counts as valid then.
 */
export function planRefresh(
  passes: readonly PassInfo[],
  held: ReadonlyMap<string, HeldDoorPass>,
  member: Address,
  deviceKey: string,
  now: number,
  graceOf: (p: PassInfo) => number = () => 0,
): RefreshPlan {
  const fetch: bigint[] = [];
  const wanted = new Set<string>();
  for (const p of passes) {
    if (!usable(p, member, now)) continue;
    const grace = graceOf(p);
    const end = p.end + grace;
    if (end <= now || p.start - grace > now + OFFLINE_HORIZON_S) continue;
    const id = p.passId.toString();
    wanted.add(id);
    const h = held.get(id);
    const stale =
      h !== undefined && (h.pass.deviceKey.toLowerCase() !== deviceKey.toLowerCase() || h.pass.validUntil <= now);
    if (stale || needsRefresh(h, { end }, now)) fetch.push(p.passId);
  }
  const drop = [...held.keys()].filter((id) => !wanted.has(id));
  return { fetch, drop };
}
