// `npm run build:agent` → agent/dist/door-agent.mjs, the one file a venue copies to its Raspberry Pi
// (docs/door-agent.md): `node door-agent.mjs --config /etc/passepartout/agent.json`.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { bundleAgent } from "./lib/bundleAgent.ts";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const outfile = path.join(root, "agent", "dist", "door-agent.mjs");
try {
  const { bytes } = await bundleAgent(path.join(root, "agent", "src", "main.ts"), outfile);
  process.stdout.write(`${path.relative(root, outfile)}: ${(bytes / 1e6).toFixed(2)} MB\n`);
} catch (err) {
  process.stderr.write(`cannot build the door agent: ${(err as Error).message.split("\n")[0]}\n`);
  process.exit(1);
}
