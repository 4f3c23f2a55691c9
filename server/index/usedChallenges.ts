// Used unlock challenges kept in the index file until they expire: after a crash or kill -9, a
// replayed request whose challenge was already granted is still refused (`challenge_used`).
// Lookups stay in memory; each grant is one prepared INSERT, committed (to the WAL) before the
// decision is answered.
import { ChallengeMemory } from "../door/verifyUnlockRequest.ts";
import type { Hex } from "../../protocol/types.ts";
import type { IndexStore } from "./indexStore.ts";

export class PersistentChallengeMemory extends ChallengeMemory {
  private readonly store: IndexStore;

  /** Loads the challenges still valid at `now` (UNIX seconds). */
  constructor(store: IndexStore, now: number) {
    super();
    this.store = store;
    store.pruneUsedChallenges(now);
    for (const { id, until } of store.usedChallenges(now)) super.add(id, until);
  }

  override add(id: Hex, until: number): void {
    this.store.addUsedChallenge(id, until);
    super.add(id, until);
  }

  override prune(now: number): void {
    super.prune(now);
    this.store.pruneUsedChallenges(now);
  }
}
