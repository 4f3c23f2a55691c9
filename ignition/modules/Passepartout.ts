// The protocol on a public chain, the Hardhat 3 way: `npx hardhat ignition deploy
// ignition/modules/Passepartout.ts --network baseSepolia --parameters ignition/parameters.json`.
// Ignition journals every transaction under ignition/deployments/chain-<id>/, so an interrupted
// deploy resumes where it stopped when the same command runs again. The deployer administers
// until HandOver.ts proposes the network's multisig, which then calls acceptAdmin.
import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";

export default buildModule("Passepartout", (m) => {
  const deployer = m.getAccount(0);
  const treasury = m.getParameter("treasury", deployer);
  const feeBps = m.getParameter("feeBps", 300);
  const renderer = m.contract("PassRenderer");
  const openingHours = m.contract("OpeningHours");
  const registry = m.contract("VenueRegistry", [openingHours]);
  const forwarder = m.contract("PassepartoutForwarder");
  const passepartout = m.contract("Passepartout", [deployer, treasury, feeBps, renderer, registry, forwarder]);
  return { passepartout, registry, openingHours, renderer, forwarder };
});
