// What the receipts routes need from the chain: the documents derived from the index's ledger (in
// chain order), each dated by its block's time, the currencies' symbol and decimals (read once
// from the token, ETH built in) and each venue's time zone (from its on-chain metadata).
import { erc20Abi, type PublicClient } from "viem";
import type { ChainIndex, IndexedVenue } from "../index/chainIndex.ts";
import type { Hex } from "../../protocol/types.ts";
import { deriveDocuments, type BillingDocument } from "./derive.ts";
import { ETH_INFO, type CurrencyInfo } from "./money.ts";
import type { TaxClaim } from "./csv.ts";

export const DEFAULT_TIME_ZONE = "America/Toronto";

/** Venue metadata as the dApp writes it (web/src/lib/metadata.ts): only what documents show. */
export type VenueFacts = { timeZone: string; address: string | null; doors: Record<string, string> };

/** The metadata a venue carries on chain (a data: URI or inline JSON); anything else reads as {}. */
export function onChainMetadata(uri: string): Record<string, unknown> {
  try {
    if (uri.startsWith("data:")) {
      const comma = uri.indexOf(",");
      const header = uri.slice(5, comma);
      const body = uri.slice(comma + 1);
      const text = header.endsWith(";base64") ? Buffer.from(body, "base64").toString("utf8") : decodeURIComponent(body);
      return asObject(JSON.parse(text));
    }
    if (uri.trimStart().startsWith("{")) return asObject(JSON.parse(uri));
  } catch {
    // unreadable metadata is decoration: the defaults apply
  }
  return {};
}

const asObject = (v: unknown): Record<string, unknown> =>
  v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {};

function validTimeZone(tz: unknown): string {
  if (typeof tz !== "string" || !tz) return DEFAULT_TIME_ZONE;
  try {
    new Intl.DateTimeFormat("en", { timeZone: tz });
    return tz;
  } catch {
    return DEFAULT_TIME_ZONE;
  }
}

export function venueFacts(venue: IndexedVenue | undefined): VenueFacts {
  const meta = onChainMetadata(venue?.metadataURI ?? "");
  const doors = asObject(meta.doors);
  return {
    timeZone: validTimeZone(meta.timezone ?? meta.timeZone), // as the dApp reads it (web/src/lib/protocol.ts)
    address: typeof meta.address === "string" && meta.address ? meta.address : null,
    doors: Object.fromEntries(Object.entries(doors).filter(([, v]) => typeof v === "string")) as Record<string, string>,
  };
}

export class ReceiptsService {
  private readonly index: ChainIndex;
  private readonly client: PublicClient;
  private readonly blockTimes = new Map<number, number>();
  private readonly currencies = new Map<Hex, CurrencyInfo>([[ETH_INFO.address, ETH_INFO]]);
  private cache: { key: string; docs: BillingDocument[] } | null = null;

  constructor(index: ChainIndex, client: PublicClient) {
    this.index = index;
    this.client = client;
  }

  /** Every document, dated (a block time the logs lacked is read from the chain, once). */
  async documents(): Promise<BillingDocument[]> {
    const ledger = this.index.ledger.map;
    // The ledger only grows or rolls back with the tip: tip, size and reorg count identify it.
    const key = `${this.index.tip}:${ledger.size}:${this.index.reorgs}`;
    if (this.cache?.key !== key) {
      // Keys are `ledgerKey(block, logIndex)`: their order is chain order.
      const entries = [...ledger.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      this.cache = { key, docs: deriveDocuments(entries.map(([, e]) => e)) };
    }
    const docs = this.cache.docs;
    for (const d of docs) if (d.time === null) d.time = await this.blockTime(d.block);
    return docs;
  }

  /** Every payment of a tax pool to a venue's tax payee (claimTaxes), dated, in chain order. */
  async taxClaims(): Promise<TaxClaim[]> {
    const out: TaxClaim[] = [];
    const entries = [...this.index.ledger.map.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    for (const [, e] of entries) {
      if (e.kind !== "taxesClaimed" || e.venueId === null) continue;
      const { venueId, splitId, currency, taxPayee, gst, qst, txHash } = e;
      const time = e.time ?? (await this.blockTime(e.block));
      out.push({ venueId, splitId, currency, taxPayee, gst, qst, txHash, time });
    }
    return out;
  }

  private async blockTime(block: number): Promise<number> {
    let t = this.blockTimes.get(block);
    if (t === undefined) {
      t = Number((await this.client.getBlock({ blockNumber: BigInt(block) })).timestamp);
      this.blockTimes.set(block, t);
    }
    return t;
  }

  /** Symbol and decimals of a currency (read from the ERC-20 once). */
  async currency(address: Hex): Promise<CurrencyInfo> {
    const known = this.currencies.get(address);
    if (known) return known;
    const [symbol, decimals] = await Promise.all([
      this.client.readContract({ address, abi: erc20Abi, functionName: "symbol" }),
      this.client.readContract({ address, abi: erc20Abi, functionName: "decimals" }),
    ]);
    const info = { address, symbol, decimals };
    this.currencies.set(address, info);
    return info;
  }

  /** The currency book of `docs`, filled beforehand so formatting stays synchronous. */
  async currencyBook(docs: readonly { currency: Hex }[]): Promise<(address: Hex) => CurrencyInfo> {
    for (const c of new Set(docs.map((d) => d.currency))) await this.currency(c);
    return (address) => this.currencies.get(address)!;
  }
}
