// The relayer keys this venue trusts, as last read from the chain, kept on disk for the offline path
// (when the venue's internet is down the chain cannot be read either). Read from the chain while
// online: every RelayerTrustSet event of the venue (eth_getLogs) names a candidate, and
// `isRelayerTrusted(venue, relayer)` says whether it still is. The events are read in ranges a
// public provider accepts (`chunkBlocks`, halved when the provider refuses a range for its size),
// and the set keeps the last block read: the next refresh reads only the blocks after it (from a
// little before, for a reorganised tip), its candidates being the cached set and the new events'.
// The file is dated (when it was read) and signed by the agent's lock key, so a corrupted or
// hand-edited file is refused at start; a set older than `maxAgeS` is refused too (offline openings
// stop rather than trust a stale set forever). A relayer the operator removes on chain is dropped at
// the next refresh — not during an outage.
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { isRangeRefusal } from "../../../protocol/rpcRangeRefusal.ts";
import type { Clock } from "../clock.ts";
import { addressOf, bytesToHex, keccak256, recoverSigner, sameAddress, signDigest, type Hex } from "../lockCrypto.ts";

export type TrustedSet = {
  venue: number;
  chainId: number;
  contract: Hex;
  relayers: Hex[];
  fetchedAt: number;
  /** The last block whose trust events were read (absent in a file of an older agent: read all again). */
  block?: number;
};
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
          ...(s.block === undefined ? [] : [s.block]),
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
      (f.block === undefined || (Number.isSafeInteger(f.block) && f.block >= 0)) &&
      typeof f.signature === "string" &&
      sameAddress(f.signer ?? "", addressOf(this.o.key));
    if (!ok) return "refused";
    const set: TrustedSet = {
      venue: f.venue,
      chainId: f.chainId,
      contract: f.contract,
      relayers: f.relayers,
      fetchedAt: f.fetchedAt,
      ...(f.block === undefined ? {} : { block: f.block }),
    };
    const signer = await recoverSigner(digestOf(set), f.signature);
    if (!signer || !sameAddress(signer, f.signer)) return "refused";
    if (!this.set || set.fetchedAt > this.set.fetchedAt) this.set = set;
    return "loaded";
  }

  /** Replaces the set with one just read from the chain (its events up to `block`, when given) and
   * writes the file (atomically). */
  async update(relayers: Hex[], block?: number): Promise<void> {
    const set: TrustedSet = {
      venue: this.o.venue,
      chainId: this.o.chainId,
      contract: this.o.contract,
      relayers: [...new Set(relayers.map((r) => r.toLowerCase() as Hex))].sort(),
      fetchedAt: this.o.clock(),
      ...(block === undefined ? {} : { block }),
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

  /** The last block whose trust events the cached set has read, or null (read from `fromBlock`). */
  get block(): number | null {
    return this.set?.block ?? null;
  }

  /**
   * Reads what changed on chain since the cached set (all of it from `fromBlock` without one) and
   * keeps the result. Throws, keeping the cached set, when the chain cannot be read.
   */
  async refresh(chain: { rpcUrl: string; fromBlock: number } & ScanOptions): Promise<TrustScan> {
    const cached = this.set?.block;
    const scan = await scanTrustedRelayers(chain.rpcUrl, this.o.contract, this.o.venue, {
      ...chain,
      fromBlock: cached === undefined ? chain.fromBlock : Math.max(chain.fromBlock, cached + 1 - REREAD_BLOCKS),
      known: cached === undefined ? [] : this.set!.relayers,
    });
    await this.update(scan.relayers, scan.block);
    return scan;
  }
}

/** Blocks read again below the cached set's last one: an event in a reorganised tip is not missed. */
const REREAD_BLOCKS = 64;

export type ScanOptions = {
  /** Blocks per eth_getLogs (halved, down to one block, when the provider refuses a range). */
  chunkBlocks?: number;
  timeoutMs?: number;
  /** Told each range the provider refused, and the chunk asked next. */
  onRangeRefused?: (r: { from: number; to: number; nextChunk: number }) => void;
};

/** The relayers trusted now, and the last block whose events were read. */
export type TrustScan = { relayers: Hex[]; block: number; getLogs: number };

class RpcAnswerError extends Error {
  readonly code: number | undefined;
  constructor(message: string, code?: number) {
    super(message);
    this.code = code;
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
  o: { fromBlock?: number } & ScanOptions = {},
): Promise<Hex[]> {
  return (await scanTrustedRelayers(rpcUrl, contract, venue, { ...o, fromBlock: o.fromBlock ?? 0 })).relayers;
}

/**
 * Reads the venue's RelayerTrustSet events of blocks `fromBlock`..latest in ranges of `chunkBlocks`
 * (default 5,000: public providers refuse 10,000 or more), halving the range while the provider
 * refuses it for its size; the candidates they name and `known` are then asked `isRelayerTrusted`.
 */
export async function scanTrustedRelayers(
  rpcUrl: string,
  contract: Hex,
  venue: number,
  o: { fromBlock: number; known?: Hex[] } & ScanOptions,
): Promise<TrustScan> {
  let id = 0;
  const rpc = async (method: string, params: unknown[]): Promise<unknown> => {
    const res = await fetch(rpcUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: ++id, method, params }),
      signal: AbortSignal.timeout(o.timeoutMs ?? 5000),
    });
    if (!res.ok) throw new Error(`RPC answered HTTP ${res.status}`);
    const body = (await res.json()) as { result?: unknown; error?: { code?: number; message?: string } };
    if (body.error || body.result === undefined)
      throw new RpcAnswerError(body.error?.message ?? "RPC answer without result", body.error?.code);
    return body.result;
  };
  const hex = (n: number) => `0x${n.toString(16)}`;
  const latest = Number(BigInt((await rpc("eth_blockNumber", [])) as string));
  const candidates = new Set<Hex>((o.known ?? []).map((r) => r.toLowerCase() as Hex));
  let chunk = Math.max(1, o.chunkBlocks ?? 5000);
  let getLogs = 0;
  for (let from = o.fromBlock; from <= latest;) {
    const to = Math.min(latest, from + chunk - 1);
    let logs: { topics?: string[] }[];
    try {
      getLogs++;
      logs = (await rpc("eth_getLogs", [
        { address: contract, fromBlock: hex(from), toBlock: hex(to), topics: [RELAYER_TRUST_SET, `0x${word(venue)}`] },
      ])) as { topics?: string[] }[];
    } catch (err) {
      if (err instanceof RpcAnswerError && isRangeRefusal(err.code, err.message) && chunk > 1) {
        chunk = Math.max(1, Math.floor((to - from + 1) / 2));
        o.onRangeRefused?.({ from, to, nextChunk: chunk });
        continue;
      }
      throw err;
    }
    if (!Array.isArray(logs)) throw new Error("eth_getLogs: answer is not a list");
    for (const l of logs) if (l.topics?.[2]) candidates.add(`0x${l.topics[2].slice(26)}`.toLowerCase() as Hex);
    from = to + 1;
  }
  const trusted: Hex[] = [];
  for (const r of candidates) {
    const out = (await rpc("eth_call", [
      { to: contract, data: `0x${IS_RELAYER_TRUSTED}${word(venue)}${word(BigInt(r))}` },
      hex(latest),
    ])) as string;
    if (BigInt(out) === 1n) trusted.push(r);
  }
  return { relayers: trusted, block: latest, getLogs };
}
