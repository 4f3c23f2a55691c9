// Reads what solc reported about the project's contracts (ASTs, ABIs, storage layouts) from the
// Hardhat build info that produced their artifacts, so tests check the compiled code, not a copy.
import { readFile } from "node:fs/promises";
import { artifacts } from "hardhat";
import type { Abi } from "viem";

/** One state variable in solc's `storageLayout` output. */
export type StorageEntry = {
  astId: number;
  contract: string;
  label: string;
  offset: number;
  slot: string;
  type: string;
};
/** One type of solc's `storageLayout` output (members for structs, key/value for mappings, base for arrays). */
export type StorageType = {
  encoding: string;
  label: string;
  numberOfBytes: string;
  members?: StorageEntry[];
  key?: string;
  value?: string;
  base?: string;
};
export type StorageLayout = { storage: StorageEntry[]; types: Record<string, StorageType> | null };

/** A node of solc's JSON AST: only the fields the tests read are typed. */
export type AstNode = { nodeType: string; name?: string; nodes?: AstNode[]; [key: string]: unknown };

type ContractOutput = { abi: Abi; storageLayout?: StorageLayout };
type BuildOutput = {
  output: {
    contracts: Record<string, Record<string, ContractOutput>>;
    sources: Record<string, { ast: AstNode }>;
  };
};

const outputs = new Map<string, Promise<BuildOutput>>();

/** The solc output of the build that compiled `fqn` ("contracts/X.sol:X"), and the source name solc used for it. */
export async function buildOutputOf(fqn: string): Promise<{ output: BuildOutput["output"]; inputSourceName: string }> {
  const artifact = await artifacts.readArtifact(fqn);
  const id = await artifacts.getBuildInfoId(fqn);
  if (id === undefined) throw new Error(`no build info for ${fqn}: run \`hardhat compile\``);
  let output = outputs.get(id);
  if (output === undefined) {
    const path = await artifacts.getBuildInfoOutputPath(id);
    if (path === undefined) throw new Error(`build info output ${id} of ${fqn} is missing`);
    output = readFile(path, "utf8").then((text) => JSON.parse(text) as BuildOutput);
    outputs.set(id, output);
  }
  return {
    output: (await output).output,
    inputSourceName: artifact.inputSourceName ?? `project/${artifact.sourceName}`,
  };
}

/** solc's output for the contract `fqn`. */
export async function contractOutputOf(fqn: string): Promise<ContractOutput> {
  const { output, inputSourceName } = await buildOutputOf(fqn);
  const name = fqn.slice(fqn.lastIndexOf(":") + 1);
  const contract = output.contracts[inputSourceName]?.[name];
  if (contract === undefined) throw new Error(`${fqn} is not in its build output`);
  return contract;
}

/** solc's storage layout of `fqn` (needs `storageLayout` in the compiler's outputSelection). */
export async function storageLayoutOf(fqn: string): Promise<StorageLayout> {
  const layout = (await contractOutputOf(fqn)).storageLayout;
  if (layout === undefined)
    throw new Error(`no storageLayout for ${fqn}: add it to outputSelection in hardhat.config.ts`);
  return layout;
}

/**
 * The ABI of a contract that is not a project file (e.g. OpenZeppelin's `IERC721`), found by name in
 * the build output of `fqnInSameBuild`, which imports it.
 */
export async function dependencyAbiOf(name: string, fqnInSameBuild: string): Promise<Abi> {
  const { output } = await buildOutputOf(fqnInSameBuild);
  const found = Object.values(output.contracts).flatMap((byName) => (byName[name] ? [byName[name].abi] : []));
  if (found.length !== 1) throw new Error(`${found.length} contracts named ${name} in the build of ${fqnInSameBuild}`);
  return found[0];
}
