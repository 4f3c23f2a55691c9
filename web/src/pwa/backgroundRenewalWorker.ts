// Entry bundled into sw.js (pwa/serviceWorkerPlugin.ts): the worker's `periodicsync` listener.
import { indexedDbStore } from "../lib/offlinePass.ts";
import { makeRelayer } from "../lib/relayer.ts";
import { onPeriodicSync, type PeriodicSyncEvent } from "./backgroundRenewal.ts";

const store = indexedDbStore();
self.addEventListener("periodicsync", (event) =>
  onPeriodicSync(event as unknown as PeriodicSyncEvent, {
    store,
    relayerAt: makeRelayer,
    now: () => Math.floor(Date.now() / 1000),
  }),
);
