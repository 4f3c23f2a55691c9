// The door code: a lock-signed challenge packed short enough for a QR code a phone reads at a glance,
// and the dApp link that carries it (docs/door-protocol.md §7). Shared by the door agent's screen
// (which writes it) and the dApp (which reads it); no dependency, no Buffer: runs in both.
//
// c = base64url, no padding, of 85 bytes:
//   nonce (16) ‖ time (5, big-endian uint40) ‖ r (32) ‖ yParity·2²⁵⁵ + s (32, EIP-2098)
// The door is not in `c`: it is in the link's path (`#/door/<id>`), and the lock's signature covers
// it, so a code pasted under another door's link is refused as `challenge_forged` by the relayer.
import type { Challenge } from "./eip712.ts";

export const DOOR_CODE_BYTES = 85;
/** Characters of `c`: ⌈85 × 4 / 3⌉. */
export const DOOR_CODE_LENGTH = 114;

/** A door code that cannot be read: one error, one machine-readable code. */
export class DoorCodeError extends Error {
  readonly code = "door_code_malformed";
}

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

function toBase64Url(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    const chars = Math.min(4, Math.ceil(((bytes.length - i) * 8) / 6));
    for (let k = 0; k < chars; k++) out += ALPHABET[(n >> (18 - 6 * k)) & 63];
  }
  return out;
}

function fromBase64Url(s: string): Uint8Array {
  if (!/^[A-Za-z0-9_-]*$/.test(s) || s.length % 4 === 1) throw new DoorCodeError("not base64url");
  const out = new Uint8Array(Math.floor((s.length * 6) / 8));
  let bits = 0;
  let acc = 0;
  let o = 0;
  for (const ch of s) {
    acc = (acc << 6) | ALPHABET.indexOf(ch);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  // The unused low bits of the last character must be zero: one code per challenge.
  if (bits > 0 && (acc & ((1 << bits) - 1)) !== 0) throw new DoorCodeError("not base64url");
  return out;
}

function hexToBytes(hex: string, length: number, what: string): Uint8Array {
  if (!new RegExp(`^0x[0-9a-fA-F]{${length * 2}}$`).test(hex))
    throw new DoorCodeError(`${what} must be ${length} bytes`);
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = parseInt(hex.slice(2 + 2 * i, 4 + 2 * i), 16);
  return out;
}

function bytesToHex(b: Uint8Array): `0x${string}` {
  return `0x${Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("")}`;
}

/** Packs a lock-signed challenge (65-byte signature, low s as every lock signs) into `c`. */
export function encodeDoorCode(c: Challenge): string {
  if (!Number.isSafeInteger(c.time) || c.time < 0 || c.time >= 2 ** 40)
    throw new DoorCodeError("time must be a uint40");
  const sig = hexToBytes(c.signature, 65, "signature");
  const v = sig[64];
  const parity = v === 27 || v === 0 ? 0 : v === 28 || v === 1 ? 1 : -1;
  if (parity < 0) throw new DoorCodeError("signature v must be 27/28 or 0/1");
  if (sig[32] & 0x80) throw new DoorCodeError("signature s must be in the lower half of the curve order");
  const out = new Uint8Array(DOOR_CODE_BYTES);
  out.set(hexToBytes(c.nonce, 16, "nonce"), 0);
  for (let i = 0; i < 5; i++) out[16 + i] = Math.floor(c.time / 2 ** (8 * (4 - i))) & 0xff;
  out.set(sig.subarray(0, 64), 21);
  out[53] |= parity << 7;
  return toBase64Url(out);
}

/** The challenge of `door` a code carries, with its 65-byte signature; DoorCodeError when unreadable. */
export function decodeDoorCode(door: number, code: string): Challenge {
  if (!Number.isInteger(door) || door < 0 || door > 0xffff_ffff) throw new DoorCodeError("door must be a uint32");
  if (code.length !== DOOR_CODE_LENGTH) throw new DoorCodeError(`a door code is ${DOOR_CODE_LENGTH} characters`);
  const b = fromBase64Url(code);
  let time = 0;
  for (let i = 0; i < 5; i++) time = time * 256 + b[16 + i];
  const parity = b[53] >> 7;
  const sig = new Uint8Array(65);
  sig.set(b.subarray(21, 85), 0);
  sig[32] &= 0x7f;
  sig[64] = 27 + parity;
  return { door, nonce: bytesToHex(b.subarray(0, 16)), time, signature: bytesToHex(sig) };
}

/** The dApp's base URL without its fragment or trailing slash: `https://app.example.org/app`. */
function appBase(dappUrl: string): string {
  return dappUrl.replace(/#.*$/, "").replace(/\/+$/, "");
}

/**
 * The link a door carries: `<dApp>/#/door/<id>?c=<code>` on a screen (a fresh challenge), or
 * `<dApp>/#/door/<id>` on an NFC tag (the dApp then asks the relayer for a challenge). A hash route,
 * as every route of the dApp: its static build runs from any path, and the fragment, hence the
 * code, never reaches the web server's logs.
 */
export function doorLink(dappUrl: string, door: number, challenge?: Challenge): string {
  const base = `${appBase(dappUrl)}/#/door/${door}`;
  return challenge ? `${base}?c=${encodeDoorCode(challenge)}` : base;
}

/**
 * The door route inside a link, when the link is a door link of the dApp at `dappUrl` (same origin
 * and path), else null: a scanned code never sends the member to another site.
 */
export function doorRoute(link: string, dappUrl: string): { door: number; code: string | null; hash: string } | null {
  let u: URL;
  let app: URL;
  try {
    u = new URL(link);
    app = new URL(appBase(dappUrl) + "/");
  } catch {
    return null;
  }
  if (u.origin !== app.origin || u.pathname.replace(/\/+$/, "") !== app.pathname.replace(/\/+$/, "")) return null;
  const m = /^#\/door\/([1-9][0-9]{0,9})(?:\?c=([A-Za-z0-9_-]+))?$/.exec(u.hash);
  if (!m || Number(m[1]) > 0xffff_ffff) return null;
  return { door: Number(m[1]), code: m[2] ?? null, hash: u.hash };
}
