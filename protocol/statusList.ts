// A venue's revocation list of DoorPasses (issue 20 §3; docs/door-protocol.md §7), after the W3C
// Bitstring Status List: bit `serial` of the bitstring is 1 when that DoorPass is revoked; the
// bitstring (at least 16 KiB, 131,072 bits, for herd privacy) is GZIP-compressed and base64url-encoded
// with the multibase prefix "u". A relayer signs StatusList(venue, epoch, time, keccak256(encodedList))
// under the protocol domain and publishes it retained on pp/v1/venue/<venue>/status-list; agents keep
// the newest epoch and refuse older ones and lists not signed by a relayer the venue trusts.
import { topics } from "./doorMqtt.ts";

type Hex = `0x${string}`;

export const STATUS_LIST_MIN_BITS = 131_072;
/** Largest status list message accepted (1M serials of random revocations compress well below it). */
export const MAX_STATUS_LIST_BYTES = 256 * 1024;

export const statusListTopic = topics.statusList;

export const statusListTypes = {
  StatusList: [
    { name: "venue", type: "uint32" },
    { name: "epoch", type: "uint64" },
    { name: "time", type: "uint64" },
    { name: "list", type: "bytes32" },
  ],
} as const;
export const STATUS_LIST_TYPE = "StatusList(uint32 venue,uint64 epoch,uint64 time,bytes32 list)";

export type StatusListMessage = {
  v: 1;
  type: "status-list";
  venue: number;
  /** Grows by one at every publication of the venue's list (shared by the relayers' store). */
  epoch: number;
  time: number;
  /** "u" + base64url(gzip(bitstring)). */
  encodedList: string;
  relayer: Hex;
  signature: Hex;
};

const isUint = (v: unknown, max = Number.MAX_SAFE_INTEGER): v is number =>
  typeof v === "number" && Number.isSafeInteger(v) && v >= 0 && v <= max;

/** Reads a status list message (its signature is the reader's to check); null when malformed. */
export function parseStatusList(payload: Uint8Array | string): StatusListMessage | null {
  const size = typeof payload === "string" ? payload.length : payload.byteLength;
  if (size > MAX_STATUS_LIST_BYTES) return null;
  let m: Record<string, unknown>;
  try {
    m = JSON.parse(
      typeof payload === "string" ? payload : new TextDecoder("utf-8", { fatal: true }).decode(payload),
    ) as Record<string, unknown>;
  } catch {
    return null;
  }
  if (!m || typeof m !== "object" || m.v !== 1 || m.type !== "status-list") return null;
  if (!isUint(m.venue, 0xffffffff) || !isUint(m.epoch) || !isUint(m.time)) return null;
  if (typeof m.encodedList !== "string" || !/^u[A-Za-z0-9_-]+$/.test(m.encodedList)) return null;
  if (typeof m.relayer !== "string" || !/^0x[0-9a-fA-F]{40}$/.test(m.relayer)) return null;
  if (typeof m.signature !== "string" || !/^0x[0-9a-fA-F]{130}$/.test(m.signature)) return null;
  return {
    v: 1,
    type: "status-list",
    venue: m.venue,
    epoch: m.epoch,
    time: m.time,
    encodedList: m.encodedList,
    relayer: m.relayer as Hex,
    signature: m.signature as Hex,
  };
}

/** Whether bit `index` is set (bit 0 is the most significant bit of the first byte, as W3C's). */
export function bitIsSet(bits: Uint8Array, index: number): boolean {
  const byte = index >> 3;
  if (byte >= bits.length) return false;
  return ((bits[byte] >> (7 - (index & 7))) & 1) === 1;
}

export function setBit(bits: Uint8Array, index: number): void {
  bits[index >> 3] |= 1 << (7 - (index & 7));
}
