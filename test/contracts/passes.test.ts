import { readFileSync } from "node:fs";
import { expect } from "chai";
import type { Interface } from "ethers";
import { ON_CHAIN_REASON_COUNT, REASONS, reasonFromAccessCode } from "../../protocol/reasons.ts";
import {
  ANY_UNIT,
  DAY,
  ETH,
  HOUR,
  ROOM_PRICES,
  bookDesk,
  bookRoom,
  deployFixture,
  ethers,
  lib,
  loadFixture,
  roomParams,
  time,
  utc,
  TERMS,
} from "./helpers/fixture.ts";
import { passInterfaceIds } from "./helpers/interfaceId.ts";

enum Access {
  Granted,
  PassNotFound,
  NotHolderOrGuest,
  TooEarly,
  Expired,
  UnknownDoor,
  WrongDoor,
}

/** A two-hour room booking on December 3rd, 09:00–11:00 UTC, held by `member` (pass 1). */
async function withPass() {
  const f = await loadFixture(deployFixture);
  const start = utc(f.year, 12, 3, 9);
  const end = start + 2n * HOUR;
  const passId = await bookRoom(f, start, end);
  return { ...f, start, end, passId };
}

type WithPass = Awaited<ReturnType<typeof withPass>>;

type TokenJson = { name: string; description: string; attributes: unknown[] };

function decodeTokenURI(uri: string): TokenJson {
  const prefix = "data:application/json;base64,";
  expect(uri.startsWith(prefix)).to.equal(true);
  return JSON.parse(Buffer.from(uri.slice(prefix.length), "base64").toString("utf8")) as TokenJson;
}

