// Venues and resources read from the contract's views, for when the relayer's read model does not
// answer: the venue list and a resource page stay usable while the relayer is down. Lists come
// from the read model otherwise (one request instead of a call per venue and resource).
import { readContract } from "viem/actions";
import { getAddress } from "viem";
import { readMetadata, validTimeZone, type ResourceMeta, type VenueMeta } from "./metadata.ts";
import type { Protocol, Resource, Venue } from "./protocol.ts";
import { isRelayerUnavailable } from "./errors.ts";

const ids = (count: number) => Array.from({ length: count }, (_, i) => i + 1);

export async function venueFromChain(p: Protocol, id: number): Promise<Venue> {
  const v = await readContract(p.client, { ...p.contract, functionName: "venue", args: [id] });
  const [[, payees], meta, tax, doorPassMaxHours] = await Promise.all([
    readContract(p.client, { ...p.contract, functionName: "split", args: [v.splitId] }),
    readMetadata<VenueMeta>(v.metadataURI),
    readContract(p.client, { ...p.contract, functionName: "venueTaxProfile", args: [id] }),
    readContract(p.client, { ...p.contract, functionName: "doorPassMaxHours", args: [id] }),
  ]);
  return {
    ...v,
    id,
    payees: payees.map((a) => getAddress(a)),
    taxPayee: getAddress(tax.taxPayee),
    doorPassMaxHours: doorPassMaxHours === 0 ? null : doorPassMaxHours,
    meta,
    timeZone: validTimeZone(meta.timezone ?? meta.timeZone),
  };
}

export async function resourceFromChain(p: Protocol, id: number): Promise<Resource> {
  const r = await readContract(p.client, { ...p.contract, functionName: "resource", args: [id] });
  return { ...r, id, meta: await readMetadata<ResourceMeta>(r.metadataURI) };
}

export async function venuesFromChain(p: Protocol): Promise<Venue[]> {
  const count = await readContract(p.client, { ...p.contract, functionName: "venueCount" });
  return Promise.all(ids(count).map((id) => venueFromChain(p, id)));
}

export async function resourcesFromChain(p: Protocol, venueId?: number): Promise<Resource[]> {
  const count = await readContract(p.client, { ...p.contract, functionName: "resourceCount" });
  const all = await Promise.all(ids(count).map((id) => resourceFromChain(p, id)));
  return all.filter((r) => venueId === undefined || r.venueId === venueId);
}

/**
 * `fromReadModel()`, or `fromChain()` when the relayer is unreachable or not ready (`onDown` hears
 * of it, so the banner shows); any other failure (a 404…) is the answer.
 */
export async function readModelOrChain<T>(
  fromReadModel: () => Promise<T>,
  fromChain: () => Promise<T>,
  onDown: (err: unknown) => void,
): Promise<T> {
  try {
    return await fromReadModel();
  } catch (err) {
    if (!isRelayerUnavailable(err)) throw err;
    onDown(err);
    return fromChain();
  }
}
