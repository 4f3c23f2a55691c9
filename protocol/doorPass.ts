// The offline door pass (issue 20; docs/door-protocol.md §7), shared by the relayer (issues and signs
// DoorPasses), the dApp (shows the rotating QR code) and the door agent (decides offline).
//
// A DoorPass is EIP-712 typed data under the protocol domain, signed by a relayer key the venue trusts
// on chain. It binds a pass to a device key (P-256, compressed, generated non-extractable by the
// dApp) for a window of at most the venue's maximum validity. At the door the phone shows a QR code
// that changes every 30 s: the DoorPass, the relayer's signature and the device key's ECDSA P-256
// signature over `deviceSlotMessage` (network, venue, serial, slot). No I/O and no library here: the
// digests are computed by each side with its own EIP-712 encoder (viem, or the agent's @noble one).
//
// QR payload, version 1 (all integers big-endian), then base64url without padding after "PP1":
//   u8 version=1 | u8 L | L bytes passId (no leading zero) | u32 venue | u8 n | n × u32 doors (ascending)
//   | u32 validFrom | u32 validUntil | u32 serial | 33 deviceKey | 65 relayerSig (r‖s‖v) | u32 slot
//   | 64 deviceSig (r‖s)
// Two doors and a small pass id: 194 bytes, 262 characters (test/agent/doorPass.test.ts measures it).

export const DOOR_PASS_VERSION = 1;
export const DOOR_PASS_PREFIX = "PP1";
/** A slot of the rotating code, in seconds. */
export const DOOR_SLOT_SECONDS = 30;
/** Most doors one DoorPass names (a venue's street door, floor door and room door fit many times over). */
export const MAX_DOOR_PASS_DOORS = 16;
/** Longest QR text accepted (a scanner line longer than this is junk, refused before decoding). */
export const MAX_DOOR_CODE_CHARS = 600;

type Hex = `0x${string}`;

export const doorPassTypes = {
  DoorPass: [
    { name: "passId", type: "uint256" },
    { name: "venue", type: "uint32" },
    { name: "doors", type: "uint32[]" },
    { name: "validFrom", type: "uint64" },
    { name: "validUntil", type: "uint64" },
    { name: "serial", type: "uint32" },
    { name: "deviceKey", type: "bytes" },
  ],
} as const;

/** The EIP-712 type string (for encoders without a typed-data library). */
export const DOOR_PASS_TYPE =
  "DoorPass(uint256 passId,uint32 venue,uint32[] doors,uint64 validFrom,uint64 validUntil,uint32 serial,bytes deviceKey)";

/**
 * The member's one wallet signature that binds a device key to their address (checked by the
 * relayer before it issues a DoorPass for that key; the dApp asks for it once per device).
 */
export const deviceKeyTypes = {
  DeviceKey: [
    { name: "member", type: "address" },
    { name: "deviceKey", type: "bytes" },
  ],
} as const;

export type DoorPass = {
  passId: bigint;
  venue: number;
  /** Door ids, ascending, 1–16. */
  doors: number[];
  /** Unix seconds. */
  validFrom: number;
  validUntil: number;
  /** Per venue, allocated by the relayers; its bit in the venue's status list revokes it. */
  serial: number;
  /** P-256 public key, SEC1 compressed (33 bytes: 02|03 ‖ x). */
  deviceKey: Hex;
};

/** What a phone shows at the door: the signed DoorPass and a fresh device signature. */
export type DoorCode = {
  pass: DoorPass;
  /** The relayer's 65-byte signature of the DoorPass's EIP-712 digest. */
  relayerSignature: Hex;
  /** floor(unix seconds / 30) when the phone signed. */
  slot: number;
  /** ECDSA P-256 over SHA-256(deviceSlotMessage(...)), IEEE P1363 r‖s (what WebCrypto returns). */
  deviceSignature: Hex;
};

/** Why a code could not be read. One error class, one code, one clear message. */
export class DoorCodeError extends Error {
  readonly code = "malformed_code";
  constructor(message: string) {
    super(message);
    this.name = "DoorCodeError";
  }
}

const U32 = 0xffffffff;
const isU32 = (n: number) => Number.isSafeInteger(n) && n >= 0 && n <= U32;

