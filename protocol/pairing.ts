// The pairing code of a door agent's lock key: a short, grouped checksum of the key's address that
// the agent prints (console, door screen) and the venue editor computes from the address the
// operator pasted. The operator compares the two by eye before registering the address on chain as
// the door's lockKey: a typo or a pasted wrong address shows a different code.
//
// Code = the first 40 bits of keccak256("passepartout-pairing-v1:" ‖ the address's 20 bytes), in
// Crockford's base32 (no I, L, O, U: nothing to misread on a small screen), grouped 4-4
// (e.g. `K7QF-3M2D`). The address's letter case does not count. Shared by the agent (agent/src/pairing.ts)
// and the dApp (web/src/components/venue-editor/DoorsForm.tsx); @noble/hashes is the agent's own
// dependency, so the agent installs without viem.
import { keccak_256 } from "@noble/hashes/sha3.js";

const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const DOMAIN = new TextEncoder().encode("passepartout-pairing-v1:");

/** Whether `s` is a 20-byte hex address (any letter case; the EIP-55 checksum is the caller's call). */
export function isPairingAddress(s: string): boolean {
  return /^0x[0-9a-fA-F]{40}$/.test(s);
}

/** The pairing code of an address (`XXXX-XXXX`), or null when `address` is not a 20-byte hex address. */
export function pairingCode(address: string): string | null {
  if (!isPairingAddress(address)) return null;
  const bytes = new Uint8Array(DOMAIN.length + 20);
  bytes.set(DOMAIN);
  for (let i = 0; i < 20; i++) bytes[DOMAIN.length + i] = parseInt(address.slice(2 + 2 * i, 4 + 2 * i), 16);
  const digest = keccak_256(bytes);
  // 40 bits = 5 bytes = 8 base32 digits.
  let bits = 0n;
  for (let i = 0; i < 5; i++) bits = (bits << 8n) | BigInt(digest[i]);
  let code = "";
  for (let i = 7; i >= 0; i--) code += ALPHABET[Number((bits >> BigInt(5 * i)) & 31n)];
  return `${code.slice(0, 4)}-${code.slice(4)}`;
}
