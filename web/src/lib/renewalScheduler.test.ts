import { describe, expect, it } from "vitest";
import { createRenewalScheduler, FIRST_BACKOFF_MS, RENEW_EVERY_MS, type RenewalEnv } from "./renewalScheduler.ts";

/** A clock, timers and a browser (online, visible, events) all moved by hand. */
function fakeWorld() {
  let now = 0;
  let nextId = 1;
  const timers = new Map<number, { at: number; f: () => void }>();
  const listeners = new Map<string, Set<() => void>>();
  const state = { online: true, visible: true };
  const env: RenewalEnv = {
    online: () => state.online,
    visible: () => state.visible,
    listen(event, f) {
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set);
      set.add(f);
      return () => set.delete(f);
    },
  };
  const settle = () => new Promise((r) => setTimeout(r, 0));
  return {
    env,
    state,
    clock: () => now,
    timers: {
      setTimeout: (f: () => void, ms: number) => {
        timers.set(nextId, { at: now + ms, f });
        return nextId++;
      },
      clearTimeout: (id: unknown) => void timers.delete(id as number),
    },
    /** Moves the clock, firing the timers due on the way, and lets each round finish. */
    async advance(ms: number) {
      const end = now + ms;
      for (;;) {
        const due = [...timers.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
        if (!due) break;
        timers.delete(due[0]);
        now = due[1].at;
        due[1].f();
        await settle();
      }
      now = end;
      await settle();
    },
    async emit(event: "online" | "visibilitychange") {
      for (const f of listeners.get(event) ?? []) f();
      await settle();
    },
    listenerCount: () => [...listeners.values()].reduce((n, s) => n + s.size, 0),
    pending: () => timers.size,
    settle,
  };
}

function scheduled(answers: { busy: boolean }[] = []) {
  const w = fakeWorld();
  const rounds: number[] = [];
  const s = createRenewalScheduler({
    env: w.env,
    timers: w.timers,
    clock: w.clock,
    round: () => {
      rounds.push(w.clock());
      return Promise.resolve(answers.shift() ?? { busy: false });
    },
  });
  return { w, s, rounds };
}

describe("when the app renews DoorPasses", () => {
  it("at start, then every few minutes while online and visible", async () => {
    const { w, s, rounds } = scheduled();
    s.start();
    await w.settle();
    expect(rounds).toEqual([0]);
    await w.advance(RENEW_EVERY_MS * 3);
    expect(rounds).toEqual([0, RENEW_EVERY_MS, 2 * RENEW_EVERY_MS, 3 * RENEW_EVERY_MS]);
  });

  it("not while offline or hidden; at once on the `online` event and when the page becomes visible", async () => {
    const { w, s, rounds } = scheduled();
    w.state.online = false;
    s.start();
    await w.advance(RENEW_EVERY_MS * 2);
    expect(rounds).toEqual([]);
    w.state.online = true;
    await w.advance(1000);
    await w.emit("online");
    expect(rounds).toEqual([2 * RENEW_EVERY_MS + 1000]);

    w.state.visible = false;
    await w.emit("visibilitychange");
    await w.advance(RENEW_EVERY_MS * 2);
    expect(rounds).toHaveLength(1);
    w.state.visible = true;
    await w.emit("visibilitychange");
    expect(rounds).toHaveLength(2);
  });

  it("after a busy relayer (429/503) waits, doubling the wait, and neither events nor triggers ask sooner", async () => {
    const { w, s, rounds } = scheduled([{ busy: true }, { busy: true }, { busy: false }]);
    s.start();
    await w.settle();
    expect(rounds).toEqual([0]);
    await w.emit("online");
    s.trigger();
    await w.advance(FIRST_BACKOFF_MS - 1);
    expect(rounds).toEqual([0]);
    await w.advance(1);
    expect(rounds).toEqual([0, FIRST_BACKOFF_MS]);
    await w.advance(2 * FIRST_BACKOFF_MS - 1);
    expect(rounds).toHaveLength(2);
    await w.advance(1);
    expect(rounds).toEqual([0, FIRST_BACKOFF_MS, 3 * FIRST_BACKOFF_MS]);
    // Answered: back to the usual rhythm.
    await w.advance(RENEW_EVERY_MS);
    expect(rounds).toEqual([0, FIRST_BACKOFF_MS, 3 * FIRST_BACKOFF_MS, 3 * FIRST_BACKOFF_MS + RENEW_EVERY_MS]);
  });

  it("one round at a time: a trigger during a round runs one more after it", async () => {
    const w = fakeWorld();
    let release: () => void = () => {};
    let count = 0;
    const s = createRenewalScheduler({
      env: w.env,
      timers: w.timers,
      clock: w.clock,
      round: () => {
        count++;
        return new Promise((r) => (release = () => r({ busy: false })));
      },
    });
    s.start();
    s.trigger();
    s.trigger();
    expect(count).toBe(1);
    release();
    await w.settle();
    expect(count).toBe(2);
    release();
    await w.settle();
    expect(count).toBe(2);
  });

  it("stopped: no timer, no listener, no round", async () => {
    const { w, s, rounds } = scheduled();
    s.start();
    await w.settle();
    s.stop();
    expect(w.pending()).toBe(0);
    expect(w.listenerCount()).toBe(0);
    await w.emit("online");
    await w.advance(RENEW_EVERY_MS * 2);
    expect(rounds).toEqual([0]);
  });
});
