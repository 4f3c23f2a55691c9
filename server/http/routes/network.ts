// The network description, for third-party clients: what they need to talk to this relayer's chain
// without reading source or the operator's files.
//   GET /api/network                  chain id, deploy block, contracts (address, ABI hash), the
//                                     EIP-712 domain and types of the door messages, the relayer's
//                                     signing address, the limits a request must respect
//   GET /api/network/abi/:name        one contract's ABI (and its address and hash)
//   GET /api/network/deployments      the whole deployments file (protocol/deployments.ts)
// Everything is computed once from the deployments file the relayer started with.
import express, { type Router } from "express";
import { keccak256, stringToBytes } from "viem";
import { z } from "zod";
import type { RelayerContext } from "../../context.ts";
import { challengeTypes, openCommandTypes, protocolDomain, unlockRequestTypes } from "../../../protocol/eip712.ts";
import { RelayerError } from "../../errors.ts";
import {
  contractAbi,
  deployments,
  networkDescription as networkDescriptionSchema,
} from "../../../protocol/api/network.ts";
import { toWire } from "../wire.ts";

/** keccak256 of the ABI's compact JSON (`JSON.stringify(abi)`, the deployments file's order). */
export function abiHash(abi: readonly unknown[]): `0x${string}` {
  return keccak256(stringToBytes(JSON.stringify(abi)));
}

const contractName = z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/);

export function networkDescription(ctx: RelayerContext) {
  const d = ctx.deployments;
  const c = ctx.config;
  return toWire(networkDescriptionSchema, {
    chainId: d.chainId,
    deployBlock: d.deployBlock,
    contracts: Object.fromEntries(
      Object.entries(d.contracts).map(([name, x]) => [name, { address: x.address, abiHash: abiHash(x.abi) }]),
    ),
    eip712: {
      domain: protocolDomain(d.chainId, d.contracts.Passepartout.address),
      types: { ...challengeTypes, ...unlockRequestTypes, ...openCommandTypes },
    },
    relayer: c.relayerAddress,
    slotSeconds: 3600,
    limits: {
      deadlineMaxSeconds: c.maxDeadlineAheadS,
      challengeMaxAgeSeconds: c.challengeMaxAgeS,
      clockSkewSeconds: c.clockSkewS,
      openCommandTtlSeconds: c.openCommandTtlS,
      rateLimitIpPerMinute: c.rateLimitIpPerMin,
      rateLimitSignerPerMinute: c.rateLimitAddressPerMin,
      bodyLimitBytes: c.bodyLimitBytes,
      siweNonceTtlSeconds: c.siweNonceTtlS,
      doorPassDefaultHours: c.doorPassMaxHours,
    },
  });
}

export function networkRouter(ctx: RelayerContext): Router {
  const router = express.Router();
  const description = networkDescription(ctx);
  const deploymentsJson = toWire(deployments, ctx.deployments);
  // The relayer may restart on another deployment: clients revalidate (express sets an ETag).
  const revalidate = (res: express.Response) => res.set("cache-control", "no-cache");
  router.get("/api/network", (_req, res) => {
    revalidate(res).json(description);
  });
  router.get("/api/network/deployments", (_req, res) => {
    revalidate(res).json(deploymentsJson);
  });
  router.get("/api/network/abi/:name", (req, res) => {
    const name = contractName.safeParse(req.params.name);
    if (!name.success) throw new RelayerError("bad_request", "contract name must be letters, digits and _");
    if (!Object.hasOwn(ctx.deployments.contracts, name.data))
      throw new RelayerError("not_found", "no such contract in this network's deployments");
    const { address, abi } = ctx.deployments.contracts[name.data];
    revalidate(res).json(toWire(contractAbi, { name: name.data, address, abiHash: abiHash(abi), abi }));
  });
  return router;
}
