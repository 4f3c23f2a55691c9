// Runtime settings, read from the config.json served beside the app, so one build runs on any port
// and any chain (PROTOCOL.md, "Shared conventions").
// The contracts' ABIs are not taken from here: the app is typed by the generated protocol/abis.ts.
import { isAddress } from "viem";
import type { Address } from "viem";
import type { Deployments } from "../../../protocol/types.ts";

/** What the app needs of a deployments file: the addresses (the ABIs are compiled in). */
export type DappDeployments = {
  chainId: number;
  deployBlock: number;
  contracts: { Passepartout: { address: Address } } & Record<string, { address: Address }>;
};

/** A deployments file without its ABIs: the dApp's config.json stays a few hundred bytes. */
export function dappDeployments(d: Deployments | DappDeployments): DappDeployments {
  const contracts = Object.fromEntries(Object.entries(d.contracts).map(([name, c]) => [name, { address: c.address }]));
  return { chainId: d.chainId, deployBlock: d.deployBlock, contracts: contracts as DappDeployments["contracts"] };
}

export type RuntimeConfig = {
  chainId: number;
  chainName: string;
  rpcUrl: string;
  /** Base URL of the relayer API; "" means the same origin as the app. */
  relayerUrl: string;
  deployments: DappDeployments;
};

type RawConfig = {
  chainId?: unknown;
  chainName?: unknown;
  rpcUrl?: unknown;
  relayerUrl?: unknown;
  deployments?: unknown;
  deploymentsUrl?: unknown;
};

export class ConfigError extends Error {
  readonly code = "config_invalid";
}

function absolute(url: string, base: string): string {
  return new URL(url, base).toString().replace(/\/$/, "");
}

/** Validates a parsed config.json; relative URLs resolve against `base` (the page's URL). */
export function parseConfig(raw: RawConfig, deployments: unknown, base: string): RuntimeConfig {
  const chainId = Number(raw.chainId);
  if (!Number.isSafeInteger(chainId) || chainId <= 0)
    throw new ConfigError("config.json: chainId must be a positive integer");
  if (typeof raw.rpcUrl !== "string" || raw.rpcUrl === "") throw new ConfigError("config.json: rpcUrl is required");
  const d = deployments as DappDeployments | undefined;
  if (!d || typeof d !== "object" || !isAddress(d.contracts?.Passepartout?.address ?? "")) {
    throw new ConfigError("config.json: deployments must name the Passepartout contract with its address");
  }
  if (Number(d.chainId) !== chainId)
    throw new ConfigError(`config.json: deployments are for chain ${d.chainId}, not ${chainId}`);
  return {
    chainId,
    chainName:
      typeof raw.chainName === "string" && raw.chainName
        ? raw.chainName
        : chainId === 31337
          ? "Hardhat"
          : `Chain ${chainId}`,
    rpcUrl: absolute(raw.rpcUrl, base),
    relayerUrl: typeof raw.relayerUrl === "string" && raw.relayerUrl !== "" ? absolute(raw.relayerUrl, base) : "",
    deployments: dappDeployments({ ...d, chainId: Number(d.chainId), deployBlock: Number(d.deployBlock ?? 0) }),
  };
}

export async function loadConfig(url = "config.json"): Promise<RuntimeConfig> {
  const base = window.location.href;
  // Revalidated on every load (ETag), so a redeployment is picked up at once at the cost of a 304.
  const res = await fetch(url, { cache: "no-cache" });
  if (!res.ok) throw new ConfigError(`config.json: HTTP ${res.status}`);
  const raw = (await res.json()) as RawConfig;
  let deployments = raw.deployments;
  if (deployments === undefined && typeof raw.deploymentsUrl === "string") {
    const d = await fetch(new URL(raw.deploymentsUrl, base), { cache: "no-cache" });
    if (!d.ok) throw new ConfigError(`deployments: HTTP ${d.status}`);
    deployments = await d.json();
  }
  return parseConfig(raw, deployments, base);
}
