// After the deploy: set the sales-tax rates (parts per 100,000: GST 5 % and QST 9.975 % unless
// `gstRate` / `qstRate` say otherwise), allow the network's CAD stablecoin and propose the
// multisig as admin (parameters `stablecoin`, `admin`). The multisig takes over by calling `acceptAdmin()`; until
// then the deployer stays admin, so a mistyped address costs nothing but a new proposal.
import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import PassepartoutModule from "./Passepartout.ts";

export default buildModule("HandOver", (m) => {
  const { passepartout } = m.useModule(PassepartoutModule);
  // The admin functions live in the VenueRegistry module, reached through Passepartout's fallback.
  const admin = m.contractAt("VenueRegistry", passepartout, { id: "PassepartoutAdmin" });
  const rates = m.call(admin, "setTaxRates", [m.getParameter("gstRate", 5000), m.getParameter("qstRate", 9975)]);
  const allow = m.call(admin, "setCurrencyAllowed", [m.getParameter<string>("stablecoin"), true], { after: [rates] });
  m.call(admin, "proposeAdmin", [m.getParameter<string>("admin")], { after: [allow] });
  return { passepartout };
});
