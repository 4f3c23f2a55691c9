// A fake Nuki Bridge enforcing the vendor's documented rules of its local HTTP API, for the driver tests:
// - https://developer.nuki.io/t/hashed-token-for-bridge-api/1378 and the Bridge HTTP API
//   (mirrored at https://git.cooltux.net/FHEM/mod-NUKI/wiki/commit/2bae387c6f7575616847d9f6ea0f5ff076a4d46f):
//   a call carries `ts` (UTC, YYYY-MM-DDTHH:MM:SSZ), `rnr` (uint16) and `hash` = sha256("ts,rnr,token")
//   instead of the plain token; a hashed token is valid only with a sufficiently current timestamp
//   (60 s here) and cannot be reused (each rnr once) — else 401.
// - https://developer.nuki.io/t/http-503-error-code-collision-how-to-handle/13423 — 503 means the
//   bridge is busy (another request running: it serves one at a time; calls closer than 0.5 s apart
//   are refused): retry. `{"success": false}` means the lock did not answer the bridge: retry too.
// - `/lockAction?nukiId&deviceType&action` answers `{success, batteryCritical}`; action 3 = unlatch;
//   `/lockState` answers `{mode, state, stateName, batteryCritical, batteryChargeState, doorsensorState, success}`;
//   an unknown nukiId → 404.
import { createHash } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";

export type FakeNukiBridge = {
  url: string;
  /** Every accepted lockAction: its action code, in order. */
  actions: number[];
  /** Calls refused with 503 (busy / too close), 401 (token), accepted. */
  counts: { busy: number; unauthorized: number; accepted: number };
  /** Answer `{success: false}` to the next N lock actions (lock out of Bluetooth reach). */
  failNext: number;
  hang: boolean;
  close(): Promise<void>;
};

export async function startFakeNukiBridge(o: {
  token: string;
  nukiId: number;
  /** How long the bridge takes for a lock action (it is busy meanwhile). */
  actionMs?: number;
  now?: () => number;
}): Promise<FakeNukiBridge> {
  const now = o.now ?? Date.now;
  const seenRnr = new Map<number, number>();
  let busy = false;
  let lastCall = -Infinity;
  let state = 1; // locked
  const fake: FakeNukiBridge = {
    url: "",
    actions: [],
    counts: { busy: 0, unauthorized: 0, accepted: 0 },
    failNext: 0,
    hang: false,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
  const json = (res: http.ServerResponse, status: number, body: object) => {
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify(body));
  };
  const server = http.createServer((req, res) => {
    if (fake.hang) return;
    const u = new URL(req.url ?? "/", "http://bridge");
    const t = now();
    // One request at a time, and at least 0.5 s between calls.
    if (busy || t - lastCall < 500) {
      fake.counts.busy++;
      return json(res, 503, { success: false });
    }
    lastCall = t;
    const ts = u.searchParams.get("ts") ?? "";
    const rnr = Number(u.searchParams.get("rnr"));
    const hash = u.searchParams.get("hash") ?? "";
    const tsMs = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(ts) ? Date.parse(ts) : NaN;
    for (const [r, at] of seenRnr) if (t - at > 60_000) seenRnr.delete(r);
    const valid =
      Number.isInteger(rnr) &&
      rnr >= 0 &&
      rnr <= 65535 &&
      !Number.isNaN(tsMs) &&
      Math.abs(t - tsMs) <= 60_000 &&
      !seenRnr.has(rnr) &&
      hash === createHash("sha256").update(`${ts},${rnr},${o.token}`).digest("hex");
    if (!valid) {
      fake.counts.unauthorized++;
      return json(res, 401, { success: false });
    }
    seenRnr.set(rnr, t);
    if (Number(u.searchParams.get("nukiId")) !== o.nukiId) return json(res, 404, { success: false });
    fake.counts.accepted++;
    if (u.pathname === "/lockState")
      return json(res, 200, {
        mode: 2,
        state,
        stateName: state === 1 ? "locked" : "unlatched",
        batteryCritical: false,
        batteryChargeState: 87,
        doorsensorState: 2,
        success: true,
      });
    if (u.pathname === "/lockAction") {
      const action = Number(u.searchParams.get("action"));
      if (!Number.isInteger(action) || action < 1 || action > 7) return json(res, 400, { success: false });
      busy = true;
      setTimeout(() => {
        busy = false;
        if (fake.failNext > 0) {
          fake.failNext--;
          return json(res, 200, { success: false, batteryCritical: false });
        }
        fake.actions.push(action);
        if (action === 3) {
          state = 5; // unlatched, then locked again by the lock itself
          setTimeout(() => (state = 1), 1000).unref();
        }
        json(res, 200, { success: true, batteryCritical: false });
      }, o.actionMs ?? 50);
      return;
    }
    json(res, 404, { success: false });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return fake;
}
