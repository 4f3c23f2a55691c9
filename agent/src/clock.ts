// The agent's notion of "now": wall clock in UNIX seconds, injectable in tests.
export type Clock = () => number;
export const systemClock: Clock = () => Math.floor(Date.now() / 1000);
