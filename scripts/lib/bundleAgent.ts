// The door agent as a venue installs it: one ES module with its dependencies inside (mqtt, @noble,
// zod), run by plain `node` — no `npm install` on the Pi, no TypeScript to strip at start-up.
// Measured with bench/door.ts: a bundled agent idles at about two thirds of the RSS of the same
// agent started from its .ts sources (Node's type stripper and thousands of small modules stay out).
import { build } from "esbuild";

/** Bundles `entry` (agent/src/main.ts, or a bench worker) into the single file `outfile`. */
export async function bundleAgent(entry: string, outfile: string): Promise<{ bytes: number }> {
  const result = await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: "node",
    target: "node22",
    format: "esm",
    minify: true,
    legalComments: "eof", // the dependencies' licence headers travel with their code
    metafile: true,
    logLevel: "silent",
    // mqtt and its helpers are CommonJS that `require` Node's built-ins: give the module a require.
    banner: {
      js: "import { createRequire as __ppRequire } from 'node:module'; const require = __ppRequire(import.meta.url);",
    },
  });
  return { bytes: result.metafile.outputs[Object.keys(result.metafile.outputs)[0]].bytes };
}
