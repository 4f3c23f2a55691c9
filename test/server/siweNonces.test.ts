// SIWE nonces are self-authenticating so relayers behind a load balancer accept each other's.
import { test } from "node:test";
import assert from "node:assert/strict";
import { NonceStore } from "../../server/http/siwe.ts";

const SECRET = "a-shared-session-secret-of-32-characters!";
const IP = "203.0.113.7";

test("a nonce issued by one relayer is accepted once by another relayer sharing the secret", () => {
  let now = 1_000_000;
  const a = new NonceStore(300, () => now, SECRET);
  const b = new NonceStore(300, () => now, SECRET);
  const nonce = a.issue();
  assert.match(nonce, /^[0-9a-f]{56}$/, "alphanumeric, as EIP-4361 requires");
  assert.equal(b.consume(nonce, IP), "consumed");
  assert.equal(b.consume(nonce, IP), "unusable", "single use on each relayer");
  now += 1;
  assert.equal(a.consume(a.issue(), IP), "consumed");
});

test("forged, tampered, foreign and expired nonces are refused", () => {
  let now = 1_000_000;
  const a = new NonceStore(300, () => now, SECRET);
  const other = new NonceStore(300, () => now, "another-secret-another-secret-another!");
  const nonce = a.issue();
  const flipped = nonce.slice(0, 10) + (nonce[10] === "0" ? "1" : "0") + nonce.slice(11);
  assert.equal(a.consume(flipped, IP), "unusable", "payload tampered");
  assert.equal(a.consume("deadbeef".repeat(7), IP), "unusable", "never issued");
  assert.equal(a.consume("not-a-nonce", IP), "unusable", "malformed");
  assert.equal(a.consume(other.issue(), IP), "unusable", "issued under another secret");
  now += 301;
  assert.equal(a.consume(nonce, IP), "unusable", "expired");
});

test("a requester's share of used nonces frees up as they expire, and other requesters keep theirs", () => {
  let now = 1_000_000;
  const a = new NonceStore(300, () => now, SECRET, { perRequester: 2 });
  assert.equal(a.consume(a.issue(), IP), "consumed");
  assert.equal(a.consume(a.issue(), IP), "consumed");
  const waiting = a.issue();
  assert.equal(a.consume(waiting, IP), "requester_full");
  assert.equal(a.usable(waiting), true, "a refused nonce stays usable");
  assert.equal(a.consume(a.issue(), "198.51.100.4"), "consumed");
  now += 301;
  assert.equal(a.consume(a.issue(), IP), "consumed");
});

test("one address cannot use up its network address's share of sign-ins", () => {
  let now = 1_000_000;
  // An office behind one NAT address: a large share per IP, a small one per signed-in address.
  const a = new NonceStore(300, () => now, SECRET, { perRequester: 100, perAddress: 3 });
  for (let i = 0; i < 3; i++) assert.equal(a.consume(a.issue(), IP, "0xAAAA"), "consumed");
  assert.equal(a.consume(a.issue(), IP, "0xaaaa"), "requester_full", "the address's share (any case)");
  assert.equal(a.consume(a.issue(), "198.51.100.4", "0xaaaa"), "requester_full", "from any network address");
  assert.equal(a.consume(a.issue(), IP, "0xbbbb"), "consumed", "a colleague behind the same address signs in");
  now += 301;
  assert.equal(a.consume(a.issue(), IP, "0xaaaa"), "consumed", "freed as the nonces expire");
});
