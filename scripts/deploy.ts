// Deploys the protocol to the network Hardhat connects to and writes deployments/<chainId>.json.
//   npx hardhat run scripts/deploy.ts                      (in-process chain, for a dry run)
//   npx hardhat run scripts/deploy.ts --network localhost  (a running `hardhat node`)
//   npx hardhat run scripts/deploy.ts --network sepolia    (SEPOLIA_RPC_URL, DEPLOYER_PRIVATE_KEY)
// Env: ADMIN (multisig to hand over to), TREASURY, FEE_BPS, TEST_STABLECOIN=1 (default on chain 31337).
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { network } from "hardhat";
import { deploymentsPath } from "../protocol/deployments.ts";
import { deployProtocol } from "./lib/deploy.ts";

const { ethers } = await network.getOrCreate();
const [signer] = await ethers.getSigners();
const chainId = Number((await ethers.provider.getNetwork()).chainId);
try {
  const deployments = await deployProtocol(signer, {
    admin: process.env.ADMIN,
    treasury: process.env.TREASURY,
    feeBps: process.env.FEE_BPS ? Number(process.env.FEE_BPS) : undefined,
    testStablecoin: process.env.TEST_STABLECOIN ? process.env.TEST_STABLECOIN === "1" : chainId === 31337,
    log: (line) => console.log(`· ${line}`),
  });
  const file = deploymentsPath(chainId);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(deployments, null, 2) + "\n");
  console.log(`deployed on chain ${chainId}: Passepartout at ${deployments.contracts.Passepartout.address}`);
  console.log(`wrote ${path.relative(process.cwd(), file)}`);
} catch (err) {
  console.error(`deploy failed: ${(err as Error).message.split("\n")[0]}`);
  process.exitCode = 1;
}
