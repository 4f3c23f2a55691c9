// Transactions from the connected wallet: simulate first (decodes custom errors before anything is
// signed), then send, then wait for the receipt.
import { getConnectorClient, switchChain } from "wagmi/actions";
import {
  getEip712Domain,
  readContract,
  signMessage,
  signTypedData,
  simulateContract,
  waitForTransactionReceipt,
  writeContract,
} from "viem/actions";
import type { Config } from "wagmi";
import {
  erc20Abi,
  type Abi,
  parseSignature,
  type Address,
  type Client,
  type ContractFunctionArgs,
  type ContractFunctionName,
  type Hex,
  type TransactionReceipt,
} from "viem";
import { erc20PermitAbi, testCadAbi } from "../../../protocol/abis.ts";
import { permitTypes } from "../../../protocol/gasless.ts";
import type { PassepartoutAbi } from "../../../protocol/types.ts";
import type { Protocol } from "./protocol.ts";

/** An OpenZeppelin token's custom errors (IERC20Errors, ERC-2612), to decode what a transfer bubbles up. */
const tokenErrors = testCadAbi.filter((item) => item.type === "error");

type Writes = ContractFunctionName<PassepartoutAbi, "nonpayable" | "payable">;

/** One call of a Passepartout function that changes state, its arguments typed by the generated ABI. */
export type WriteCall = {
  [F in Writes]: {
    functionName: F;
    args: ContractFunctionArgs<PassepartoutAbi, "nonpayable" | "payable", F>;
    value?: bigint;
  };
}[Writes];

/** The connected wallet's client on our chain (switching the wallet's chain first if needed). */
export async function walletFor(p: Protocol, wagmi: Config): Promise<Client> {
  const current = wagmi.state.connections.get(wagmi.state.current ?? "")?.chainId;
  if (current !== p.chain.id) await switchChain(wagmi, { chainId: p.chain.id });
  return getConnectorClient(wagmi, { chainId: p.chain.id });
}

async function mined(p: Protocol, hash: Hex, onSent?: (hash: Hex) => void): Promise<TransactionReceipt> {
  onSent?.(hash);
  const receipt = await waitForTransactionReceipt(p.client, { hash, pollingInterval: 500 });
  if (receipt.status !== "success") throw new Error(`transaction ${hash} reverted`);
  // What this tab reads next must include this transaction (read-your-writes on the read model).
  p.api.noteMined(receipt.blockNumber);
  return receipt;
}

/** Sends `call` to Passepartout from the connected wallet and waits for its receipt. */
export async function sendTx(
  p: Protocol,
  wagmi: Config,
  account: Address,
  call: WriteCall,
  onSent?: (hash: Hex) => void,
): Promise<TransactionReceipt> {
  const wallet = await walletFor(p, wagmi);
  // `call` is checked against the generated ABI where it is built (WriteCall correlates each name
  // with its arguments); viem's generics cannot follow that union, so the ABI is widened here.
  const abi: Abi = [...p.contract.abi, ...tokenErrors];
  const { request } = await simulateContract(p.client, {
    address: p.address,
    abi,
    functionName: call.functionName,
    args: call.args,
    value: call.value,
    account,
  });
  return mined(p, await writeContract(wallet, { ...request, chain: p.chain }), onSent);
}

/** ERC-20 `approve(spender, value)` of `token` from the connected wallet. */
export async function approve(
  p: Protocol,
  wagmi: Config,
  account: Address,
  token: Address,
  spender: Address,
  value: bigint,
): Promise<TransactionReceipt> {
  const wallet = await walletFor(p, wagmi);
  const { request } = await simulateContract(p.client, {
    address: token,
    abi: [...erc20Abi, ...tokenErrors],
    functionName: "approve",
    args: [spender, value],
    account,
  });
  return mined(p, await writeContract(wallet, { ...request, chain: p.chain }));
}

/**
 * EIP-2612 permit signature for `value` to `spender`; null when the token does not support it.
 * viem's erc20Abi stops at ERC-20: `nonces` comes from the generated IERC20Permit ABI, the domain
 * from ERC-5267 (viem's `getEip712Domain`), else the token's name and version "1".
 */
export async function signPermit(
  p: Protocol,
  wagmi: Config,
  token: Address,
  owner: Address,
  spender: Address,
  value: bigint,
  deadline: bigint,
): Promise<{ v: number; r: Hex; s: Hex } | null> {
  let name: string;
  let version = "1";
  let nonce: bigint;
  try {
    nonce = await readContract(p.client, {
      address: token,
      abi: erc20PermitAbi,
      functionName: "nonces",
      args: [owner],
    });
    try {
      ({ name, version } = (await getEip712Domain(p.client, { address: token })).domain);
    } catch {
      name = await readContract(p.client, { address: token, abi: erc20Abi, functionName: "name" });
    }
  } catch {
    return null;
  }
  const wallet = await walletFor(p, wagmi);
  const signature = await signTypedData(wallet, {
    account: owner,
    domain: { name, version, chainId: p.chain.id, verifyingContract: token },
    types: permitTypes,
    primaryType: "Permit",
    message: { owner, spender, value, nonce, deadline },
  });
  const sig = parseSignature(signature);
  return { v: Number(sig.v ?? BigInt(27 + (sig.yParity ?? 0))), r: sig.r, s: sig.s };
}

export async function allowance(p: Protocol, token: Address, owner: Address): Promise<bigint> {
  return readContract(p.client, { address: token, abi: erc20Abi, functionName: "allowance", args: [owner, p.address] });
}

export async function signText(p: Protocol, wagmi: Config, account: Address, message: string): Promise<Hex> {
  return signMessage(await walletFor(p, wagmi), { account, message });
}

export async function signTyped(p: Protocol, wagmi: Config, params: Parameters<typeof signTypedData>[1]): Promise<Hex> {
  return signTypedData(await walletFor(p, wagmi), params);
}
