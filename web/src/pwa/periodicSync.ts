// Asks the browser to wake the service worker now and then to renew DoorPasses while the app is
// closed (pwa/backgroundRenewal.ts). Only Chromium grants Periodic Background Sync, and only to an
// installed PWA: elsewhere this says so and does nothing (the app renews while open).
import { DOOR_PASS_SYNC_TAG } from "./backgroundRenewal.ts";

/** The least interval asked (the browser picks its own, at least this, from the site's engagement). */
export const SYNC_MIN_INTERVAL_MS = 60 * 60_000;

type PeriodicSyncManager = { register(tag: string, o: { minInterval: number }): Promise<void> };

export type SyncRegistration = "registered" | "unsupported" | "denied";

/** Registers the "door-passes" periodic sync where granted; never throws. */
export async function registerDoorPassSync(
  nav: Pick<Navigator, "serviceWorker" | "permissions"> | undefined = typeof navigator === "undefined"
    ? undefined
    : navigator,
): Promise<SyncRegistration> {
  try {
    if (!nav?.serviceWorker || !nav.permissions) return "unsupported";
    const registration: (ServiceWorkerRegistration & { periodicSync?: PeriodicSyncManager }) | undefined =
      await nav.serviceWorker.getRegistration();
    if (!registration?.periodicSync) return "unsupported";
    const state = await nav.permissions.query({ name: "periodic-background-sync" as PermissionName });
    if (state.state !== "granted") return "denied";
    await registration.periodicSync.register(DOOR_PASS_SYNC_TAG, { minInterval: SYNC_MIN_INTERVAL_MS });
    return "registered";
  } catch {
    return "unsupported";
  }
}
