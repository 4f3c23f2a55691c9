// The member's side of offline doors (docs/door-protocol.md §7), without the page: the device key
// (WebCrypto P-256, non-extractable, kept in IndexedDB), the one wallet signature that binds it, the
// DoorPasses fetched from the relayer and when to refresh them, and the QR code's text for the
// current 30-second slot. The page is components/OfflineDoorPasses.tsx; the refresh plan lib/offlineRefresh.ts.
import type { Address, Hex } from "viem";
import { protocolDomain } from "../../../protocol/eip712.ts";
import {
  DOOR_SLOT_SECONDS,
  deviceKeyTypes,
  deviceSlotMessage,
  encodeDoorCode,
  slotOf,
  type DoorPass,
} from "../../../protocol/doorPass.ts";
import { doorPassAnswer } from "../../../protocol/api/doorPass.ts";
import type { Relayer } from "./relayer.ts";

/** A device key as kept: the private key cannot leave WebCrypto; the binding once the member signed it. */
export type DeviceKey = {
  privateKey: CryptoKey;
  /** SEC1 compressed P-256 public key (33 bytes). */
  publicKey: Hex;
  binding: { member: Address; signature: Hex } | null;
};

/** What the passes page keeps for one pass. */
export type HeldDoorPass = { pass: DoorPass; relayerSignature: Hex; fetchedAt: number };

/** A small key-value store (IndexedDB in the browser; a Map in tests). */
export type OfflineStore = {
  get<T>(key: string): Promise<T | undefined>;
  put(key: string, value: unknown): Promise<void>;
};

const DEVICE = "device-key";

function hex(b: Uint8Array): Hex {
  return `0x${Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("")}`;
}

/** 04 ‖ x ‖ y (WebCrypto's raw export) → 02|03 ‖ x. */
export function compressP256(raw: Uint8Array): Hex {
  if (raw.length !== 65 || raw[0] !== 4) throw new Error("not an uncompressed P-256 point");
  const out = new Uint8Array(33);
  out[0] = 2 + (raw[64] & 1);
  out.set(raw.subarray(1, 33), 1);
  return hex(out);
}

/** The device key, made once per browser (non-extractable) and kept. */
export async function deviceKey(store: OfflineStore, subtle: SubtleCrypto = crypto.subtle): Promise<DeviceKey> {
  const kept = await store.get<DeviceKey>(DEVICE);
  if (kept) return kept;
  const pair = await subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, false, ["sign"]);
  const raw = new Uint8Array(await subtle.exportKey("raw", pair.publicKey));
  const key: DeviceKey = { privateKey: pair.privateKey, publicKey: compressP256(raw), binding: null };
  await store.put(DEVICE, key);
  return key;
}

/** The typed data the member's wallet signs once to bind the device key (EIP-712 DeviceKey). */
export function bindingTypedData(chainId: number, contract: Address, member: Address, publicKey: Hex) {
  return {
    domain: protocolDomain(chainId, contract),
    types: deviceKeyTypes,
    primaryType: "DeviceKey" as const,
    message: { member, deviceKey: publicKey },
  };
}

/** Keeps the member's binding signature beside the key (asked again only for another member). */
export async function saveBinding(store: OfflineStore, key: DeviceKey, member: Address, signature: Hex) {
  await store.put(DEVICE, { ...key, binding: { member, signature } });
}

/** Asks the relayer for a DoorPass (the session cookie says who); relayer errors keep their code. */
export async function fetchDoorPass(
  relayer: Relayer,
  passId: bigint,
  key: DeviceKey,
  now: number,
): Promise<HeldDoorPass> {
  if (!key.binding) throw new Error("bind the device key first");
  const body = await relayer.post<unknown>("/api/door-passes", {
    passId: passId.toString(),
    deviceKey: key.publicKey,
    deviceKeySignature: key.binding.signature,
  });
  const a = doorPassAnswer.decode(body as never);
  return { pass: a.pass, relayerSignature: a.signature, fetchedAt: now };
}

/**
 * Whether to ask for a new DoorPass while online: none yet, or the held one ends within `marginS`
 * while the booking goes on after it (a DoorPass lasts at most the venue's maximum, ≤ 24 h), and
 * was fetched at least `minAgeS` ago: a DoorPass that follows the opening hours ends at the closing,
 * and asking again before it gives the same end (the next interval comes once it has ended).
 */
export function needsRefresh(
  held: HeldDoorPass | undefined,
  booking: { end: number },
  now: number,
  marginS = 3600,
  minAgeS = 600,
): boolean {
  if (now >= booking.end) return false;
  if (!held) return true;
  return held.pass.validUntil < booking.end && held.pass.validUntil - now < marginS && now - held.fetchedAt >= minAgeS;
}

/** The QR code's text for `now`'s slot: the DoorPass and the device key's signature of the slot. */
export async function codeFor(
  held: HeldDoorPass,
  key: DeviceKey,
  chainId: number,
  contract: Address,
  now: number,
  subtle: SubtleCrypto = crypto.subtle,
): Promise<{ text: string; slot: number; changesInS: number }> {
  const slot = slotOf(now);
  const message = deviceSlotMessage(chainId, contract, held.pass.venue, held.pass.serial, slot);
  const signature = new Uint8Array(
    await subtle.sign({ name: "ECDSA", hash: "SHA-256" }, key.privateKey, message as BufferSource),
  );
  const text = encodeDoorCode({
    pass: held.pass,
    relayerSignature: held.relayerSignature,
    slot,
    deviceSignature: hex(signature),
  });
  return { text, slot, changesInS: (slot + 1) * DOOR_SLOT_SECONDS - now };
}

/** IndexedDB as an OfflineStore (CryptoKeys are stored as they are: still non-extractable). */
export function indexedDbStore(name = "passepartout-offline"): OfflineStore {
  const db = new Promise<IDBDatabase>((resolve, reject) => {
    const req = indexedDB.open(name, 1);
    req.onupgradeneeded = () => req.result.createObjectStore("kv");
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error("IndexedDB unavailable"));
  });
  const run = <T>(mode: IDBTransactionMode, f: (s: IDBObjectStore) => IDBRequest): Promise<T> =>
    db.then(
      (d) =>
        new Promise<T>((resolve, reject) => {
          const req = f(d.transaction("kv", mode).objectStore("kv"));
          req.onsuccess = () => resolve(req.result as T);
          req.onerror = () => reject(req.error ?? new Error("IndexedDB request failed"));
        }),
    );
  return {
    get: (key) => run("readonly", (s) => s.get(key)),
    put: async (key, value) => {
      await run("readwrite", (s) => s.put(value, key));
    },
  };
}
