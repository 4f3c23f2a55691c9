// The door protocol's HTTP messages (docs/door-protocol.md): the lock's challenge, the member's
// unlock request (the relayer's one validation of POST /api/unlock's body) and the decision.
import { z } from "zod";
import { REASONS } from "../reasons.ts";
import { hex, unixSeconds, uint32 } from "./json.ts";

const EIP712_NOTE =
  'EIP-712 domain of every door message: `{ name: "Passepartout", version: "1", chainId, verifyingContract: <Passepartout address> }` (GET /api/network → `eip712.domain`; also the contract\'s ERC-5267 `eip712Domain()`).';

const UINT256_MAX = (1n << 256n) - 1n;
const lower = (s: string) => s.toLowerCase() as `0x${string}`;
const hexIn = (bytes: number, description: string) => hex(bytes, description).transform(lower);
const addressIn = z
  .string()
  .regex(/^0x[0-9a-fA-F]{40}$/, "address")
  .transform(lower);
const uint53 = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

export const reason = z
  .enum(REASONS)
  .meta({ id: "Reason", description: "Decision reason, shared by contracts, relayer and dApp (protocol/reasons.ts)." });

export const challenge = z
  .object({
    door: uint32,
    nonce: hexIn(16, "16 random bytes"),
    time: uint53.meta({ description: "the lock's clock when it issued the challenge (UNIX seconds)" }),
    signature: hexIn(65, "the lock's 65-byte signature r‖s‖v of the challenge id, by the door's on-chain lockKey"),
  })
  .meta({
    id: "Challenge",
    description: `Issued by the door's lock. Its id is the EIP-712 digest hashTypedData(domain, { Challenge: [door uint32, nonce bytes16, time uint64] }, { door, nonce, time }). ${EIP712_NOTE} Fresh for CHALLENGE_MAX_AGE_S (limits.challengeMaxAgeSeconds), at most CLOCK_SKEW_S in the future; the lock accepts it once.`,
  });

/** POST /api/unlock's body: validated by this schema alone (lower-cases hex, passId as a bigint). */
export const unlockRequest = z
  .object({
    chainId: z
      .number()
      .int()
      .positive()
      .max(Number.MAX_SAFE_INTEGER)
      .meta({ description: "must equal the relayer's chain id (else wrong_chain)" }),
    contract: addressIn.meta({ description: "the Passepartout address (else wrong_contract)" }),
    door: uint32.meta({ description: "must equal challenge.door (else challenge_forged)" }),
    challenge,
    passId: z
      .string()
      .regex(/^\d{1,78}$/, "decimal integer")
      // zod runs refinements even after a failed regex: guard before BigInt().
      .refine((s) => /^\d{1,78}$/.test(s) && BigInt(s) <= UINT256_MAX, "out of range")
      .transform((s) => BigInt(s))
      .meta({
        description:
          "the pass (ERC-721 token id, decimal) the signer holds or is the guest of: `passId` of the Booked event",
      }),
    deadline: uint53.meta({
      description:
        "UNIX seconds; now ≤ deadline ≤ now + MAX_DEADLINE_AHEAD_S (limits.deadlineMaxSeconds, 600 by default); past: deadline_expired; farther: malformed_request",
    }),
    signer: addressIn,
    signature: z
      .string()
      .regex(/^0x([0-9a-fA-F]{2}){1,2048}$/, "hex signature")
      .transform(lower)
      .meta({
        description:
          "EOA: exactly 65 bytes r‖s‖v, v ∈ {27, 28} or {0, 1}, low s (s ≤ n/2); anything else (EIP-2098 64-byte compact, high s) is not recovered and is bad_signature unless `signer` has code. Contract wallet (signer has code): any bytes up to 2048, checked with ERC-1271 isValidSignature(digest, signature).",
      }),
  })
  .meta({
    id: "UnlockRequest",
    description: `The member's EIP-712 UnlockRequest(door uint32, challenge bytes32, passId uint256, deadline uint64), challenge = the challenge id, signed by \`signer\`. ${EIP712_NOTE}`,
  });
export type ParsedUnlockRequest = z.output<typeof unlockRequest>;

export const openCommand = z
  .object({
    door: uint32,
    challenge: hex(32, "the challenge id"),
    expires: unixSeconds,
    relayer: hex(20),
    signature: hex(65, "EIP-712 OpenCommand(door uint32, challenge bytes32, expires uint64) signed by `relayer`"),
  })
  .meta({
    id: "OpenCommand",
    description:
      "Signed by the relayer; the lock accepts it once, before `expires`, from a relayer key the door's venue trusts on chain.",
  });

export const lockDelivery = z
  .object({ status: z.enum(["opened", "refused", "unreachable"]), reason: z.string().optional() })
  .meta({
    id: "LockDelivery",
    description:
      "What the door's agent answered (through the MQTT broker, signed by the lock key). `unreachable` (reason `lock_unreachable`: no answer within LOCK_TIMEOUT_MS) is answered only once the command has expired: the door will not open with it afterwards. `refused` carries the agent's reason (`lock_jammed` when the lock reported jammed). The dApp shows `lock_unreachable`, `lock_jammed` or `lock_refused`.",
  });

export const decisionAnswer = z
  .object({
    requestId: z.string(),
    granted: z.boolean(),
    reason,
    auditId: z.number().int().meta({ description: "id of the audit record, committed before the answer" }),
    openCommand: openCommand.optional(),
    lock: lockDelivery.optional(),
  })
  .strict()
  .meta({ id: "Decision" });
