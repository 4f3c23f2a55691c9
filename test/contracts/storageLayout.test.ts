// Passepartout runs its VenueRegistry module by delegatecall, so both must read and write the same
// storage the same way. Both inherit PassepartoutStorage first; this checks the compiled layouts.
import { expect } from "chai";
import { storageLayoutOf, type StorageEntry, type StorageLayout } from "./helpers/buildInfo.ts";
import { layoutMismatches, variableKey, type Named } from "./helpers/storageLayout.ts";

const clone = (l: StorageLayout): StorageLayout => structuredClone(l);
const entry = (l: StorageLayout, label: string): StorageEntry => {
  const e = l.storage.find((x) => x.label === label);
  if (e === undefined) throw new Error(`no variable ${label}`);
  return e;
};

describe("Storage shared by Passepartout and its VenueRegistry module", function () {
  let core: Named;
  let registry: Named;
  let shared: Named;

  before(async function () {
    core = { name: "Passepartout", layout: await storageLayoutOf("contracts/Passepartout.sol:Passepartout") };
    registry = { name: "VenueRegistry", layout: await storageLayoutOf("contracts/VenueRegistry.sol:VenueRegistry") };
    shared = {
      name: "PassepartoutStorage",
      layout: await storageLayoutOf("contracts/PassepartoutStorage.sol:PassepartoutStorage"),
    };
  });

  it("gives every shared variable the same slot, offset and type in both contracts", function () {
    expect(shared.layout.storage.length).to.be.greaterThan(30);
    expect(layoutMismatches(core, registry, shared)).to.deep.equal([]);
  });

  it("gives the OpeningHours module the same layout as Passepartout, and no state of its own", async function () {
    const module = {
      name: "OpeningHours",
      layout: await storageLayoutOf("contracts/OpeningHours.sol:OpeningHours"),
    };
    expect(layoutMismatches(core, module, shared)).to.deep.equal([]);
    expect(module.layout.storage.map(variableKey)).to.deep.equal(shared.layout.storage.map(variableKey));
  });

  it("declares no state outside PassepartoutStorage in either contract", function () {
    // Solady's ERC-721 and EIP-712 keep their state at hashed slots and in immutables, and the
    // reentrancy guard is transient: none of them appears in the layout.
    for (const { layout } of [core, registry]) {
      expect(layout.storage.map(variableKey)).to.deep.equal(shared.layout.storage.map(variableKey));
    }
  });

  // The comparison must catch each way a layout can drift; these perturb a copy of the real one.
  describe("when the layouts differ", function () {
    const mutated = (change: (l: StorageLayout) => void): Named => {
      const layout = clone(registry.layout);
      change(layout);
      return { name: "VenueRegistry", layout };
    };

    it("reports a variable with another type", function () {
      const other = mutated((l) => (entry(l, "_admin").type = "t_uint256"));
      expect(layoutMismatches(core, other, shared).join("\n")).to.match(
        /variable #1: .*"_admin".*"address".*"_admin".*"uint256"/,
      );
    });

    it("reports a packed variable at another offset", function () {
      const other = mutated((l) => (entry(l, "_splitCount").offset += 4));
      expect(layoutMismatches(core, other, shared).join("\n")).to.match(/_splitCount/);
    });

    it("reports a variable in another slot", function () {
      const other = mutated((l) => (entry(l, "_credits").slot = String(Number(entry(l, "_credits").slot) + 1)));
      expect(layoutMismatches(core, other, shared).join("\n")).to.match(/_credits/);
    });

    it("reports a struct member that changed type", function () {
      const other = mutated((l) => {
        const config = l.types![entry(l, "_config").type];
        const feeBps = config.members!.find((m) => m.label === "feeBps")!;
        feeBps.type = "t_uint32";
        l.types!.t_uint32 = { encoding: "inplace", label: "uint32", numberOfBytes: "4" };
      });
      expect(layoutMismatches(core, other, shared).join("\n")).to.match(/variable #0: .*_config.*feeBps/);
    });

    it("reports a mapping whose value type changed", function () {
      const other = mutated((l) => {
        const doors = l.types![entry(l, "_trustedRelayers").type];
        const inner = l.types![doors.value!];
        l.types!["t_mapping(t_address,t_uint256)"] = {
          ...inner,
          label: "mapping(address => uint256)",
          value: "t_uint256",
        };
        l.types!.t_uint256 ??= { encoding: "inplace", label: "uint256", numberOfBytes: "32" };
        doors.value = "t_mapping(t_address,t_uint256)";
      });
      expect(layoutMismatches(core, other, shared).join("\n")).to.match(/_trustedRelayers/);
    });

    it("reports a variable one contract declares before the shared storage ends", function () {
      // As if VenueRegistry inherited a contract with one state variable before PassepartoutStorage.
      const other = mutated((l) => {
        for (const e of l.storage) e.slot = String(Number(e.slot) + 1);
        l.storage.unshift({
          astId: -1,
          contract: "VenueRegistry",
          label: "_extra",
          offset: 0,
          slot: "0",
          type: "t_address",
        });
      });
      const problems = layoutMismatches(core, other, shared);
      expect(problems[0]).to.equal(
        "VenueRegistry declares `_extra` at slot 0 (offset 0) where PassepartoutStorage has `_config`, before the shared storage ends",
      );
    });

    it("reports a shared variable one contract lacks", function () {
      const other = mutated((l) => l.storage.pop());
      expect(layoutMismatches(core, other, shared)).to.deep.equal([
        "VenueRegistry lacks PassepartoutStorage's `_doorPassMaxHours`",
      ]);
    });

    it("reports two different variables both contracts declare after the shared storage", function () {
      const tail = (label: string, type: string): Named => {
        const layout = clone(core.layout);
        const last = Number(layout.storage.at(-1)!.slot);
        layout.storage.push({ astId: -2, contract: "X", label, offset: 0, slot: String(last + 1), type });
        layout.types!.t_uint256 ??= { encoding: "inplace", label: "uint256", numberOfBytes: "32" };
        return { name: label, layout };
      };
      expect(layoutMismatches(tail("_a", "t_uint256"), tail("_b", "t_address"), shared)).to.have.length(1);
      // A variable only one of them declares, after the other's last, overlaps nothing.
      expect(layoutMismatches(tail("_a", "t_uint256"), registry, shared)).to.deep.equal([]);
    });
  });
});
