// Compiled contract artifacts (abi + bytecode) from Hardhat's `artifacts/` folder, readable without
// the Hardhat runtime so the relayer, the demo and plain-Node tests can deploy too.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { JsonFragment } from "ethers";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

export type Artifact = { contractName: string; abi: JsonFragment[]; bytecode: `0x${string}` };

const SOURCES: Record<string, string> = {
  Passepartout: "contracts/Passepartout.sol",
  VenueRegistry: "contracts/VenueRegistry.sol",
  OpeningHours: "contracts/OpeningHours.sol",
  PassRenderer: "contracts/PassRenderer.sol",
  TestCAD: "contracts/mocks/TestCAD.sol",
  PassepartoutForwarder: "contracts/PassepartoutForwarder.sol",
};

export function readArtifact(name: string): Artifact {
  const source = SOURCES[name];
  if (!source) throw new Error(`unknown contract ${name}`);
  const file = path.join(ROOT, "artifacts", source, `${name}.json`);
  if (!existsSync(file)) throw new Error(`missing artifact ${file}: run \`npx hardhat compile\` first`);
  return JSON.parse(readFileSync(file, "utf8")) as Artifact;
}
