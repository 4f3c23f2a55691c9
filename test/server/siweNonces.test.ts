// SIWE nonces are self-authenticating so relayers behind a load balancer accept each other's.
import { test } from "node:test";
import assert from "node:assert/strict";
import { NonceStore } from "../../server/siwe.ts";

const SECRET = "a-shared-session-secret-of-32-characters!";

test("a nonce issued by one relayer is accepted once by another relayer sharing the secret", () => {
  let now = 1_000_000;
  const a = new NonceStore(300, () => now, SECRET);
  const b = new NonceStore(300, () => now, SECRET);
  const nonce = a.issue();
  assert.match(nonce, /^[0-9a-f]{56}$/, "alphanumeric, as EIP-4361 requires");
  assert.equal(b.consume(nonce), true);
  assert.equal(b.consume(nonce), false, "single use on each relayer");
  now += 1;
  assert.equal(a.consume(a.issue()), true);
});

test("forged, tampered, foreign and expired nonces are refused", () => {
  let now = 1_000_000;
  const a = new NonceStore(300, () => now, SECRET);
  const other = new NonceStore(300, () => now, "another-secret-another-secret-another!");
  const nonce = a.issue();
  const flipped = nonce.slice(0, 10) + (nonce[10] === "0" ? "1" : "0") + nonce.slice(11);
  assert.equal(a.consume(flipped), false, "payload tampered");
  assert.equal(a.consume("deadbeef".repeat(7)), false, "never issued");
  assert.equal(a.consume("not-a-nonce"), false, "malformed");
  assert.equal(a.consume(other.issue()), false, "issued under another secret");
  now += 301;
  assert.equal(a.consume(nonce), false, "expired");
});
