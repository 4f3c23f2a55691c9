// Gasless calls from the dApp (docs/gasless.md): a member whose wallet holds no ETH signs, and the
// relayer's sponsor sends the transaction through the trusted forwarder and pays its gas. With ETH
// in the wallet the app keeps the normal path (the member sends its own transactions).
import { encodeFunctionData, getAddress, type Abi, type Address, type Hex, type TransactionReceipt } from "viem";
import { getBalance, readContract, signTypedData, waitForTransactionReceipt } from "viem/actions";
import type { Config } from "wagmi";
import { passepartoutForwarderAbi } from "../../../protocol/abis.ts";
import { sameAddress } from "../../../protocol/address.ts";
import { signForwardRequest, type SponsoredFunction, type TypedDataSigner } from "../../../protocol/gasless.ts";
import { sponsorTerms, type SponsorTerms } from "../../../protocol/api/sponsor.ts";
import type { Protocol } from "./protocol.ts";
import type { Relayer } from "./relayer.ts";
import { contractErrorUi, UiError } from "./errors.ts";
import { walletFor, type WriteCall } from "./wallet.ts";

/** GET /api/sponsor (protocol/api/sponsor.ts). */
export type { SponsorTerms };

/** A gasless path for a member: the sponsor's terms and the fee it asks for this kind of call. */
export type Gasless = { terms: SponsorTerms; forwarder: Address; sponsor: Address };

/** The forwarder of this deployment, if it has one (no forwarder: no gasless path). */
export const forwarderOf = (p: Protocol): Address | undefined =>
  p.config.deployments.contracts.PassepartoutForwarder?.address;

/** The relayer's sponsor terms, or null when this relayer has no sponsor (or does not answer). */
export async function loadSponsorTerms(relayer: Relayer): Promise<SponsorTerms | null> {
  try {
    return sponsorTerms.parse(await relayer.get<unknown>("/api/sponsor"));
  } catch {
    return null; // no sponsor on this relayer: the normal path says what is missing
  }
}

/**
 * The decision, from what is already known: the gasless path when the member needs it — its wallet
 * holds no ETH, this network has a forwarder and the relayer a sponsor paid in `currency` (any
 * currency when the call is free). Null means the normal path. A sponsor that cannot pay now is a
 * {UiError} the member is told about.
 */
export function gaslessPath(o: {
  forwarder: Address | undefined;
  ethBalance: bigint;
  terms: SponsorTerms | null;
  currency: Address | null;
}): Gasless | null {
  const { forwarder, terms, currency } = o;
  if (!forwarder || o.ethBalance !== 0n || !terms) return null;
  if (!sameAddress(terms.forwarder, forwarder)) return null; // a sponsor for another deployment
  if (currency !== null && (terms.currency === null || !sameAddress(terms.currency, currency))) return null;
  if (!terms.available)
    throw new UiError(terms.reason === "budget_exhausted" ? "err.sponsorBusy" : "err.sponsorOutOfFunds");
  return { terms, forwarder, sponsor: getAddress(terms.sponsor) };
}

/** {gaslessPath} with the member's ETH balance and the sponsor's terms read now. */
export async function gaslessFor(
  p: Protocol,
  relayer: Relayer,
  member: Address,
  currency: Address | null,
): Promise<Gasless | null> {
  const forwarder = forwarderOf(p);
  if (!forwarder) return null;
  const ethBalance = await getBalance(p.client, { address: member });
  if (ethBalance !== 0n) return null;
  return gaslessPath({ forwarder, ethBalance, terms: await loadSponsorTerms(relayer), currency });
}

/** The sponsor's fee for a call of this kind on the gasless path (0 on the normal path). */
export function sponsorFee(g: Gasless | null, kind: keyof SponsorTerms["fees"]): bigint {
  return g ? BigInt(g.terms.fees[kind]) : 0n;
}

/** The sponsor's answer to a refused relay, mapped to the app's messages (the contract's error names). */
function relayError(code: string, details: { errorName?: string } | undefined): UiError {
  if (code === "sponsor_out_of_funds") return new UiError("err.sponsorOutOfFunds");
  if (code === "sponsor_budget_exhausted") return new UiError("err.sponsorBusy");
  if (code === "rate_limited") return new UiError("err.sponsorRateLimited");
  const name = details?.errorName;
  if (code === "sponsor_refused" && name && /^[A-Z]/.test(name)) return contractErrorUi(name);
  return new UiError("err.sponsorRequest", { name: name ?? code }, name ?? code);
}

/**
 * Signs `call` as a ForwardRequest, has the sponsor relay it and waits for the receipt. The calldata
 * carries the fee cap the member signs (`maxFee` of bookSponsored / cancelSponsored).
 */
export async function relaySponsored(
  p: Protocol,
  wagmi: Config,
  relayer: Relayer,
  member: Address,
  g: Gasless,
  call: Extract<WriteCall, { functionName: SponsoredFunction }>,
  onSent?: (hash: Hex) => void,
): Promise<TransactionReceipt> {
  // `call` is typed by the generated ABI where it is built (WriteCall); viem's generics cannot follow
  // that union, so the ABI is widened here, as in wallet.ts.
  const abi: Abi = p.contract.abi;
  const data = encodeFunctionData({ abi, functionName: call.functionName, args: call.args });
  const nonce = await readContract(p.client, {
    address: g.forwarder,
    abi: passepartoutForwarderAbi,
    functionName: "nonces",
    args: [member],
  });
  const wallet = await walletFor(p, wagmi);
  const sign: TypedDataSigner = (typedData) => signTypedData(wallet, { account: member, ...typedData });
  const request = await signForwardRequest(sign, {
    chainId: p.chain.id,
    forwarder: g.forwarder,
    from: member,
    to: p.address,
    data,
    nonce,
    deadline: Math.floor(Date.now() / 1000) + 1800,
    gas: BigInt(g.terms.maxCallGas),
  });
  let hash: Hex;
  try {
    ({ hash } = await relayer.post<{ hash: Hex }>("/api/sponsor/relay", { request }));
  } catch (err) {
    const e = err as { code?: string; details?: { errorName?: string } };
    throw relayError(e.code ?? "unknown", e.details);
  }
  onSent?.(hash);
  const receipt = await waitForTransactionReceipt(p.client, { hash, pollingInterval: 500 });
  if (receipt.status !== "success") throw new Error(`transaction ${hash} reverted`);
  p.api.noteMined(receipt.blockNumber); // read-your-writes, as lib/wallet.ts does
  return receipt;
}
