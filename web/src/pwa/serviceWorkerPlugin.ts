// Build-time only (vite.config.ts): emits sw.js after the bundle, listing what the build wrote
// (itself excepted), with the worker's DoorPass renewal (pwa/backgroundRenewalWorker.ts) bundled in
// as one classic script, since a service worker with imports (type "module") is not run by every browser.
import path from "node:path";
import { build, type Plugin, type Rollup } from "vite";
import { serviceWorkerSource } from "./serviceWorker.ts";

/** The worker's own listeners as one minified classic script (a build of its own, tree-shaken). */
export async function backgroundScript(): Promise<string> {
  const out = (await build({
    configFile: false,
    logLevel: "silent",
    publicDir: false,
    root: import.meta.dirname,
    build: {
      write: false,
      minify: true,
      target: "es2022",
      lib: {
        entry: path.join(import.meta.dirname, "backgroundRenewalWorker.ts"),
        formats: ["iife"],
        name: "passepartoutBackground",
        fileName: () => "background.js",
      },
    },
  })) as Rollup.RollupOutput | Rollup.RollupOutput[];
  const [first] = Array.isArray(out) ? out : [out];
  const chunk = first.output.find((o): o is Rollup.OutputChunk => o.type === "chunk");
  if (!chunk) throw new Error("the service worker's background script was not built");
  return chunk.code;
}

export function serviceWorkerPlugin(): Plugin {
  return {
    name: "passepartout-service-worker",
    apply: "build",
    async generateBundle(_options, bundle) {
      const files = Object.keys(bundle).filter((f) => f !== "sw.js" && !f.endsWith(".map") && f !== "index.html");
      const version = files
        .filter((f) => f.startsWith("assets/"))
        .sort()
        .join("|");
      // A short stable digest of the asset names (they carry content hashes): a new build, a new cache.
      let h = 0;
      for (let i = 0; i < version.length; i++) h = (Math.imul(h, 31) + version.charCodeAt(i)) | 0;
      this.emitFile({
        type: "asset",
        fileName: "sw.js",
        source: serviceWorkerSource(files, (h >>> 0).toString(36), await backgroundScript()),
      });
    },
  };
}
