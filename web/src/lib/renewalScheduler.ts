// When the app runs a DoorPass renewal round (lib/doorPassRenewal.ts): at start, every `everyMs`
// while the device is online and the page visible, at once when the device comes back online or the
// page becomes visible again; after a busy relayer (429, 503) it waits, doubling the wait up to
// `maxBackoffMs`, and neither events nor timers ask it sooner. One round at a time: a trigger during
// a round runs one more round after it. Clock, timers and the browser's events are injected.

/** What the scheduler needs of the browser (window/document in the app, fakes in tests). */
export type RenewalEnv = {
  online(): boolean;
  visible(): boolean;
  /** Subscribes to "online" and "visibilitychange"; returns the unsubscribe. */
  listen(event: "online" | "visibilitychange", f: () => void): () => void;
};

export type Timers = {
  setTimeout(f: () => void, ms: number): unknown;
  clearTimeout(id: unknown): void;
};

export type RenewalScheduler = {
  start(): void;
  /** Runs a round now unless offline, hidden or backing off (e.g. after the app read the passes anew). */
  trigger(): void;
  stop(): void;
};

export const RENEW_EVERY_MS = 5 * 60_000;
export const FIRST_BACKOFF_MS = 30_000;
export const MAX_BACKOFF_MS = 30 * 60_000;

export function browserEnv(): RenewalEnv {
  return {
    online: () => navigator.onLine,
    visible: () => document.visibilityState === "visible",
    listen(event, f) {
      const target: EventTarget = event === "online" ? window : document;
      target.addEventListener(event, f);
      return () => target.removeEventListener(event, f);
    },
  };
}

export function createRenewalScheduler(o: {
  /** One round; `busy` asks for a backoff. */
  round: () => Promise<{ busy: boolean }>;
  env: RenewalEnv;
  timers: Timers;
  /** Milliseconds. */
  clock: () => number;
  everyMs?: number;
  firstBackoffMs?: number;
  maxBackoffMs?: number;
}): RenewalScheduler {
  const everyMs = o.everyMs ?? RENEW_EVERY_MS;
  const first = o.firstBackoffMs ?? FIRST_BACKOFF_MS;
  const max = o.maxBackoffMs ?? MAX_BACKOFF_MS;
  let timer: unknown = null;
  let unlisten: (() => void)[] = [];
  let running = false;
  let again = false;
  let stopped = true;
  let failures = 0;
  let quietUntil = 0;

  const schedule = (ms: number) => {
    if (timer !== null) o.timers.clearTimeout(timer);
    timer = o.timers.setTimeout(() => {
      timer = null;
      tick();
    }, ms);
  };

  function tick() {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    if (o.clock() < quietUntil) return; // the backoff's timer is set
    if (!o.env.online() || !o.env.visible()) return schedule(everyMs);
    running = true;
    void o
      .round()
      .catch(() => ({ busy: false }))
      .then(({ busy }) => {
        running = false;
        if (stopped) return;
        if (busy) {
          const wait = Math.min(max, first * 2 ** failures++);
          quietUntil = o.clock() + wait;
          again = false;
          return schedule(wait);
        }
        failures = 0;
        quietUntil = 0;
        if (again) {
          again = false;
          return tick();
        }
        schedule(everyMs);
      });
  }

  return {
    start() {
      if (!stopped) return;
      stopped = false;
      unlisten = [
        o.env.listen("online", tick),
        o.env.listen("visibilitychange", () => {
          if (o.env.visible()) tick();
        }),
      ];
      tick();
    },
    trigger: tick,
    stop() {
      stopped = true;
      if (timer !== null) o.timers.clearTimeout(timer);
      timer = null;
      for (const f of unlisten) f();
      unlisten = [];
    },
  };
}
