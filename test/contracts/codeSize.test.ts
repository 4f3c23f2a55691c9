// EIP-170: a contract's runtime code is at most 24,576 bytes, or it cannot be deployed. Passepartout
// carries the hot paths and is compiled for gas (optimizer runs 20,000); its VenueRegistry module is
// compiled for size (hardhat.config.ts). The margins are stated in README.md.
import { expect } from "chai";
import { artifacts } from "hardhat";

const EIP170 = 24_576;
const sizeOf = async (name: string) => ((await artifacts.readArtifact(name)).deployedBytecode.length - 2) / 2;

describe("Code size (EIP-170)", function () {
  for (const name of ["Passepartout", "VenueRegistry", "OpeningHours", "PassepartoutForwarder", "PassRenderer"]) {
    it(`keeps ${name} under 24,576 bytes of runtime code`, async function () {
      const size = await sizeOf(name);
      expect(size, `${name}: ${size} bytes, ${EIP170 - size} left`).to.be.greaterThan(1_000);
      expect(size, `${name}: ${size} bytes, ${EIP170 - size} left`).to.be.at.most(EIP170);
    });
  }
});
