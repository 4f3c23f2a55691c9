// Opening a door, the one way the dApp does it (the pass list's buttons and the door page): a
// challenge — the one a door's QR code carried, or a fresh one the relayer fetches from the lock —
// one EIP-712 signature of the member, then POST /api/unlock (docs/door-protocol.md §3).
import type { Address } from "viem";
import type { Config } from "wagmi";
import type { Challenge } from "../../../protocol/eip712.ts";
import type { Protocol } from "./protocol.ts";
import { challengeId, unlockTypedData, type Relayer } from "./relayer.ts";
import { signTyped } from "./wallet.ts";
import { nowSeconds } from "./time.ts";

/** How long the member's signed request stays valid (the relayer allows up to 600 s). */
const DEADLINE_S = 120;

export type UnlockStep = "asking" | "signing";

export async function unlockDoor(o: {
  protocol: Protocol;
  relayer: Relayer;
  wagmi: Config;
  account: Address;
  door: number;
  passId: bigint;
  /** A challenge the member brought (a scanned code); else the relayer fetches one. */
  challenge?: Challenge;
  onStep?: (step: UnlockStep) => void;
}): Promise<{ granted: boolean; reason: string }> {
  const { protocol, relayer } = o;
  o.onStep?.("asking");
  const challenge = o.challenge ?? (await relayer.challenge(o.door));
  const cid = challengeId(protocol.chain.id, protocol.address, challenge);
  const deadline = nowSeconds() + DEADLINE_S;
  o.onStep?.("signing");
  const signature = await signTyped(protocol, o.wagmi, {
    account: o.account,
    ...unlockTypedData(protocol.chain.id, protocol.address, o.door, cid, o.passId, deadline),
  });
  o.onStep?.("asking");
  return relayer.unlock({
    chainId: protocol.chain.id,
    contract: protocol.address,
    door: o.door,
    challenge,
    passId: o.passId.toString(),
    deadline,
    signer: o.account,
    signature,
  });
}
