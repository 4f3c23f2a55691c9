// Direct contract reads through the RPC: the fallback of the event index, the lock simulator's
// trust check, ERC-1271 signature checks and the start-up sanity check.
import { createPublicClient, decodeFunctionResult, encodeFunctionData, http, type PublicClient } from "viem";
import { erc1271Abi, passepartoutAbi } from "../../protocol/abis.ts";
import type { Door, Hex } from "../../protocol/types.ts";
import { toHex, hexToBuf } from "../door/doorCrypto.ts";
import { keccak256 } from "../door/keccak.ts";
import { createRpcCaller } from "./rpc.ts";

export const ERC1271_MAGIC = "0x1626ba7e";

export type OnChainDoor = Door;
/** A pass's resource, its early-access grace and whether it follows its venue's opening hours. */
export type PassHours = { resourceId: number; graceSeconds: number; followsOpeningHours: boolean };

/** Reads of the Passepartout contract at `contract`, typed by the generated ABI. */
export type ChainReader = {
  client: PublicClient;
  contract: Hex;
  chainId(): Promise<number>;
  /** Number of doors registered (the start-up sanity check: is this the protocol's address?). */
  doorCount(): Promise<number>;
  /** The door, or null when the contract reverts (no such door). */
  door(doorId: number): Promise<OnChainDoor | null>;
  canEnter(who: Hex, doorId: number, passId: bigint, time: number): Promise<number>;
  /** What the door's opening-hours check needs of a pass (read after `canEnter` granted it). */
  passHours(passId: bigint): Promise<PassHours>;
  /** The contract's `openHours(resourceId, start, count)`: one bit per hour, set when open (protocol/openingHours.ts). */
  openHours(resourceId: number, start: number, count: number): Promise<readonly bigint[]>;
  isRelayerTrusted(venueId: number, relayer: Hex): Promise<boolean>;
  /**
   * ERC-1271: whether `wallet` accepts `signature` over `digest`. False on revert or bad answer
   * (running out of the capped gas included); transport failures and timeouts reject.
   */
  isValidSignature(wallet: Hex, digest: Hex, signature: Hex): Promise<boolean>;
  hasCode(address: Hex): Promise<boolean>;
  /** keccak256 of the code at `address`, or null when it has none. */
  codeHash(address: Hex): Promise<Hex | null>;
};

/** Limits of ERC-1271 calls: they run code the requester chose. */
export type ContractCallLimits = {
  /** Gas given to `isValidSignature` (eth_call's default is the block gas limit). */
  gas: bigint;
  /** A client whose transport times out sooner than the index's (its own timeout). */
  client?: PublicClient;
};

export function createChainClient(rpcUrl: string, timeoutMs: number): PublicClient {
  return createPublicClient({ transport: http(rpcUrl, { timeout: timeoutMs, retryCount: 0 }) });
}

export const DEFAULT_ERC1271_GAS = 500_000n;

export function createChainReader(
  client: PublicClient,
  contract: Hex,
  limits: ContractCallLimits = { gas: DEFAULT_ERC1271_GAS },
): ChainReader {
  const walletClient = limits.client ?? client;
  const at = { address: contract, abi: passepartoutAbi } as const;
  return {
    client,
    contract,
    chainId: () => client.getChainId(),
    async doorCount() {
      return Number(await client.readContract({ ...at, functionName: "doorCount" }));
    },
    async door(doorId) {
      try {
        return await client.readContract({ ...at, functionName: "door", args: [doorId] });
      } catch (err) {
        if (isTransportError(err)) throw err;
        return null;
      }
    },
    async canEnter(who, doorId, passId, time) {
      return client.readContract({ ...at, functionName: "canEnter", args: [who, doorId, passId, BigInt(time)] });
    },
    async passHours(passId) {
      const { resourceId } = await client.readContract({ ...at, functionName: "pass", args: [passId] });
      const r = await client.readContract({ ...at, functionName: "resource", args: [resourceId] });
      return { resourceId, graceSeconds: r.graceSeconds, followsOpeningHours: r.followsOpeningHours };
    },
    async openHours(resourceId, start, count) {
      return client.readContract({
        ...at,
        functionName: "openHours",
        args: [resourceId, BigInt(start), BigInt(count)],
      });
    },
    async isRelayerTrusted(venueId, relayer) {
      return client.readContract({ ...at, functionName: "isRelayerTrusted", args: [venueId, relayer] });
    },
    async isValidSignature(wallet, digest, signature) {
      try {
        const data = encodeFunctionData({
          abi: erc1271Abi,
          functionName: "isValidSignature",
          args: [digest, signature],
        });
        const answer = await walletClient.call({ to: wallet, data, gas: limits.gas });
        if (!answer.data) return false;
        const magic = decodeFunctionResult({ abi: erc1271Abi, functionName: "isValidSignature", data: answer.data });
        return magic.toLowerCase() === ERC1271_MAGIC;
      } catch (err) {
        // A revert is a refusal; a transport failure must surface as "chain unavailable".
        if (isTransportError(err)) throw err;
        return false;
      }
    },
    async hasCode(address) {
      const code = await client.getCode({ address });
      return !!code && code !== "0x";
    },
    async codeHash(address) {
      const code = await client.getCode({ address });
      return code && code !== "0x" ? toHex(keccak256(hexToBuf(code))) : null;
    },
  };
}

export function isTransportError(err: unknown): boolean {
  let e = err as { name?: string; cause?: unknown } | undefined;
  for (let i = 0; e && i < 8; i++) {
    if (e.name === "HttpRequestError" || e.name === "TimeoutError" || e.name === "WebSocketRequestError") return true;
    e = e.cause as typeof e;
  }
  return false;
}

export type HeadBlock = { number: bigint; hash: Hex };

/**
 * `eth_getBlockByNumber("latest", false)` over the index's keep-alive JSON-RPC caller (rpc.ts),
 * returning only the number and hash: the event index's per-poll call, made without fetch and
 * viem's block formatting (the poll runs back to back under load). Rejects on any transport, HTTP
 * or JSON-RPC error and on an answer without a block, as viem's `getBlock` would.
 */
export function createHeadReader(rpcUrl: string, timeoutMs: number): () => Promise<HeadBlock> {
  const call = createRpcCaller(rpcUrl, timeoutMs, 1 << 20);
  return async () => {
    const b = await call<{ number?: string; hash?: string } | null>("eth_getBlockByNumber", ["latest", false]);
    if (!b || typeof b.number !== "string" || typeof b.hash !== "string" || !/^0x[0-9a-fA-F]{64}$/.test(b.hash))
      throw new Error("RPC answered no latest block");
    return { number: BigInt(b.number), hash: b.hash as Hex };
  };
}
