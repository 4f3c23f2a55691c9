import { expect } from "chai";
import { deployFixture, ethers, loadFixture, roomParams, ETH, type Fixture } from "./helpers/fixture.ts";

describe("VenueRegistry (served at the Passepartout address)", function () {
  describe("createVenue", function () {
    describe("when the input is valid", function () {
      it("registers the caller as operator with its split and emits VenueCreated and SplitCreated", async function () {
        const { pp, other, owner } = await loadFixture(deployFixture);
        await expect(
          pp
            .connect(other)
            .createVenue("etc Saint-Germain", "ipfs://etc", [other.address, owner.address], [6_000, 4_000]),
        )
          .to.emit(pp, "VenueCreated")
          .withArgs(2, other.address, "etc Saint-Germain", "ipfs://etc")
          .and.to.emit(pp, "SplitCreated")
          .withArgs(2, 2, [other.address, owner.address], [6_000, 4_000]);
        expect(await pp.venueCount()).to.equal(2);
        const v = await pp.venue(2);
        expect(v.operator).to.equal(other.address);
        expect(v.pendingOperator).to.equal(ethers.ZeroAddress);
        expect(v.splitId).to.equal(2);
        expect(v.paused).to.equal(false);
        expect(v.name).to.equal("etc Saint-Germain");
        expect(v.metadataURI).to.equal("ipfs://etc");
        const [venueId, payees, shares] = await pp.split(2);
        expect(venueId).to.equal(2);
        expect(payees).to.deep.equal([other.address, owner.address]);
        expect(shares).to.deep.equal([6_000n, 4_000n]);
      });

      it("accepts eight payees and a 32-byte name", async function () {
        const { pp, other } = await loadFixture(deployFixture);
        const payees = (await ethers.getSigners()).slice(10, 18).map((s) => s.address);
        const name = "x".repeat(32);
        await pp.connect(other).createVenue(name, "", payees, Array(8).fill(1_250));
        expect((await pp.split(2))[1]).to.deep.equal(payees);
        expect((await pp.venue(2)).name).to.equal(name);
      });
    });

    describe("when the name is empty or longer than 32 bytes", function () {
      it("reverts NameInvalid with the length", async function () {
        const { pp, other } = await loadFixture(deployFixture);
        await expect(pp.connect(other).createVenue("", "", [other.address], [10_000]))
          .to.be.revertedWithCustomError(pp, "NameInvalid")
          .withArgs(0);
        // "é" is two bytes: 17 of them make 34 bytes.
        await expect(pp.connect(other).createVenue("é".repeat(17), "", [other.address], [10_000]))
          .to.be.revertedWithCustomError(pp, "NameInvalid")
          .withArgs(34);
      });
    });

    describe("when the name is not valid UTF-8", function () {
      // ABI-encoded `bytes` and `string` are the same, so raw bytes reach the contract as a name.
      const createVenueRaw = async (pp: Fixture["pp"], signer: Fixture["other"], name: Uint8Array) => {
        const args = ethers.AbiCoder.defaultAbiCoder().encode(
          ["bytes", "string", "address[]", "uint16[]"],
          [name, "", [signer.address], [10_000]],
        );
        return signer.sendTransaction({
          to: await pp.getAddress(),
          data: pp.interface.getFunction("createVenue").selector + args.slice(2),
        });
      };
      const cases: [string, string, number][] = [
        ["a lone continuation byte", "4c6162806f", 3],
        ["a byte never used in UTF-8", "ff", 0],
        ["an overlong encoding of '/'", "c0af", 0],
        ["an overlong three-byte form", "e08080", 1],
        ["a UTF-16 surrogate", "eda080", 1],
        ["a code point past U+10FFFF", "f4908080", 1],
        ["a sequence cut short at the end", "4c6162e282", 3],
        ["a sequence broken by ASCII", "e2284c", 1],
      ];
      for (const [what, hex, index] of cases) {
        it(`reverts NameNotUTF8 for ${what}`, async function () {
          const { pp, other } = await loadFixture(deployFixture);
          await expect(createVenueRaw(pp, other, ethers.getBytes("0x" + hex)))
            .to.be.revertedWithCustomError(pp, "NameNotUTF8")
            .withArgs(index);
        });
      }

      it("accepts two-, three- and four-byte characters, and checks resource names too", async function () {
        const { pp, operator, other } = await loadFixture(deployFixture);
        const name = "Église — Café 🎨"; // 22 bytes
        await expect(createVenueRaw(pp, other, ethers.toUtf8Bytes(name))).to.emit(pp, "VenueCreated");
        expect((await pp.venue(2)).name).to.equal(name);
        await expect(pp.connect(operator).createResource(1, roomParams({ name: "Salle ⌘ 𝄞" }))).to.emit(
          pp,
          "ResourceCreated",
        );
        const fields = pp.interface.getFunction("createResource").inputs[1].components!;
        const tuple = `tuple(${fields.map((c) => (c.name === "name" ? "bytes" : c.type)).join(",")})`;
        const p: Record<string, unknown> = { ...roomParams(), name: ethers.getBytes("0x53616c6c65ed") };
        const data = ethers.AbiCoder.defaultAbiCoder().encode(["uint32", tuple], [1, fields.map((c) => p[c.name])]);
        await expect(
          operator.sendTransaction({
            to: await pp.getAddress(),
            data: pp.interface.getFunction("createResource").selector + data.slice(2),
          }),
        )
          .to.be.revertedWithCustomError(pp, "NameNotUTF8")
          .withArgs(5);
      });
    });

    describe("when the split is invalid", function () {
      it("reverts SplitInvalidPayeeCount for no payee or more than eight", async function () {
        const { pp, other } = await loadFixture(deployFixture);
        await expect(pp.connect(other).createVenue("V", "", [], []))
          .to.be.revertedWithCustomError(pp, "SplitInvalidPayeeCount")
          .withArgs(0, 8);
        const nine = (await ethers.getSigners()).slice(10, 19).map((s) => s.address);
        await expect(pp.connect(other).createVenue("V", "", nine, Array(9).fill(1_000)))
          .to.be.revertedWithCustomError(pp, "SplitInvalidPayeeCount")
          .withArgs(9, 8);
      });

      it("reverts SplitLengthMismatch when shares and payees differ in count", async function () {
        const { pp, other, owner } = await loadFixture(deployFixture);
        await expect(pp.connect(other).createVenue("V", "", [other.address, owner.address], [10_000]))
          .to.be.revertedWithCustomError(pp, "SplitLengthMismatch")
          .withArgs(2, 1);
      });

      it("reverts SplitInvalidPayee for a zero or repeated payee", async function () {
        const { pp, other, owner } = await loadFixture(deployFixture);
        await expect(pp.connect(other).createVenue("V", "", [other.address, ethers.ZeroAddress], [5_000, 5_000]))
          .to.be.revertedWithCustomError(pp, "SplitInvalidPayee")
          .withArgs(1, ethers.ZeroAddress);
        await expect(
          pp.connect(other).createVenue("V", "", [other.address, owner.address, other.address], [4_000, 3_000, 3_000]),
        )
          .to.be.revertedWithCustomError(pp, "SplitInvalidPayee")
          .withArgs(2, other.address);
      });

      it("reverts SplitInvalidShare for a zero share", async function () {
        const { pp, other, owner } = await loadFixture(deployFixture);
        await expect(pp.connect(other).createVenue("V", "", [other.address, owner.address], [10_000, 0]))
          .to.be.revertedWithCustomError(pp, "SplitInvalidShare")
          .withArgs(1, 0);
      });

      it("reverts SplitSharesNotWhole unless the shares sum to 10,000", async function () {
        const { pp, other, owner } = await loadFixture(deployFixture);
        await expect(pp.connect(other).createVenue("V", "", [other.address, owner.address], [5_000, 4_999]))
          .to.be.revertedWithCustomError(pp, "SplitSharesNotWhole")
          .withArgs(9_999);
        await expect(pp.connect(other).createVenue("V", "", [other.address], [10_001]))
          .to.be.revertedWithCustomError(pp, "SplitSharesNotWhole")
          .withArgs(10_001);
      });
    });
  });

  describe("updateVenue", function () {
    it("lets the operator rename the venue and change its URI", async function () {
      const { pp, operator } = await loadFixture(deployFixture);
      await expect(pp.connect(operator).updateVenue(1, "Le Lab VJ", "ipfs://new"))
        .to.emit(pp, "VenueUpdated")
        .withArgs(1, "Le Lab VJ", "ipfs://new");
      const v = await pp.venue(1);
      expect(v.name).to.equal("Le Lab VJ");
      expect(v.metadataURI).to.equal("ipfs://new");
    });

    it("reverts NameInvalid for an empty name", async function () {
      const { pp, operator } = await loadFixture(deployFixture);
      await expect(pp.connect(operator).updateVenue(1, "", ""))
        .to.be.revertedWithCustomError(pp, "NameInvalid")
        .withArgs(0);
    });

    it("reverts VenueNotOperator for anyone else and VenueNotFound for an unknown venue", async function () {
      const { pp, operator, other } = await loadFixture(deployFixture);
      await expect(pp.connect(other).updateVenue(1, "X", ""))
        .to.be.revertedWithCustomError(pp, "VenueNotOperator")
        .withArgs(1, other.address);
      await expect(pp.connect(operator).updateVenue(9, "X", ""))
        .to.be.revertedWithCustomError(pp, "VenueNotFound")
        .withArgs(9);
    });
  });

  describe("setVenuePayees", function () {
    it("creates a new split that the venue uses from now on, leaving the old one intact", async function () {
      const { pp, operator, owner, other } = await loadFixture(deployFixture);
      await expect(
        pp.connect(operator).setVenuePayees(1, [operator.address, owner.address, other.address], [5_000, 3_000, 2_000]),
      )
        .to.emit(pp, "SplitCreated")
        .withArgs(2, 1, [operator.address, owner.address, other.address], [5_000, 3_000, 2_000]);
      expect((await pp.venue(1)).splitId).to.equal(2);
      const [, oldPayees, oldShares] = await pp.split(1);
      expect(oldPayees).to.deep.equal([operator.address, owner.address]);
      expect(oldShares).to.deep.equal([7_000n, 3_000n]);
    });

    it("reverts VenueNotOperator for anyone else", async function () {
      const { pp, other } = await loadFixture(deployFixture);
      await expect(pp.connect(other).setVenuePayees(1, [other.address], [10_000]))
        .to.be.revertedWithCustomError(pp, "VenueNotOperator")
        .withArgs(1, other.address);
    });

    it("reverts with the split error on an invalid split", async function () {
      const { pp, operator } = await loadFixture(deployFixture);
      await expect(pp.connect(operator).setVenuePayees(1, [operator.address], [9_000]))
        .to.be.revertedWithCustomError(pp, "SplitSharesNotWhole")
        .withArgs(9_000);
    });
  });

  describe("split", function () {
    it("reverts SplitNotFound for an unknown split", async function () {
      const { pp } = await loadFixture(deployFixture);
      await expect(pp.split(0)).to.be.revertedWithCustomError(pp, "SplitNotFound").withArgs(0);
      await expect(pp.split(7)).to.be.revertedWithCustomError(pp, "SplitNotFound").withArgs(7);
    });
  });

  describe("setVenuePaused", function () {
    it("lets the operator pause and unpause the venue", async function () {
      const { pp, operator } = await loadFixture(deployFixture);
      await expect(pp.connect(operator).setVenuePaused(1, true)).to.emit(pp, "VenuePauseChanged").withArgs(1, true);
      expect((await pp.venue(1)).paused).to.equal(true);
      await expect(pp.connect(operator).setVenuePaused(1, false)).to.emit(pp, "VenuePauseChanged").withArgs(1, false);
      expect((await pp.venue(1)).paused).to.equal(false);
    });

    it("reverts VenueNotOperator for anyone else", async function () {
      const { pp, admin } = await loadFixture(deployFixture);
      await expect(pp.connect(admin).setVenuePaused(1, true))
        .to.be.revertedWithCustomError(pp, "VenueNotOperator")
        .withArgs(1, admin.address);
    });
  });

  describe("operator hand-over", function () {
    describe("when the operator proposes a successor who accepts", function () {
      it("hands the venue over in two steps", async function () {
        const { pp, operator, other } = await loadFixture(deployFixture);
        await expect(pp.connect(operator).proposeVenueOperator(1, other.address))
          .to.emit(pp, "VenueOperatorProposed")
          .withArgs(1, other.address);
        expect((await pp.venue(1)).pendingOperator).to.equal(other.address);
        expect((await pp.venue(1)).operator).to.equal(operator.address);
        await expect(pp.connect(other).acceptVenueOperator(1))
          .to.emit(pp, "VenueOperatorChanged")
          .withArgs(1, operator.address, other.address);
        const v = await pp.venue(1);
        expect(v.operator).to.equal(other.address);
        expect(v.pendingOperator).to.equal(ethers.ZeroAddress);
        await expect(pp.connect(operator).setVenuePaused(1, true))
          .to.be.revertedWithCustomError(pp, "VenueNotOperator")
          .withArgs(1, operator.address);
        await pp.connect(other).setVenuePaused(1, true);
      });
    });

    describe("when the hand-over is not proper", function () {
      it("reverts VenueNotOperator when a non-operator proposes", async function () {
        const { pp, other } = await loadFixture(deployFixture);
        await expect(pp.connect(other).proposeVenueOperator(1, other.address))
          .to.be.revertedWithCustomError(pp, "VenueNotOperator")
          .withArgs(1, other.address);
      });

      it("reverts VenueNotPendingOperator when anyone but the proposed operator accepts", async function () {
        const { pp, operator, other, member } = await loadFixture(deployFixture);
        await expect(pp.connect(other).acceptVenueOperator(1))
          .to.be.revertedWithCustomError(pp, "VenueNotPendingOperator")
          .withArgs(1, other.address);
        await pp.connect(operator).proposeVenueOperator(1, other.address);
        await expect(pp.connect(member).acceptVenueOperator(1))
          .to.be.revertedWithCustomError(pp, "VenueNotPendingOperator")
          .withArgs(1, member.address);
      });

      it("cannot be accepted once the proposal was withdrawn", async function () {
        const { pp, operator, other } = await loadFixture(deployFixture);
        await pp.connect(operator).proposeVenueOperator(1, other.address);
        await pp.connect(operator).proposeVenueOperator(1, ethers.ZeroAddress);
        await expect(pp.connect(other).acceptVenueOperator(1))
          .to.be.revertedWithCustomError(pp, "VenueNotPendingOperator")
          .withArgs(1, other.address);
      });
    });
  });

  describe("venue", function () {
    it("reverts VenueNotFound for an unknown venue", async function () {
      const { pp } = await loadFixture(deployFixture);
      await expect(pp.venue(0)).to.be.revertedWithCustomError(pp, "VenueNotFound").withArgs(0);
      await expect(pp.venue(2)).to.be.revertedWithCustomError(pp, "VenueNotFound").withArgs(2);
    });
  });

  describe("createPolicy", function () {
    it("lets anyone register an immutable policy and reads it back", async function () {
      const { pp, other } = await loadFixture(deployFixture);
      const tiers = [
        { secondsBeforeStart: 604_800, refundBps: 10_000 },
        { secondsBeforeStart: 172_800, refundBps: 7_500 },
        { secondsBeforeStart: 3_600, refundBps: 2_500 },
        { secondsBeforeStart: 0, refundBps: 0 },
      ];
      await expect(pp.connect(other).createPolicy(tiers))
        .to.emit(pp, "PolicyCreated")
        .withArgs(
          3,
          tiers.map((t) => [t.secondsBeforeStart, t.refundBps]),
        );
      const stored = await pp.policy(3);
      expect(stored.map((t) => [Number(t.secondsBeforeStart), Number(t.refundBps)])).to.deep.equal(
        tiers.map((t) => [t.secondsBeforeStart, t.refundBps]),
      );
    });

    it("accepts an empty policy (never refundable), and policy 0 reads as empty", async function () {
      const { pp } = await loadFixture(deployFixture);
      await pp.createPolicy([]);
      expect(await pp.policy(3)).to.deep.equal([]);
      expect(await pp.policy(0)).to.deep.equal([]);
    });

    it("reverts PolicyInvalidTierCount above four tiers", async function () {
      const { pp } = await loadFixture(deployFixture);
      const tiers = [5, 4, 3, 2, 1].map((s) => ({ secondsBeforeStart: s, refundBps: 100 }));
      await expect(pp.createPolicy(tiers)).to.be.revertedWithCustomError(pp, "PolicyInvalidTierCount").withArgs(5, 4);
    });

    it("reverts PolicyTiersNotDecreasing when thresholds do not strictly decrease", async function () {
      const { pp } = await loadFixture(deployFixture);
      await expect(
        pp.createPolicy([
          { secondsBeforeStart: 100, refundBps: 100 },
          { secondsBeforeStart: 100, refundBps: 50 },
        ]),
      )
        .to.be.revertedWithCustomError(pp, "PolicyTiersNotDecreasing")
        .withArgs(1);
    });

    it("reverts PolicyRefundTooHigh above 100 %", async function () {
      const { pp } = await loadFixture(deployFixture);
      await expect(pp.createPolicy([{ secondsBeforeStart: 100, refundBps: 10_001 }]))
        .to.be.revertedWithCustomError(pp, "PolicyRefundTooHigh")
        .withArgs(0, 10_001);
    });

    it("reverts PolicyNotFound when reading an unknown policy", async function () {
      const { pp } = await loadFixture(deployFixture);
      await expect(pp.policy(3)).to.be.revertedWithCustomError(pp, "PolicyNotFound").withArgs(3);
    });
  });

  describe("createResource", function () {
    describe("when the operator registers a valid resource", function () {
      it("stores every parameter and emits ResourceCreated", async function () {
        const { pp, operator, cadAddress } = await loadFixture(deployFixture);
        const p = roomParams({
          name: "Salle de banquet",
          kind: 4,
          units: 2,
          currency: cadAddress,
          minHours: 2,
          maxHours: 48,
          horizonHours: 100,
          graceSeconds: 86_400,
          policyId: 2,
          transferable: false,
        });
        await expect(pp.connect(operator).createResource(1, p)).to.emit(pp, "ResourceCreated");
        expect(await pp.resourceCount()).to.equal(4);
        const r = await pp.resource(4);
        expect(r.venueId).to.equal(1);
        expect(r.units).to.equal(2);
        expect(r.kind).to.equal(4);
        expect(r.transferable).to.equal(false);
        expect(r.currency).to.equal(cadAddress);
        expect(r.pricePerHour).to.equal(p.pricePerHour);
        expect(r.pricePerDay).to.equal(p.pricePerDay);
        expect(r.pricePerMonth).to.equal(p.pricePerMonth);
        expect(r.minHours).to.equal(2);
        expect(r.maxHours).to.equal(48);
        expect(r.horizonHours).to.equal(100);
        expect(r.graceSeconds).to.equal(86_400);
        expect(r.policyId).to.equal(2);
        expect(r.name).to.equal("Salle de banquet");
        expect(r.metadataURI).to.equal("ipfs://room");
      });

      it("emits the parameters in ResourceCreated", async function () {
        const { pp, operator } = await loadFixture(deployFixture);
        const tx = await pp.connect(operator).createResource(1, roomParams({ name: "Bureau 12" }));
        const { blockNumber } = (await tx.wait())!;
        const [log] = await pp.queryFilter(pp.filters.ResourceCreated, blockNumber, blockNumber);
        expect(log.args.resourceId).to.equal(4);
        expect(log.args.venueId).to.equal(1);
        expect(log.args.params.name).to.equal("Bureau 12");
        expect(log.args.params.units).to.equal(1);
      });
    });

    describe("when the parameters are invalid", function () {
      const cases: [string, Partial<ReturnType<typeof roomParams>>, string, unknown[]][] = [
        ["an empty name", { name: "" }, "NameInvalid", [0]],
        ["a 33-byte name", { name: "x".repeat(33) }, "NameInvalid", [33]],
        ["zero units", { units: 0 }, "ResourceInvalidUnits", [0, 255]],
        ["256 units", { units: 256 }, "ResourceInvalidUnits", [256, 255]],
        ["a zero hourly price", { pricePerHour: 0n }, "ResourceInvalidPrices", []],
        ["a zero daily price", { pricePerDay: 0n }, "ResourceInvalidPrices", []],
        ["a zero monthly price", { pricePerMonth: 0n }, "ResourceInvalidPrices", []],
        ["a zero minimum", { minHours: 0 }, "ResourceInvalidDurations", [0, 8784]],
        ["a minimum above the maximum", { minHours: 5, maxHours: 4 }, "ResourceInvalidDurations", [5, 4]],
        ["a maximum above 366 days", { maxHours: 8785 }, "ResourceInvalidDurations", [1, 8785]],
        ["a grace above one day", { graceSeconds: 86_401 }, "ResourceGraceTooLong", [86_401, 86_400]],
        ["a horizon above 732 days", { horizonHours: 17_569 }, "ResourceHorizonTooLong", [17_569, 17_568]],
        ["a horizon of 2^32 − 1 hours", { horizonHours: 2 ** 32 - 1 }, "ResourceHorizonTooLong", [2 ** 32 - 1, 17_568]],
        ["an unknown policy", { policyId: 3 }, "PolicyNotFound", [3]],
      ];
      for (const [what, overrides, error, args] of cases) {
        it(`reverts ${error} for ${what}`, async function () {
          const { pp, operator } = await loadFixture(deployFixture);
          await expect(pp.connect(operator).createResource(1, roomParams(overrides)))
            .to.be.revertedWithCustomError(pp, error)
            .withArgs(...args);
        });
      }

      it("reverts CurrencyNotAllowed for a token the admin did not allow", async function () {
        const { pp, operator, other } = await loadFixture(deployFixture);
        await expect(pp.connect(operator).createResource(1, roomParams({ currency: other.address })))
          .to.be.revertedWithCustomError(pp, "CurrencyNotAllowed")
          .withArgs(other.address);
      });

      it("reverts VenueNotOperator for anyone but the operator, VenueNotFound for an unknown venue", async function () {
        const { pp, operator, other } = await loadFixture(deployFixture);
        await expect(pp.connect(other).createResource(1, roomParams()))
          .to.be.revertedWithCustomError(pp, "VenueNotOperator")
          .withArgs(1, other.address);
        await expect(pp.connect(operator).createResource(5, roomParams()))
          .to.be.revertedWithCustomError(pp, "VenueNotFound")
          .withArgs(5);
      });
    });
  });

  describe("updateResource", function () {
    it("updates the parameters, lets units grow, and emits ResourceUpdated", async function () {
      const { pp, operator, cadAddress } = await loadFixture(deployFixture);
      await expect(
        pp
          .connect(operator)
          .updateResource(2, roomParams({ name: "Bureaux", units: 12, currency: cadAddress, policyId: 1 })),
      ).to.emit(pp, "ResourceUpdated");
      const r = await pp.resource(2);
      expect(r.units).to.equal(12);
      expect(r.name).to.equal("Bureaux");
      expect(r.policyId).to.equal(1);
    });

    it("reverts ResourceCurrencyFixed when the currency would change (passes and refunds are denominated in it)", async function () {
      const { pp, operator, cadAddress } = await loadFixture(deployFixture);
      await expect(pp.connect(operator).updateResource(2, roomParams({ units: 3 })))
        .to.be.revertedWithCustomError(pp, "ResourceCurrencyFixed")
        .withArgs(2, cadAddress);
      await expect(pp.connect(operator).updateResource(1, roomParams({ currency: cadAddress })))
        .to.be.revertedWithCustomError(pp, "ResourceCurrencyFixed")
        .withArgs(1, ETH);
    });

    it("reverts ResourceUnitsDecrease when units would shrink", async function () {
      const { pp, operator, cadAddress } = await loadFixture(deployFixture);
      await expect(pp.connect(operator).updateResource(2, roomParams({ units: 2, currency: cadAddress })))
        .to.be.revertedWithCustomError(pp, "ResourceUnitsDecrease")
        .withArgs(3, 2);
    });

    it("reverts ResourceNotFound for an unknown resource and VenueNotOperator for a stranger", async function () {
      const { pp, operator, other } = await loadFixture(deployFixture);
      await expect(pp.connect(operator).updateResource(9, roomParams()))
        .to.be.revertedWithCustomError(pp, "ResourceNotFound")
        .withArgs(9);
      await expect(pp.connect(other).updateResource(1, roomParams()))
        .to.be.revertedWithCustomError(pp, "VenueNotOperator")
        .withArgs(1, other.address);
    });

    it("validates the new parameters like createResource", async function () {
      const { pp, operator } = await loadFixture(deployFixture);
      await expect(
        pp.connect(operator).updateResource(1, roomParams({ pricePerDay: 0n })),
      ).to.be.revertedWithCustomError(pp, "ResourceInvalidPrices");
    });
  });

  describe("resource", function () {
    it("reports ETH as the zero address and reverts ResourceNotFound for an unknown id", async function () {
      const { pp } = await loadFixture(deployFixture);
      expect((await pp.resource(1)).currency).to.equal(ETH);
      await expect(pp.resource(0)).to.be.revertedWithCustomError(pp, "ResourceNotFound").withArgs(0);
      await expect(pp.resource(4)).to.be.revertedWithCustomError(pp, "ResourceNotFound").withArgs(4);
    });
  });

  describe("doors", function () {
    describe("createDoor", function () {
      it("registers an active door and emits DoorSet", async function () {
        const { pp, operator, lockKey } = await loadFixture(deployFixture);
        await expect(pp.connect(operator).createDoor(1, false, lockKey.address))
          .to.emit(pp, "DoorSet")
          .withArgs(3, 1, false, true, lockKey.address);
        expect(await pp.doorCount()).to.equal(3);
        const d = await pp.door(3);
        expect([d.venueId, d.allResources, d.active, d.lockKey]).to.deep.equal([1n, false, true, lockKey.address]);
      });

      it("reverts ZeroAddress without a lock key, VenueNotOperator for a stranger", async function () {
        const { pp, operator, other, lockKey } = await loadFixture(deployFixture);
        await expect(pp.connect(operator).createDoor(1, true, ethers.ZeroAddress)).to.be.revertedWithCustomError(
          pp,
          "ZeroAddress",
        );
        await expect(pp.connect(other).createDoor(1, true, lockKey.address))
          .to.be.revertedWithCustomError(pp, "VenueNotOperator")
          .withArgs(1, other.address);
      });
    });

    describe("updateDoor", function () {
      it("changes scope, activity and lock key, and emits DoorSet", async function () {
        const { pp, operator, other } = await loadFixture(deployFixture);
        await expect(pp.connect(operator).updateDoor(1, false, false, other.address))
          .to.emit(pp, "DoorSet")
          .withArgs(1, 1, false, false, other.address);
        const d = await pp.door(1);
        expect([d.allResources, d.active, d.lockKey]).to.deep.equal([false, false, other.address]);
      });

      it("reverts DoorNotFound, ZeroAddress and VenueNotOperator", async function () {
        const { pp, operator, other, lockKey } = await loadFixture(deployFixture);
        await expect(pp.connect(operator).updateDoor(9, true, true, lockKey.address))
          .to.be.revertedWithCustomError(pp, "DoorNotFound")
          .withArgs(9);
        await expect(pp.connect(operator).updateDoor(1, true, true, ethers.ZeroAddress)).to.be.revertedWithCustomError(
          pp,
          "ZeroAddress",
        );
        await expect(pp.connect(other).updateDoor(1, true, true, lockKey.address))
          .to.be.revertedWithCustomError(pp, "VenueNotOperator")
          .withArgs(1, other.address);
      });
    });

    describe("setDoorResource", function () {
      it("admits and un-admits a resource of the venue", async function () {
        const { pp, operator } = await loadFixture(deployFixture);
        expect(await pp.doorAdmits(2, 2)).to.equal(false);
        await expect(pp.connect(operator).setDoorResource(2, 2, true))
          .to.emit(pp, "DoorResourceSet")
          .withArgs(2, 2, true);
        expect(await pp.doorAdmits(2, 2)).to.equal(true);
        await expect(pp.connect(operator).setDoorResource(2, 2, false))
          .to.emit(pp, "DoorResourceSet")
          .withArgs(2, 2, false);
        expect(await pp.doorAdmits(2, 2)).to.equal(false);
      });

      it("reverts DoorResourceNotInVenue for another venue's resource", async function () {
        const { pp, operator, other } = await loadFixture(deployFixture);
        await pp.connect(other).createVenue("Banque", "", [other.address], [10_000]);
        await pp.connect(other).createResource(2, roomParams({ name: "Coffre" }));
        await expect(pp.connect(operator).setDoorResource(2, 4, true))
          .to.be.revertedWithCustomError(pp, "DoorResourceNotInVenue")
          .withArgs(2, 4);
        await expect(pp.connect(operator).setDoorResource(2, 99, true))
          .to.be.revertedWithCustomError(pp, "DoorResourceNotInVenue")
          .withArgs(2, 99);
      });

      it("reverts DoorNotFound and VenueNotOperator", async function () {
        const { pp, operator, other } = await loadFixture(deployFixture);
        await expect(pp.connect(operator).setDoorResource(9, 1, true))
          .to.be.revertedWithCustomError(pp, "DoorNotFound")
          .withArgs(9);
        await expect(pp.connect(other).setDoorResource(2, 1, true))
          .to.be.revertedWithCustomError(pp, "VenueNotOperator")
          .withArgs(1, other.address);
      });
    });

    describe("doorAdmits", function () {
      it("admits every resource of its own venue through a street door, none of another venue", async function () {
        const { pp, other } = await loadFixture(deployFixture);
        await pp.connect(other).createVenue("Banque", "", [other.address], [10_000]);
        await pp.connect(other).createResource(2, roomParams({ name: "Coffre" }));
        for (const r of [1, 2, 3]) expect(await pp.doorAdmits(1, r)).to.equal(true);
        expect(await pp.doorAdmits(1, 4)).to.equal(false);
        expect(await pp.doorAdmits(1, 99)).to.equal(false);
      });

      it("admits nothing through an inactive or unknown door", async function () {
        const { pp, operator, lockKey } = await loadFixture(deployFixture);
        await pp.connect(operator).updateDoor(2, false, false, lockKey.address);
        expect(await pp.doorAdmits(2, 1)).to.equal(false);
        expect(await pp.doorAdmits(77, 1)).to.equal(false);
      });
    });

    describe("setRelayerTrusted", function () {
      it("trusts and distrusts a relayer key", async function () {
        const { pp, operator, relayer, other } = await loadFixture(deployFixture);
        expect(await pp.isRelayerTrusted(1, relayer.address)).to.equal(true);
        expect(await pp.isRelayerTrusted(1, other.address)).to.equal(false);
        await expect(pp.connect(operator).setRelayerTrusted(1, relayer.address, false))
          .to.emit(pp, "RelayerTrustSet")
          .withArgs(1, relayer.address, false);
        expect(await pp.isRelayerTrusted(1, relayer.address)).to.equal(false);
      });

      it("reverts ZeroAddress and VenueNotOperator", async function () {
        const { pp, operator, other } = await loadFixture(deployFixture);
        await expect(pp.connect(operator).setRelayerTrusted(1, ethers.ZeroAddress, true)).to.be.revertedWithCustomError(
          pp,
          "ZeroAddress",
        );
        await expect(pp.connect(other).setRelayerTrusted(1, other.address, true))
          .to.be.revertedWithCustomError(pp, "VenueNotOperator")
          .withArgs(1, other.address);
      });
    });

    describe("setDoorPassMaxHours", function () {
      it("reads 0 until set, then the operator's hours, and emits DoorPassMaxHoursSet", async function () {
        const { pp, operator } = await loadFixture(deployFixture);
        expect(await pp.doorPassMaxHours(1)).to.equal(0);
        await expect(pp.connect(operator).setDoorPassMaxHours(1, 2)).to.emit(pp, "DoorPassMaxHoursSet").withArgs(1, 2);
        expect(await pp.doorPassMaxHours(1)).to.equal(2);
        await expect(pp.connect(operator).setDoorPassMaxHours(1, 24))
          .to.emit(pp, "DoorPassMaxHoursSet")
          .withArgs(1, 24);
        expect(await pp.doorPassMaxHours(1)).to.equal(24);
        await pp.connect(operator).setDoorPassMaxHours(1, 1);
        expect(await pp.doorPassMaxHours(1)).to.equal(1);
        expect(await pp.doorPassMaxHours(2)).to.equal(0, "another venue is untouched");
      });

      it("reverts DoorPassMaxHoursOutOfRange for 0 and 25 hours, changing nothing", async function () {
        const { pp, operator } = await loadFixture(deployFixture);
        await pp.connect(operator).setDoorPassMaxHours(1, 6);
        for (const hours of [0, 25, 255]) {
          await expect(pp.connect(operator).setDoorPassMaxHours(1, hours))
            .to.be.revertedWithCustomError(pp, "DoorPassMaxHoursOutOfRange")
            .withArgs(hours);
        }
        expect(await pp.doorPassMaxHours(1)).to.equal(6);
      });

      it("reverts VenueNotOperator for a stranger and VenueNotFound for an unknown venue", async function () {
        const { pp, operator, other } = await loadFixture(deployFixture);
        await expect(pp.connect(other).setDoorPassMaxHours(1, 4))
          .to.be.revertedWithCustomError(pp, "VenueNotOperator")
          .withArgs(1, other.address);
        await expect(pp.connect(operator).setDoorPassMaxHours(9, 4))
          .to.be.revertedWithCustomError(pp, "VenueNotFound")
          .withArgs(9);
        expect(await pp.doorPassMaxHours(1)).to.equal(0);
      });
    });

    describe("door", function () {
      it("reverts DoorNotFound for an unknown door", async function () {
        const { pp } = await loadFixture(deployFixture);
        await expect(pp.door(0)).to.be.revertedWithCustomError(pp, "DoorNotFound").withArgs(0);
      });
    });
  });

  describe("when the module is called directly instead of through Passepartout", function () {
    it("writes only its own unused storage", async function () {
      const { pp, registry, other } = await loadFixture(deployFixture);
      const direct = await ethers.getContractAt("IVenueRegistry", await registry.getAddress());
      await direct.connect(other).createVenue("Direct", "", [other.address], [10_000]);
      expect(await direct.venueCount()).to.equal(1);
      expect(await pp.venueCount()).to.equal(1);
      expect((await pp.venue(1)).name).to.equal("Le Lab");
    });
  });
});
