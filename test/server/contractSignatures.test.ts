// The ERC-1271 lane (server/door/contractSignatures.ts) against a scripted chain reader: bounded
// concurrency and queue, shedding of code that said no while the lane is busy, and no poisoning of
// wallet code that is known to say yes.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { ChainReader } from "../../server/index/chain.ts";
import { ContractSignatureChecker } from "../../server/door/contractSignatures.ts";
import type { Hex } from "../../server/door/doorCrypto.ts";

const addr = (n: number): Hex => `0x${n.toString(16).padStart(40, "0")}`;
const SAFE_CODE: Hex = `0x${"5a".repeat(32)}`;
const BURNER_CODE: Hex = `0x${"b0".repeat(32)}`;
const DIGEST: Hex = `0x${"11".repeat(32)}`;
const GOOD_SIG = "0x600d" as Hex;
const far = () => performance.now() + 10_000;

type Pending = { wallet: Hex; signature: Hex; answer(ok: boolean | Error): void };

/** A reader whose `isValidSignature` calls wait until the test answers them. */
function scriptedReader(codes: Record<string, Hex | null>) {
  const pending: Pending[] = [];
  const reader = {
    codeHash(a: Hex) {
      return Promise.resolve(codes[a] ?? null);
    },
    isValidSignature(wallet: Hex, _digest: Hex, signature: Hex) {
      return new Promise<boolean>((resolve, reject) => {
        pending.push({ wallet, signature, answer: (ok) => (ok instanceof Error ? reject(ok) : resolve(ok)) });
      });
    },
  } as unknown as ChainReader;
  return { reader, pending };
}

const tick = () => new Promise((r) => setImmediate(r));

describe("contract-wallet signature checks", () => {
  it("run at most `concurrency` at once and shed beyond the queue", async () => {
    const { reader, pending } = scriptedReader({ [addr(1)]: SAFE_CODE });
    const c = new ContractSignatureChecker(reader, { concurrency: 2, queue: 1, negativeTtlMs: 60_000 });
    const results = [1, 2, 3, 4].map(() => c.check(addr(1), DIGEST, GOOD_SIG, far()));
    await tick();
    assert.equal(pending.length, 2, "two calls in flight");
    assert.equal(await results[3], "busy", "the fourth finds the queue full");
    pending.shift()!.answer(true);
    await tick();
    assert.equal(pending.length, 2, "the queued check takes the freed slot");
    for (const p of pending.splice(0)) p.answer(true);
    assert.deepEqual(await Promise.all(results.slice(0, 3)), ["valid", "valid", "valid"]);
    assert.equal(c.calls, 3);
  });

  it("sheds a queued check that does not get its turn before its deadline", async () => {
    const { reader, pending } = scriptedReader({ [addr(1)]: SAFE_CODE });
    const c = new ContractSignatureChecker(reader, { concurrency: 1, queue: 8, negativeTtlMs: 60_000 });
    const first = c.check(addr(1), DIGEST, GOOD_SIG, far());
    const t0 = performance.now();
    assert.equal(await c.check(addr(1), DIGEST, GOOD_SIG, t0 + 50), "busy");
    assert.ok(performance.now() - t0 < 1000);
    pending.shift()!.answer(true);
    assert.equal(await first, "valid");
  });

  it("sheds code that said no while the lane is busy, and asks it again when the lane is idle", async () => {
    const { reader, pending } = scriptedReader({
      [addr(1)]: BURNER_CODE,
      [addr(2)]: BURNER_CODE,
      [addr(3)]: SAFE_CODE,
    });
    const c = new ContractSignatureChecker(reader, { concurrency: 1, queue: 16, negativeTtlMs: 60_000 });
    const first = c.check(addr(1), DIGEST, "0xbad1", far());
    const queued = [c.check(addr(2), DIGEST, "0xbad2", far()), c.check(addr(3), DIGEST, GOOD_SIG, far())];
    await tick();
    pending.shift()!.answer(false);
    assert.equal(await first, "invalid");
    // The burner code's queued check learns the "no" at its turn; the other code still runs.
    assert.equal(await queued[0], "busy");
    await tick();
    assert.equal(pending.length, 1);
    const busyNow = c.check(addr(1), DIGEST, "0xbad3", far());
    assert.equal(await busyNow, "busy", "another address with the same code, lane busy: shed without a call");
    pending.shift()!.answer(true);
    assert.equal(await queued[1], "valid");
    const idle = c.check(addr(2), DIGEST, "0xbad4", far());
    await tick();
    assert.equal(pending.length, 1, "idle lane: asked again");
    pending.shift()!.answer(false);
    assert.equal(await idle, "invalid");
    assert.equal(c.calls, 3);
  });

  it("never sheds wallet code that said yes, so junk naming one wallet cannot lock out its siblings", async () => {
    const { reader, pending } = scriptedReader({ [addr(1)]: SAFE_CODE, [addr(2)]: SAFE_CODE, [addr(9)]: BURNER_CODE });
    const c = new ContractSignatureChecker(reader, { concurrency: 1, queue: 16, negativeTtlMs: 60_000 });
    const member = c.check(addr(1), DIGEST, GOOD_SIG, far());
    await tick();
    pending.shift()!.answer(true);
    assert.equal(await member, "valid");
    // Junk for a sibling wallet (same code) says no while the lane is kept busy by someone else.
    const junk = c.check(addr(2), DIGEST, "0xbad1", far());
    await tick();
    pending.shift()!.answer(false);
    assert.equal(await junk, "invalid");
    const blocker = c.check(addr(9), DIGEST, "0xbad2", far());
    await tick();
    const sibling = c.check(addr(1), DIGEST, GOOD_SIG, far());
    await tick();
    pending.shift()!.answer(false);
    assert.equal(await blocker, "invalid");
    await tick();
    assert.equal(pending.length, 1, "the sibling is still asked");
    pending.shift()!.answer(true);
    assert.equal(await sibling, "valid");
  });

  it("treats a wallet that times out as a no, an address without code as no_code, and rejects on other chain failures", async () => {
    const { reader, pending } = scriptedReader({ [addr(1)]: BURNER_CODE, [addr(2)]: SAFE_CODE });
    const c = new ContractSignatureChecker(reader, { concurrency: 1, queue: 4, negativeTtlMs: 60_000 });
    assert.equal(await c.check(addr(7), DIGEST, GOOD_SIG, far()), "no_code");
    const slow = c.check(addr(1), DIGEST, "0xbad1", far());
    await tick();
    pending.shift()!.answer(Object.assign(new Error("took too long"), { name: "TimeoutError" }));
    assert.equal(await slow, "invalid");
    const down = c.check(addr(2), DIGEST, GOOD_SIG, far());
    await tick();
    pending.shift()!.answer(Object.assign(new Error("connection refused"), { name: "HttpRequestError" }));
    await assert.rejects(down, /connection refused/);
  });
});
