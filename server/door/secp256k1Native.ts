// The relayer's signature recovery and signing run on libsecp256k1 through the `secp256k1` N-API
// addon. The package's own entry point silently falls back to pure JS (elliptic, ~30× slower
// recovery: a door decision would cost milliseconds of CPU) when the prebuilt addon does not load;
// this loader takes the addon or nothing, so the relayer refuses to start instead.
import { createRequire } from "node:module";

export type Secp256k1 = typeof import("secp256k1");

const require = createRequire(import.meta.url);

export class NativeBindingError extends Error {
  readonly code = "native_binding_missing";
  constructor(message: string) {
    super(message);
    this.name = "NativeBindingError";
  }
}

/** `secp256k1/bindings.js` is the package's native half: it throws when no addon loads. */
export function loadNativeSecp256k1(load: () => unknown = () => require("secp256k1/bindings.js")): Secp256k1 {
  try {
    return load() as Secp256k1;
  } catch (err) {
    const why = String((err as Error)?.message ?? err).split("\n")[0];
    throw new NativeBindingError(
      `secp256k1 native binding not loaded (${why}); run \`npm rebuild secp256k1\` on Node 22 — the pure-JS fallback is refused`,
    );
  }
}
