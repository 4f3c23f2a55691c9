// Whether the relayer (the read model, sessions, the sponsor) answers. Any read that finds it down
// marks it down; while down, a probe retries on a growing delay (and at once on demand), and the
// first answer marks it up again, so the pages recover without a reload.
import { isRelayerUnavailable } from "./errors.ts";

export type RelayerHealth = {
  down: boolean;
  /** When the next automatic retry is due (ms since the epoch), while down. */
  retryAt: number | null;
  /** Failed probes since it went down. */
  attempts: number;
};

export type Timers = {
  now: () => number;
  setTimeout: (fn: () => void, ms: number) => unknown;
  clearTimeout: (id: unknown) => void;
};

const realTimers: Timers = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (id) => clearTimeout(id as ReturnType<typeof setTimeout>),
};

/** Delay before the n-th automatic retry (n ≥ 0): 2 s, 4 s, 8 s… capped at 30 s. */
export const retryDelay = (n: number): number => Math.min(30_000, 2_000 * 2 ** n);

/**
 * The relayer's health: `report(err)` after a failed read (ignored unless the relayer is
 * unreachable or not ready), `probe` asks it again, `onRecovered` runs once it answers.
 */
export function createRelayerHealth(o: { probe: () => Promise<unknown>; onRecovered: () => void; timers?: Timers }) {
  const timers = o.timers ?? realTimers;
  let state: RelayerHealth = { down: false, retryAt: null, attempts: 0 };
  const listeners = new Set<() => void>();
  let timer: unknown = null;
  let probing = false;

  const set = (next: RelayerHealth) => {
    state = next;
    for (const l of listeners) l();
  };
  const schedule = () => {
    if (timer !== null) timers.clearTimeout(timer);
    const delay = retryDelay(state.attempts);
    set({ ...state, retryAt: timers.now() + delay });
    timer = timers.setTimeout(() => {
      timer = null;
      void retry();
    }, delay);
  };

  async function retry(): Promise<void> {
    if (!state.down || probing) return;
    probing = true;
    try {
      await o.probe();
      if (timer !== null) timers.clearTimeout(timer);
      timer = null;
      set({ down: false, retryAt: null, attempts: 0 });
      o.onRecovered();
    } catch {
      set({ ...state, attempts: state.attempts + 1 });
      schedule();
    } finally {
      probing = false;
    }
  }

  return {
    get: () => state,
    subscribe: (l: () => void): (() => void) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    /** A read failed: when the relayer is the reason, mark it down and start retrying. */
    report: (err: unknown): void => {
      if (!isRelayerUnavailable(err) || state.down) return;
      set({ down: true, retryAt: null, attempts: 0 });
      schedule();
    },
    /** Retry now (the banner's button). */
    retry,
  };
}

export type RelayerHealthStore = ReturnType<typeof createRelayerHealth>;
