// Offline door codes as the dApp and the relayer make them: a relayer key signs DoorPasses with viem
// (as server/door/doorPassIssuer.ts does), a WebCrypto P-256 device key signs the slot (as the dApp
// does in the browser), and a relayer signs status lists. And the agent's side of venue 1, set up
// once for the tests and bench/doorOffline.ts: its trusted relayer set, status list and guard.
import { webcrypto } from "node:crypto";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { privateKeyToAccount } from "viem/accounts";
import { protocolDomain } from "../../protocol/eip712.ts";
import {
  deviceSlotMessage,
  doorPassTypes,
  encodeDoorCode,
  slotOf,
  type DoorCode,
  type DoorPass,
} from "../../protocol/doorPass.ts";
import { offlineCrypto, type OfflineCrypto } from "../../agent/src/offline/offlineCrypto.ts";
import { OfflineGuard } from "../../agent/src/offline/offlineGuard.ts";
import { StatusLists } from "../../agent/src/offline/statusLists.ts";
import { TrustedRelayers } from "../../agent/src/offline/trustedRelayers.ts";
import { STATUS_LIST_MIN_BITS, setBit, statusListTypes, type StatusListMessage } from "../../protocol/statusList.ts";

type Hex = `0x${string}`;
export const CHAIN_ID = 31337;
export const CONTRACT: Hex = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
export const domain = protocolDomain(CHAIN_ID, CONTRACT);
export const RELAYER_KEY: Hex = `0x${"5a".repeat(32)}`;
export const OTHER_RELAYER_KEY: Hex = `0x${"6b".repeat(32)}`;
export const relayer = privateKeyToAccount(RELAYER_KEY);
/** The lock key of the agent's doors (it also signs the agent's trusted relayer set on disk). */
export const LOCK_KEY: Hex = `0x${"77".repeat(32)}`;
/** Where offlineGuardSetup keeps the trusted relayer set in its folder. */
export const TRUSTED_RELAYERS_FILE = "trusted-relayers.json";

export type OfflineGuardSetup = {
  crypto: OfflineCrypto;
  trust: TrustedRelayers;
  lists: StatusLists;
  guard: OfflineGuard;
};

/**
 * Venue 1's offline decision as the agent wires it (agent/src/main.ts): the trusted relayer set and
 * the status list kept in `dir`, and the guard over both (one slot of skew). Nothing is loaded or
 * accepted yet: the caller updates or loads the set and hands the lists what it needs.
 */
export function offlineGuardSetup(o: {
  dir: string;
  clock: () => number;
  chainId?: number;
  contract?: Hex;
  maxAgeS?: number;
  minClock?: number;
}): OfflineGuardSetup {
  const chainId = o.chainId ?? CHAIN_ID;
  const contract = o.contract ?? CONTRACT;
  const crypto = offlineCrypto(chainId, contract);
  const trust = new TrustedRelayers({
    file: path.join(o.dir, TRUSTED_RELAYERS_FILE),
    venue: 1,
    chainId,
    contract,
    key: LOCK_KEY,
    maxAgeS: o.maxAgeS ?? 86_400,
    clock: o.clock,
  });
  const lists = new StatusLists({ venue: 1, crypto, trust, file: path.join(o.dir, "status-list.json") });
  const guard = new OfflineGuard({
    venue: 1,
    chainId,
    contract,
    crypto,
    trust,
    lists,
    clock: o.clock,
    skewSlots: 1,
    minClock: o.minClock ?? 1_700_000_000,
  });
  return { crypto, trust, lists, guard };
}

const hex = (b: ArrayBuffer | Uint8Array): Hex =>
  `0x${Buffer.from(b instanceof Uint8Array ? b : new Uint8Array(b)).toString("hex")}`;

export type Device = { publicKey: Hex; sign(message: Uint8Array): Promise<Hex> };

/** A device key as the dApp makes it: P-256, non-extractable private key, compressed public key. */
export async function newDevice(): Promise<Device> {
  const pair = await webcrypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, false, ["sign", "verify"]);
  const raw = new Uint8Array(await webcrypto.subtle.exportKey("raw", pair.publicKey)); // 04 ‖ x ‖ y
  const compressed = new Uint8Array(33);
  compressed[0] = 2 + (raw[64] & 1);
  compressed.set(raw.subarray(1, 33), 1);
  return {
    publicKey: hex(compressed),
    sign: async (m) => hex(await webcrypto.subtle.sign({ name: "ECDSA", hash: "SHA-256" }, pair.privateKey, m)),
  };
}

export async function signDoorPass(pass: DoorPass, key: Hex = RELAYER_KEY, contract: Hex = CONTRACT): Promise<Hex> {
  return privateKeyToAccount(key).signTypedData({
    domain: protocolDomain(CHAIN_ID, contract),
    types: doorPassTypes,
    primaryType: "DoorPass",
    message: { ...pass, validFrom: BigInt(pass.validFrom), validUntil: BigInt(pass.validUntil) },
  });
}

/** A code as the phone shows it at `now` (its slot), optionally for another slot. */
export async function makeCode(
  pass: DoorPass,
  device: Device,
  now: number,
  o: { relayerKey?: Hex; slot?: number; relayerSignature?: Hex; contract?: Hex } = {},
): Promise<{ code: DoorCode; text: string }> {
  const slot = o.slot ?? slotOf(now);
  const message = deviceSlotMessage(CHAIN_ID, o.contract ?? CONTRACT, pass.venue, pass.serial, slot);
  const deviceSignature = await device.sign(message);
  const code: DoorCode = {
    pass,
    relayerSignature: o.relayerSignature ?? (await signDoorPass(pass, o.relayerKey, o.contract)),
    slot,
    deviceSignature,
  };
  return { code, text: encodeDoorCode(code) };
}

export function samplePass(device: Device, over: Partial<DoorPass> = {}): DoorPass {
  return {
    passId: 12n,
    venue: 1,
    doors: [1, 2],
    validFrom: 1_800_000_000,
    validUntil: 1_800_000_000 + 4 * 3600,
    serial: 7,
    deviceKey: device.publicKey,
    ...over,
  };
}

/** A signed status list with `revoked` serials set. */
export async function statusList(
  venue: number,
  epoch: number,
  time: number,
  revoked: number[],
  key: Hex = RELAYER_KEY,
): Promise<StatusListMessage> {
  const bits = new Uint8Array(STATUS_LIST_MIN_BITS / 8);
  for (const s of revoked) setBit(bits, s);
  const encodedList = `u${gzipSync(bits).toString("base64url")}`;
  const account = privateKeyToAccount(key);
  const { keccak256, toBytes } = await import("viem");
  const signature = await account.signTypedData({
    domain,
    types: statusListTypes,
    primaryType: "StatusList",
    message: { venue, epoch: BigInt(epoch), time: BigInt(time), list: keccak256(toBytes(encodedList)) },
  });
  return { v: 1, type: "status-list", venue, epoch, time, encodedList, relayer: account.address, signature };
}
