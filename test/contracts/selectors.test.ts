// Passepartout → VenueRegistry → OpeningHours: each selector must be served by exactly one of the
// three, and every function of the IPassepartout surface by one of them.
import { expect } from "chai";
import { toFunctionSelector, type Abi } from "viem";
import { artifacts } from "hardhat";
import { selectorClashes, unservedFunctions, type Module } from "./helpers/selectors.ts";

const abiOf = async (name: string) => (await artifacts.readArtifact(name)).abi as Abi;
const fn = (signature: string): Abi => {
  const [name, args] = signature.split(/[()]/);
  return [
    {
      type: "function",
      name,
      stateMutability: "nonpayable",
      inputs: args ? args.split(",").map((type) => ({ type, name: "" })) : [],
      outputs: [],
    },
  ];
};

describe("Function selectors of Passepartout and its delegatecall modules", function () {
  let chain: Module[];
  let surface: Abi;

  before(async function () {
    chain = [
      { name: "Passepartout", abi: await abiOf("Passepartout") },
      { name: "VenueRegistry", abi: await abiOf("VenueRegistry") },
      { name: "OpeningHours", abi: await abiOf("OpeningHours") },
    ];
    surface = await abiOf("IPassepartout");
  });

  it("serves each selector in exactly one of the three contracts", function () {
    // The walk sees the real contracts: each declares functions of its own.
    for (const m of chain) expect(m.abi.filter((x) => x.type === "function").length, m.name).to.be.greaterThan(5);
    expect(selectorClashes(chain)).to.deep.equal([]);
  });

  it("serves every function of IPassepartout in one of them", function () {
    expect(unservedFunctions(surface, chain)).to.deep.equal([]);
  });

  describe("when two of them declare the same selector", function () {
    const withExtra = (c: Module[], index: number, extra: Abi) =>
      c.map((m, i) => (i === index ? { name: m.name, abi: [...m.abi, ...extra] } : m));

    it("reports an OpeningHours function that the core already serves", function () {
      const clashing = withExtra(chain, 2, fn("cancel(uint256)"));
      expect(selectorClashes(clashing)).to.deep.equal([
        `${toFunctionSelector("cancel(uint256)")}: OpeningHours.cancel(uint256) is shadowed by Passepartout.cancel(uint256)`,
      ]);
    });

    it("reports two different signatures that hash to the same selector", function () {
      // The well-known pair: both are 0x42966c68.
      expect(toFunctionSelector("collate_propagate_storage(bytes16)")).to.equal(toFunctionSelector("burn(uint256)"));
      const clashing = withExtra(withExtra(chain, 1, fn("burn(uint256)")), 2, fn("collate_propagate_storage(bytes16)"));
      expect(selectorClashes(clashing)).to.deep.equal([
        "0x42966c68: OpeningHours.collate_propagate_storage(bytes16) is shadowed by VenueRegistry.burn(uint256)",
      ]);
    });
  });

  it("reports a function of the surface that no contract serves", function () {
    const trimmed = chain.map((m) =>
      m.name === "OpeningHours"
        ? { name: m.name, abi: m.abi.filter((x) => !("name" in x) || x.name !== "setOpeningHours") }
        : m,
    );
    expect(unservedFunctions(surface, trimmed)).to.have.length(1);
    expect(unservedFunctions(surface, trimmed)[0]).to.match(/^setOpeningHours\(/);
  });
});
