// The protocol's shared types, declared once and derived from the generated ABI (protocol/abis.ts)
// wherever the contract defines them, so a struct change reaches every reader at type-check time.
import type {
  Abi,
  ContractEventArgsFromTopics,
  ContractEventName,
  ContractFunctionArgs,
  ContractFunctionName,
  ContractFunctionReturnType,
} from "viem";
import type { passepartoutAbi } from "./abis.ts";

export type Hex = `0x${string}`;

export type PassepartoutAbi = typeof passepartoutAbi;

/** What a view of the Passepartout contract returns. */
type ViewResult<name extends ContractFunctionName<PassepartoutAbi, "view" | "pure">> = ContractFunctionReturnType<
  PassepartoutAbi,
  "view" | "pure",
  name
>;

/** `IPassepartoutBase.Venue` as `venue(venueId)` returns it. */
export type Venue = ViewResult<"venue">;
/** `IPassepartoutBase.Resource` as `resource(resourceId)` returns it. */
export type Resource = ViewResult<"resource">;
/** `IPassepartoutBase.Pass` as `pass(passId)` returns it. */
export type Pass = ViewResult<"pass">;
/** `IPassepartoutBase.Door` as `door(doorId)` returns it. */
export type Door = ViewResult<"door">;
/** One tier of a refund policy, as `policy(policyId)` returns them. */
export type RefundTier = ViewResult<"policy">[number];

/** Names of the events the Passepartout address emits. */
export type PassepartoutEventName = ContractEventName<PassepartoutAbi>;
/** The decoded arguments of one of its events (all fields present, as in a mined log). */
export type PassepartoutEventArgs<name extends PassepartoutEventName> = ContractEventArgsFromTopics<
  PassepartoutAbi,
  name
>;

/** One contract in a deployments file. The file carries its ABI for third parties; this code base
 * uses the generated `as const` ABIs of protocol/abis.ts instead. */
export type DeployedContract = { address: Hex; abi: Abi };

/** `deployments/<chainId>.json` (PROTOCOL.md, "Shared conventions"). */
export type Deployments = {
  chainId: number;
  deployBlock: number;
  /** Passepartout, VenueRegistry, PassRenderer; TestCAD (the test stablecoin) on local chains. */
  contracts: { Passepartout: DeployedContract } & Record<string, DeployedContract>;
};

type Mutability = "pure" | "view" | "nonpayable" | "payable";

/** One call of the Passepartout contract, `{ functionName, args }`, typed together: a union over its
 * functions of the given mutabilities, so helpers that take a call need no generic gymnastics. */
export type PassepartoutCall<mutability extends Mutability = "nonpayable" | "payable"> = {
  [name in ContractFunctionName<PassepartoutAbi, mutability>]: {
    functionName: name;
    args: ContractFunctionArgs<PassepartoutAbi, mutability, name>;
  };
}[ContractFunctionName<PassepartoutAbi, mutability>];
