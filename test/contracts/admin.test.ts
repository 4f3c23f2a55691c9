import { expect } from "chai";
import { artifacts } from "hardhat";
import { deployFixture, ethers, fakeToken, loadFixture, networkHelpers, ETH, lib } from "./helpers/fixture.ts";
import { interfaceId, passInterfaceIds } from "./helpers/interfaceId.ts";

describe("Passepartout network administration", function () {
  describe("when deployed", function () {
    it("records admin, treasury, fee and ETH as the first currency, and emits them", async function () {
      const { pp, core, admin, treasury, renderer, registry, forwarder } = await loadFixture(deployFixture);
      expect(await pp.admin()).to.equal(admin.address);
      expect(await pp.pendingAdmin()).to.equal(ethers.ZeroAddress);
      expect(await pp.treasury()).to.equal(treasury.address);
      expect(await pp.feeBps()).to.equal(300);
      expect(await pp.networkPaused()).to.equal(false);
      expect(await pp.isCurrencyAllowed(ETH)).to.equal(true);
      expect(await pp.nextPassId()).to.equal(1);
      expect(await core.renderer()).to.equal(await renderer.getAddress());
      expect(await core.venueRegistry()).to.equal(await registry.getAddress());

      const fresh = await ethers.deployContract("Passepartout", [
        admin.address,
        treasury.address,
        1_000,
        await renderer.getAddress(),
        await registry.getAddress(),
        await forwarder.getAddress(),
      ]);
      const tx = fresh.deploymentTransaction()!;
      await expect(tx).to.emit(fresh, "AdminChanged").withArgs(ethers.ZeroAddress, admin.address);
      await expect(tx).to.emit(fresh, "TreasuryChanged").withArgs(treasury.address);
      await expect(tx).to.emit(fresh, "FeeChanged").withArgs(1_000);
      await expect(tx).to.emit(fresh, "CurrencyAllowed").withArgs(ETH, 0, true);
    });

    it("names the pass collection and exposes the EIP-712 domain of unlock requests", async function () {
      const { pp, address } = await loadFixture(deployFixture);
      expect(await pp.name()).to.equal("Passepartout Pass");
      expect(await pp.symbol()).to.equal("PASS");
      const domain = await pp.eip712Domain();
      const { chainId } = await ethers.provider.getNetwork();
      expect(domain.name).to.equal("Passepartout");
      expect(domain.version).to.equal("1");
      expect(domain.chainId).to.equal(chainId);
      expect(domain.verifyingContract).to.equal(address);
    });

    it("supports ERC-165, ERC-721, ERC-721 metadata and ERC-4907, and nothing else", async function () {
      const { pp } = await loadFixture(deployFixture);
      const ids = await passInterfaceIds();
      for (const [name, id] of Object.entries(ids)) expect(await pp.supportsInterface(id), name).to.equal(true);
      // ERC-165 itself requires 0xffffffff to be refused; the interfaces the address also serves
      // (IPassepartout, IVenueRegistry, ERC-5267) are not advertised.
      expect(await pp.supportsInterface("0xffffffff")).to.equal(false);
      const core = (await artifacts.readArtifact("IPassepartoutCore")).abi;
      const erc4907 = (await artifacts.readArtifact("IERC4907")).abi;
      expect(await pp.supportsInterface(interfaceId(core, erc4907))).to.equal(false);
    });

    describe("when a constructor argument is invalid", function () {
      it("reverts on a zero admin, treasury, renderer or registry", async function () {
        const { core, admin, treasury, renderer, registry, forwarder } = await loadFixture(deployFixture);
        const r = await renderer.getAddress();
        const g = await registry.getAddress();
        const w = await forwarder.getAddress();
        const Z = ethers.ZeroAddress;
        const factory = await ethers.getContractFactory("Passepartout");
        for (const args of [
          [Z, treasury.address, 0, r, g, w],
          [admin.address, Z, 0, r, g, w],
          [admin.address, treasury.address, 0, Z, g, w],
          [admin.address, treasury.address, 0, r, Z, w],
          [admin.address, treasury.address, 0, r, g, Z],
        ]) {
          await expect(
            factory.deploy(...(args as [string, string, number, string, string, string])),
          ).to.be.revertedWithCustomError(core, "ZeroAddress");
        }
      });

      it("reverts on a fee above 10 %", async function () {
        const { core, admin, treasury, renderer, registry, forwarder } = await loadFixture(deployFixture);
        await expect(
          ethers.deployContract("Passepartout", [
            admin.address,
            treasury.address,
            1_001,
            await renderer.getAddress(),
            await registry.getAddress(),
            await forwarder.getAddress(),
          ]),
        )
          .to.be.revertedWithCustomError(core, "FeeTooHigh")
          .withArgs(1_001, 1_000);
      });
    });
  });

  describe("admin hand-over", function () {
    describe("when the admin proposes a successor", function () {
      it("records the pending admin and emits AdminProposed, without handing over yet", async function () {
        const { pp, admin, other } = await loadFixture(deployFixture);
        await expect(pp.connect(admin).proposeAdmin(other.address))
          .to.emit(pp, "AdminProposed")
          .withArgs(admin.address, other.address);
        expect(await pp.pendingAdmin()).to.equal(other.address);
        expect(await pp.admin()).to.equal(admin.address);
      });

      it("hands over when the successor accepts, and the old admin loses its powers", async function () {
        const { pp, admin, other } = await loadFixture(deployFixture);
        await pp.connect(admin).proposeAdmin(other.address);
        await expect(pp.connect(other).acceptAdmin())
          .to.emit(pp, "AdminChanged")
          .withArgs(admin.address, other.address);
        expect(await pp.admin()).to.equal(other.address);
        expect(await pp.pendingAdmin()).to.equal(ethers.ZeroAddress);
        await expect(pp.connect(admin).setFeeBps(0))
          .to.be.revertedWithCustomError(pp, "NotAdmin")
          .withArgs(admin.address);
        await expect(pp.connect(other).setFeeBps(0)).to.emit(pp, "FeeChanged").withArgs(0);
      });

      it("lets a multisig contract become admin", async function () {
        const { pp, admin, address } = await loadFixture(deployFixture);
        const wallet = await ethers.deployContract("RevertingPayee"); // any contract that can relay calls
        const walletAddress = await wallet.getAddress();
        await pp.connect(admin).proposeAdmin(walletAddress);
        await wallet.exec(address, pp.interface.encodeFunctionData("acceptAdmin"));
        expect(await pp.admin()).to.equal(walletAddress);
        await wallet.exec(address, pp.interface.encodeFunctionData("setNetworkPaused", [true]));
        expect(await pp.networkPaused()).to.equal(true);
      });

      it("cancels a proposal when the admin proposes the zero address", async function () {
        const { pp, admin, other } = await loadFixture(deployFixture);
        await pp.connect(admin).proposeAdmin(other.address);
        await pp.connect(admin).proposeAdmin(ethers.ZeroAddress);
        await expect(pp.connect(other).acceptAdmin())
          .to.be.revertedWithCustomError(pp, "NotPendingAdmin")
          .withArgs(other.address);
      });
    });

    describe("when someone else tries", function () {
      it("reverts NotAdmin when a non-admin proposes", async function () {
        const { pp, other } = await loadFixture(deployFixture);
        await expect(pp.connect(other).proposeAdmin(other.address))
          .to.be.revertedWithCustomError(pp, "NotAdmin")
          .withArgs(other.address);
      });

      it("reverts NotPendingAdmin when anyone but the proposed admin accepts", async function () {
        const { pp, admin, other, member } = await loadFixture(deployFixture);
        await expect(pp.connect(other).acceptAdmin())
          .to.be.revertedWithCustomError(pp, "NotPendingAdmin")
          .withArgs(other.address);
        await pp.connect(admin).proposeAdmin(other.address);
        await expect(pp.connect(member).acceptAdmin())
          .to.be.revertedWithCustomError(pp, "NotPendingAdmin")
          .withArgs(member.address);
      });
    });
  });

  describe("setTreasury", function () {
    it("changes the treasury and emits TreasuryChanged", async function () {
      const { pp, admin, other } = await loadFixture(deployFixture);
      await expect(pp.connect(admin).setTreasury(other.address)).to.emit(pp, "TreasuryChanged").withArgs(other.address);
      expect(await pp.treasury()).to.equal(other.address);
    });

    it("reverts ZeroAddress on the zero address", async function () {
      const { pp, admin } = await loadFixture(deployFixture);
      await expect(pp.connect(admin).setTreasury(ethers.ZeroAddress)).to.be.revertedWithCustomError(pp, "ZeroAddress");
    });

    it("reverts NotAdmin for anyone but the admin", async function () {
      const { pp, other } = await loadFixture(deployFixture);
      await expect(pp.connect(other).setTreasury(other.address))
        .to.be.revertedWithCustomError(pp, "NotAdmin")
        .withArgs(other.address);
    });
  });

  describe("setFeeBps", function () {
    it("accepts exactly 10 % and emits FeeChanged", async function () {
      const { pp, admin } = await loadFixture(deployFixture);
      await expect(pp.connect(admin).setFeeBps(1_000)).to.emit(pp, "FeeChanged").withArgs(1_000);
      expect(await pp.feeBps()).to.equal(1_000);
    });

    it("reverts FeeTooHigh above 10 %", async function () {
      const { pp, admin } = await loadFixture(deployFixture);
      await expect(pp.connect(admin).setFeeBps(1_001))
        .to.be.revertedWithCustomError(pp, "FeeTooHigh")
        .withArgs(1_001, 1_000);
    });

    it("reverts NotAdmin for anyone but the admin", async function () {
      const { pp, operator } = await loadFixture(deployFixture);
      await expect(pp.connect(operator).setFeeBps(0))
        .to.be.revertedWithCustomError(pp, "NotAdmin")
        .withArgs(operator.address);
    });
  });

  describe("setCurrencyAllowed", function () {
    describe("when a new token is allowed", function () {
      it("registers it at the next index and emits CurrencyAllowed", async function () {
        const { pp, admin } = await loadFixture(deployFixture);
        const token = await fakeToken(ethers.Wallet.createRandom().address);
        expect(await pp.isCurrencyAllowed(token)).to.equal(false);
        await expect(pp.connect(admin).setCurrencyAllowed(token, true))
          .to.emit(pp, "CurrencyAllowed")
          .withArgs(token, 2, true);
        expect(await pp.isCurrencyAllowed(token)).to.equal(true);
      });
    });

    describe("when a registered token is forbidden and allowed again", function () {
      it("keeps its index", async function () {
        const { pp, admin, cadAddress } = await loadFixture(deployFixture);
        await expect(pp.connect(admin).setCurrencyAllowed(cadAddress, false))
          .to.emit(pp, "CurrencyAllowed")
          .withArgs(cadAddress, 1, false);
        expect(await pp.isCurrencyAllowed(cadAddress)).to.equal(false);
        await expect(pp.connect(admin).setCurrencyAllowed(cadAddress, true))
          .to.emit(pp, "CurrencyAllowed")
          .withArgs(cadAddress, 1, true);
        expect(await pp.isCurrencyAllowed(cadAddress)).to.equal(true);
      });
    });

    describe("when a never-seen token is forbidden", function () {
      it("registers it, not allowed", async function () {
        const { pp, admin } = await loadFixture(deployFixture);
        const token = await fakeToken(ethers.Wallet.createRandom().address);
        await expect(pp.connect(admin).setCurrencyAllowed(token, false))
          .to.emit(pp, "CurrencyAllowed")
          .withArgs(token, 2, false);
        expect(await pp.isCurrencyAllowed(token)).to.equal(false);
      });
    });

    describe("when the input is invalid", function () {
      it("reverts ZeroAddress for native ETH (always allowed)", async function () {
        const { pp, admin } = await loadFixture(deployFixture);
        await expect(pp.connect(admin).setCurrencyAllowed(ETH, false)).to.be.revertedWithCustomError(pp, "ZeroAddress");
      });

      it("reverts NotAdmin for anyone but the admin", async function () {
        const { pp, other } = await loadFixture(deployFixture);
        await expect(pp.connect(other).setCurrencyAllowed(other.address, true))
          .to.be.revertedWithCustomError(pp, "NotAdmin")
          .withArgs(other.address);
      });

      it("reverts CurrencyListFull once 256 currencies are registered, while re-allowing a known one still works", async function () {
        const { pp, admin, cadAddress } = await loadFixture(deployFixture);
        // ETH and TestCAD hold indices 0 and 1: 254 more fill the uint8 index space.
        const pending = [];
        for (let i = 0; i < 254; i++) await fakeToken(ethers.toBeHex(0x1000 + i, 20));
        await ethers.provider.send("evm_setAutomine", [false]);
        try {
          for (let i = 0; i < 254; i++) {
            pending.push(
              await pp.connect(admin).setCurrencyAllowed(ethers.toBeHex(0x1000 + i, 20), true, { gasLimit: 200_000 }),
            );
          }
          await networkHelpers.mine();
        } finally {
          await ethers.provider.send("evm_setAutomine", [true]);
        }
        const last = await pending[pending.length - 1].wait();
        expect(last!.status).to.equal(1);
        expect(await pp.isCurrencyAllowed(ethers.toBeHex(0x1000 + 253, 20))).to.equal(true);
        await expect(
          pp.connect(admin).setCurrencyAllowed(await fakeToken(ethers.toBeHex(0x9999, 20)), true),
        ).to.be.revertedWithCustomError(pp, "CurrencyListFull");
        await expect(pp.connect(admin).setCurrencyAllowed(cadAddress, true))
          .to.emit(pp, "CurrencyAllowed")
          .withArgs(cadAddress, 1, true);
      });
    });
  });

  describe("setNetworkPaused", function () {
    it("pauses and unpauses, emitting NetworkPauseChanged", async function () {
      const { pp, admin } = await loadFixture(deployFixture);
      await expect(pp.connect(admin).setNetworkPaused(true)).to.emit(pp, "NetworkPauseChanged").withArgs(true);
      expect(await pp.networkPaused()).to.equal(true);
      await expect(pp.connect(admin).setNetworkPaused(false)).to.emit(pp, "NetworkPauseChanged").withArgs(false);
      expect(await pp.networkPaused()).to.equal(false);
    });

    it("reverts NotAdmin for anyone but the admin", async function () {
      const { pp, operator } = await loadFixture(deployFixture);
      await expect(pp.connect(operator).setNetworkPaused(true))
        .to.be.revertedWithCustomError(pp, "NotAdmin")
        .withArgs(operator.address);
    });
  });

  describe("the fallback", function () {
    it("reverts without data for a selector neither the core nor the registry knows", async function () {
      const { address, member } = await loadFixture(deployFixture);
      await expect(member.sendTransaction({ to: address, data: "0x12345678" })).to.be.revertedWithoutReason(ethers);
    });

    it("refuses plain ETH transfers", async function () {
      const { address, member } = await loadFixture(deployFixture);
      await expect(member.sendTransaction({ to: address, value: 1n })).to.be.revertedWithoutReason(ethers);
    });
  });

  it("keeps library errors decodable (sanity of the test helper)", function () {
    expect(lib.interface.getError("ETHTransferFailed")).to.not.equal(null);
  });
});
