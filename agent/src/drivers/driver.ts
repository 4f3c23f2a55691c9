// One interface for every lock the agent drives. States are Home Assistant's lock entity states
// (locked, unlocked, open, jammed); `pulse(seconds)` releases the door for that long and returns to
// locked by itself (the device times it when it can, so a crashed agent never leaves a door open).
import type { LockState } from "../../../protocol/doorMqtt.ts";

export type DriverReading = {
  state: LockState;
  /** Door contact input, when the hardware has one. */
  contact?: "open" | "closed" | null;
  /** Battery percentage, when the lock reports one. */
  battery?: number | null;
};

/** Why a driver failed: the lock could not be reached (or did not answer in time), or it is jammed. */
export class DriverError extends Error {
  readonly code: "lock_unreachable" | "jammed";
  constructor(code: "lock_unreachable" | "jammed", message: string) {
    super(message);
    this.code = code;
  }
}

export interface LockDriver {
  /** "simulator", "shelly", "nuki", "command", … (logs). */
  readonly kind: string;
  /**
   * Releases the door for `seconds`. Resolves once the lock accepted the order; rejects with a
   * DriverError otherwise. `signal` aborts when the command's budget is spent: the driver must not
   * start anything after it (a driver that ignores it is cut off by the agent all the same).
   */
  pulse(seconds: number, signal: AbortSignal): Promise<void>;
  /** The lock's current state (and contact, battery when known). */
  read(signal: AbortSignal): Promise<DriverReading>;
  /** Releases timers and connections. */
  close?(): void;
}

/**
 * Runs a driver call within `ms`: a rejection becomes a DriverError, a call that does not settle in
 * time becomes `lock_unreachable` (the call itself is abandoned, never awaited again). Never throws
 * anything but a DriverError.
 */
export async function withinBudget<T>(ms: number, run: (signal: AbortSignal) => Promise<T>): Promise<T> {
  if (ms <= 0) throw new DriverError("lock_unreachable", "no time left in the command's budget");
  const ac = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      ac.abort();
      reject(new DriverError("lock_unreachable", `the lock did not answer within ${ms} ms`));
    }, ms);
  });
  const call = (async () => run(ac.signal))();
  call.catch(() => undefined); // abandoned on timeout: its late failure is nobody's business
  try {
    return await Promise.race([call, timeout]);
  } catch (err) {
    if (err instanceof DriverError) throw err;
    throw new DriverError("lock_unreachable", (err as Error)?.message ?? String(err));
  } finally {
    clearTimeout(timer);
  }
}
