// EIP-712 messages of the door protocol, shared by the lock simulator, the relayer and the dApp.
// All three use the protocol's domain: name "Passepartout", version "1", the chain id and the
// Passepartout contract as verifying contract.
//
// 1. The lock signs a Challenge with its own key (registered on chain as the door's lockKey).
//    The challenge id is the EIP-712 digest of that Challenge.
// 2. The member signs an UnlockRequest naming the door, the challenge id, the pass and a deadline.
// 3. A relayer that grants signs an OpenCommand bound to the door and the challenge id, valid until
//    `expires`; the lock accepts it once, from a relayer key the venue trusts on chain.

export const DOMAIN_NAME = "Passepartout";
export const DOMAIN_VERSION = "1";

export type Domain = {
  name: typeof DOMAIN_NAME;
  version: typeof DOMAIN_VERSION;
  chainId: number;
  verifyingContract: `0x${string}`;
};

export function protocolDomain(chainId: number, verifyingContract: `0x${string}`): Domain {
  return { name: DOMAIN_NAME, version: DOMAIN_VERSION, chainId, verifyingContract };
}

export const challengeTypes = {
  Challenge: [
    { name: "door", type: "uint32" },
    { name: "nonce", type: "bytes16" },
    { name: "time", type: "uint64" },
  ],
} as const;

export const unlockRequestTypes = {
  UnlockRequest: [
    { name: "door", type: "uint32" },
    { name: "challenge", type: "bytes32" },
    { name: "passId", type: "uint256" },
    { name: "deadline", type: "uint64" },
  ],
} as const;

export const openCommandTypes = {
  OpenCommand: [
    { name: "door", type: "uint32" },
    { name: "challenge", type: "bytes32" },
    { name: "expires", type: "uint64" },
  ],
} as const;

/** A challenge as the lock issues it (JSON-friendly). */
export type Challenge = { door: number; nonce: `0x${string}`; time: number; signature: `0x${string}` };

/** A member's signed unlock request as sent to the relayer. */
export type UnlockRequest = {
  chainId: number;
  contract: `0x${string}`;
  door: number;
  challenge: Challenge;
  passId: string; // decimal
  deadline: number; // unix seconds
  signer: `0x${string}`;
  signature: `0x${string}`;
};

/** The relayer's signed open command, pushed to the lock. */
export type OpenCommand = {
  door: number;
  challenge: `0x${string}`;
  expires: number;
  relayer: `0x${string}`;
  signature: `0x${string}`;
};
