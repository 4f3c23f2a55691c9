// Writes deployments/<chainId>.json (what the relayer, the seed and the dApp read) from a Hardhat
// Ignition deployment: `node scripts/ignitionDeployments.ts [deployment-id] [--out DIR]`; the id
// defaults to chain-<chainId> of the only deployment, as `hardhat ignition deploy` names it.
// The deploy block is the first confirmed transaction of the journal, where the index starts.
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { passRendererAbi, passepartoutAbi, passepartoutForwarderAbi, venueRegistryAbi } from "../protocol/abis.ts";
import { DEPLOYMENTS_DIR, deploymentsPath, type Deployments } from "../protocol/deployments.ts";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/);
const addresses = z.object({
  "Passepartout#Passepartout": address,
  "Passepartout#VenueRegistry": address,
  "Passepartout#PassRenderer": address,
  "Passepartout#PassepartoutForwarder": address,
});
const journalLine = z.looseObject({
  type: z.string(),
  chainId: z.number().optional(),
  receipt: z.looseObject({ blockNumber: z.number() }).optional(),
});

export function deploymentsFromIgnition(dir: string): Deployments {
  const a = addresses.parse(JSON.parse(readFileSync(path.join(dir, "deployed_addresses.json"), "utf8")));
  const lines = readFileSync(path.join(dir, "journal.jsonl"), "utf8")
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => journalLine.parse(JSON.parse(l)));
  const chainId = lines.find((l) => l.type === "DEPLOYMENT_INITIALIZE")?.chainId;
  const blocks = lines.flatMap((l) => (l.type === "TRANSACTION_CONFIRM" && l.receipt ? [l.receipt.blockNumber] : []));
  if (chainId === undefined || blocks.length === 0) throw new Error(`${dir}: journal has no confirmed deployment`);
  const hex = (s: string) => s as `0x${string}`;
  return {
    chainId,
    deployBlock: Math.min(...blocks),
    contracts: {
      Passepartout: { address: hex(a["Passepartout#Passepartout"]), abi: passepartoutAbi },
      VenueRegistry: { address: hex(a["Passepartout#VenueRegistry"]), abi: venueRegistryAbi },
      PassRenderer: { address: hex(a["Passepartout#PassRenderer"]), abi: passRendererAbi },
      PassepartoutForwarder: {
        address: hex(a["Passepartout#PassepartoutForwarder"]),
        abi: passepartoutForwarderAbi,
      },
    },
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    const args = process.argv.slice(2);
    const outAt = args.indexOf("--out");
    const out = outAt >= 0 ? args.splice(outAt, 2)[1] : DEPLOYMENTS_DIR;
    const base = path.join(ROOT, "ignition", "deployments");
    const ids = existsSync(base) ? readdirSync(base) : [];
    const id = args[0] ?? (ids.length === 1 ? ids[0] : undefined);
    if (!id) throw new Error(`name the Ignition deployment (found: ${ids.join(", ") || "none"} in ${base})`);
    const d = deploymentsFromIgnition(path.join(base, id));
    mkdirSync(out, { recursive: true });
    const file = deploymentsPath(d.chainId, out);
    writeFileSync(file, `${JSON.stringify(d, null, 2)}\n`);
    process.stdout.write(
      `wrote ${file}: Passepartout ${d.contracts.Passepartout.address}, deploy block ${d.deployBlock}\n`,
    );
  } catch (err) {
    process.stderr.write(`ignitionDeployments: ${(err as Error).message.split("\n")[0]}\n`);
    process.exit(1);
  }
}
