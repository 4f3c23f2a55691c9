// Entry bundled into sw.js (pwa/serviceWorkerPlugin.ts): the worker's `periodicsync` listener.
import { indexedDbStore, type OfflineStore } from "../lib/offlinePass.ts";
import { makeRelayer } from "../lib/relayer.ts";
import { onPeriodicSync, type PeriodicSyncEvent } from "./backgroundRenewal.ts";

let store: OfflineStore | null = null; // opened on the first sync, not at every start of the worker
self.addEventListener("periodicsync", (event) =>
  onPeriodicSync(event as unknown as PeriodicSyncEvent, () => ({
    store: (store ??= indexedDbStore()),
    relayerAt: makeRelayer,
    now: () => Math.floor(Date.now() / 1000),
  })),
);
