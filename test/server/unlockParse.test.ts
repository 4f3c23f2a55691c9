// The unlock fast path's hand-written validator must accept exactly what the zod schema accepts and
// produce the same parsed values (it falls back to the schema for anything it does not accept).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { fastUnlockRequest, parseUnlockRequest, unlockRequestSchema } from "../../server/http/schemas.ts";

const valid = {
  chainId: 31337,
  contract: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
  door: 7,
  challenge: { door: 7, nonce: `0x${"aB".repeat(16)}`, time: 1_700_000_000, signature: `0x${"1c".repeat(65)}` },
  passId: "42",
  deadline: 1_700_000_060,
  signer: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
  signature: `0x${"Ab".repeat(64)}1b`,
};

describe("unlock request validation", () => {
  it("fast validator ⊆ schema, same output, and parseUnlockRequest ≡ schema (20,000 generated inputs)", () => {
    const str = fc.oneof(
      fc.string({ maxLength: 20 }),
      fc.constantFrom(
        "0x",
        `0x${"f".repeat(40)}`,
        `0x${"F".repeat(32)}`,
        `0x${"0".repeat(130)}`,
        `0x${"a".repeat(132)}`,
        `0x${"a".repeat(129)}`,
        "0",
        "00",
        "1".repeat(78),
        "9".repeat(78),
        "9".repeat(79),
        "-1",
        " 1",
        "1e3",
        "0x1",
      ),
      fc.uint8Array({ maxLength: 70 }).map((b) => `0x${Buffer.from(b).toString("hex")}`),
      fc.bigInt({ min: 0n, max: 1n << 257n }).map(String),
    );
    const val = fc.oneof(
      str,
      fc.integer(),
      fc.double(),
      fc.constantFrom(null, true, [], {}, -0, 0, 2 ** 32, 2 ** 32 - 1, 2 ** 53, 2 ** 53 - 1, -1, 1.5, Number.NaN),
      fc.array(fc.integer(), { maxLength: 2 }),
    );
    const field = fc.constantFrom(
      "chainId",
      "contract",
      "door",
      "challenge",
      "passId",
      "deadline",
      "signer",
      "signature",
      "extra",
    );
    const cField = fc.constantFrom("door", "nonce", "time", "signature", "extra");
    const input = fc.oneof(
      {
        weight: 8,
        arbitrary: fc
          .tuple(
            fc.array(fc.tuple(field, val), { maxLength: 2 }),
            fc.array(fc.tuple(cField, val), { maxLength: 2 }),
            fc.boolean(),
          )
          .map(([fs, cfs, drop]) => {
            const b: Record<string, unknown> = { ...valid, challenge: { ...valid.challenge } };
            for (const [f, v] of fs) b[f] = v;
            if (b.challenge && typeof b.challenge === "object" && !Array.isArray(b.challenge))
              for (const [f, v] of cfs) (b.challenge as Record<string, unknown>)[f] = v;
            if (drop) delete b[fs[0]?.[0] ?? "extra"];
            return JSON.parse(JSON.stringify(b)) as unknown;
          }),
      },
      { weight: 1, arbitrary: fc.jsonValue() },
    );
    let fastAccepted = 0;
    for (const x of fc.sample(input, { numRuns: 20_000, seed: 7 })) {
      const z = unlockRequestSchema.safeParse(x);
      const f = fastUnlockRequest(x);
      if (f) {
        fastAccepted++;
        assert.ok(z.success, `fast accepted what the schema rejects: ${JSON.stringify(x)}`);
        assert.deepEqual(f, z.data);
      }
      const p = parseUnlockRequest(x);
      assert.equal(p !== null, z.success, JSON.stringify(x));
      if (p && z.success) assert.deepEqual(p, z.data);
    }
    assert.ok(fastAccepted > 1000, `fast path exercised: ${fastAccepted}`);
    assert.deepEqual(fastUnlockRequest(valid), unlockRequestSchema.parse(valid));
  });
});
