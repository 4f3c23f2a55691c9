// GET /api/network and its companions: what a third-party client needs to talk to the relayer's
// chain without reading source or the operator's files.
import { z } from "zod";
import { hex, int } from "./json.ts";

const addressHex = hex(20);
const abi = z.array(z.record(z.string(), z.unknown())).readonly() as unknown as z.ZodType<readonly unknown[]>;

export const networkDescription = z
  .object({
    chainId: int,
    deployBlock: int.meta({ description: "first block to read events from" }),
    contracts: z
      .record(
        z.string(),
        z.object({
          address: addressHex,
          abiHash: hex(
            32,
            "keccak256 of the ABI's compact JSON, JSON.stringify(abi) as served by /api/network/abi/{name}",
          ),
        }),
      )
      .meta({
        description:
          "by name: Passepartout (bookings, passes, doors, canEnter), VenueRegistry, PassRenderer, TestCAD (test stablecoin, demo only)…",
      }),
    eip712: z.object({
      domain: z.object({
        name: z.literal("Passepartout"),
        version: z.literal("1"),
        chainId: int,
        verifyingContract: addressHex,
      }),
      types: z
        .record(z.string(), z.array(z.object({ name: z.string(), type: z.string() })).readonly())
        .meta({ description: "Challenge, UnlockRequest and OpenCommand, in the form viem/ethers signTypedData take" }),
    }),
    relayer: addressHex.meta({
      description: "signs open commands; a venue must trust it on chain (RelayerTrustSet)",
    }),
    slotSeconds: z.literal(3600).meta({ description: "bookings are whole hours [start, end), UTC" }),
    limits: z.object({
      deadlineMaxSeconds: int.meta({ description: "UnlockRequest.deadline ≤ now + this" }),
      challengeMaxAgeSeconds: int,
      clockSkewSeconds: int,
      openCommandTtlSeconds: int,
      rateLimitIpPerMinute: int,
      rateLimitSignerPerMinute: int,
      bodyLimitBytes: int,
      siweNonceTtlSeconds: int,
      doorPassDefaultHours: int.meta({
        description:
          "the longest offline DoorPass at a venue whose operator set none on chain (Venue.doorPassMaxHours null), 1–24 h",
      }),
    }),
  })
  .meta({ id: "NetworkDescription" });

export const deployments = z
  .object({
    chainId: int,
    deployBlock: int,
    contracts: z.record(z.string(), z.object({ address: addressHex, abi })),
  })
  .meta({
    id: "Deployments",
    description: "The deployments file deployments/<chainId>.json the relayer reads (protocol/deployments.ts).",
  });

export const contractAbi = z
  .object({ name: z.string(), address: addressHex, abiHash: hex(32), abi })
  .meta({ id: "ContractAbi" });
