// ERC-165 interface ids computed from compiled ABIs, as `type(I).interfaceId` does in Solidity.
import { toFunctionSelector, type Abi } from "viem";
import { artifacts } from "hardhat";
import { dependencyAbiOf } from "./buildInfo.ts";

const selectors = (abi: Abi): Set<string> =>
  new Set(abi.flatMap((item) => (item.type === "function" ? [toFunctionSelector(item)] : [])));

/**
 * XOR of the selectors of the functions `abi` declares itself: an ABI also lists the functions
 * inherited from `parents`, which `type(I).interfaceId` leaves out.
 */
export function interfaceId(abi: Abi, ...parents: Abi[]): string {
  const inherited = new Set(parents.flatMap((p) => [...selectors(p)]));
  let id = 0;
  for (const selector of selectors(abi)) if (!inherited.has(selector)) id ^= Number.parseInt(selector.slice(2), 16);
  return `0x${(id >>> 0).toString(16).padStart(8, "0")}`;
}

/** The ids of every interface the passes implement, from the ABIs solc compiled. */
export async function passInterfaceIds(): Promise<
  Record<"IERC165" | "IERC721" | "IERC721Metadata" | "IERC4907", string>
> {
  const inBuild = "contracts/interfaces/IPassepartout.sol:IPassepartout"; // imports OpenZeppelin's ERC-721 interfaces
  const [erc165, erc721, metadata] = await Promise.all(
    ["IERC165", "IERC721", "IERC721Metadata"].map((name) => dependencyAbiOf(name, inBuild)),
  );
  const erc4907 = (await artifacts.readArtifact("contracts/interfaces/IERC4907.sol:IERC4907")).abi;
  return {
    IERC165: interfaceId(erc165),
    IERC721: interfaceId(erc721, erc165),
    IERC721Metadata: interfaceId(metadata, erc721),
    IERC4907: interfaceId(erc4907),
  };
}
