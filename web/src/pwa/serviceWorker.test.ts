import { describe, expect, it } from "vitest";
import { serviceWorkerSource } from "./serviceWorker.ts";

const SCOPE = "https://app.example/";

/** Runs the generated worker against fake caches and a network that is up or down. */
function worker(files: string[]) {
  const stored = new Map<string, Map<string, Response>>();
  const listeners = new Map<string, (e: unknown) => void>();
  let online = true;
  const fetched: string[] = [];
  const key = (r: Request | string) => new URL(typeof r === "string" ? r : r.url, SCOPE).href;
  const cacheOf = (name: string) => {
    const m = stored.get(name) ?? new Map<string, Response>();
    stored.set(name, m);
    return {
      addAll: (urls: string[]) => {
        for (const u of urls) m.set(key(u), new Response(`net ${key(u)}`));
        return Promise.resolve();
      },
      put: (r: Request | string, res: Response) => Promise.resolve(void m.set(key(r), res)),
      match: (r: Request | string) => Promise.resolve(m.get(key(r))?.clone()),
    };
  };
  const caches = {
    open: (name: string) => Promise.resolve(cacheOf(name)),
    keys: () => Promise.resolve([...stored.keys()]),
    delete: (name: string) => Promise.resolve(stored.delete(name)),
    match: (r: Request) => {
      for (const m of stored.values()) if (m.has(key(r))) return Promise.resolve(m.get(key(r))!.clone());
      return Promise.resolve(undefined);
    },
  };
  const fetch = (r: Request) => {
    fetched.push(r.url);
    return online ? Promise.resolve(new Response(`net ${r.url}`)) : Promise.reject(new TypeError("offline"));
  };
  const self = {
    registration: { scope: SCOPE },
    location: new URL(SCOPE),
    clients: { claim: () => Promise.resolve() },
    skipWaiting: () => Promise.resolve(),
    addEventListener: (type: string, f: (e: unknown) => void) => listeners.set(type, f),
  };
  // The worker's source as the browser runs it, with the fakes as its globals.
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  const run = new Function("self", "caches", "fetch", serviceWorkerSource(files, "v1")) as (...a: unknown[]) => void;
  run(self, caches, fetch);
  return {
    stored,
    fetched,
    setOnline: (up: boolean) => (online = up),
    install: async () => {
      let wait: Promise<unknown> = Promise.resolve();
      listeners.get("install")!({ waitUntil: (p: Promise<unknown>) => (wait = p) });
      await wait;
    },
    /** The worker's answer, or null when it lets the browser go to the network itself. */
    request: async (path: string, mode: RequestMode = "cors", method = "GET") => {
      let answer: Promise<Response> | null = null;
      const request = { url: new URL(path, SCOPE).href, mode, method } as Request;
      listeners.get("fetch")!({ request, respondWith: (p: Promise<Response>) => (answer = p) });
      return answer ? await (answer as Promise<Response>).then((r) => r.text()) : null;
    },
  };
}

describe("the service worker", () => {
  it("precaches the shell, config.json and every built file", async () => {
    const w = worker(["assets/index-abc.js", "assets/index-def.css"]);
    await w.install();
    expect([...w.stored.get("passepartout-v1")!.keys()].sort()).toEqual(
      ["", "config.json", "manifest.json", "icon.svg", "assets/index-abc.js", "assets/index-def.css"]
        .map((p) => SCOPE + p)
        .sort(),
    );
  });

  it("with no network, a page opens from the cached shell and the assets from the cache", async () => {
    const w = worker(["assets/index-abc.js"]);
    await w.install();
    w.setOnline(false);
    expect(await w.request("/#/passes", "navigate")).toBe(`net ${SCOPE}`);
    expect(await w.request("/config.json")).toBe(`net ${SCOPE}config.json`);
    expect(await w.request("/assets/index-abc.js")).toBe(`net ${SCOPE}assets/index-abc.js`);
    await expect(w.request("/assets/missing.js")).rejects.toThrow("offline");
  });

  it("online, config.json comes from the network first", async () => {
    const w = worker([]);
    await w.install();
    w.fetched.length = 0;
    await w.request("/config.json");
    expect(w.fetched).toEqual([`${SCOPE}config.json`]);
  });

  it("never answers the relayer, the chain, other origins or writes", async () => {
    const w = worker([]);
    await w.install();
    expect(await w.request("/api/passes")).toBeNull();
    expect(await w.request("/rpc")).toBeNull();
    expect(await w.request("https://other.example/x.js")).toBeNull();
    expect(await w.request("/config.json", "cors", "POST")).toBeNull();
  });
});
