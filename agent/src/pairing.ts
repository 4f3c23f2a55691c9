// Pairing a door with this agent: the lock key is made here, on first start, and never leaves the
// computer; the operator registers only its address on chain (the venue editor's doors form), after
// checking that the pairing code the editor shows is the one this agent prints (protocol/pairing.ts).
import { randomBytes } from "node:crypto";
import { closeSync, existsSync, mkdirSync, openSync, writeSync } from "node:fs";
import path from "node:path";
import { pairingCode } from "../../protocol/pairing.ts";
import { addressOf, type Hex } from "./lockCrypto.ts";

export type Pairing = { door: number; address: Hex; code: string };

/** What the operator needs to pair a door: its lock key's address and pairing code (the door screen shows these). */
export function pairingOf(door: number, key: Hex): Pairing {
  const address = addressOf(key);
  return { door, address, code: pairingCode(address)! };
}

/**
 * Creates the lock key file when it does not exist yet (a fresh random key, readable by this user
 * only; the folder is made if needed). Never overwrites: an existing file is the door's key.
 * Returns whether a key was created.
 */
export function ensureLockKeyFile(file: string): boolean {
  if (existsSync(file)) return false;
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const key: Hex = `0x${randomBytes(32).toString("hex")}`;
  // "wx": fails if another process created it meanwhile (then that key stands).
  let fd: number;
  try {
    fd = openSync(file, "wx", 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw err;
  }
  try {
    writeSync(fd, `${key}\n`);
  } finally {
    closeSync(fd);
  }
  return true;
}

/** The console lines that tell the operator how to pair a door. */
export function pairingText(p: Pairing, onChain: "paired" | "unpaired"): string {
  return onChain === "paired"
    ? `door ${p.door}: paired — lock key ${p.address} (pairing code ${p.code})`
    : [
        `door ${p.door}: NOT PAIRED YET. In the venue editor (Doors), paste this lock key address:`,
        `    ${p.address}`,
        `  and check that the editor shows the pairing code ${p.code} before you confirm.`,
      ].join("\n");
}
