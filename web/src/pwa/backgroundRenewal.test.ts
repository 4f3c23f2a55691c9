import { describe, expect, it, vi } from "vitest";
import type { Address, Hex } from "viem";
import { makeRelayer } from "../lib/relayer.ts";
import { DEVICE_KEY, HELD_KEY, PLAN_KEY, type RenewalPlan, type ShownDoorPass } from "../lib/doorPassRenewal.ts";
import type { DeviceKey } from "../lib/offlinePass.ts";
import { memoryStore } from "../test/memoryStore.ts";
import { DOOR_PASS_SYNC_TAG, onPeriodicSync, renewInBackground } from "./backgroundRenewal.ts";
import { registerDoorPassSync, SYNC_MIN_INTERVAL_MS } from "./periodicSync.ts";
import { serviceWorkerSource } from "./serviceWorker.ts";
import { backgroundScript } from "./serviceWorkerPlugin.ts";

const ME: Address = "0x1111111111111111111111111111111111111111";
const OTHER: Address = "0x2222222222222222222222222222222222222222";
const KEY: Hex = `0x02${"ab".repeat(32)}`;
const NOW = 1_800_000_000;
const RELAYER = "https://relayer.example";

const device: DeviceKey = {
  privateKey: {} as CryptoKey,
  publicKey: KEY,
  binding: { member: ME, signature: `0x${"22".repeat(65)}` },
};
const plan: RenewalPlan = {
  member: ME,
  relayerUrl: RELAYER,
  passes: [{ passId: "12", start: NOW - 600, end: NOW + 8 * 3600, label: "Poste", timeZone: "UTC" }],
  refused: [],
};

/** The relayer as the worker reaches it with fetch: whose session the cookie is, and the DoorPass answer. */
function network(session: Address | null, doorPass: "ok" | 429 | "down" = "ok") {
  const calls: { url: string; init?: RequestInit }[] = [];
  const fetch = vi.fn((url: string, init?: RequestInit) => {
    calls.push({ url, init });
    if (doorPass === "down") return Promise.reject(new TypeError("Failed to fetch"));
    if (url.endsWith("/api/me"))
      return Promise.resolve(
        session
          ? Response.json({ address: session, chainId: 31337, expiresAt: NOW + 3600, operatorOf: [] })
          : Response.json({ error: { code: "unauthorized" } }, { status: 401 }),
      );
    if (doorPass === 429) return Promise.resolve(Response.json({ error: { code: "rate_limited" } }, { status: 429 }));
    const body = JSON.parse(init!.body as string) as { passId: string };
    return Promise.resolve(
      Response.json({
        pass: {
          passId: body.passId,
          venue: 2,
          doors: [3],
          validFrom: NOW,
          validUntil: NOW + 4 * 3600,
          serial: 9,
          deviceKey: KEY,
        },
        relayer: `0x${"33".repeat(20)}`,
        signature: `0x${"11".repeat(64)}1b`,
        statusListTopic: "pp/v1/venue/2/status",
      }),
    );
  });
  vi.stubGlobal("fetch", fetch);
  return calls;
}

const deps = (store: ReturnType<typeof memoryStore>) => ({ store, relayerAt: makeRelayer, now: () => NOW });