describe("Passepartout passes", function () {
  describe("transfers", function () {
    describe("when the holder transfers a pass", function () {
      it("moves the booking and its door access to the new holder", async function () {
        const f = await withPass();
        await f.pp.connect(f.member).transferFrom(f.member.address, f.other.address, f.passId);
        expect(await f.pp.ownerOf(f.passId)).to.equal(f.other.address);
        expect((await f.pp.pass(f.passId)).holder).to.equal(f.other.address);
        expect(await f.pp.canEnter(f.other.address, 1, f.passId, f.start)).to.equal(Access.Granted);
        expect(await f.pp.canEnter(f.member.address, 1, f.passId, f.start)).to.equal(Access.NotHolderOrGuest);
        // The new holder may cancel and gets the refund.
        await expect(f.pp.connect(f.other).cancel(f.passId)).to.changeEtherBalance(
          ethers,
          f.other,
          2n * ROOM_PRICES.hour,
        );
      });

      it("clears the guest and the token approval", async function () {
        const f = await withPass();
        await f.pp.connect(f.member).setUser(f.passId, f.guest.address, f.end);
        await f.pp.connect(f.member).approve(f.owner.address, f.passId);
        const tx = f.pp.connect(f.member).transferFrom(f.member.address, f.other.address, f.passId);
        await expect(tx).to.emit(f.pp, "UpdateUser").withArgs(f.passId, ethers.ZeroAddress, 0);
        expect(await f.pp.userOf(f.passId)).to.equal(ethers.ZeroAddress);
        expect(await f.pp.userExpires(f.passId)).to.equal(0);
        expect(await f.pp.getApproved(f.passId)).to.equal(ethers.ZeroAddress);
        expect(await f.pp.canEnter(f.guest.address, 1, f.passId, f.start)).to.equal(Access.NotHolderOrGuest);
        await expect(
          f.pp.connect(f.owner).transferFrom(f.other.address, f.owner.address, f.passId),
        ).to.be.revertedWithCustomError(lib, "NotOwnerNorApproved");
      });

      it("does not emit UpdateUser when there was no guest", async function () {
        const f = await withPass();
        await expect(f.pp.connect(f.member).transferFrom(f.member.address, f.other.address, f.passId)).to.not.emit(
          f.pp,
          "UpdateUser",
        );
      });

      it("lets an approved operator transfer with safeTransferFrom to an accepting contract", async function () {
        const f = await withPass();
        const receiver = await ethers.deployContract("ReentrantReceiver");
        await f.pp.connect(f.member).setApprovalForAll(f.owner.address, true);
        const asOwner = f.pp.connect(f.owner);
        await asOwner["safeTransferFrom(address,address,uint256)"](
          f.member.address,
          await receiver.getAddress(),
          f.passId,
        );
        expect(await f.pp.ownerOf(f.passId)).to.equal(await receiver.getAddress());
      });
    });

    describe("when the transfer is not allowed by ERC-721 rules", function () {
      it("reverts NotOwnerNorApproved for a stranger and TransferFromIncorrectOwner for a wrong from", async function () {
        const f = await withPass();
        await expect(
          f.pp.connect(f.other).transferFrom(f.member.address, f.other.address, f.passId),
        ).to.be.revertedWithCustomError(lib, "NotOwnerNorApproved");
        await expect(
          f.pp.connect(f.member).transferFrom(f.other.address, f.member.address, f.passId),
        ).to.be.revertedWithCustomError(lib, "TransferFromIncorrectOwner");
      });

      it("reverts when safeTransferFrom with data targets a contract that rejects passes", async function () {
        const f = await withPass();
        const receiver = await ethers.deployContract("ReentrantReceiver");
        await receiver.setMode(1);
        const asMember = f.pp.connect(f.member);
        await expect(
          asMember["safeTransferFrom(address,address,uint256,bytes)"](
            f.member.address,
            await receiver.getAddress(),
            f.passId,
            "0x1234",
          ),
        ).to.be.revertedWithCustomError(lib, "TransferToNonERC721ReceiverImplementer");
      });
    });

    describe("when the holder approves an operator for all its passes", function () {
      it("reports it and lets that operator lend the pass to a guest and transfer it", async function () {
        const f = await withPass();
        await f.pp.connect(f.member).setApprovalForAll(f.owner.address, true);
        expect(await f.pp.isApprovedForAll(f.member.address, f.owner.address)).to.equal(true);
        await f.pp.connect(f.owner).setUser(f.passId, f.guest.address, f.end);
        await f.pp.connect(f.owner).transferFrom(f.member.address, f.other.address, f.passId);
        expect(await f.pp.ownerOf(f.passId)).to.equal(f.other.address);
        expect(await f.pp.userOf(f.passId)).to.equal(ethers.ZeroAddress);
        expect(await f.pp.isApprovedForAll(f.member.address, f.owner.address)).to.equal(true); // operator approvals are per owner
        await expect(f.pp.connect(f.owner).setUser(f.passId, f.guest.address, f.end))
          .to.be.revertedWithCustomError(f.pp, "PassNotHolder")
          .withArgs(f.passId, f.owner.address);
      });
    });

    describe("when the resource is soulbound", function () {
      it("reverts PassNotTransferable, while cancel still burns the pass", async function () {
        const f = await loadFixture(deployFixture);
        const s = f.at(4, 9);
        const passId = await bookRoom(f, s, s + HOUR, f.member, 3);
        await expect(f.pp.connect(f.member).transferFrom(f.member.address, f.other.address, passId))
          .to.be.revertedWithCustomError(f.pp, "PassNotTransferable")
          .withArgs(passId);
        await f.pp.connect(f.member).cancel(passId);
        expect(await f.pp.balanceOf(f.member.address)).to.equal(0);
      });

      it("keeps the flag it was booked with when the operator changes the resource", async function () {
        const f = await loadFixture(deployFixture);
        const s = f.at(4, 9);
        const soulbound = await bookRoom(f, s, s + HOUR, f.member, 3);
        const transferable = await bookRoom(f, s, s + HOUR, f.member, 1);
        await f.pp
          .connect(f.operator)
          .updateResource(3, roomParams({ name: "Studio photo", policyId: 0, transferable: true }));
        await f.pp.connect(f.operator).updateResource(1, roomParams({ transferable: false }));
        expect((await f.pp.pass(soulbound)).transferable).to.equal(false);
        expect((await f.pp.pass(transferable)).transferable).to.equal(true);
        await expect(f.pp.connect(f.member).transferFrom(f.member.address, f.other.address, soulbound))
          .to.be.revertedWithCustomError(f.pp, "PassNotTransferable")
          .withArgs(soulbound);
        await f.pp.connect(f.member).transferFrom(f.member.address, f.other.address, transferable);
        expect(await f.pp.ownerOf(transferable)).to.equal(f.other.address);
      });
    });
  });

  // Cases of OpenZeppelin's ERC721 behaviour suite (test/token/ERC721/ERC721.behavior.js), ported to
  // the passes with Solady's error names.
  describe("ERC-721 conformance", function () {
    const safe3 = "safeTransferFrom(address,address,uint256)";
    const safe4 = "safeTransferFrom(address,address,uint256,bytes)";

    it("supports ERC-165, ERC-721, ERC-721 Metadata and ERC-4907", async function () {
      const f = await withPass();
      for (const [name, id] of Object.entries(await passInterfaceIds()))
        expect(await f.pp.supportsInterface(id), name).to.equal(true);
      expect(await f.pp.supportsInterface("0xffffffff")).to.equal(false);
    });

    describe("balanceOf and ownerOf", function () {
      it("counts the passes of an owner and reverts for the zero address", async function () {
        const f = await withPass();
        expect(await f.pp.balanceOf(f.member.address)).to.equal(1);
        expect(await f.pp.balanceOf(f.other.address)).to.equal(0);
        await expect(f.pp.balanceOf(ethers.ZeroAddress)).to.be.revertedWithCustomError(
          lib,
          "BalanceQueryForZeroAddress",
        );
      });

      it("reverts TokenDoesNotExist for a pass never minted", async function () {
        const f = await withPass();
        await expect(f.pp.ownerOf(99)).to.be.revertedWithCustomError(lib, "TokenDoesNotExist");
        await expect(f.pp.getApproved(99)).to.be.revertedWithCustomError(lib, "TokenDoesNotExist");
      });
    });

    describe("transfers of a pass that does not exist", function () {
      for (const [how, call] of [
        ["transferFrom", (f: WithPass) => f.pp.connect(f.member).transferFrom(f.member.address, f.other.address, 99)],
        [safe3, (f: WithPass) => f.pp.connect(f.member)[safe3](f.member.address, f.other.address, 99)],
        [safe4, (f: WithPass) => f.pp.connect(f.member)[safe4](f.member.address, f.other.address, 99, "0x42")],
      ] as const) {
        it(`reverts TokenDoesNotExist with ${how}`, async function () {
          const f = await withPass();
          await expect(call(f)).to.be.revertedWithCustomError(lib, "TokenDoesNotExist");
        });
      }

      it("reverts TokenDoesNotExist for a cancelled (burned) pass, and during the pause", async function () {
        const f = await withPass();
        await f.pp.connect(f.member).cancel(f.passId);
        await expect(
          f.pp.connect(f.member).transferFrom(f.member.address, f.other.address, f.passId),
        ).to.be.revertedWithCustomError(lib, "TokenDoesNotExist");
        await f.pp.connect(f.admin).setNetworkPaused(true);
        await expect(
          f.pp.connect(f.member).transferFrom(f.member.address, f.other.address, 99),
        ).to.be.revertedWithCustomError(lib, "TokenDoesNotExist");
      });
    });

    describe("transfers of an existing pass", function () {
      it("reverts TransferToZeroAddress for the zero address", async function () {
        const f = await withPass();
        await expect(
          f.pp.connect(f.member).transferFrom(f.member.address, ethers.ZeroAddress, f.passId),
        ).to.be.revertedWithCustomError(lib, "TransferToZeroAddress");
      });

      it("lets the approved address transfer, then clears the approval", async function () {
        const f = await withPass();
        await expect(f.pp.connect(f.member).approve(f.owner.address, f.passId))
          .to.emit(f.pp, "Approval")
          .withArgs(f.member.address, f.owner.address, f.passId);
        await f.pp.connect(f.owner).transferFrom(f.member.address, f.other.address, f.passId);
        expect(await f.pp.getApproved(f.passId)).to.equal(ethers.ZeroAddress);
        expect(await f.pp.balanceOf(f.member.address)).to.equal(0);
        expect(await f.pp.balanceOf(f.other.address)).to.equal(1);
      });

      it("lets the owner transfer to itself, keeping the pass", async function () {
        const f = await withPass();
        await expect(f.pp.connect(f.member).transferFrom(f.member.address, f.member.address, f.passId))
          .to.emit(f.pp, "Transfer")
          .withArgs(f.member.address, f.member.address, f.passId);
        expect(await f.pp.ownerOf(f.passId)).to.equal(f.member.address);
        expect(await f.pp.balanceOf(f.member.address)).to.equal(1);
      });

      it("reverts NotOwnerNorApproved for approve by a stranger", async function () {
        const f = await withPass();
        await expect(f.pp.connect(f.other).approve(f.other.address, f.passId)).to.be.revertedWithCustomError(
          lib,
          "NotOwnerNorApproved",
        );
      });

      it("passes the operator, previous owner, id and data to the receiver and bubbles its reason", async function () {
        const f = await withPass();
        const receiver = await ethers.deployContract("ReentrantReceiver");
        await receiver.setMode(2);
        await expect(
          f.pp.connect(f.member)[safe4](f.member.address, await receiver.getAddress(), f.passId, "0x42"),
        ).to.be.revertedWithCustomError(receiver, "Rejected");
      });

      it("reverts TransferToNonERC721ReceiverImplementer for a receiver that reverts without a reason or has no hook", async function () {
        const f = await withPass();
        const receiver = await ethers.deployContract("ReentrantReceiver");
        await receiver.setMode(3);
        await expect(
          f.pp.connect(f.member)[safe3](f.member.address, await receiver.getAddress(), f.passId),
        ).to.be.revertedWithCustomError(lib, "TransferToNonERC721ReceiverImplementer");
        await expect(
          f.pp.connect(f.member)[safe3](f.member.address, f.cadAddress, f.passId),
        ).to.be.revertedWithCustomError(lib, "TransferToNonERC721ReceiverImplementer");
      });
    });

    describe("when ETH is sent with an ERC-721 call", function () {
      // Solady declares them payable (the ERC-721 interface the clients use does not): send raw calls.
      for (const [how, args] of [
        ["approve", (f: WithPass) => [f.other.address, f.passId]],
        ["transferFrom", (f: WithPass) => [f.member.address, f.other.address, f.passId]],
        [safe3, (f: WithPass) => [f.member.address, f.other.address, f.passId]],
        [safe4, (f: WithPass) => [f.member.address, f.other.address, f.passId, "0x"]],
      ] as const) {
        it(`reverts PassEtherNotAccepted with ${how}, so no ETH is trapped`, async function () {
          const f = await withPass();
          const iface: Interface = f.pp.interface; // the untyped view: `how` is one of four names
          const data = iface.encodeFunctionData(how, args(f));
          await expect(f.member.sendTransaction({ to: f.address, data, value: 1n }))
            .to.be.revertedWithCustomError(f.pp, "PassEtherNotAccepted")
            .withArgs(1n);
          await f.member.sendTransaction({ to: f.address, data }); // the same call without ETH works
          expect(await ethers.provider.getBalance(f.address)).to.equal(ROOM_PRICES.hour * 2n);
        });
      }
    });
  });

  describe("the emergency pause", function () {
    it("stops bookings and transfers but not cancel, settle, claim, guests, credits or canEnter", async function () {
      const f = await withPass();
      const earlier = await bookRoom(f, f.start - DAY, f.start - DAY + HOUR);
      const byOperator = await bookRoom(f, f.end, f.end + HOUR, f.other);
      await f.pp.connect(f.admin).setNetworkPaused(true);

      await expect(
        f.pp.connect(f.member).transferFrom(f.member.address, f.other.address, f.passId),
      ).to.be.revertedWithCustomError(f.pp, "NetworkPaused");
      await expect(
        f.pp
          .connect(f.other)
          .book(1, f.end + HOUR, f.end + 2n * HOUR, ANY_UNIT, ROOM_PRICES.hour, f.other.address, ...TERMS[1], {
            value: ROOM_PRICES.hour,
          }),
      ).to.be.revertedWithCustomError(f.pp, "NetworkPaused");

      await time.increaseTo(f.start - DAY);
      await expect(f.pp.settle([earlier])).to.emit(f.pp, "Settled");
      await expect(f.pp.connect(f.operator).claim(1, ETH, 0)).to.emit(f.pp, "Claimed");
      await expect(f.pp.claimFees(1, ETH)).to.emit(f.pp, "FeesClaimed");
      expect(await f.pp.canEnter(f.member.address, 1, f.passId, f.start)).to.equal(Access.Granted);
      await f.pp.connect(f.member).setUser(f.passId, f.guest.address, f.end);
      expect(await f.pp.canEnter(f.guest.address, 2, f.passId, f.start)).to.equal(Access.Granted);
      await expect(f.pp.connect(f.member).cancel(f.passId)).to.emit(f.pp, "Cancelled");
      await expect(f.pp.connect(f.operator).cancel(byOperator)).to.changeEtherBalance(
        ethers,
        f.other,
        ROOM_PRICES.hour,
      );

      await f.pp.connect(f.admin).setNetworkPaused(false);
      await bookRoom(f, f.end, f.end + HOUR, f.other);
    });
  });

  describe("guests (ERC-4907)", function () {
    describe("setUser", function () {
      it("lends the pass to a guest until an expiry, then the guest disappears", async function () {
        const f = await withPass();
        const expires = f.start + HOUR;
        await expect(f.pp.connect(f.member).setUser(f.passId, f.guest.address, expires))
          .to.emit(f.pp, "UpdateUser")
          .withArgs(f.passId, f.guest.address, expires);
        expect(await f.pp.userOf(f.passId)).to.equal(f.guest.address);
        expect(await f.pp.userExpires(f.passId)).to.equal(expires);
        await time.increaseTo(expires);
        expect(await f.pp.userOf(f.passId)).to.equal(ethers.ZeroAddress);
        expect(await f.pp.userExpires(f.passId)).to.equal(expires);
      });

      it("lets an approved operator set the guest", async function () {
        const f = await withPass();
        await f.pp.connect(f.member).approve(f.owner.address, f.passId);
        await f.pp.connect(f.owner).setUser(f.passId, f.guest.address, f.end);
        expect(await f.pp.userOf(f.passId)).to.equal(f.guest.address);
      });

      it("revokes with the zero address, whatever the expiry", async function () {
        const f = await withPass();
        await f.pp.connect(f.member).setUser(f.passId, f.guest.address, f.end);
        await expect(f.pp.connect(f.member).setUser(f.passId, ethers.ZeroAddress, 123))
          .to.emit(f.pp, "UpdateUser")
          .withArgs(f.passId, ethers.ZeroAddress, 0);
        expect(await f.pp.userOf(f.passId)).to.equal(ethers.ZeroAddress);
        expect(await f.pp.userExpires(f.passId)).to.equal(0);
      });

      it("reverts PassGuestInvalid for an expiry not in the future", async function () {
        const f = await withPass();
        const now = BigInt(await time.latest());
        await time.setNextBlockTimestamp(now + 10n);
        await expect(f.pp.connect(f.member).setUser(f.passId, f.guest.address, now + 10n))
          .to.be.revertedWithCustomError(f.pp, "PassGuestInvalid")
          .withArgs(f.guest.address, now + 10n);
      });

      it("reverts PassNotHolder for a stranger and PassNotFound for an unknown pass", async function () {
        const f = await withPass();
        await expect(f.pp.connect(f.guest).setUser(f.passId, f.guest.address, f.end))
          .to.be.revertedWithCustomError(f.pp, "PassNotHolder")
          .withArgs(f.passId, f.guest.address);
        await expect(f.pp.connect(f.member).setUser(9, f.guest.address, f.end))
          .to.be.revertedWithCustomError(f.pp, "PassNotFound")
          .withArgs(9);
      });

      it("is cleared when the pass is cancelled", async function () {
        const f = await withPass();
        await f.pp.connect(f.member).setUser(f.passId, f.guest.address, f.end);
        await expect(f.pp.connect(f.member).cancel(f.passId))
          .to.emit(f.pp, "UpdateUser")
          .withArgs(f.passId, ethers.ZeroAddress, 0);
        expect(await f.pp.userOf(f.passId)).to.equal(ethers.ZeroAddress);
      });
    });
  });

  describe("canEnter", function () {
    describe("when the holder asks at the street door or the room door", function () {
      it("grants from exactly start − grace until just before the end", async function () {
        const f = await withPass();
        const grace = 900n;
        for (const door of [1, 2]) {
          expect(await f.pp.canEnter(f.member.address, door, f.passId, f.start - grace - 1n)).to.equal(Access.TooEarly);
          expect(await f.pp.canEnter(f.member.address, door, f.passId, f.start - grace)).to.equal(Access.Granted);
          expect(await f.pp.canEnter(f.member.address, door, f.passId, f.start)).to.equal(Access.Granted);
          expect(await f.pp.canEnter(f.member.address, door, f.passId, f.end - 1n)).to.equal(Access.Granted);
          expect(await f.pp.canEnter(f.member.address, door, f.passId, f.end)).to.equal(Access.Expired);
        }
      });

      it("uses the caller's clock, not the block's", async function () {
        const f = await withPass();
        expect(BigInt(await time.latest()) < f.start).to.equal(true);
        expect(await f.pp.canEnter(f.member.address, 1, f.passId, f.start)).to.equal(Access.Granted);
      });

      it("has no grace for a resource without one", async function () {
        const f = await loadFixture(deployFixture);
        const s = f.at(4, 9);
        const passId = await bookDesk(f, s, s + HOUR);
        expect(await f.pp.canEnter(f.member.address, 1, passId, s - 1n)).to.equal(Access.TooEarly);
        expect(await f.pp.canEnter(f.member.address, 1, passId, s)).to.equal(Access.Granted);
      });
    });

    describe("when a guest asks", function () {
      it("grants the unexpired guest and refuses it from its expiry on", async function () {
        const f = await withPass();
        const expires = f.start + HOUR;
        await f.pp.connect(f.member).setUser(f.passId, f.guest.address, expires);
        expect(await f.pp.canEnter(f.guest.address, 2, f.passId, f.start)).to.equal(Access.Granted);
        expect(await f.pp.canEnter(f.guest.address, 2, f.passId, expires - 1n)).to.equal(Access.Granted);
        expect(await f.pp.canEnter(f.guest.address, 2, f.passId, expires)).to.equal(Access.NotHolderOrGuest);
        expect(await f.pp.canEnter(f.member.address, 2, f.passId, expires)).to.equal(Access.Granted); // the holder keeps access
        expect(await f.pp.canEnter(f.guest.address, 2, f.passId, f.start - 901n)).to.equal(Access.TooEarly);
      });

      it("never grants the zero address", async function () {
        const f = await withPass();
        expect(await f.pp.canEnter(ethers.ZeroAddress, 1, f.passId, f.start)).to.equal(Access.NotHolderOrGuest);
      });
    });

    describe("when the request is refused", function () {
      it("answers PassNotFound for an unknown or cancelled pass", async function () {
        const f = await withPass();
        expect(await f.pp.canEnter(f.member.address, 1, 99, f.start)).to.equal(Access.PassNotFound);
        await f.pp.connect(f.member).cancel(f.passId);
        expect(await f.pp.canEnter(f.member.address, 1, f.passId, f.start)).to.equal(Access.PassNotFound);
      });

      it("answers NotHolderOrGuest for a stranger", async function () {
        const f = await withPass();
        expect(await f.pp.canEnter(f.other.address, 1, f.passId, f.start)).to.equal(Access.NotHolderOrGuest);
      });

      it("answers UnknownDoor for an unknown or disabled door, before anything else", async function () {
        const f = await withPass();
        expect(await f.pp.canEnter(f.member.address, 9, f.passId, f.start)).to.equal(Access.UnknownDoor);
        expect(await f.pp.canEnter(f.member.address, 9, 99, f.start)).to.equal(Access.UnknownDoor);
        await f.pp.connect(f.operator).updateDoor(1, true, false, f.lockKey.address);
        expect(await f.pp.canEnter(f.member.address, 1, f.passId, f.start)).to.equal(Access.UnknownDoor);
      });

      it("answers WrongDoor for a room door that does not admit the resource, or another venue's door", async function () {
        const f = await withPass();
        const s = f.at(4, 9);
        const desk = await bookDesk(f, s, s + HOUR);
        expect(await f.pp.canEnter(f.member.address, 2, desk, s)).to.equal(Access.WrongDoor);
        await f.pp.connect(f.other).createVenue("Banque", "", [f.other.address], [10_000]);
        await f.pp.connect(f.other).createDoor(2, true, f.lockKey.address);
        expect(await f.pp.canEnter(f.member.address, 3, f.passId, f.start)).to.equal(Access.WrongDoor);
      });
    });

    describe("the reason codes", function () {
      it("match protocol/reasons.ts, in the order of the Solidity AccessCode enum", function () {
        const source = readFileSync(
          new URL("../../contracts/interfaces/IPassepartoutBase.sol", import.meta.url),
          "utf8",
        );
        const body = /enum\s+AccessCode\s*\{([^}]*)\}/.exec(source)![1];
        const names = body
          .split("\n")
          .map((line) =>
            line
              .replace(/\/\/.*$/, "")
              .trim()
              .replace(/,$/, ""),
          )
          .filter(Boolean);
        const snake = names.map((n) => n.replace(/([a-z])([A-Z])/g, "$1_$2").toLowerCase());
        expect(names).to.have.length(7);
        expect(ON_CHAIN_REASON_COUNT).to.equal(names.length);
        expect(REASONS.slice(0, names.length)).to.deep.equal(snake);
        snake.forEach((s, i) => expect(reasonFromAccessCode(i)).to.equal(s));
        expect(names).to.deep.equal(Object.keys(Access).filter((k) => Number.isNaN(Number(k))));
      });
    });
  });

  describe("tokenURI", function () {
    it("decodes to JSON naming venue, resource and window in UTC", async function () {
      const f = await withPass();
      const json = decodeTokenURI(await f.pp.tokenURI(f.passId));
      expect(json.name).to.equal(`Le Lab — Salle de conférence, ${f.year}-12-03 09:00–11:00 UTC`);
      expect(json.description).to.equal("Passepartout access pass #1");
      expect(json.attributes).to.deep.equal([
        { trait_type: "Venue", value: "Le Lab" },
        { trait_type: "Resource", value: "Salle de conférence" },
        { trait_type: "Unit", value: 0 },
        { display_type: "date", trait_type: "Start", value: Number(f.start) },
        { display_type: "date", trait_type: "End", value: Number(f.end) },
      ]);
    });

    it("ends a window at midnight as 24:00 and shows the end date across days", async function () {
      const f = await loadFixture(deployFixture);
      const y = f.year + 1;
      const a = await bookRoom(f, utc(y, 1, 31, 22), utc(y, 2, 1, 0));
      const b = await bookRoom(f, utc(y, 1, 30, 0), utc(y, 1, 31, 0));
      const c = await bookRoom(f, utc(y, 2, 1, 0), utc(y, 2, 1, 2));
      const d = await bookRoom(f, utc(y, 2, 1, 2), utc(y, 2, 1, 6));
      const e = await bookRoom(f, utc(y, 2, 2, 22), utc(y, 2, 3, 2));
      const g = await bookRoom(f, utc(y, 3, 1, 0), utc(y, 3, 31, 0));
      const name = async (id: bigint) => decodeTokenURI(await f.pp.tokenURI(id)).name;
      expect(await name(a)).to.equal(`Le Lab — Salle de conférence, ${y}-01-31 22:00–24:00 UTC`);
      expect(await name(b)).to.equal(`Le Lab — Salle de conférence, ${y}-01-30 00:00–24:00 UTC`);
      expect(await name(c)).to.equal(`Le Lab — Salle de conférence, ${y}-02-01 00:00–02:00 UTC`);
      expect(await name(d)).to.equal(`Le Lab — Salle de conférence, ${y}-02-01 02:00–06:00 UTC`);
      expect(await name(e)).to.equal(`Le Lab — Salle de conférence, ${y}-02-02 22:00–${y}-02-03 02:00 UTC`);
      expect(await name(g)).to.equal(`Le Lab — Salle de conférence, ${y}-03-01 00:00–${y}-03-31 00:00 UTC`);
    });

    it("escapes names so the JSON stays valid", async function () {
      const f = await withPass();
      await f.pp.connect(f.operator).updateVenue(1, 'Le "Lab" \\ 2', "");
      const json = decodeTokenURI(await f.pp.tokenURI(f.passId));
      expect(json.name.startsWith('Le "Lab" \\ 2 — ')).to.equal(true);
    });

    it("reverts PassNotFound for an unknown pass", async function () {
      const f = await loadFixture(deployFixture);
      await expect(f.pp.tokenURI(5)).to.be.revertedWithCustomError(f.pp, "PassNotFound").withArgs(5);
    });
  });

  describe("the renderer called directly", function () {
    it("renders the same metadata for the protocol address it is given", async function () {
      const f = await withPass();
      expect(await f.renderer.tokenURI(f.address, f.passId)).to.equal(await f.pp.tokenURI(f.passId));
    });
  });

  describe("pass", function () {
    it("reverts PassNotFound for an unknown pass", async function () {
      const f = await loadFixture(deployFixture);
      await expect(f.pp.pass(0)).to.be.revertedWithCustomError(f.pp, "PassNotFound").withArgs(0);
    });

    it("reports the booked currency of a settled pass (a resource's currency never changes)", async function () {
      const f = await loadFixture(deployFixture);
      const s = f.at(3, 9);
      const passId = await bookDesk(f, s, s + HOUR);
      await time.increaseTo(s);
      await f.pp.settle([passId]);
      await expect(f.pp.connect(f.operator).updateResource(2, roomParams({ name: "Bureaux", units: 3 })))
        .to.be.revertedWithCustomError(f.pp, "ResourceCurrencyFixed")
        .withArgs(2, f.cadAddress);
      expect((await f.pp.pass(passId)).currency).to.equal(f.cadAddress);
    });
  });
});
