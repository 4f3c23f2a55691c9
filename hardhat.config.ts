import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { configVariable, defineConfig } from "hardhat/config";
import { z } from "zod";
// The plugins this project uses, not the whole toolbox: Ignition deploys to public chains
// (ignition/modules/, see README), the demo deploys with an ethers script; no contract verification.
import hardhatEthers from "@nomicfoundation/hardhat-ethers";
import hardhatEthersChaiMatchers from "@nomicfoundation/hardhat-ethers-chai-matchers";
import hardhatIgnition from "@nomicfoundation/hardhat-ignition";
import hardhatKeystore from "@nomicfoundation/hardhat-keystore";
import hardhatMocha from "@nomicfoundation/hardhat-mocha";
import hardhatNetworkHelpers from "@nomicfoundation/hardhat-network-helpers";
import hardhatTypechain from "@nomicfoundation/hardhat-typechain";

// Compile offline with the pinned npm `solc` (solc-js): Hardhat never downloads a compiler.
const solcPath = fileURLToPath(import.meta.resolve("solc/soljson.js"));
const { version: solcVersion } = z
  .object({ version: z.string() })
  .parse(JSON.parse(readFileSync(fileURLToPath(import.meta.resolve("solc/package.json")), "utf8")));

const compiler = {
  version: solcVersion,
  path: solcPath,
  settings: {
    optimizer: { enabled: true, runs: 20000 },
    viaIR: true,
    evmVersion: "cancun",
    // Added to Hardhat's default outputs (codegen unchanged): test/contracts/storageLayout.test.ts
    // compares the layouts of Passepartout and its delegatecalled VenueRegistry module.
    outputSelection: { "*": { "*": ["storageLayout"] } },
  },
};

// The VenueRegistry module (administration, registry and quote views: no booking path) is compiled for
// size, not gas: it holds more code than Passepartout and must stay under EIP-170's 24,576 bytes
// (test/contracts/codeSize.test.ts; margins in README.md). Storage layouts do not depend on it.
const registryCompiler = {
  ...compiler,
  settings: { ...compiler.settings, optimizer: { enabled: true, runs: 200 } },
};
const profile = { compilers: [compiler], overrides: { "contracts/VenueRegistry.sol": registryCompiler } };

// Heavier fuzz/invariant campaigns in CI (CI=true) or on demand (FUZZ_PROFILE=ci); FUZZ_PROFILE=quick
// keeps the quick local profile even in CI.
const heavy = process.env.FUZZ_PROFILE ? process.env.FUZZ_PROFILE === "ci" : process.env.CI === "true";

export default defineConfig({
  plugins: [
    hardhatEthers,
    hardhatEthersChaiMatchers,
    hardhatIgnition,
    hardhatKeystore,
    hardhatMocha,
    hardhatNetworkHelpers,
    hardhatTypechain,
  ],
  solidity: {
    profiles: { default: profile, production: profile },
  },
  paths: { tests: { mocha: "test/contracts", solidity: "test/solidity" } },
  test: {
    solidity: {
      fuzz: { runs: heavy ? 2000 : 256, seed: "0x5041535345" },
      invariant: { runs: heavy ? 128 : 32, depth: heavy ? 200 : 60, failOnRevert: false },
    },
    mocha: { timeout: 120_000 },
  },
  typechain: { outDir: "typechain-types" },
  networks: {
    localhost: { type: "http", chainType: "l1", url: process.env.RPC_URL ?? "http://127.0.0.1:8545" },
    // Real networks: RPC URL and deployer key come from the environment or the keystore
    // (`npx hardhat keystore set DEPLOYER_PRIVATE_KEY`), never from this file.
    sepolia: {
      type: "http",
      chainType: "l1",
      url: configVariable("SEPOLIA_RPC_URL"),
      accounts: [configVariable("DEPLOYER_PRIVATE_KEY")],
    },
    baseSepolia: {
      type: "http",
      chainType: "op",
      chainId: 84532,
      url: configVariable("BASE_SEPOLIA_RPC_URL"),
      accounts: [configVariable("DEPLOYER_PRIVATE_KEY")],
    },
  },
});
