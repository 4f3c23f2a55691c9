// Transactions from the connected wallet: simulate first (decodes custom errors before anything is
// signed), then send, then wait for the receipt.
import { getConnectorClient, switchChain } from "wagmi/actions";
import { readContract, signMessage, signTypedData, simulateContract, waitForTransactionReceipt, writeContract } from "viem/actions";
import type { Config } from "wagmi";
import { erc20Abi, parseSignature, type Abi, type Address, type Hex, type Client, type TransactionReceipt } from "viem";
import type { Protocol } from "./protocol.ts";

export type WriteCall = { functionName: string; args: readonly unknown[]; value?: bigint; address?: Address; abi?: Abi };

/** The connected wallet's client on our chain (switching the wallet's chain first if needed). */
export async function walletFor(p: Protocol, wagmi: Config): Promise<Client> {
  const current = wagmi.state.connections.get(wagmi.state.current ?? "")?.chainId;
  if (current !== p.chain.id) await switchChain(wagmi, { chainId: p.chain.id });
  return (await getConnectorClient(wagmi, { chainId: p.chain.id })) as Client;
}

export async function sendTx(
  p: Protocol,
  wagmi: Config,
  account: Address,
  call: WriteCall,
  onSent?: (hash: Hex) => void,
): Promise<TransactionReceipt> {
  const wallet = await walletFor(p, wagmi);
  const { request } = await simulateContract(p.client, {
    address: call.address ?? p.address,
    abi: call.abi ?? p.abi,
    functionName: call.functionName,
    args: call.args,
    value: call.value,
    account,
  } as never);
  const hash = await writeContract(wallet, { ...(request as object), account, chain: p.chain } as never);
  onSent?.(hash);
  const receipt = await waitForTransactionReceipt(p.client, { hash, pollingInterval: 500 });
  if (receipt.status !== "success") throw new Error(`transaction ${hash} reverted`);
  return receipt;
}

const permitAbi = [
  { type: "function", name: "nonces", stateMutability: "view", inputs: [{ name: "owner", type: "address" }], outputs: [{ type: "uint256" }] },
  { type: "function", name: "name", stateMutability: "view", inputs: [], outputs: [{ type: "string" }] },
  {
    type: "function",
    name: "eip712Domain",
    stateMutability: "view",
    inputs: [],
    outputs: [
      { name: "fields", type: "bytes1" },
      { name: "name", type: "string" },
      { name: "version", type: "string" },
      { name: "chainId", type: "uint256" },
      { name: "verifyingContract", type: "address" },
      { name: "salt", type: "bytes32" },
      { name: "extensions", type: "uint256[]" },
    ],
  },
] as const;

/** EIP-2612 permit signature for `value` to `spender`; null when the token does not support it. */
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
    nonce = await readContract(p.client, { address: token, abi: permitAbi, functionName: "nonces", args: [owner] });
    try {
      const d = await readContract(p.client, { address: token, abi: permitAbi, functionName: "eip712Domain" });
      name = d[1];
      version = d[2];
    } catch {
      name = await readContract(p.client, { address: token, abi: permitAbi, functionName: "name" });
    }
  } catch {
    return null;
  }
  const wallet = await walletFor(p, wagmi);
  const signature = await signTypedData(wallet, {
    account: owner,
    domain: { name, version, chainId: p.chain.id, verifyingContract: token },
    types: {
      Permit: [
        { name: "owner", type: "address" },
        { name: "spender", type: "address" },
        { name: "value", type: "uint256" },
        { name: "nonce", type: "uint256" },
        { name: "deadline", type: "uint256" },
      ],
    },
    primaryType: "Permit",
    message: { owner, spender, value, nonce, deadline },
  });
  const sig = parseSignature(signature);
  return { v: Number(sig.v ?? BigInt(27 + (sig.yParity ?? 0))), r: sig.r, s: sig.s };
}

export async function allowance(p: Protocol, token: Address, owner: Address): Promise<bigint> {
  return readContract(p.client, { address: token, abi: erc20Abi, functionName: "allowance", args: [owner, p.address] });
}

export const approveCall = (token: Address, spender: Address, value: bigint): WriteCall => ({
  address: token,
  abi: erc20Abi as Abi,
  functionName: "approve",
  args: [spender, value],
});

export async function signText(p: Protocol, wagmi: Config, account: Address, message: string): Promise<Hex> {
  return signMessage(await walletFor(p, wagmi), { account, message });
}

export async function signTyped(p: Protocol, wagmi: Config, params: Parameters<typeof signTypedData>[1]): Promise<Hex> {
  return signTypedData(await walletFor(p, wagmi), params);
}
