// Which of the member's passes get a DoorPass (docs/door-agent.md, "Offline doors"): a pass the member
// may use at a door — the holder's while not lent away, a guest's while the loan lasts — whose window
// (with its resource's grace) has not ended. The renewal round (lib/doorPassRenewal.ts) asks for
// those starting within 24 h and drops the DoorPasses of the others. Pure: the caller feeds the clock.
import type { Address } from "viem";
import { sameAddress } from "../../../protocol/address.ts";
import type { PassInfo } from "./passes.ts";
import type { PlannedPass } from "./doorPassRenewal.ts";

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