function hexBytes(h: string, n: number, what: string): Uint8Array {
  if (!new RegExp(`^0x[0-9a-fA-F]{${n * 2}}$`).test(h)) throw new DoorCodeError(`${what} must be ${n} bytes of hex`);
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = parseInt(h.slice(2 + 2 * i, 4 + 2 * i), 16);
  return out;
}
function toHex(b: Uint8Array): Hex {
  let s = "0x";
  for (const x of b) s += x.toString(16).padStart(2, "0");
  return s as Hex;
}

/** Checks a DoorPass's fields (throws DoorCodeError naming the first bad one). */
export function checkDoorPass(p: DoorPass): void {
  if (typeof p.passId !== "bigint" || p.passId < 0n || p.passId >= 1n << 256n)
    throw new DoorCodeError("passId must be a uint256");
  if (!isU32(p.venue)) throw new DoorCodeError("venue must be a uint32");
  if (!Array.isArray(p.doors) || p.doors.length < 1 || p.doors.length > MAX_DOOR_PASS_DOORS)
    throw new DoorCodeError(`doors must list 1 to ${MAX_DOOR_PASS_DOORS} doors`);
  for (let i = 0; i < p.doors.length; i++) {
    if (!isU32(p.doors[i])) throw new DoorCodeError("doors must be uint32");
    if (i > 0 && p.doors[i] <= p.doors[i - 1]) throw new DoorCodeError("doors must be ascending, without repeats");
  }
  if (!isU32(p.validFrom) || !isU32(p.validUntil)) throw new DoorCodeError("validFrom and validUntil must be uint32");
  if (p.validUntil <= p.validFrom) throw new DoorCodeError("validUntil must be after validFrom");
  if (!isU32(p.serial)) throw new DoorCodeError("serial must be a uint32");
  const key = hexBytes(p.deviceKey, 33, "deviceKey");
  if (key[0] !== 2 && key[0] !== 3) throw new DoorCodeError("deviceKey must be a compressed P-256 key (02 or 03)");
}

/** The bytes the device key signs for a slot (WebCrypto hashes them with SHA-256). */
export function deviceSlotMessage(
  chainId: number,
  contract: Hex,
  venue: number,
  serial: number,
  slot: number,
): Uint8Array {
  const tag = new TextEncoder().encode("passepartout/door-slot/v1");
  const out = new Uint8Array(tag.length + 8 + 20 + 12);
  const v = new DataView(out.buffer);
  out.set(tag, 0);
  let o = tag.length;
  v.setBigUint64(o, BigInt(chainId));
  out.set(hexBytes(contract, 20, "contract"), o + 8);
  o += 28;
  v.setUint32(o, venue);
  v.setUint32(o + 4, serial);
  v.setUint32(o + 8, slot);
  return out;
}

export function slotOf(unixSeconds: number): number {
  return Math.floor(unixSeconds / DOOR_SLOT_SECONDS);
}

/** The binary payload of a code. */
export function encodeDoorCodeBytes(c: DoorCode): Uint8Array {
  checkDoorPass(c.pass);
  if (!isU32(c.slot)) throw new DoorCodeError("slot must be a uint32");
  const p = c.pass;
  let idHex = p.passId.toString(16);
  if (idHex.length % 2) idHex = `0${idHex}`;
  const id = hexBytes(`0x${idHex}`, idHex.length / 2, "passId");
  const relayerSig = hexBytes(c.relayerSignature, 65, "relayerSignature");
  const deviceSig = hexBytes(c.deviceSignature, 64, "deviceSignature");
  const size = 2 + id.length + 4 + 1 + 4 * p.doors.length + 12 + 33 + 65 + 4 + 64;
  const out = new Uint8Array(size);
  const v = new DataView(out.buffer);
  let o = 0;
  out[o++] = DOOR_PASS_VERSION;
  out[o++] = id.length;
  out.set(id, o);
  o += id.length;
  v.setUint32(o, p.venue);
  o += 4;
  out[o++] = p.doors.length;
  for (const d of p.doors) {
    v.setUint32(o, d);
    o += 4;
  }
  for (const n of [p.validFrom, p.validUntil, p.serial]) {
    v.setUint32(o, n);
    o += 4;
  }
  out.set(hexBytes(p.deviceKey, 33, "deviceKey"), o);
  o += 33;
  out.set(relayerSig, o);
  o += 65;
  v.setUint32(o, c.slot);
  o += 4;
  out.set(deviceSig, o);
  return out;
}

