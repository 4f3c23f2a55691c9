// Demo keys for the embedded local network. NEVER use them anywhere real: they are public.
//
// - The relayer signs open commands with Hardhat's default account #9 (mnemonic
//   "test test … junk"); the seed script marks that address trusted for every demo venue.
// - Each door's lock simulator signs its challenges with a key derived from the door id:
//   privateKey = keccak256(utf8("passepartout-demo-lock:" + doorId)). The seed script registers
//   `demoLockAddress(doorId)` as the door's `lockKey`; the lock simulator derives the same key.
import { keccak256, stringToBytes } from "viem";
import { pbkdf2Sync } from "node:crypto";
import { HDKey, hdKeyToAccount, privateKeyToAddress } from "viem/accounts";

import type { Hex } from "../protocol/types.ts";

export type { Hex };

/** Hardhat default account #9. */
export const DEMO_RELAYER_PRIVATE_KEY: Hex = "0x2a871d0798f97d79848a013d4936a73bf4cc922c825d33c1cf7073dff6d409c6";
export const DEMO_RELAYER_ADDRESS: Hex = "0xa0Ee7A142d267C1f36714E4a8F75612F20a79720";

/** Hardhat default account #18: pays the gas of gasless calls on the demo chain (server/sponsor). */
export const DEMO_SPONSOR_PRIVATE_KEY: Hex = "0xde9be858da4a475276426320d5e9262ecfc3ba460bfac56360bfa6c4c28b4ee0";

/** Hardhat's default mnemonic: its accounts are funded on every local node and known to everyone. */
export const HARDHAT_MNEMONIC = "test test test test test test test test test test test junk";

let wellKnown: Set<string> | undefined;

/** Whether `address` is one of the first 50 accounts of Hardhat's default mnemonic (a public key). */
export function isWellKnownDemoAddress(address: string): boolean {
  if (!wellKnown) {
    // The BIP-39 seed (PBKDF2-HMAC-SHA512, 2048 rounds) computed once, then 50 BIP-44 children.
    const seed = pbkdf2Sync(HARDHAT_MNEMONIC.normalize("NFKD"), "mnemonic", 2048, 64, "sha512");
    const master = HDKey.fromMasterSeed(seed);
    wellKnown = new Set(
      Array.from({ length: 50 }, (_, i) => hdKeyToAccount(master, { addressIndex: i }).address.toLowerCase()),
    );
  }
  return wellKnown.has(address.toLowerCase());
}

/** The demo lock key of a door (deterministic, public). */
export function demoLockKey(doorId: number | bigint): Hex {
  return keccak256(stringToBytes(`passepartout-demo-lock:${BigInt(doorId).toString()}`));
}

/** The address registered on chain as the demo door's `lockKey`. */
export function demoLockAddress(doorId: number | bigint): Hex {
  return privateKeyToAddress(demoLockKey(doorId));
}
