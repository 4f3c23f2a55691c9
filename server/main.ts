// Starts the relayer: `node server/main.ts` (configuration: see server/config.ts, docs/relayer.md).
// On a bad configuration or an unusable chain it prints one line and exits with status 1.

// node:sqlite prints an ExperimentalWarning when loaded; keep stderr to the one line that matters.
process.removeAllListeners("warning");
process.on("warning", (w) => {
  if (w.name === "ExperimentalWarning" && /SQLite/.test(w.message)) return;
  process.stderr.write(`${w.name}: ${w.message}\n`);
});

const { loadConfig } = await import("./config.ts");
const { startRelayer } = await import("./relayer.ts");
const { ConfigError } = await import("./errors.ts");

try {
  const config = loadConfig();
  const relayer = await startRelayer(config);
  const stop = () => {
    relayer.close().finally(() => process.exit(0));
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
} catch (err) {
  const message = err instanceof ConfigError ? err.message : `relayer failed to start: ${(err as Error).message.split("\n")[0]}`;
  process.stderr.write(`${message}\n`);
  process.exit(1);
}
