import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import path from "node:path";
import { createRequire } from "node:module";
import { loadNativeSecp256k1, NativeBindingError } from "../../server/door/secp256k1Native.ts";
import { ROOT } from "../helpers/localChain.ts";

const NO_BINDING = path.join(ROOT, "test/server/fixtures/noSecp256k1Binding.cjs");

/** Runs `node --require <no binding> <args>`; resolves with its exit code and stderr. */
function runWithoutBinding(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, ["--require", NO_BINDING, ...args], {
    cwd: ROOT,
    stdio: ["ignore", "ignore", "pipe"],
    env: { ...process.env, ...env },
  });
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.on("exit", (code) => resolve({ code, stderr })));
}

describe("secp256k1 native binding", () => {
  it("loads the N-API addon, not the pure-JS fallback", () => {
    const native = loadNativeSecp256k1();
    // The package's pure-JS build, which exports the same functions as the addon.
    const elliptic = createRequire(import.meta.url)("secp256k1/elliptic.js") as Pick<typeof native, "ecdsaRecover">;
    assert.notEqual(native.ecdsaRecover, elliptic.ecdsaRecover);
    const key = new Uint8Array(32).fill(7);
    const digest = new Uint8Array(32).fill(1);
    const { signature, recid } = native.ecdsaSign(digest, key);
    assert.deepEqual(native.ecdsaRecover(signature, recid, digest, false), native.publicKeyCreate(key, false));
  });

  it("refuses with one line naming the addon when it does not load", () => {
    assert.throws(
      () =>
        loadNativeSecp256k1(() => {
          throw new Error("No native build was found for platform=linux\n    at load (node-gyp-build)");
        }),
      (err: unknown) =>
        err instanceof NativeBindingError &&
        err.code === "native_binding_missing" &&
        /^secp256k1 native binding not loaded \(No native build was found for platform=linux\)/.test(err.message) &&
        !err.message.includes("\n"),
    );
  });

  it("the simulated missing addon makes the package itself fall back to pure JS silently", async () => {
    // The hazard the loader exists for: `require("secp256k1")` still works, on elliptic.
    const probe = `const s = require("secp256k1"); const e = require("secp256k1/elliptic.js"); process.exit(s.ecdsaRecover === e.ecdsaRecover ? 42 : 0);`;
    assert.equal((await runWithoutBinding(["-e", probe])).code, 42);
  });

  it("the relayer refuses to start with one clear line when the addon does not load", async () => {
    // Before the chain check: no chain is needed to see the refusal.
    const r = await runWithoutBinding([path.join(ROOT, "server/main.ts")], {
      PORT: "0",
      RPC_URL: "http://127.0.0.1:1",
    });
    assert.equal(r.code, 1);
    assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
    assert.match(
      r.stderr,
      /^relayer failed to start: secp256k1 native binding not loaded \(No native build was found .*simulated\).*npm rebuild secp256k1/,
    );
  });
});
