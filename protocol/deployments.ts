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
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new Error(`cannot read deployments file ${file}: ${(err as Error).message}`);
  }
  if (!isDeploymentsFor(parsed, chainId)) {
    throw new Error(`deployments file ${file} is not for chain ${chainId} or lacks Passepartout`);
  }
  return parsed;
}

/** The file's own chain id and a Passepartout address: what every reader relies on. */
function isDeploymentsFor(parsed: unknown, chainId: number): parsed is Deployments {
  const d = parsed as { chainId?: unknown; contracts?: { Passepartout?: { address?: unknown } } } | null;
  return d?.chainId === chainId && !!d.contracts?.Passepartout?.address;
}
