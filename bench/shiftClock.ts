// The benchmark's clock: wall clock plus BENCH_CLOCK_OFFSET_MS, shared by the load generator and
// the processes it starts (relayer, lock simulator, naive relayer: `node --import
// bench/shiftClock.ts …`), so that all of them, and the chain, agree on "now" when the bench starts
// its clock somewhere else than the wall clock (BENCH_START_BEFORE_HOUR_S, to prove that a run
// crossing an hour boundary still passes). Only `Date.now` moves: every clock of the relayer and
// the lock simulator (server/clock.ts, rate limits, caches, logs) reads it. Bench-only.
const realNow = Date.now.bind(Date);

/** Moves this process's `Date.now` by `offsetMs` from the wall clock (idempotent: not cumulative). */
export function shiftClock(offsetMs: number): void {
  if (!Number.isSafeInteger(offsetMs)) throw new Error(`clock offset must be whole milliseconds, got ${offsetMs}`);
  Date.now = offsetMs === 0 ? realNow : () => realNow() + offsetMs;
}

/** The wall clock, whatever the shift. */
export function wallNow(): number {
  return realNow();
}

/** Offset that makes the clock read `secondsBefore` seconds before the next full hour. */
export function offsetToBeforeHour(secondsBefore: number, wallMs = realNow()): number {
  if (!Number.isInteger(secondsBefore) || secondsBefore < 1 || secondsBefore > 3599)
    throw new Error(`seconds before the hour must be 1..3599, got ${secondsBefore}`);
  const hour = 3_600_000;
  let target = Math.ceil(wallMs / hour) * hour - secondsBefore * 1000;
  if (target < wallMs) target += hour;
  return target - wallMs;
}

const fromEnv = process.env.BENCH_CLOCK_OFFSET_MS;
if (fromEnv) shiftClock(Number(fromEnv));
