// Starts the relayer: `node server/main.ts` (configuration: see server/config.ts, docs/relayer.md).
// On a bad configuration or an unusable chain it prints one line and exits with status 1.

// node:sqlite prints an ExperimentalWarning when loaded; keep stderr to the one line that matters.
process.removeAllListeners("warning");
process.on("warning", (w) => {
  if (w.name === "ExperimentalWarning" && /SQLite/.test(w.message)) return;
  process.stderr.write(`${w.name}: ${w.message}\n`);
});

// V8's code cache for the modules below (viem, express, the relayer's own): a restart loads them
// ≈ 0.2 s faster. Kept in the system's temporary folder; without it, modules compile as usual.
const { enableCompileCache } = await import("node:module");
enableCompileCache?.();

const { ConfigError } = await import("./errors.ts");

try {
  // Loaded here, inside the try: importing the relayer loads the secp256k1 native addon, and a
  // missing addon must end in the same one line as any other refusal.
  const { loadConfig } = await import("./config.ts");
  const { startRelayer } = await import("./relayer.ts");
  const config = loadConfig();
  const relayer = await startRelayer(config);
  const stop = () => {
    void relayer.close().finally(() => process.exit(0));
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
} catch (err) {
  const message =
    err instanceof ConfigError ? err.message : `relayer failed to start: ${(err as Error).message.split("\n")[0]}`;
  process.stderr.write(`${message}\n`);
  process.exit(1);
}
