// After the deploy: allow the network's CAD stablecoin and propose the multisig as admin
// (parameters `stablecoin`, `admin`). The multisig takes over by calling `acceptAdmin()`; until
// then the deployer stays admin, so a mistyped address costs nothing but a new proposal.
import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import PassepartoutModule from "./Passepartout.ts";

export default buildModule("HandOver", (m) => {
  const { passepartout } = m.useModule(PassepartoutModule);
  // The admin functions live in the VenueRegistry module, reached through Passepartout's fallback.
  const admin = m.contractAt("VenueRegistry", passepartout, { id: "PassepartoutAdmin" });
  const allow = m.call(admin, "setCurrencyAllowed", [m.getParameter<string>("stablecoin"), true]);
  m.call(admin, "proposeAdmin", [m.getParameter<string>("admin")], { after: [allow] });
  return { passepartout };
});
