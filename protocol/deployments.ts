// The deployments file convention: deployments/<chainId>.json, written by scripts/deploy.ts and read
// by the relayer, the seed script and the dApp. Nothing copies addresses by hand.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";

import type { Deployments } from "./types.ts";

export type { DeployedContract, Deployments } from "./types.ts";

export const DEPLOYMENTS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "deployments");

export function deploymentsPath(chainId: number, dir = DEPLOYMENTS_DIR): string {
  return path.join(dir, `${chainId}.json`);
}

export function readDeployments(chainId: number, dir = DEPLOYMENTS_DIR): Deployments {
  const file = deploymentsPath(chainId, dir);
  let parsed: Deployments;
  try {
    parsed = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new Error(`cannot read deployments file ${file}: ${(err as Error).message}`);
  }
  if (parsed.chainId !== chainId || !parsed.contracts?.Passepartout?.address) {
    throw new Error(`deployments file ${file} is not for chain ${chainId} or lacks Passepartout`);
  }
  return parsed;
}