/** Reads a binary payload, strictly: any deviation (version, length, order, trailing bytes) throws. */
export function decodeDoorCodeBytes(b: Uint8Array): DoorCode {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let o = 0;
  const need = (n: number, what: string) => {
    if (o + n > b.length) throw new DoorCodeError(`code truncated in ${what}`);
  };
  need(2, "header");
  if (b[0] !== DOOR_PASS_VERSION) throw new DoorCodeError(`unknown code version ${b[0]}`);
  const idLength = b[1];
  o = 2;
  if (idLength < 1 || idLength > 32) throw new DoorCodeError("passId length must be 1 to 32 bytes");
  need(idLength, "passId");
  if (idLength > 1 && b[o] === 0) throw new DoorCodeError("passId has a leading zero byte");
  const passId = BigInt(toHex(b.subarray(o, o + idLength)));
  o += idLength;
  need(5, "venue");
  const venue = v.getUint32(o);
  const n = b[o + 4];
  if (n < 1 || n > MAX_DOOR_PASS_DOORS) throw new DoorCodeError(`doors must list 1 to ${MAX_DOOR_PASS_DOORS} doors`);
  o += 5;
  need(4 * n, "doors");
  const doors: number[] = [];
  for (let i = 0; i < n; i++, o += 4) doors.push(v.getUint32(o));
  need(12 + 33 + 65 + 4 + 64, "signatures");
  const [validFrom, validUntil, serial] = [v.getUint32(o), v.getUint32(o + 4), v.getUint32(o + 8)];
  o += 12;
  const deviceKey = toHex(b.subarray(o, o + 33));
  o += 33;
  const relayerSignature = toHex(b.subarray(o, o + 65));
  if (b[o + 64] !== 27 && b[o + 64] !== 28) throw new DoorCodeError("relayer signature's v must be 27 or 28");
  o += 65;
  const slot = v.getUint32(o);
  o += 4;
  const deviceSignature = toHex(b.subarray(o, o + 64));
  o += 64;
  if (o !== b.length) throw new DoorCodeError(`${b.length - o} unexpected bytes after the code`);
  const pass: DoorPass = { passId, venue, doors, validFrom, validUntil, serial, deviceKey };
  checkDoorPass(pass);
  return { pass, relayerSignature, slot, deviceSignature };
}

const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const B64_INDEX = new Int16Array(128).fill(-1);
for (let i = 0; i < B64.length; i++) B64_INDEX[B64.charCodeAt(i)] = i;

export function base64urlEncode(b: Uint8Array): string {
  let s = "";
  for (let i = 0; i < b.length; i += 3) {
    const n = (b[i] << 16) | ((b[i + 1] ?? 0) << 8) | (b[i + 2] ?? 0);
    const chars = i + 2 < b.length ? 4 : i + 1 < b.length ? 3 : 2;
    for (let k = 0; k < chars; k++) s += B64[(n >> (18 - 6 * k)) & 63];
  }
  return s;
}

/** Strict base64url without padding: other characters, or non-zero spare bits, throw. */
export function base64urlDecode(s: string): Uint8Array {
  if (s.length % 4 === 1) throw new DoorCodeError("base64url text of impossible length");
  const out = new Uint8Array(Math.floor((s.length * 6) / 8));
  let acc = 0;
  let bits = 0;
  let o = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const x = c < 128 ? B64_INDEX[c] : -1;
    if (x < 0) throw new DoorCodeError(`character ${JSON.stringify(s[i])} is not base64url`);
    acc = ((acc << 6) | x) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  if (bits && acc & ((1 << bits) - 1)) throw new DoorCodeError("base64url text has non-zero spare bits");
  return out;
}

/** The text the QR code carries. */
export function encodeDoorCode(c: DoorCode): string {
  return DOOR_PASS_PREFIX + base64urlEncode(encodeDoorCodeBytes(c));
}

/** Reads a scanned line (surrounding whitespace ignored); throws DoorCodeError on anything else. */
export function decodeDoorCode(text: string): DoorCode {
  if (typeof text !== "string") throw new DoorCodeError("code must be text");
  const t = text.trim();
  if (t.length > MAX_DOOR_CODE_CHARS) throw new DoorCodeError(`code longer than ${MAX_DOOR_CODE_CHARS} characters`);
  if (!t.startsWith(DOOR_PASS_PREFIX)) throw new DoorCodeError(`code does not start with ${DOOR_PASS_PREFIX}`);
  return decodeDoorCodeBytes(base64urlDecode(t.slice(DOOR_PASS_PREFIX.length)));
}
