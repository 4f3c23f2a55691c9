// Used unlock challenges kept in the index file until they expire: after a crash or kill -9, a
// replayed request whose challenge was already granted is still refused (`challenge_used`).
// Lookups stay in memory. Grants are committed in a microtask, one transaction for all the grants
// of that run of the event loop (decisions released together by one index poll): it runs before
// the loop handles any I/O, so before an open command or an answer can leave the relayer.
import { ChallengeMemory } from "../door/verifyUnlockRequest.ts";
import type { Hex } from "../../protocol/types.ts";
import type { IndexStore } from "./indexStore.ts";

export class PersistentChallengeMemory extends ChallengeMemory {
  private readonly store: IndexStore;
  private pending: { id: Hex; until: number }[] = [];
  private readonly onError: (err: unknown) => void;

  /** Loads the challenges still valid at \`now\` (UNIX seconds). */
  constructor(store: IndexStore, now: number, onError: (err: unknown) => void = () => undefined) {
    super();
    this.store = store;
    this.onError = onError;
    store.pruneUsedChallenges(now);
    for (const { id, until } of store.usedChallenges(now)) super.add(id, until);
  }

  override add(id: Hex, until: number): void {
    super.add(id, until);
    this.pending.push({ id, until });
    if (this.pending.length === 1) queueMicrotask(this.flush);
  }

  /** Commits the grants not yet on disk (also called before the file closes). */
  readonly flush = (): void => {
    const rows = this.pending;
    this.pending = [];
    if (!rows.length) return;
    try {
      this.store.addUsedChallenges(rows);
    } catch (err) {
      this.onError(err);
    }
  };

  override prune(now: number): void {
    super.prune(now);
    this.store.pruneUsedChallenges(now);
  }
}
