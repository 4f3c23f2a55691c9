import { describe, expect, it, vi } from "vitest";
import { createRelayerHealth, retryDelay, type Timers } from "./relayerHealth.ts";
import { ReadApiError } from "./readApi.ts";
import { RelayerRequestError } from "./relayer.ts";

/** Timers run by hand: `fire()` runs the pending one. */
function manualTimers() {
  let now = 0;
  const pending = new Map<number, { fn: () => void; at: number }>();
  let next = 1;
  const timers: Timers = {
    now: () => now,
    setTimeout: (fn, ms) => (pending.set(next, { fn, at: now + ms }), next++),
    clearTimeout: (id) => pending.delete(id as number),
  };
  const fire = async () => {
    const [id, t] = [...pending.entries()].sort((a, b) => a[1].at - b[1].at)[0];
    pending.delete(id);
    now = t.at;
    t.fn();
    await new Promise((r) => setTimeout(r, 0));
  };
  return { timers, fire, pending };
}

const down = new ReadApiError("upstream_unavailable", 502, "did not answer");

describe("relayer health", () => {
  it("goes down on an unreachable relayer, retries on a growing delay and recovers on the first answer", async () => {
    const { timers, fire } = manualTimers();
    let up = false;
    const probe = vi.fn(() => (up ? Promise.resolve() : Promise.reject(down)));
    const onRecovered = vi.fn();
    const h = createRelayerHealth({ probe, onRecovered, timers });
    h.report(down);
    expect(h.get()).toMatchObject({ down: true, retryAt: 2_000 });
    await fire(); // first retry at 2 s fails
    expect(probe).toHaveBeenCalledTimes(1);
    expect(h.get()).toMatchObject({ down: true, attempts: 1, retryAt: 6_000 });
    up = true;
    await fire();
    expect(h.get()).toEqual({ down: false, retryAt: null, attempts: 0 });
    expect(onRecovered).toHaveBeenCalledTimes(1);
  });

  it("ignores failures that are not the relayer being down, and retries at once on demand", async () => {
    const { timers, pending } = manualTimers();
    const probe = vi.fn(() => Promise.resolve());
    const onRecovered = vi.fn();
    const h = createRelayerHealth({ probe, onRecovered, timers });
    h.report(new ReadApiError("not_found", 404, "no such venue"));
    h.report(new RelayerRequestError("forbidden", 403));
    h.report(new Error("boom"));
    expect(h.get().down).toBe(false);
    h.report(new RelayerRequestError("relayer_unreachable", 0));
    h.report(new ReadApiError("not_ready", 503, "catching up"));
    expect(h.get().down).toBe(true);
    await h.retry();
    expect(h.get().down).toBe(false);
    expect(onRecovered).toHaveBeenCalledTimes(1);
    expect(pending.size).toBe(0);
  });

  it("caps the delay at 30 s", () => {
    expect([0, 1, 2, 3, 4, 10].map(retryDelay)).toEqual([2_000, 4_000, 8_000, 16_000, 30_000, 30_000]);
  });
});
