// Deploys the whole protocol with any ethers signer and describes it as a Deployments object
// (see protocol/deployments.ts). Writing the file is the caller's business. The file carries the
// generated ABIs of protocol/abis.ts (Passepartout's is the union users call at its address).
import { Contract, ContractFactory, type Signer } from "ethers";
import type { Deployments } from "../../protocol/deployments.ts";
import type { IPassepartout } from "../../typechain-types/index.ts";
import {
  passRendererAbi,
  passepartoutAbi,
  passepartoutForwarderAbi,
  testCadAbi,
  venueRegistryAbi,
} from "../../protocol/abis.ts";
import { readArtifact } from "./artifacts.ts";

export type DeployOptions = {
  admin?: string; // defaults to the deployer
  treasury?: string; // defaults to the admin
  feeBps?: number; // network fee, default 300 (3 %)
  testStablecoin?: boolean; // deploy and allow-list TestCAD (local chains), default false
  log?: (line: string) => void;
};

async function deploy(signer: Signer, name: string, args: unknown[] = []) {
  const { abi, bytecode } = readArtifact(name);
  const contract = await new ContractFactory(abi, bytecode, signer).deploy(...args);
  const receipt = await contract.deploymentTransaction()!.wait();
  return { address: (await contract.getAddress()) as `0x${string}`, block: receipt!.blockNumber };
}

export async function deployProtocol(signer: Signer, opts: DeployOptions = {}): Promise<Deployments> {
  const log = opts.log ?? (() => {});
  const deployer = await signer.getAddress();
  const admin = opts.admin ?? deployer;
  const treasury = opts.treasury ?? admin;
  const chainId = Number((await signer.provider!.getNetwork()).chainId);

  log("deploying PassRenderer");
  const renderer = await deploy(signer, "PassRenderer");
  log("deploying OpeningHours");
  const openingHours = await deploy(signer, "OpeningHours");
  log("deploying VenueRegistry");
  const registry = await deploy(signer, "VenueRegistry", [openingHours.address]);
  // Gasless calls come through this forwarder, trusted by Passepartout from its constructor on.
  log("deploying PassepartoutForwarder");
  const forwarder = await deploy(signer, "PassepartoutForwarder");
  log("deploying Passepartout");
  // The deployer administers until the optional hand-over below, so it can allow-list the stablecoin.
  const main = await deploy(signer, "Passepartout", [
    deployer,
    treasury,
    opts.feeBps ?? 300,
    renderer.address,
    registry.address,
    forwarder.address,
  ]);
  const deployments: Deployments = {
    chainId,
    deployBlock: renderer.block,
    contracts: {
      Passepartout: { address: main.address, abi: passepartoutAbi },
      VenueRegistry: { address: registry.address, abi: venueRegistryAbi },
      PassRenderer: { address: renderer.address, abi: passRendererAbi },
      PassepartoutForwarder: { address: forwarder.address, abi: passepartoutForwarderAbi },
    },
  };

  // Typed by typechain (the same ABI, from the same artifacts); only the types are imported.
  const passepartout = new Contract(main.address, passepartoutAbi, signer) as unknown as IPassepartout;
  if (opts.testStablecoin) {
    log("deploying TestCAD (test stablecoin)");
    const cad = await deploy(signer, "TestCAD");
    await (await passepartout.setCurrencyAllowed(cad.address, true)).wait();
    deployments.contracts.TestCAD = { address: cad.address, abi: testCadAbi };
  }
  if (admin !== deployer) {
    log(`proposing ${admin} as admin (it must call acceptAdmin)`);
    await (await passepartout.proposeAdmin(admin)).wait();
  }
  return deployments;
}
