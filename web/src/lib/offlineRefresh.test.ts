import { describe, expect, it } from "vitest";
import type { Address } from "viem";
import { plannedPasses, usable, OFFLINE_HORIZON_S } from "./offlineRefresh.ts";
import { planRenewal } from "./doorPassRenewal.ts";
import type { HeldDoorPass } from "./offlinePass.ts";
import type { PassInfo } from "./passes.ts";

type RefreshPlan = { fetch: bigint[]; drop: string[] };

/**
 * What a renewal round (planRenewal over plannedPasses) would do now with these passes. `held` is keyed by pass id; `graceOf` gives
 * a pass's grace (its resource's), so a pass whose door opens `grace` before its start counts then.
 */
function planRefresh(
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

const ME: Address = "0x1111111111111111111111111111111111111111";
const FRIEND: Address = "0x2222222222222222222222222222222222222222";
const KEY: `0x${string}` = `0x02${"ab".repeat(32)}`;
const NOW = 1_800_000_000;
const H = 3600;

function pass(id: number, start: number, end: number, over: Record<string, unknown> = {}): PassInfo {
  return {
    passId: BigInt(id),
    holder: ME,
    resourceId: 1,
    venueId: 1,
    unit: 0,
    start,
    end,
    currency: ME,
    amount: 0n,
    gst: 0n,
    qst: 0n,
    serviceFee: 0n,
    status: "active",
    policyId: 1,
    releaseTime: start,
    settled: false,
    guest: null,
    guestExpires: 0,
    block: 1,
    role: "holder",
    ...over,
  };
}

const held = (id: number, validUntil: number, deviceKey = KEY): [string, HeldDoorPass] => [
  String(id),
  {
    pass: { passId: BigInt(id), venue: 1, doors: [1], validFrom: NOW - H, validUntil, serial: id, deviceKey },
    relayerSignature: "0x00",
    fetchedAt: NOW - H,
  },
];

describe("which DoorPasses the passes page asks for", () => {
  it("asks for a pass valid now and one starting within 24 h, not one starting later or over", () => {
    const plan = planRefresh(
      [
        pass(1, NOW - H, NOW + H),
        pass(2, NOW + 23 * H, NOW + 25 * H),
        pass(3, NOW + OFFLINE_HORIZON_S + 60, NOW + 30 * H),
        pass(4, NOW - 3 * H, NOW - H),
      ],
      new Map(),
      ME,
      KEY,
      NOW,
    );
    expect(plan).toEqual({ fetch: [1n, 2n], drop: [] });
  });

  it("counts the resource's grace: a pass whose door opens early, or stays open after its end", () => {
    const passes = [pass(1, NOW + OFFLINE_HORIZON_S + 600, NOW + 30 * H), pass(2, NOW - 2 * H, NOW - 60)];
    expect(planRefresh(passes, new Map(), ME, KEY, NOW).fetch).toEqual([]);
    expect(planRefresh(passes, new Map(), ME, KEY, NOW, () => 900).fetch).toEqual([1n, 2n]);
  });

  it("keeps a fresh one, renews it once less than half its validity is left while the booking goes on", () => {
    const p = [pass(1, NOW - H, NOW + 48 * H)];
    expect(planRefresh(p, new Map([held(1, NOW + 5 * H)]), ME, KEY, NOW).fetch).toEqual([]);
    expect(planRefresh(p, new Map([held(1, NOW + 30 * 60)]), ME, KEY, NOW).fetch).toEqual([1n]);
    // It covers the booking to its end: nothing to renew.
    const short = [pass(1, NOW - H, NOW + 30 * 60)];
    expect(planRefresh(short, new Map([held(1, NOW + 30 * 60)]), ME, KEY, NOW).fetch).toEqual([]);
  });

  it("asks again when the held one names another device key or has ended", () => {
    const p = [pass(1, NOW - H, NOW + H)];
    expect(planRefresh(p, new Map([held(1, NOW + H, `0x03${"cd".repeat(32)}`)]), ME, KEY, NOW).fetch).toEqual([1n]);
    expect(planRefresh(p, new Map([held(1, NOW)]), ME, KEY, NOW).fetch).toEqual([1n]);
  });

  it("drops the DoorPass of a cancelled pass, of a pass lent away, and of a pass no longer listed", () => {
    const cancelled = pass(1, NOW - H, NOW + H, { status: "cancelled" });
    const lent = pass(2, NOW - H, NOW + H, { guest: FRIEND, guestExpires: NOW + H });
    const plan = planRefresh(
      [cancelled, lent],
      new Map([held(1, NOW + H), held(2, NOW + H), held(3, NOW + H)]),
      ME,
      KEY,
      NOW,
    );
    expect(plan.fetch).toEqual([]);
    expect(plan.drop.sort()).toEqual(["1", "2", "3"]);
  });

  it("a guest's pass is usable only while the loan lasts and only by that guest", () => {
    const loan = pass(1, NOW - H, NOW + H, { role: "guest", guest: ME, guestExpires: NOW + 60 });
    expect(usable(loan, ME, NOW)).toBe(true);
    expect(usable(loan, ME, NOW + 60)).toBe(false);
    expect(usable({ ...loan, guest: FRIEND } as PassInfo, ME, NOW)).toBe(false);
    // The holder gets it back once the loan is over.
    expect(usable(pass(1, NOW - H, NOW + H, { guest: FRIEND, guestExpires: NOW - 1 }), ME, NOW)).toBe(true);
  });
});
