// Which of the member's passes get a DoorPass (docs/door-agent.md, "Offline doors"): a pass the member
// may use at a door — the holder's while not lent away, a guest's while the loan lasts — whose window
// (with its resource's grace) has not ended. The renewal round (lib/doorPassRenewal.ts) asks for
// those starting within 24 h and drops the DoorPasses of the others. Pure: the caller feeds the clock.
import type { Address } from "viem";
import { sameAddress } from "../../../protocol/address.ts";
import type { HeldDoorPass } from "./offlinePass.ts";
import type { PassInfo } from "./passes.ts";
import { planRenewal, type PlannedPass } from "./doorPassRenewal.ts";

export { OFFLINE_HORIZON_S } from "./doorPassRenewal.ts";

/** The passes the member may use at a door (holder without a guest, or the guest while the loan lasts). */
export function usable(p: PassInfo, member: Address, now: number): boolean {
  if (p.status !== "active") return false;
  if (p.role === "guest") return !!p.guest && sameAddress(p.guest, member) && p.guestExpires > now;
  return !(p.guest && p.guestExpires > now);
}

/** The member's passes to keep a DoorPass for, with their windows (grace included; a loan ends a guest's). */
export function plannedPasses(
  passes: readonly PassInfo[],
  member: Address,
  now: number,
  describe: (p: PassInfo) => { graceSeconds: number; label: string; timeZone: string },
): PlannedPass[] {
  const out: PlannedPass[] = [];
  for (const p of passes) {
    if (p.status !== "active" || !usable(p, member, now)) continue;
    const { graceSeconds, label, timeZone } = describe(p);
    let end = p.end + graceSeconds;
    if (p.role === "guest") end = Math.min(end, p.guestExpires);
    if (end <= now) continue;
    out.push({ passId: p.passId.toString(), start: p.start - graceSeconds, end, label, timeZone });
  }
  return out;
}

export type RefreshPlan = { fetch: bigint[]; drop: string[] };

/**
 * What a renewal round would do now with these passes. `held` is keyed by pass id; `graceOf` gives
 * a pass's grace (its resource's), so a pass whose door opens `grace` before its start counts then.
 */
export function planRefresh(
  passes: readonly PassInfo[],
  held: ReadonlyMap<string, HeldDoorPass>,
  member: Address,
  deviceKey: `0x${string}`,
  now: number,
  graceOf: (p: PassInfo) => number = () => 0,
): RefreshPlan {
  const planned = plannedPasses(passes, member, now, (p) => ({ graceSeconds: graceOf(p), label: "", timeZone: "UTC" }));
  const { fetch, drop } = planRenewal({ passes: planned, refused: [] }, held, deviceKey, now);
  return { fetch: fetch.map((p) => BigInt(p.passId)), drop };
}
