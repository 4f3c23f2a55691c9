// Gasless (sponsored) calls, shared by the sponsor endpoint, the dApp, the tests and the gas bench.
// The member signs an ERC-2771 ForwardRequest for PassepartoutForwarder (OpenZeppelin's
// ERC2771Forwarder, EIP-712 domain "Passepartout Forwarder" / "1") whose calldata is one of the
// sponsored calls below; a booking also carries an EIP-2612 permit of the stablecoin for
// `maxPrice + maxFee`. The sponsor submits it with `executeSponsored(request, fee)`; the contract
// pays the fee only if it is within the `maxFee` the member signed (docs/gasless.md).
import type { Hex } from "./types.ts";

export const FORWARDER_NAME = "Passepartout Forwarder";
export const FORWARDER_VERSION = "1";

export function forwarderDomain(chainId: number, forwarder: Hex) {
  return { name: FORWARDER_NAME, version: FORWARDER_VERSION, chainId, verifyingContract: forwarder } as const;
}

/** OpenZeppelin 5's `ForwardRequest` (the nonce is signed but read from the forwarder on chain). */
export const forwardRequestTypes = {
  ForwardRequest: [
    { name: "from", type: "address" },
    { name: "to", type: "address" },
    { name: "value", type: "uint256" },
    { name: "gas", type: "uint256" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint48" },
    { name: "data", type: "bytes" },
  ],
} as const;

/** EIP-2612 `Permit`, signed on the token's own domain (`name`, version "1"). */
export const permitTypes = {
  Permit: [
    { name: "owner", type: "address" },
    { name: "spender", type: "address" },
    { name: "value", type: "uint256" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
} as const;

/** The Passepartout functions a sponsor relays (anything else is refused before simulation). */
export const SPONSORED_FUNCTIONS = ["bookSponsored", "cancelSponsored", "setUser"] as const;
export type SponsoredFunction = (typeof SPONSORED_FUNCTIONS)[number];

/** Gas the member signs for the forwarded call: enough for a booking with a permit, with margin. */
export const SPONSORED_CALL_GAS = 400_000n;

/** `ForwardRequestData` as the member sends it to the sponsor (JSON: integers as decimal strings). */
export type SignedForwardRequest = {
  from: Hex;
  to: Hex;
  value: string;
  gas: string;
  deadline: number;
  data: Hex;
  signature: Hex;
};

/** Signs EIP-712 typed data: a viem local account's or a wallet client's `signTypedData`. */
export type TypedDataSigner = (typedData: {
  domain: { name: string; version: string; chainId: number; verifyingContract: Hex };
  types: Record<string, readonly { name: string; type: string }[]>;
  primaryType: string;
  message: Record<string, unknown>;
}) => Promise<Hex>;

/** Signs `data` (a Passepartout call) as a ForwardRequest of `from` with its forwarder `nonce`. */
export async function signForwardRequest(
  sign: TypedDataSigner,
  r: { chainId: number; forwarder: Hex; from: Hex; to: Hex; data: Hex; nonce: bigint; deadline: number; gas?: bigint },
): Promise<SignedForwardRequest> {
  const gas = r.gas ?? SPONSORED_CALL_GAS;
  const signature = await sign({
    domain: forwarderDomain(r.chainId, r.forwarder),
    types: forwardRequestTypes,
    primaryType: "ForwardRequest",
    message: { from: r.from, to: r.to, value: 0n, gas, nonce: r.nonce, deadline: r.deadline, data: r.data },
  });
  return { from: r.from, to: r.to, value: "0", gas: gas.toString(), deadline: r.deadline, data: r.data, signature };
}

/** Signs an EIP-2612 permit and splits it as `permit(…, v, r, s)` takes it. */
export async function signPermit(
  sign: TypedDataSigner,
  p: {
    chainId: number;
    token: Hex;
    tokenName: string;
    owner: Hex;
    spender: Hex;
    value: bigint;
    nonce: bigint;
    deadline: bigint;
  },
): Promise<{ v: number; r: Hex; s: Hex }> {
  const signature = await sign({
    domain: { name: p.tokenName, version: "1", chainId: p.chainId, verifyingContract: p.token },
    types: permitTypes,
    primaryType: "Permit",
    message: { owner: p.owner, spender: p.spender, value: p.value, nonce: p.nonce, deadline: p.deadline },
  });
  // r ‖ s ‖ v, 65 bytes; some wallets write v as the y parity (0 or 1) rather than 27 or 28.
  const v = parseInt(signature.slice(130, 132), 16);
  return { r: `0x${signature.slice(2, 66)}`, s: `0x${signature.slice(66, 130)}`, v: v < 27 ? v + 27 : v };
}
