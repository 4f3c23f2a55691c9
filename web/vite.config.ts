/// <reference types="vitest/config" />
import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";
import path from "node:path";
import { serviceWorkerPlugin } from "./src/pwa/serviceWorkerPlugin.ts";

// One build runs anywhere: chain, RPC, relayer and deployments come from /config.json at run time.
// `vite web` (dev) proxies /api and /rpc to a running demo stack when DEMO_ORIGIN is set.
const demoOrigin = process.env.DEMO_ORIGIN;

export default defineConfig({
  root: import.meta.dirname,
  base: "./",
  plugins: [react(), serviceWorkerPlugin()],
  build: { outDir: "dist", emptyOutDir: true, target: "es2022", chunkSizeWarningLimit: 600 },
  // protocol/ (EIP-712 types, reason codes) is shared with the relayer, one level up.
  server: {
    fs: { allow: [path.resolve(import.meta.dirname, "..")] },
    proxy: demoOrigin
      ? {
          "/api": { target: demoOrigin, changeOrigin: false },
          "/rpc": { target: demoOrigin, changeOrigin: false },
          "/config.json": { target: demoOrigin, changeOrigin: false },
        }
      : undefined,
  },
  test: {
    environment: "jsdom",
    include: ["src/**/*.test.{ts,tsx}"],
    setupFiles: ["src/test/setup.ts"],
  },
});
