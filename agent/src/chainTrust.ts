// Which relayers may open a door, read from the chain over JSON-RPC (viem): the door's venue
// (`door(id)`, fixed for a door's life) and `isRelayerTrusted(venue, relayer)`, each answer reused
// for `cacheMs`. A chain that cannot be read makes the check throw: the agent refuses (fail closed).
import { createPublicClient, http, type PublicClient } from "viem";
import type { TrustSource } from "./doorGuard.ts";
import type { Hex } from "./lockCrypto.ts";

// The two views the agent calls (the full ABI is protocol/abis.ts; the agent ships only these).
const trustAbi = [
  {
    type: "function",
    name: "door",
    stateMutability: "view",
    inputs: [{ name: "doorId", type: "uint32" }],
    outputs: [
      {
        type: "tuple",
        components: [
          { name: "venueId", type: "uint32" },
          { name: "allResources", type: "bool" },
          { name: "active", type: "bool" },
          { name: "lockKey", type: "address" },
        ],
      },
    ],
  },
  {
    type: "function",
    name: "isRelayerTrusted",
    stateMutability: "view",
    inputs: [
      { name: "venueId", type: "uint32" },
      { name: "relayer", type: "address" },
    ],
    outputs: [{ type: "bool" }],
  },
] as const;

export type OnChainDoor = { venueId: number; active: boolean; lockKey: Hex };

export class ChainTrust implements TrustSource {
  private readonly client: PublicClient;
  private readonly contract: Hex;
  private readonly cacheMs: number;
  private readonly venues = new Map<number, number>();
  private readonly cache = new Map<string, { trusted: boolean; at: number }>();

  constructor(rpcUrl: string, contract: Hex, opts: { cacheMs?: number; timeoutMs?: number } = {}) {
    this.client = createPublicClient({ transport: http(rpcUrl, { timeout: opts.timeoutMs ?? 2000, retryCount: 0 }) });
    this.contract = contract;
    this.cacheMs = opts.cacheMs ?? 5000;
  }

  chainId(): Promise<number> {
    return this.client.getChainId();
  }

  async door(doorId: number): Promise<OnChainDoor | null> {
    try {
      const d = await this.client.readContract({
        address: this.contract,
        abi: trustAbi,
        functionName: "door",
        args: [doorId],
      });
      return { venueId: d.venueId, active: d.active, lockKey: d.lockKey };
    } catch (err) {
      if ((err as Error).name === "ContractFunctionExecutionError" && !/HTTP|timed out|fetch/i.test(String(err)))
        return null;
      throw err;
    }
  }

  async isRelayerTrusted(doorId: number, relayer: Hex): Promise<boolean> {
    let venue = this.venues.get(doorId);
    if (venue === undefined) {
      const d = await this.door(doorId);
      if (!d) return false;
      venue = d.venueId;
      this.venues.set(doorId, venue);
    }
    const key = `${venue}:${relayer.toLowerCase()}`;
    const hit = this.cache.get(key);
    if (hit && Date.now() - hit.at < this.cacheMs) return hit.trusted;
    const trusted = await this.client.readContract({
      address: this.contract,
      abi: trustAbi,
      functionName: "isRelayerTrusted",
      args: [venue, relayer],
    });
    this.cache.set(key, { trusted, at: Date.now() });
    return trusted;
  }
}
