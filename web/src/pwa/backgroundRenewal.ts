// The service worker's part of DoorPass renewal (docs/door-agent.md, "Offline doors"): where the
// browser grants Periodic Background Sync (Chromium, installed PWA), the worker is woken with the tag
// "door-passes" and runs the app's renewal round (lib/doorPassRenewal.ts) while the app is closed —
// the plan, the bound device key and the DoorPasses from IndexedDB, the relayer asked with the
// session cookie. It first asks the relayer whose session that is (GET /api/me): no session, or
// another member's than the plan's → nothing is asked and nothing changes.
// The build bundles pwa/backgroundRenewalWorker.ts (which installs this) into sw.js
// (pwa/serviceWorkerPlugin.ts); registration is pwa/periodicSync.ts.
import type { Relayer } from "../lib/relayer.ts";
import type { OfflineStore } from "../lib/offlinePass.ts";
import { PLAN_KEY, renewDoorPasses, type RenewalOutcome, type RenewalPlan } from "../lib/doorPassRenewal.ts";

export const DOOR_PASS_SYNC_TAG = "door-passes";

export type BackgroundDeps = {
  store: OfflineStore;
  /** The relayer at the plan's URL (its calls carry the session cookie). */
  relayerAt: (baseUrl: string) => Pick<Relayer, "post" | "me">;
  /** Unix seconds. */
  now: () => number;
};

export type BackgroundResult = RenewalOutcome | { stopped: "no_plan" | "signed_out" | "offline" };

/** One background round: the plan's member must be the session's, then the app's round. */
export async function renewInBackground(deps: BackgroundDeps): Promise<BackgroundResult> {
  const plan = await deps.store.get<RenewalPlan>(PLAN_KEY);
  if (!plan) return { stopped: "no_plan" };
  const relayer = deps.relayerAt(plan.relayerUrl);
  let me;
  try {
    me = await relayer.me();
  } catch {
    return { stopped: "offline" };
  }
  if (!me || me.toLowerCase() !== plan.member.toLowerCase()) return { stopped: "signed_out" };
  return renewDoorPasses({ store: deps.store, relayer, now: deps.now });
}

/** What the worker sees of a `periodicsync` event. */
export type PeriodicSyncEvent = { tag: string; waitUntil(p: Promise<unknown>): void };

/** The worker's `periodicsync` handler: renews on its tag (`deps` made then), ignores others; never rejects. */
export function onPeriodicSync(event: PeriodicSyncEvent, deps: () => BackgroundDeps): void {
  if (event.tag !== DOOR_PASS_SYNC_TAG) return;
  event.waitUntil(
    Promise.resolve()
      .then(() => renewInBackground(deps()))
      .catch(() => undefined),
  );
}
