// Which relayers may open a door, read from the chain over JSON-RPC (`eth_call`, no library): the
// door's venue (`door(id)`, fixed for a door's life) and `isRelayerTrusted(venue, relayer)`, each
// answer reused for `cacheMs`. A chain that cannot be read makes the check throw: the agent
// refuses (fail closed). test/agent/chainTrust.test.ts runs it against a real chain.
import type { TrustSource } from "./doorGuard.ts";
import { bytesToHex, keccak256, type Hex } from "./lockCrypto.ts";

export type OnChainDoor = { venueId: number; active: boolean; lockKey: Hex };

const selector = (signature: string) => bytesToHex(keccak256(new TextEncoder().encode(signature))).slice(2, 10);
const DOOR = selector("door(uint32)");
const IS_RELAYER_TRUSTED = selector("isRelayerTrusted(uint32,address)");
const word = (n: bigint | number) => BigInt(n).toString(16).padStart(64, "0");

/** A JSON-RPC answer with an `error` (a revert): the contract said no. */
class Reverted extends Error {}

export class ChainTrust implements TrustSource {
  private readonly rpcUrl: string;
  private readonly contract: Hex;
  private readonly cacheMs: number;
  private readonly timeoutMs: number;
  private readonly venues = new Map<number, number>();
  private readonly cache = new Map<string, { trusted: boolean; at: number }>();
  private id = 0;

  constructor(rpcUrl: string, contract: Hex, opts: { cacheMs?: number; timeoutMs?: number } = {}) {
    this.rpcUrl = rpcUrl;
    this.contract = contract;
    this.cacheMs = opts.cacheMs ?? 5000;
    this.timeoutMs = opts.timeoutMs ?? 2000;
  }

  private async rpc(method: string, params: unknown[]): Promise<string> {
    const res = await fetch(this.rpcUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: ++this.id, method, params }),
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    if (!res.ok) throw new Error(`RPC answered HTTP ${res.status}`);
    const body = (await res.json()) as { result?: unknown; error?: { message?: string } };
    if (body.error) throw new Reverted(body.error.message ?? "reverted");
    if (typeof body.result !== "string") throw new Error("RPC answer without result");
    return body.result;
  }

  private call(data: string): Promise<string> {
    return this.rpc("eth_call", [{ to: this.contract, data: `0x${data}` }, "latest"]);
  }

  async chainId(): Promise<number> {
    return Number(await this.rpc("eth_chainId", []));
  }

  /** The door's venue, state and lock key, or null when the contract has no such door. */
  async door(doorId: number): Promise<OnChainDoor | null> {
    let out: string;
    try {
      out = await this.call(DOOR + word(doorId));
    } catch (err) {
      if (err instanceof Reverted) return null;
      throw err;
    }
    const w = (i: number) => out.slice(2 + 64 * i, 2 + 64 * (i + 1));
    if (out.length < 2 + 64 * 4) return null;
    return { venueId: Number(BigInt(`0x${w(0)}`)), active: BigInt(`0x${w(2)}`) === 1n, lockKey: `0x${w(3).slice(24)}` };
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
    const out = await this.call(IS_RELAYER_TRUSTED + word(venue) + word(BigInt(relayer)));
    const trusted = BigInt(out) === 1n;
    this.cache.set(key, { trusted, at: Date.now() });
    return trusted;
  }
}
