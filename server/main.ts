// Starts the relayer: `node server/main.ts` (configuration: see server/config.ts, docs/relayer.md).
import { loadConfig } from "./config.ts";
import { startRelayer } from "./relayer.ts";
import { ConfigError } from "./errors.ts";

try {
  const config = loadConfig();
  const relayer = await startRelayer(config);
  const stop = () => {
    relayer.close().finally(() => process.exit(0));
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
} catch (err) {
  const message = err instanceof ConfigError ? err.message : `relayer failed to start: ${(err as Error).message}`;
  process.stderr.write(`${message}\n`);
  process.exit(1);
}
