// The pairing code the agent prints and the venue editor shows (protocol/pairing.ts): the operator
// compares them by eye, so the same address must give the same code whatever its letter case, and
// another address (a typo, a wrong paste) another code.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { getAddress } from "viem";
import { privateKeyToAddress } from "viem/accounts";
import { isPairingAddress, pairingCode } from "../../protocol/pairing.ts";
import { pairingOf } from "../../agent/src/pairing.ts";
import type { Hex } from "../../agent/src/lockCrypto.ts";

const CODE = /^[0-9ABCDEFGHJKMNPQRSTVWXYZ]{4}-[0-9ABCDEFGHJKMNPQRSTVWXYZ]{4}$/;
const address = "0x5fbdb2315678afecb367f032d93f642f64180aa3";

describe("pairing code", () => {
  it("is 8 Crockford base32 digits grouped 4-4, the same for an address in any letter case", () => {
    const code = pairingCode(address)!;
    assert.match(code, CODE);
    assert.equal(pairingCode(address.toUpperCase().replace("0X", "0x")), code);
    assert.equal(pairingCode(getAddress(address)), code);
  });

  it("differs for different addresses, including a one-digit typo", () => {
    const codes = new Set<string>();
    for (let i = 1; i <= 2000; i++)
      codes.add(pairingCode(privateKeyToAddress(`0x${i.toString(16).padStart(64, "0")}`))!);
    assert.equal(codes.size, 2000);
    const typo = `${address.slice(0, -1)}4`;
    assert.notEqual(pairingCode(typo), pairingCode(address));
  });

  it("is null for anything that is not a 20-byte hex address", () => {
    for (const bad of [
      "",
      "0x",
      address.slice(0, -1),
      `${address}0`,
      address.slice(2),
      `0x${"g".repeat(40)}`,
      ` ${address}`,
    ])
      assert.equal(pairingCode(bad), null, JSON.stringify(bad));
    assert.equal(isPairingAddress(address), true);
  });

  it("is what the agent prints for its lock key's address", () => {
    const key: Hex = `0x${"42".repeat(32)}`;
    const p = pairingOf(7, key);
    assert.equal(p.address.toLowerCase(), privateKeyToAddress(key).toLowerCase());
    assert.equal(p.code, pairingCode(privateKeyToAddress(key)));
  });
});
