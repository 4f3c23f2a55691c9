// Writes protocol/abis.ts: the contracts' ABIs `as const`, generated from Hardhat's artifacts, so
// server, web, scripts and bench type event arguments and call results from one source.
//
//   node scripts/generateAbis.ts          regenerate (run by `npm run compile`)
//   node scripts/generateAbis.ts --check  exit 1 with one line if the committed file is stale
//   --file PATH                           another target than protocol/abis.ts (tests)
//
// The file is committed so that the dApp type-checks and builds from a clean clone without compiling.
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const ABIS_FILE = path.join(ROOT, "protocol", "abis.ts");

type AbiItem = { type: string; name?: string };

// An ABI entry is kept exactly as the compiler wrote it (every key, in its order): only its `type`
// is checked. The artifact and build-info schemas read just the fields used here.
const abiItem = z.custom<AbiItem>(
  (v) => typeof v === "object" && v !== null && typeof (v as { type?: unknown }).type === "string",
);
const artifact = z.object({ abi: z.array(abiItem) });
const buildInfoOutput = z.object({
  output: z.object({ contracts: z.record(z.string(), z.record(z.string(), artifact)) }),
});

function artifactAbi(source: string, name: string): AbiItem[] {
  const file = path.join(ROOT, "artifacts", source, `${name}.json`);
  if (!existsSync(file))
    throw new Error(`missing artifact ${path.relative(ROOT, file)}: run \`npx hardhat compile\` first`);
  return artifact.parse(JSON.parse(readFileSync(file, "utf8"))).abi;
}

/** The ABI of an interface from a dependency (OpenZeppelin's IERC1271, …): Hardhat writes artifacts
 * only for the project's own sources, so it comes from the compiler output in build-info. */
function dependencyAbi(sourceSuffix: string, name: string): AbiItem[] {
  const dir = path.join(ROOT, "artifacts", "build-info");
  const outputs = existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => f.endsWith(".output.json"))
        .sort()
    : [];
  for (const f of outputs) {
    const { contracts } = buildInfoOutput.parse(JSON.parse(readFileSync(path.join(dir, f), "utf8"))).output;
    const source = Object.keys(contracts).find((k) => k.endsWith(sourceSuffix));
    if (source && contracts[source][name]) return contracts[source][name].abi;
  }
  throw new Error(`no compiled ${sourceSuffix} in artifacts/build-info: run \`npx hardhat compile\` first`);
}

/** What users call at the Passepartout address: the whole interface (core + the VenueRegistry
 * module, reached by delegatecall at the same address + ERC-721), plus what only the
 * implementation declares (Solady's ERC-721 errors, `renderer()`, `venueRegistry()`). */
export function abiUnion(iface: AbiItem[], impl: AbiItem[]): AbiItem[] {
  const key = (item: AbiItem) => `${item.type}:${item.name ?? ""}`;
  const known = new Set(iface.map(key));
  return [...iface, ...impl.filter((item) => !known.has(key(item)))];
}

/** Exported name → ABI, in the order they appear in the file. */
function abis(): [string, string, AbiItem[]][] {
  return [
    [
      "passepartoutAbi",
      "Passepartout at its address: IPassepartout (core, VenueRegistry module, ERC-721) plus the implementation's extras.",
      abiUnion(
        artifactAbi("contracts/interfaces/IPassepartout.sol", "IPassepartout"),
        artifactAbi("contracts/Passepartout.sol", "Passepartout"),
      ),
    ],
    [
      "venueRegistryAbi",
      "The VenueRegistry module alone (its own address only serves delegatecalls).",
      artifactAbi("contracts/VenueRegistry.sol", "VenueRegistry"),
    ],
    ["passRendererAbi", "PassRenderer: tokenURI rendering.", artifactAbi("contracts/PassRenderer.sol", "PassRenderer")],
    [
      "testCadAbi",
      "TestCAD, the test CAD stablecoin of local chains (ERC-20 + EIP-2612 permit + faucet).",
      artifactAbi("contracts/mocks/TestCAD.sol", "TestCAD"),
    ],
    [
      "erc1271Abi",
      "ERC-1271 `isValidSignature`, from OpenZeppelin's IERC1271 (viem keeps its copy internal).",
      dependencyAbi("/interfaces/IERC1271.sol", "IERC1271"),
    ],
    [
      "erc20PermitAbi",
      "EIP-2612 `permit`, `nonces`, `DOMAIN_SEPARATOR`, from OpenZeppelin's IERC20Permit.",
      dependencyAbi("/token/ERC20/extensions/IERC20Permit.sol", "IERC20Permit"),
    ],
    [
      "mockErc1271WalletAbi",
      "Test double: a contract wallet that accepts its owner's signatures (ERC-1271).",
      artifactAbi("contracts/mocks/MockERC1271Wallet.sol", "MockERC1271Wallet"),
    ],
    [
      "gasBurningErc1271WalletAbi",
      "Test double: an ERC-1271 wallet that burns all gas it is given.",
      artifactAbi("contracts/mocks/GasBurningERC1271Wallet.sol", "GasBurningERC1271Wallet"),
    ],
    [
      "passepartoutForwarderAbi",
      "PassepartoutForwarder: OpenZeppelin's ERC2771Forwarder plus the sponsor's fee (gasless calls).",
      artifactAbi("contracts/PassepartoutForwarder.sol", "PassepartoutForwarder"),
    ],
  ];
}

/** The file's text: one ABI item per line, so a contract change shows as a readable diff. */
export function render(): string {
  const parts = [
    "// GENERATED by scripts/generateAbis.ts from Hardhat's artifacts: do not edit.",
    "// Regenerate with `npm run compile`; `npm run lint` fails when this file is stale.",
    "",
  ];
  for (const [name, doc, abi] of abis()) {
    parts.push(
      `/** ${doc} */`,
      `export const ${name} = [`,
      ...abi.map((item) => `  ${JSON.stringify(item)},`),
      "] as const;",
      "",
    );
  }
  return parts.join("\n");
}

function main(argv: string[]): number {
  let text: string;
  try {
    text = render();
  } catch (err) {
    console.error(`generateAbis: ${(err as Error).message}`);
    return 1;
  }
  const fileArg = argv.indexOf("--file");
  const file = fileArg >= 0 && argv[fileArg + 1] ? path.resolve(argv[fileArg + 1]) : ABIS_FILE;
  const rel = path.relative(ROOT, file);
  if (argv.includes("--check")) {
    const current = existsSync(file) ? readFileSync(file, "utf8") : "";
    if (current !== text) {
      console.error(
        `generateAbis: ${rel} is stale (it does not match the compiled contracts): run \`npm run compile\` and commit it`,
      );
      return 1;
    }
    return 0;
  }
  writeFileSync(file, text);
  console.log(`generateAbis: wrote ${rel}`);
  return 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url))
  process.exitCode = main(process.argv.slice(2));
