// Seeds the demo network on a deployed chain: npx hardhat run scripts/seed.ts --network localhost
// Reads deployments/<chainId>.json (written by scripts/deploy.ts). Stops if already seeded.
import { network } from "hardhat";
import { readDeployments } from "../protocol/deployments.ts";
import { AlreadySeededError, seedDemo } from "./lib/seed.ts";

const { ethers } = await network.getOrCreate();
const signers = await ethers.getSigners();
const chainId = Number((await ethers.provider.getNetwork()).chainId);
try {
  const result = await seedDemo(
    readDeployments(chainId),
    (i) => Promise.resolve(signers[i]),
    (line) => console.log(`· ${line}`),
  );
  for (const v of result.venues) {
    console.log(
      `venue #${v.id} ${v.name}: resources ${JSON.stringify(v.resources)}, doors ${v.doors.map((d) => `#${d.id} ${d.name}`).join(", ")}`,
    );
  }
  console.log(`members funded: ${result.members.join(", ")}`);
} catch (err) {
  console.error(
    err instanceof AlreadySeededError ? err.message : `seed failed: ${(err as Error).message.split("\n")[0]}`,
  );
  process.exitCode = 1;
}