describe("the service worker's background renewal", () => {
  it("renews from IndexedDB with the session cookie, for the plan's member", async () => {
    const calls = network(ME);
    const store = memoryStore({ [DEVICE_KEY]: device, [PLAN_KEY]: plan });
    expect(await renewInBackground(deps(store))).toMatchObject({ stopped: null, renewed: ["12"] });
    expect(calls.map((c) => c.url)).toEqual([`${RELAYER}/api/me`, `${RELAYER}/api/door-passes`]);
    expect(calls.every((c) => c.init?.credentials === "include")).toBe(true);
    expect(JSON.parse(calls[1].init!.body as string)).toEqual({
      passId: "12",
      deviceKey: KEY,
      deviceKeySignature: device.binding!.signature,
    });
    const held = store.data.get(HELD_KEY) as Record<string, ShownDoorPass>;
    expect(held["12"]).toMatchObject({ fetchedAt: NOW, label: "Poste" });
    vi.unstubAllGlobals();
  });

  it("signed out, or signed in as another member: asks for no DoorPass and changes nothing", async () => {
    for (const session of [null, OTHER]) {
      const calls = network(session);
      const store = memoryStore({ [DEVICE_KEY]: device, [PLAN_KEY]: plan });
      expect(await renewInBackground(deps(store))).toEqual({ stopped: "signed_out" });
      expect(calls.map((c) => c.url)).toEqual([`${RELAYER}/api/me`]);
      expect(store.data.get(HELD_KEY)).toBeUndefined();
    }
    vi.unstubAllGlobals();
  });

  it("offline, busy or no plan: stops without changes", async () => {
    network(ME, "down");
    const store = memoryStore({ [DEVICE_KEY]: device, [PLAN_KEY]: plan });
    expect(await renewInBackground(deps(store))).toEqual({ stopped: "offline" });
    network(ME, 429);
    expect(await renewInBackground(deps(store))).toMatchObject({ stopped: "busy" });
    const none = network(ME);
    expect(await renewInBackground(deps(memoryStore({ [DEVICE_KEY]: device })))).toEqual({ stopped: "no_plan" });
    expect(none).toEqual([]);
    expect(store.data.get(HELD_KEY)).toBeUndefined();
    vi.unstubAllGlobals();
  });

  it("the periodicsync handler renews on its tag only and never rejects", async () => {
    network(ME);
    const store = memoryStore({ [DEVICE_KEY]: device, [PLAN_KEY]: plan });
    const waited: Promise<unknown>[] = [];
    onPeriodicSync({ tag: "other", waitUntil: (p) => waited.push(p) }, () => deps(store));
    expect(waited).toHaveLength(0);
    onPeriodicSync({ tag: DOOR_PASS_SYNC_TAG, waitUntil: (p) => waited.push(p) }, () => deps(store));
    await Promise.all(waited);
    expect(Object.keys(store.data.get(HELD_KEY) as object)).toEqual(["12"]);
    const broken = {
      ...deps(store),
      store: {
        get: () => Promise.reject(new Error("IndexedDB gone")),
        put: (k: string, v: unknown) => store.put(k, v),
      },
    };
    onPeriodicSync({ tag: DOOR_PASS_SYNC_TAG, waitUntil: (p) => waited.push(p) }, () => broken);
    await expect(waited[1]).resolves.toBeUndefined();
    vi.unstubAllGlobals();
  });

  it(
    "the built sw.js carries the periodicsync listener, reading IndexedDB on its tag only",
    { timeout: 60_000 },
    async () => {
      const listeners = new Map<string, (e: unknown) => void>();
      const self = {
        registration: { scope: "https://app.example/" },
        location: new URL("https://app.example/"),
        addEventListener: (type: string, f: (e: unknown) => void) => listeners.set(type, f),
      };
      // An empty IndexedDB: every read answers undefined (no plan yet).
      const read: string[] = [];
      const answer = (result: unknown) => {
        const req = { result, onsuccess: null as null | (() => void), onerror: null, onupgradeneeded: null };
        setTimeout(() => req.onsuccess?.(), 0);
        return req;
      };
      const db = {
        transaction: () => ({ objectStore: () => ({ get: (k: string) => (read.push(k), answer(undefined)) }) }),
      };
      const indexedDB = { open: () => answer(db) };
      const fetched: string[] = [];
      const fetch = (url: string) => (fetched.push(url), Promise.reject(new Error("no network")));
      const source = serviceWorkerSource([], "v1", await backgroundScript());
      // eslint-disable-next-line @typescript-eslint/no-implied-eval
      const run = new Function("self", "caches", "fetch", "indexedDB", source) as (...a: unknown[]) => void;
      run(self, {}, fetch, indexedDB);
      expect([...listeners.keys()].sort()).toEqual(["activate", "fetch", "install", "periodicsync"]);
      const waited: Promise<unknown>[] = [];
      listeners.get("periodicsync")!({ tag: "something-else", waitUntil: (p: Promise<unknown>) => waited.push(p) });
      expect(waited).toEqual([]);
      listeners.get("periodicsync")!({ tag: "door-passes", waitUntil: (p: Promise<unknown>) => waited.push(p) });
      await Promise.all(waited);
      expect(read).toEqual([PLAN_KEY]);
      expect(fetched).toEqual([]);
    },
  );
});

describe("asking for Periodic Background Sync", () => {
  const nav = (o: { registration?: object | null; state?: PermissionState; noPermissions?: boolean }) =>
    ({
      serviceWorker: { getRegistration: () => Promise.resolve(o.registration ?? undefined) },
      permissions: o.noPermissions ? undefined : { query: () => Promise.resolve({ state: o.state ?? "granted" }) },
    }) as unknown as Navigator;

  it("registers the door-passes tag where the browser grants it", async () => {
    const register = vi.fn(() => Promise.resolve());
    expect(await registerDoorPassSync(nav({ registration: { periodicSync: { register } } }))).toBe("registered");
    expect(register).toHaveBeenCalledWith("door-passes", { minInterval: SYNC_MIN_INTERVAL_MS });
  });

  it("does nothing, and throws nothing, where it is absent or not granted", async () => {
    const register = vi.fn(() => Promise.resolve());
    expect(await registerDoorPassSync(undefined)).toBe("unsupported");
    expect(await registerDoorPassSync({} as Navigator)).toBe("unsupported");
    expect(await registerDoorPassSync(nav({ registration: null }))).toBe("unsupported");
    expect(await registerDoorPassSync(nav({ registration: {} }))).toBe("unsupported");
    expect(await registerDoorPassSync(nav({ registration: { periodicSync: { register } }, noPermissions: true }))).toBe(
      "unsupported",
    );
    expect(await registerDoorPassSync(nav({ registration: { periodicSync: { register } }, state: "prompt" }))).toBe(
      "denied",
    );
    const failing = { periodicSync: { register: () => Promise.reject(new DOMException("no", "NotAllowedError")) } };
    expect(await registerDoorPassSync(nav({ registration: failing }))).toBe("unsupported");
    expect(register).not.toHaveBeenCalled();
  });
});
