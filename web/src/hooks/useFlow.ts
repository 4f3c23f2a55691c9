import { useRef, useState } from "react";

/**
 * One user flow at a time (a booking, a cancellation, a claim…). The lock is a ref, taken
 * synchronously on the first click, so the second click of a double-click — which arrives before
 * React re-renders the button as disabled, and before the flow's first await returns — is ignored
 * instead of sending a second transaction. `busy` mirrors the lock for rendering.
 */
export function useFlow() {
  const lock = useRef(false);
  const [busy, setBusy] = useState(false);
  async function run<R>(flow: () => Promise<R>): Promise<R | undefined> {
    if (lock.current) return undefined;
    lock.current = true;
    setBusy(true);
    try {
      return await flow();
    } finally {
      lock.current = false;
      setBusy(false);
    }
  }
  return { busy, run };
}
