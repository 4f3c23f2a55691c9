// Renewing the member's offline DoorPasses (docs/door-agent.md, "Offline doors"), one round at a
// time, with no page and no wallet: the same code runs in the app (components/DoorPassKeeper.tsx,
// on every page) and in the service worker's periodic background sync (pwa/backgroundRenewal.ts).
// Everything it needs is in the offline store: the bound device key (the one wallet signature is
// stored with it), the DoorPasses held, and the renewal plan — the passes the app last read online
// with their windows, and those the relayer refused for good. The session cookie says who asks.
//
// A round, in order: no plan, no bound key, or a plan for another member than the binding → nothing.
// For each planned pass not refused, whose window has not ended and starts within 24 h: ask when
// none is held, the held one names another device key or has ended, or less than `fraction` of its
// validity (at least `minLeftS`) is left while the booking goes on after it. Answers:
//   200               → kept, with when it was renewed
//   410 / 403         → refused for good (pass ended; not the holder or guest; binding refused):
//                       its DoorPass dropped, the pass never asked again
//   401               → signed out: the round stops, nothing changes
//   429 / 503         → the relayer is busy: the round stops, the caller backs off
//   no answer         → offline: the round stops
//   anything else     → that pass fails this round, the others go on
// DoorPasses of passes no longer planned are dropped.
import type { Address, Hex } from "viem";
import { fetchDoorPass, type DeviceKey, type HeldDoorPass, type OfflineStore } from "./offlinePass.ts";
import type { Relayer } from "./relayer.ts";

/** Keys of the offline store. */
export const DEVICE_KEY = "device-key";
export const HELD_KEY = "door-passes";
export const PLAN_KEY = "door-pass-plan";

/** How far ahead a pass gets its DoorPass: a DoorPass lasts at most 24 h. */
export const OFFLINE_HORIZON_S = 24 * 3600;

/** A kept DoorPass and what the passes page shows of its pass with no network. */
export type ShownDoorPass = HeldDoorPass & { label: string; timeZone: string };

/** A pass the member may use at a door, as the app last read it: its window includes the grace. */
export type PlannedPass = { passId: string; start: number; end: number; label: string; timeZone: string };

export type RenewalPlan = {
  /** Whose passes these are (the signed-in member when the app read them). */
  member: Address;
  /** Base URL of the relayer ("" = the app's origin), for the service worker. */
  relayerUrl: string;
  passes: PlannedPass[];
  /** Pass ids the relayer refused for good (410, 403): never asked again. */
  refused: string[];
};

/** When a held DoorPass is renewed: less than `fraction` of its validity left, and never less than `minLeftS`. */
/**
 * Renew when less than `fraction` of the DoorPass's validity (never less than `minLeftS`) is left, and
 * it was fetched at least `minAgeS` ago: a DoorPass that follows the opening hours ends at the
 * closing, and asking again before it has ended gives the same end.
 */
export type RenewalPolicy = { fraction: number; minLeftS: number; minAgeS: number };
export const DEFAULT_RENEWAL_POLICY: RenewalPolicy = { fraction: 0.5, minLeftS: 600, minAgeS: 600 };

/** A failed call to the relayer as the round sees it (RelayerRequestError): HTTP status (0 = no answer), code. */
type PostFailure = { status: number; code: string };

export type RenewalOutcome = {
  /** Why the round stopped early, if it did. */
  stopped: null | "not_bound" | "signed_out" | "offline" | "busy";
  renewed: string[];
  dropped: string[];
  refused: string[];
  /** Passes whose renewal failed this round, with the relayer's code and the error. */
  failed: { passId: string; code: string; error: unknown }[];
};

/** Whether the planned pass needs a DoorPass now. */
export function isDue(
  held: HeldDoorPass | undefined,
  planned: Pick<PlannedPass, "start" | "end">,
  deviceKey: Hex,
  now: number,
  policy: RenewalPolicy = DEFAULT_RENEWAL_POLICY,
): boolean {
  if (now >= planned.end || planned.start > now + OFFLINE_HORIZON_S) return false;
  if (!held) return true;
  if (held.pass.deviceKey.toLowerCase() !== deviceKey.toLowerCase() || held.pass.validUntil <= now) return true;
  if (held.pass.validUntil >= planned.end) return false; // it covers the booking to its end
  const validity = held.pass.validUntil - held.pass.validFrom;
  if (now - held.fetchedAt < policy.minAgeS) return false;
  return held.pass.validUntil - now < Math.max(policy.fraction * validity, policy.minLeftS);
}

