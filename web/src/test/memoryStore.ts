// The offline store (IndexedDB in the browser) as a Map, for tests.
import type { OfflineStore } from "../lib/offlinePass.ts";

export function memoryStore(init: Record<string, unknown> = {}): OfflineStore & { data: Map<string, unknown> } {
  const data = new Map(Object.entries(init));
  return {
    data,
    get: <T>(k: string) => Promise.resolve(data.get(k) as T | undefined),
    put: (k, v) => {
      data.set(k, v);
      return Promise.resolve();
    },
  };
}
