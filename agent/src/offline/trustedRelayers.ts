// The relayer keys this venue trusts, as last read from the chain, kept on disk for the offline path
// (when the venue's internet is down the chain cannot be read either). Read from the chain while
// online: every RelayerTrustSet event of the venue (eth_getLogs) names a candidate, and
// `isRelayerTrusted(venue, relayer)` says whether it still is. The file is dated (when it was read)
// and signed by the agent's lock key, so a corrupted or hand-edited file is refused at start; a set
// older than `maxAgeS` is refused too (offline openings stop rather than trust a stale set forever).
// A relayer the operator removes on chain is dropped at the next refresh — not during an outage.
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import type { Clock } from "../clock.ts";
import { addressOf, bytesToHex, keccak256, recoverSigner, sameAddress, signDigest, type Hex } from "../lockCrypto.ts";

export type TrustedSet = { venue: number; chainId: number; contract: Hex; relayers: Hex[]; fetchedAt: number };
type TrustFile = TrustedSet & { v: 1; signer: Hex; signature: Hex };

export type TrustVerdict = "trusted" | "untrusted" | "unavailable";

const utf8 = (s: string) => new TextEncoder().encode(s);
/** What the lock key signs: the set's fields in a fixed order. */
const digestOf = (s: TrustedSet): Hex =>
  bytesToHex(
    keccak256(
      utf8(
        JSON.stringify([
          "passepartout/trusted-relayers/v1",
          s.venue,
          s.chainId,
          s.contract.toLowerCase(),
          s.relayers,
          s.fetchedAt,
        ]),
      ),
    ),
  );

export class TrustedRelayers {
  private set: TrustedSet | null = null;
  private readonly o: {
    file: string;
    venue: number;
    chainId: number;
    contract: Hex;
    /** The lock key that signs the file (the agent's first door's). */
    key: Hex;
    maxAgeS: number;
    clock: Clock;
  };

  constructor(o: TrustedRelayers["o"]) {
    this.o = o;
  }

  /** Loads the file if it is this agent's, signed by its key and for this venue; else keeps nothing. */
  async load(): Promise<"loaded" | "missing" | "refused"> {
    let f: TrustFile;
    try {
      f = JSON.parse(readFileSync(this.o.file, "utf8")) as TrustFile;
    } catch (err) {
      return (err as NodeJS.ErrnoException).code === "ENOENT" ? "missing" : "refused";
    }
    const ok =
      f?.v === 1 &&
      f.venue === this.o.venue &&
      f.chainId === this.o.chainId &&
      typeof f.contract === "string" &&
      sameAddress(f.contract, this.o.contract) &&
      Array.isArray(f.relayers) &&
      f.relayers.every((r) => typeof r === "string" && /^0x[0-9a-f]{40}$/.test(r)) &&
      Number.isSafeInteger(f.fetchedAt) &&
      typeof f.signature === "string" &&
      sameAddress(f.signer ?? "", addressOf(this.o.key));
    if (!ok) return "refused";
    const set: TrustedSet = {
      venue: f.venue,
      chainId: f.chainId,
      contract: f.contract,
      relayers: f.relayers,
      fetchedAt: f.fetchedAt,
    };
    const signer = await recoverSigner(digestOf(set), f.signature);
    if (!signer || !sameAddress(signer, f.signer)) return "refused";
    if (!this.set || set.fetchedAt > this.set.fetchedAt) this.set = set;
    return "loaded";
  }

  /** Replaces the set with one just read from the chain and writes the file (atomically). */
  async update(relayers: Hex[]): Promise<void> {
    const set: TrustedSet = {
      venue: this.o.venue,
      chainId: this.o.chainId,
      contract: this.o.contract,
      relayers: [...new Set(relayers.map((r) => r.toLowerCase() as Hex))].sort(),
      fetchedAt: this.o.clock(),
    };
    const file: TrustFile = {
      v: 1,
      ...set,
      signer: addressOf(this.o.key),
      signature: await signDigest(digestOf(set), this.o.key),
    };
    const tmp = `${this.o.file}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(file, null, 1)}\n`, { mode: 0o600 });
    renameSync(tmp, this.o.file);
    this.set = set;
  }

  /** Whether the venue trusted `relayer` when last read, if that reading is recent enough. */
  verdict(relayer: Hex): TrustVerdict {
    const s = this.set;
    if (!s || this.o.clock() - s.fetchedAt > this.o.maxAgeS || this.o.clock() < s.fetchedAt - 300) return "unavailable";
    return s.relayers.includes(relayer.toLowerCase() as Hex) ? "trusted" : "untrusted";
  }

  get fetchedAt(): number | null {
    return this.set?.fetchedAt ?? null;
  }
}

const word = (n: bigint | number) => BigInt(n).toString(16).padStart(64, "0");
const selector = (sig: string) => bytesToHex(keccak256(utf8(sig))).slice(2, 10);
const RELAYER_TRUST_SET = bytesToHex(keccak256(utf8("RelayerTrustSet(uint32,address,bool)")));
const IS_RELAYER_TRUSTED = selector("isRelayerTrusted(uint32,address)");

/**
 * The relayers a venue trusts now, from the chain: the venue's RelayerTrustSet events from
 * `fromBlock` name the candidates, `isRelayerTrusted` decides. Throws when the chain cannot be read.
 */
export async function readTrustedRelayers(
  rpcUrl: string,
  contract: Hex,
  venue: number,
  o: { fromBlock?: number; timeoutMs?: number } = {},
): Promise<Hex[]> {
  let id = 0;
  const rpc = async (method: string, params: unknown[]): Promise<unknown> => {
    const res = await fetch(rpcUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: ++id, method, params }),
      signal: AbortSignal.timeout(o.timeoutMs ?? 5000),
    });
    if (!res.ok) throw new Error(`RPC answered HTTP ${res.status}`);
    const body = (await res.json()) as { result?: unknown; error?: { message?: string } };
    if (body.error || body.result === undefined) throw new Error(body.error?.message ?? "RPC answer without result");
    return body.result;
  };
  const logs = (await rpc("eth_getLogs", [
    {
      address: contract,
      fromBlock: `0x${(o.fromBlock ?? 0).toString(16)}`,
      toBlock: "latest",
      topics: [RELAYER_TRUST_SET, `0x${word(venue)}`],
    },
  ])) as { topics?: string[] }[];
  const candidates = new Set<Hex>();
  for (const l of logs) if (l.topics?.[2]) candidates.add(`0x${l.topics[2].slice(26)}`.toLowerCase() as Hex);
  const trusted: Hex[] = [];
  for (const r of candidates) {
    const out = (await rpc("eth_call", [
      { to: contract, data: `0x${IS_RELAYER_TRUSTED}${word(venue)}${word(BigInt(r))}` },
      "latest",
    ])) as string;
    if (BigInt(out) === 1n) trusted.push(r);
  }
  return trusted;
}