/** Which passes to ask for and which DoorPasses to drop, without asking anything. */
export function planRenewal(
  plan: Pick<RenewalPlan, "passes" | "refused">,
  held: ReadonlyMap<string, HeldDoorPass>,
  deviceKey: Hex,
  now: number,
  policy: RenewalPolicy = DEFAULT_RENEWAL_POLICY,
): { fetch: PlannedPass[]; drop: string[] } {
  const refused = new Set(plan.refused);
  const wanted = new Set<string>();
  const fetch: PlannedPass[] = [];
  for (const p of plan.passes) {
    if (refused.has(p.passId) || now >= p.end) continue;
    wanted.add(p.passId);
    if (isDue(held.get(p.passId), p, deviceKey, now, policy)) fetch.push(p);
  }
  return { fetch, drop: [...held.keys()].filter((id) => !wanted.has(id)) };
}

const failureOf = (e: unknown): PostFailure => {
  const f = e as Partial<PostFailure> | null;
  return {
    status: typeof f?.status === "number" ? f.status : 0,
    code: typeof f?.code === "string" ? f.code : "unknown",
  };
};

/** One renewal round against the offline store (see the header for the order and the answers). */
export async function renewDoorPasses(deps: {
  store: OfflineStore;
  /** The relayer (its session cookie goes with each call). */
  relayer: Pick<Relayer, "post">;
  /** Unix seconds. */
  now: () => number;
  policy?: RenewalPolicy;
}): Promise<RenewalOutcome> {
  const { store } = deps;
  const out: RenewalOutcome = { stopped: null, renewed: [], dropped: [], refused: [], failed: [] };
  const [key, plan, kept] = await Promise.all([
    store.get<DeviceKey>(DEVICE_KEY),
    store.get<RenewalPlan>(PLAN_KEY),
    store.get<Record<string, ShownDoorPass>>(HELD_KEY),
  ]);
  const binding = key?.binding;
  if (!key || !binding || !plan || binding.member.toLowerCase() !== plan.member.toLowerCase())
    return { ...out, stopped: "not_bound" };
  const held = new Map(Object.entries(kept ?? {}));
  const { fetch, drop } = planRenewal(plan, held, key.publicKey, deps.now(), deps.policy);
  for (const id of drop) held.delete(id);
  out.dropped.push(...drop);
  const refused = new Set(plan.refused);
  for (const p of fetch) {
    try {
      const got = await fetchDoorPass(deps.relayer, BigInt(p.passId), key, deps.now());
      held.set(p.passId, { ...got, label: p.label, timeZone: p.timeZone });
      out.renewed.push(p.passId);
    } catch (e) {
      const f = failureOf(e);
      if (f.status === 410 || f.status === 403) {
        refused.add(p.passId);
        if (held.delete(p.passId)) out.dropped.push(p.passId);
        out.refused.push(p.passId);
      } else if (f.status === 401) {
        out.stopped = "signed_out";
        break;
      } else if (f.status === 429 || f.status === 503) {
        out.stopped = "busy";
        break;
      } else if (f.status === 0) {
        out.stopped = "offline";
        break;
      } else out.failed.push({ passId: p.passId, code: f.code, error: e });
    }
  }
  if (out.renewed.length + out.dropped.length > 0) await store.put(HELD_KEY, Object.fromEntries(held));
  if (out.refused.length > 0) {
    // Read again: the app may have written a newer plan while this round waited on the relayer.
    const latest = (await store.get<RenewalPlan>(PLAN_KEY)) ?? plan;
    await store.put(PLAN_KEY, { ...latest, refused: [...new Set([...latest.refused, ...refused])] });
  }
  return out;
}

/**
 * The plan the app writes after reading the member's passes online: refusals are kept for the
 * passes still listed (a pass that left the list cannot come back refused).
 */
export function nextPlan(
  previous: RenewalPlan | undefined,
  member: Address,
  relayerUrl: string,
  passes: PlannedPass[],
): RenewalPlan {
  const listed = new Set(passes.map((p) => p.passId));
  const sameMember = previous && previous.member.toLowerCase() === member.toLowerCase();
  const refused = sameMember ? previous.refused.filter((id) => listed.has(id)) : [];
  return { member, relayerUrl, passes, refused };
}
