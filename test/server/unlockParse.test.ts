// The unlock body has one validation, the zod schema protocol/api/door.ts `unlockRequest`, used by
// both entrances of POST /api/unlock (express route and fast path); the OpenAPI document's
// UnlockRequest is generated from it and accepts the same bodies.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { Ajv2020 } from "ajv/dist/2020.js";
import { unlockRequest as unlockRequestSchema } from "../../protocol/api/door.ts";
import { openApiDocument } from "../../server/http/openapi.ts";

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
  it("one schema: the generated OpenAPI UnlockRequest accepts exactly what the relayer accepts (20,000 generated inputs)", () => {
    const ajv = new Ajv2020({ strict: false, validateFormats: false });
    ajv.addSchema(openApiDocument(), "openapi");
    const documented = ajv.getSchema("openapi#/components/schemas/UnlockRequest")!;
    assert.ok(documented, "UnlockRequest is in the document");
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
    let accepted = 0;
    for (const x of fc.sample(input, { numRuns: 20_000, seed: 7 })) {
      const z = unlockRequestSchema.safeParse(x);
      // JSON Schema cannot say "at most 2^256 - 1" of a decimal string: the one bound it leaves out.
      const passId = (x as { passId?: unknown } | null)?.passId;
      const overRange = typeof passId === "string" && /^\d{1,78}$/.test(passId) && BigInt(passId) >= 1n << 256n;
      if (z.success) accepted++;
      if (!overRange) assert.equal(documented(x), z.success, JSON.stringify(x));
    }
    assert.ok(accepted > 1000, `valid bodies exercised: ${accepted}`);
    assert.deepEqual(unlockRequestSchema.parse(valid), {
      ...valid,
      contract: valid.contract.toLowerCase(),
      challenge: { ...valid.challenge, nonce: valid.challenge.nonce.toLowerCase() },
      passId: 42n,
      signer: valid.signer.toLowerCase(),
      signature: valid.signature.toLowerCase(),
    });
  });
});
