import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { KECCAK_FILE, keccakSource } from "../../server/door/generateKeccak.ts";

describe("server/door/keccak.ts", () => {
  it("is exactly what its generator emits (edit server/door/generateKeccak.ts, then run it)", () => {
    assert.equal(readFileSync(KECCAK_FILE, "utf8"), keccakSource());
  });
});
