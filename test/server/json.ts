// Typed reads of HTTP answers in the server tests: the body is whatever the route documents, so
// the caller names the shape it expects (the assertions then check it).
import type { UnlockAnswer } from "../../scripts/lib/doorClient.ts";
import { unlock as fixtureUnlock, type Harness, type UnlockInput } from "./fixture.ts";

export async function json<T>(res: Response): Promise<T> {
  return (await res.json()) as T;
}

/** fixture.ts's `unlock` with its answer typed as what `requestUnlock` returns: the decision. */
export async function unlock(
  h: Harness,
  u: UnlockInput,
): Promise<Omit<Awaited<ReturnType<typeof fixtureUnlock>>, "body"> & { body: UnlockAnswer }> {
  const r = await fixtureUnlock(h, u);
  return { ...r, body: r.body as UnlockAnswer };
}
