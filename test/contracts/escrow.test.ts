import { expect } from "chai";
import type { ContractTransactionResponse } from "ethers";
import type { BlockableToken, OddToken } from "../../typechain-types/index.ts";
import {
  ANY_UNIT,
  CAD,
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
  networkHelpers,
  roomParams,
  time,
  type Fixture,
  TERMS,
} from "./helpers/fixture.ts";

const fee = (amount: bigint, bps = 300n) => (amount * bps) / 10_000n;

/** `[passId, fee]` of each Settled event of a transaction, in order (the amount is the Booked one). */
async function settledEvents(f: Fixture, tx: Promise<ContractTransactionResponse>) {
  const receipt = await (await tx).wait();
  return receipt!.logs
    .map((log) => f.pp.interface.parseLog(log))
    .filter((e) => e?.name === "Settled")
    .map((e): [bigint, bigint] => [e!.args.passId as bigint, e!.args.fee as bigint]);
}

/** A one-day room booking (0.05 ETH) starting on day 10 at 09:00; policy 1: released at its start. */
async function withRoomBooking() {
  const f = await loadFixture(deployFixture);
  const start = f.at(10, 9);
  const passId = await bookRoom(f, start, start + DAY);
  return { ...f, start, passId, price: ROOM_PRICES.day };
}

/** A two-hour desk booking (10 CAD) starting on day 10 at 09:00; policy 2: released 24 h before. */
async function withDeskBooking() {
  const f = await loadFixture(deployFixture);
  const start = f.at(10, 9);
  const passId = await bookDesk(f, start, start + 2n * HOUR);
  return { ...f, start, passId, price: CAD(10) };
}

async function settled(f: Fixture, passIds: bigint[], at: bigint) {
  if (BigInt(await time.latest()) < at) await time.increaseTo(at);
  await f.pp.connect(f.other).settle(passIds);
}

describe("Passepartout escrow, cancellation, settlement and claims", function () {
  describe("cancel by the holder", function () {
    describe("when cancelling before the free-cancellation cutoff", function () {
      it("refunds in full, frees the slots, burns the pass and clears the escrow", async function () {
        const f = await withRoomBooking();
        await time.setNextBlockTimestamp(f.start - DAY); // exactly 24 h before: still "at least 24 h"
        const tx = f.pp.connect(f.member).cancel(f.passId);
        await expect(tx).to.changeEtherBalances(ethers, [f.member, f.address], [f.price, -f.price]);
        await expect(tx)
          .to.emit(f.pp, "Cancelled")
          .withArgs(f.passId, f.member.address, false, f.member.address, f.price, 0, 0, 0);
        await expect(tx).to.emit(f.pp, "Transfer").withArgs(f.member.address, ethers.ZeroAddress, f.passId);
        expect(await f.pp.isUnitFree(1, 0, f.start, f.start + DAY)).to.equal(true);
        expect(await f.pp.balanceOf(f.member.address)).to.equal(0);
        await expect(f.pp.ownerOf(f.passId)).to.be.revertedWithCustomError(lib, "TokenDoesNotExist");
        await expect(f.pp.pass(f.passId)).to.be.revertedWithCustomError(f.pp, "PassNotFound").withArgs(f.passId);
        const [gross] = await f.pp.pool(1, ETH);
        expect(gross).to.equal(0);
        await bookRoom(f, f.start, f.start + DAY, f.other); // the slots are bookable again
      });
    });

    describe("when cancelling after the cutoff but before the start", function () {
      it("refunds the policy's share and credits the rest to the payees, fee included", async function () {
        const f = await withRoomBooking();
        await time.setNextBlockTimestamp(f.start - DAY + 1n);
        const half = f.price / 2n;
        const tx = f.pp.connect(f.member).cancel(f.passId);
        await expect(tx).to.changeEtherBalance(ethers, f.member, half);
        await expect(tx)
          .to.emit(f.pp, "Cancelled")
          .withArgs(f.passId, f.member.address, false, f.member.address, half, half, 0, 0);
        const [gross, poolFee] = await f.pp.pool(1, ETH);
        expect(gross).to.equal(half);
        expect(poolFee).to.equal(fee(half));
        expect(await f.pp.claimable(1, ETH, 0)).to.equal(((half - fee(half)) * 7_000n) / 10_000n);
        expect(await f.pp.claimableFees(1, ETH)).to.equal(fee(half));
      });

      it("refunds nothing under a never-refundable policy and keeps the whole price for the payees", async function () {
        const f = await loadFixture(deployFixture);
        const s = f.at(3, 9);
        const passId = await bookRoom(f, s, s + HOUR, f.member, 3);
        const tx = f.pp.connect(f.member).cancel(passId);
        await expect(tx)
          .to.emit(f.pp, "Cancelled")
          .withArgs(passId, f.member.address, false, f.member.address, 0, ROOM_PRICES.hour, 0, 0);
        await expect(tx).to.changeEtherBalance(ethers, f.member, 0);
        expect((await f.pp.pool(1, ETH))[0]).to.equal(ROOM_PRICES.hour);
      });

      it("refunds ERC-20 bookings in the token", async function () {
        const f = await withDeskBooking();
        await expect(f.pp.connect(f.member).cancel(f.passId)).to.changeTokenBalances(
          ethers,
          f.cad,
          [f.member, f.address],
          [f.price, -f.price],
        );
      });
    });

    describe("when the escrow was already settled (past the last refund deadline)", function () {
      it("burns the pass and frees the slots without any refund", async function () {
        const f = await withDeskBooking();
        await settled(f, [f.passId], f.start - DAY + 1n);
        const tx = f.pp.connect(f.member).cancel(f.passId);
        await expect(tx)
          .to.emit(f.pp, "Cancelled")
          .withArgs(f.passId, f.member.address, false, f.member.address, 0, 0, 0, 0);
        await expect(tx).to.changeTokenBalance(ethers, f.cad, f.member, 0);
        expect(await f.pp.isUnitFree(2, 0, f.start, f.start + 2n * HOUR)).to.equal(true);
        expect((await f.pp.pool(1, f.cadAddress))[0]).to.equal(f.price);
      });
    });

    describe("when the request is invalid", function () {
      it("reverts PassAlreadyStarted at and after the start", async function () {
        const f = await withRoomBooking();
        await time.setNextBlockTimestamp(f.start);
        await expect(f.pp.connect(f.member).cancel(f.passId))
          .to.be.revertedWithCustomError(f.pp, "PassAlreadyStarted")
          .withArgs(f.passId, f.start);
      });

      it("reverts PassNotHolder for anyone but the holder or the operator", async function () {
        const f = await withRoomBooking();
        await expect(f.pp.connect(f.other).cancel(f.passId))
          .to.be.revertedWithCustomError(f.pp, "PassNotHolder")
          .withArgs(f.passId, f.other.address);
        await expect(f.pp.connect(f.owner).cancel(f.passId))
          .to.be.revertedWithCustomError(f.pp, "PassNotHolder")
          .withArgs(f.passId, f.owner.address);
      });

      it("reverts PassNotFound for an unknown or already cancelled pass", async function () {
        const f = await withRoomBooking();
        await expect(f.pp.connect(f.member).cancel(99))
          .to.be.revertedWithCustomError(f.pp, "PassNotFound")
          .withArgs(99);
        await f.pp.connect(f.member).cancel(f.passId);
        await expect(f.pp.connect(f.member).cancel(f.passId))
          .to.be.revertedWithCustomError(f.pp, "PassNotFound")
          .withArgs(f.passId);
      });

      it("reverts ETHTransferFailed when the holder itself rejects the refund", async function () {
        const f = await loadFixture(deployFixture);
        const holder = await ethers.deployContract("RevertingPayee");
        const ha = await holder.getAddress();
        const s = f.at(5, 9);
        await f.pp
          .connect(f.member)
          .book(1, s, s + HOUR, ANY_UNIT, ROOM_PRICES.hour, ha, ...TERMS[1], { value: ROOM_PRICES.hour });
        await expect(
          holder.exec(f.address, f.pp.interface.encodeFunctionData("cancel", [1])),
        ).to.be.revertedWithCustomError(lib, "ETHTransferFailed");
        expect(await f.pp.ownerOf(1)).to.equal(ha);
      });
    });
  });

  describe("cancel by the venue operator", function () {
    describe("when the booking is unsettled", function () {
      it("refunds the holder in full, even after the cutoff", async function () {
        const f = await withRoomBooking();
        await time.increaseTo(f.start - HOUR);
        const tx = f.pp.connect(f.operator).cancel(f.passId);
        await expect(tx).to.changeEtherBalances(ethers, [f.member, f.address], [f.price, -f.price]);
        await expect(tx)
          .to.emit(f.pp, "Cancelled")
          .withArgs(f.passId, f.operator.address, true, f.member.address, f.price, 0, 0, 0);
        expect(await f.pp.isUnitFree(1, 0, f.start, f.start + DAY)).to.equal(true);
      });

      it("refunds in full after the start as long as nobody settled it (venue closed)", async function () {
        const f = await withRoomBooking();
        await time.increaseTo(f.start + HOUR);
        await expect(f.pp.connect(f.operator).cancel(f.passId)).to.changeEtherBalance(ethers, f.member, f.price);
      });

      it("reverts PassAlreadyEnded once the booking ended, so the payees and the network keep their shares", async function () {
        const f = await withRoomBooking();
        const end = f.start + DAY;
        await time.increaseTo(end);
        await expect(f.pp.connect(f.operator).cancel(f.passId))
          .to.be.revertedWithCustomError(f.pp, "PassAlreadyEnded")
          .withArgs(f.passId, end);
        await f.pp.settle([f.passId]);
        expect(await f.pp.claimable(1, ETH, 1)).to.equal(((f.price - fee(f.price)) * 3_000n) / 10_000n);
        expect(await f.pp.claimableFees(1, ETH)).to.equal(fee(f.price));
      });

      it("lets a new operator cancel after a hand-over, and not the previous one", async function () {
        const f = await withRoomBooking();
        await f.pp.connect(f.operator).proposeVenueOperator(1, f.other.address);
        await f.pp.connect(f.other).acceptVenueOperator(1);
        await time.increaseTo(f.start + HOUR);
        await expect(f.pp.connect(f.operator).cancel(f.passId))
          .to.be.revertedWithCustomError(f.pp, "PassNotHolder")
          .withArgs(f.passId, f.operator.address);
        await expect(f.pp.connect(f.other).cancel(f.passId))
          .to.emit(f.pp, "Cancelled")
          .withArgs(f.passId, f.other.address, true, f.member.address, f.price, 0, 0, 0);
      });
    });

    describe("when the operator holds the pass itself", function () {
      it("gets the policy's refund before the start, like any holder", async function () {
        const f = await loadFixture(deployFixture);
        const s = f.at(5, 9);
        const passId = await bookRoom(f, s, s + HOUR, f.operator);
        await time.setNextBlockTimestamp(s - HOUR);
        await expect(f.pp.connect(f.operator).cancel(passId))
          .to.emit(f.pp, "Cancelled")
          .withArgs(
            passId,
            f.operator.address,
            false,
            f.operator.address,
            ROOM_PRICES.hour / 2n,
            ROOM_PRICES.hour / 2n,
            0,
            0,
          );
      });

      it("gets a full refund as operator once the booking started and is unsettled", async function () {
        const f = await loadFixture(deployFixture);
        const s = f.at(5, 9);
        const passId = await bookRoom(f, s, s + HOUR, f.operator);
        await time.setNextBlockTimestamp(s);
        await expect(f.pp.connect(f.operator).cancel(passId))
          .to.emit(f.pp, "Cancelled")
          .withArgs(passId, f.operator.address, true, f.operator.address, ROOM_PRICES.hour, 0, 0, 0);
      });
    });

    describe("when the holder rejects ETH", function () {
      it("credits the refund, which the holder withdraws later with withdrawCredit", async function () {
        const f = await loadFixture(deployFixture);
        const holder = await ethers.deployContract("RevertingPayee");
        const ha = await holder.getAddress();
        const s = f.at(5, 9);
        await f.pp
          .connect(f.member)
          .book(1, s, s + HOUR, ANY_UNIT, ROOM_PRICES.hour, ha, ...TERMS[1], { value: ROOM_PRICES.hour });
        await expect(f.pp.connect(f.operator).cancel(1))
          .to.emit(f.pp, "RefundCredited")
          .withArgs(ha, ETH, ROOM_PRICES.hour)
          .and.to.emit(f.pp, "Cancelled")
          .withArgs(1, f.operator.address, true, ha, ROOM_PRICES.hour, 0, 0, 0);
        expect(await f.pp.credit(ha, ETH)).to.equal(ROOM_PRICES.hour);
        expect(await ethers.provider.getBalance(f.address)).to.equal(ROOM_PRICES.hour);

        const withdraw = f.pp.interface.encodeFunctionData("withdrawCredit", [ETH]);
        await expect(holder.exec(f.address, withdraw)).to.be.revertedWithCustomError(lib, "ETHTransferFailed");
        await holder.setRejecting(false);
        const tx = holder.exec(f.address, withdraw);
        await expect(tx).to.changeEtherBalances(ethers, [ha, f.address], [ROOM_PRICES.hour, -ROOM_PRICES.hour]);
        await expect(tx).to.emit(f.pp, "CreditWithdrawn").withArgs(ha, ETH, ROOM_PRICES.hour);
        expect(await f.pp.credit(ha, ETH)).to.equal(0);
        await expect(holder.exec(f.address, withdraw))
          .to.be.revertedWithCustomError(f.pp, "NothingToClaim")
          .withArgs(ha, ETH);
      });

      it("adds a second failed refund to the first and pays both with one withdrawCredit", async function () {
        const f = await loadFixture(deployFixture);
        const holder = await ethers.deployContract("RevertingPayee");
        const ha = await holder.getAddress();
        const s = f.at(5, 9);
        await f.pp
          .connect(f.member)
          .book(1, s, s + HOUR, ANY_UNIT, ROOM_PRICES.hour, ha, ...TERMS[1], { value: ROOM_PRICES.hour });
        await f.pp
          .connect(f.member)
          .book(1, s + HOUR, s + 3n * HOUR, ANY_UNIT, 2n * ROOM_PRICES.hour, ha, ...TERMS[1], {
            value: 2n * ROOM_PRICES.hour,
          });
        await f.pp.connect(f.operator).cancel(1);
        await expect(f.pp.connect(f.operator).cancel(2))
          .to.emit(f.pp, "RefundCredited")
          .withArgs(ha, ETH, 2n * ROOM_PRICES.hour);
        expect(await f.pp.credit(ha, ETH)).to.equal(3n * ROOM_PRICES.hour);
        await holder.setRejecting(false);
        const tx = holder.exec(f.address, f.pp.interface.encodeFunctionData("withdrawCredit", [ETH]));
        await expect(tx).to.changeEtherBalances(
          ethers,
          [ha, f.address],
          [3n * ROOM_PRICES.hour, -3n * ROOM_PRICES.hour],
        );
        await expect(tx)
          .to.emit(f.pp, "CreditWithdrawn")
          .withArgs(ha, ETH, 3n * ROOM_PRICES.hour);
      });

      it("refuses a holder that re-enters withdrawCredit from its receive() (ReentrancyGuardReentrantCall)", async function () {
        const f = await loadFixture(deployFixture);
        const holder = await ethers.deployContract("ReentrantPayee");
        const ha = await holder.getAddress();
        const s = f.at(5, 9);
        const withdraw = f.pp.interface.encodeFunctionData("withdrawCredit", [ETH]);
        await f.pp
          .connect(f.member)
          .book(1, s, s + HOUR, ANY_UNIT, ROOM_PRICES.hour, ha, ...TERMS[1], { value: ROOM_PRICES.hour });
        // The operator's refund fails (the nested call is refused and bubbled), so it is credited.
        await holder.arm(f.address, withdraw, true);
        await expect(f.pp.connect(f.operator).cancel(1))
          .to.emit(f.pp, "RefundCredited")
          .withArgs(ha, ETH, ROOM_PRICES.hour);
        // Withdrawing: the payment re-enters withdrawCredit, which the guard refuses.
        await holder.arm(f.address, withdraw, false);
        const tx = holder.exec(f.address, withdraw);
        await expect(tx).to.changeEtherBalances(ethers, [ha, f.address], [ROOM_PRICES.hour, -ROOM_PRICES.hour]);
        expect(await holder.reentries()).to.equal(1); // the first arming was rolled back with the failed refund
        expect(await holder.lastError()).to.equal(lib.interface.getError("ReentrancyGuardReentrantCall")!.selector);
        expect(await f.pp.credit(ha, ETH)).to.equal(0);
      });

      it("credits the refund when the holder burns all the gas it is given", async function () {
        const f = await loadFixture(deployFixture);
        const holder = await ethers.deployContract("RevertingPayee");
        await holder.setGasGuzzling(true);
        const ha = await holder.getAddress();
        const s = f.at(5, 9);
        await f.pp
          .connect(f.member)
          .book(1, s, s + HOUR, ANY_UNIT, ROOM_PRICES.hour, ha, ...TERMS[1], { value: ROOM_PRICES.hour });
        await expect(f.pp.connect(f.operator).cancel(1, { gasLimit: 1_000_000 }))
          .to.emit(f.pp, "RefundCredited")
          .withArgs(ha, ETH, ROOM_PRICES.hour);
        expect(await f.pp.credit(ha, ETH)).to.equal(ROOM_PRICES.hour);
      });
    });

    /** A member's 1-hour booking (pass 1, resource 4, price 100) paid in a freshly allowed token mock. */
    async function withTokenBooking<T extends BlockableToken | OddToken>(deployToken: () => Promise<T>) {
      const f = await loadFixture(deployFixture);
      const token = await deployToken(); // after the fixture, which reverts the chain to its snapshot
      const ta = await token.getAddress();
      await f.pp.connect(f.admin).setCurrencyAllowed(ta, true);
      await f.pp.connect(f.operator).createResource(
        1,
        roomParams({
          name: "Salle de banquet",
          currency: ta,
          pricePerHour: 100n,
          pricePerDay: 1_000n,
          pricePerMonth: 10_000n,
        }),
      );
      await token.mint(f.member.address, 1_000n);
      await token.connect(f.member).approve(f.address, 1_000n);
      const s = f.at(5, 9);
      await f.pp.connect(f.member).book(4, s, s + HOUR, ANY_UNIT, 100n, f.member.address, ...TERMS[4]);
      return { ...f, token, ta };
    }

    describe("when the token refuses the transfer to the holder", function () {
      it("credits the refund in that token", async function () {
        const { token, ta, ...f } = await withTokenBooking(() => ethers.deployContract("BlockableToken"));
        await token.setBlocked(f.member.address, true);
        await expect(f.pp.connect(f.operator).cancel(1))
          .to.emit(f.pp, "RefundCredited")
          .withArgs(f.member.address, ta, 100n);
        expect(await f.pp.credit(f.member.address, ta)).to.equal(100n);
        await token.setBlocked(f.member.address, false);
        await expect(f.pp.connect(f.member).withdrawCredit(ta)).to.changeTokenBalances(
          ethers,
          token,
          [f.member, f.address],
          [100n, -100n],
        );
      });
    });

    describe("when the token returns no data or false", function () {
      const withOddToken = () => withTokenBooking(() => ethers.deployContract("OddToken"));

      it("pays an operator refund in a token whose transfer returns nothing", async function () {
        const f = await withOddToken();
        await f.token.setMode(1);
        await expect(f.pp.connect(f.operator).cancel(1)).to.not.emit(f.pp, "RefundCredited");
        expect(await f.token.balanceOf(f.member.address)).to.equal(1_000n);
      });

      it("credits an operator refund whose transfer returns false", async function () {
        const f = await withOddToken();
        await f.token.setMode(2);
        await expect(f.pp.connect(f.operator).cancel(1))
          .to.emit(f.pp, "RefundCredited")
          .withArgs(f.member.address, f.ta, 100n);
        await expect(f.pp.connect(f.member).withdrawCredit(f.ta)).to.be.revertedWithCustomError(lib, "TransferFailed");
        await f.token.setMode(0);
        await f.pp.connect(f.member).withdrawCredit(f.ta);
        expect(await f.token.balanceOf(f.member.address)).to.equal(1_000n);
      });

      it("reverts TransferFailed on a holder's own cancel, leaving the pass intact", async function () {
        const f = await withOddToken();
        await f.token.setMode(2);
        await expect(f.pp.connect(f.member).cancel(1)).to.be.revertedWithCustomError(lib, "TransferFailed");
        expect(await f.pp.ownerOf(1)).to.equal(f.member.address);
      });
    });

    describe("when the booking was already settled", function () {
      it("reverts PassAlreadySettled", async function () {
        const f = await withRoomBooking();
        await settled(f, [f.passId], f.start);
        await expect(f.pp.connect(f.operator).cancel(f.passId))
          .to.be.revertedWithCustomError(f.pp, "PassAlreadySettled")
          .withArgs(f.passId);
      });
    });
  });

  describe("refundAt", function () {
    it("follows the booking's policy tiers and is zero from the start on", async function () {
      const f = await withRoomBooking();
      expect(await f.pp.refundAt(f.passId, f.start - 2n * DAY)).to.equal(f.price);
      expect(await f.pp.refundAt(f.passId, f.start - DAY)).to.equal(f.price);
      expect(await f.pp.refundAt(f.passId, f.start - DAY + 1n)).to.equal(f.price / 2n);
      expect(await f.pp.refundAt(f.passId, f.start - 1n)).to.equal(f.price / 2n);
      expect(await f.pp.refundAt(f.passId, f.start)).to.equal(0);
      expect(await f.pp.refundAt(f.passId, f.start + DAY)).to.equal(0);
    });

    it("is zero once settled and reverts PassNotFound for an unknown pass", async function () {
      const f = await withDeskBooking();
      await settled(f, [f.passId], f.start - DAY + 1n);
      expect(await f.pp.refundAt(f.passId, f.start - 3n * DAY)).to.equal(0);
      await expect(f.pp.refundAt(42, 0)).to.be.revertedWithCustomError(f.pp, "PassNotFound").withArgs(42);
    });

    it("keeps the policy recorded at booking time when the resource's policy changes", async function () {
      const f = await withRoomBooking();
      await f.pp.connect(f.operator).updateResource(1, roomParams({ policyId: 0 }));
      expect(await f.pp.refundAt(f.passId, f.start - 2n * DAY)).to.equal(f.price);
      await expect(f.pp.connect(f.member).cancel(f.passId)).to.changeEtherBalance(ethers, f.member, f.price);
    });
  });

  describe("settle", function () {
    describe("when the release time has come", function () {
      it("moves the escrow into the split's pool with the recorded fee (release = start for a policy refunding until start)", async function () {
        const f = await withRoomBooking();
        expect((await f.pp.pass(f.passId)).releaseTime).to.equal(f.start);
        await time.setNextBlockTimestamp(f.start);
        expect(await settledEvents(f, f.pp.connect(f.other).settle([f.passId]))).to.deep.equal([
          [f.passId, fee(f.price)],
        ]);
        const p = await f.pp.pass(f.passId);
        expect(p.settled).to.equal(true);
        expect(p.amount).to.equal(0);
        expect(p.currency).to.equal(ETH);
        expect(p.holder).to.equal(f.member.address);
        const [gross, poolFee] = await f.pp.pool(1, ETH);
        expect([gross, poolFee]).to.deep.equal([f.price, fee(f.price)]);
        expect(await ethers.provider.getBalance(f.address)).to.equal(f.price);
      });

      it("releases one second after the last refund deadline (24 h before the start) under a policy whose last refunding tier ends there", async function () {
        const f = await withDeskBooking();
        // The tier "at least 24 h before" still refunds at exactly start − 24 h: release is one second later.
        const release = f.start - DAY + 1n;
        expect((await f.pp.pass(f.passId)).releaseTime).to.equal(release);
        await time.setNextBlockTimestamp(release - 1n);
        await expect(f.pp.settle([f.passId]))
          .to.be.revertedWithCustomError(f.pp, "PassNotReleasable")
          .withArgs(f.passId, release);
        await time.setNextBlockTimestamp(release);
        expect(await settledEvents(f, f.pp.settle([f.passId]))).to.deep.equal([[f.passId, fee(f.price)]]);
        expect(await f.pp.pool(1, f.cadAddress)).to.deep.equal([f.price, fee(f.price)]);
      });

      it("settles a batch of passes in one call", async function () {
        const f = await withRoomBooking();
        const second = await bookRoom(f, f.start + DAY, f.start + DAY + HOUR, f.other);
        await time.increaseTo(f.start + DAY);
        await f.pp.settle([f.passId, second]);
        expect((await f.pp.pool(1, ETH))[0]).to.equal(f.price + ROOM_PRICES.hour);
      });

      it("releases a booking made after its own release time (walk-in under a strict policy) at once", async function () {
        const f = await loadFixture(deployFixture);
        const s = f.at(0, 5);
        const passId = await bookDesk(f, s, s + HOUR);
        expect((await f.pp.pass(passId)).releaseTime).to.equal(s - DAY + 1n);
        await f.pp.settle([passId]);
        expect((await f.pp.pass(passId)).settled).to.equal(true);
      });

      it("releases at time 0 a booking whose start is nearer the epoch than the policy's deadline", async function () {
        // Only reachable with a start below the deadline itself: the clamp must not underflow.
        const f = await loadFixture(deployFixture);
        await f.pp.createPolicy([{ secondsBeforeStart: 4_000_000_000, refundBps: 10_000 }]);
        await f.pp.connect(f.operator).updateResource(1, roomParams({ policyId: 3 }));
        const s = f.at(2);
        const passId = await bookRoom(f, s, s + HOUR);
        expect((await f.pp.pass(passId)).releaseTime).to.equal(0);
      });
    });

    describe("when the pass cannot be settled", function () {
      it("reverts PassNotReleasable before the release time", async function () {
        const f = await withRoomBooking();
        await time.setNextBlockTimestamp(f.start - 1n);
        await expect(f.pp.settle([f.passId]))
          .to.be.revertedWithCustomError(f.pp, "PassNotReleasable")
          .withArgs(f.passId, f.start);
      });

      it("reverts PassNotFound for a pass never minted", async function () {
        const f = await withRoomBooking();
        await expect(f.pp.settle([77]))
          .to.be.revertedWithCustomError(f.pp, "PassNotFound")
          .withArgs(77);
        await expect(f.pp.settle([0]))
          .to.be.revertedWithCustomError(f.pp, "PassNotFound")
          .withArgs(0);
      });
    });

    describe("when some passes of a batch were already settled or cancelled", function () {
      it("skips them and settles the rest, so settling one id first cannot fail a keeper's batch", async function () {
        const f = await withRoomBooking();
        const second = await bookRoom(f, f.start + DAY, f.start + DAY + HOUR, f.other);
        const third = await bookRoom(f, f.start + 2n * DAY, f.start + 2n * DAY + HOUR, f.other);
        await f.pp.connect(f.other).cancel(third); // cancelled (burned) before the batch
        await time.increaseTo(f.start + DAY);
        await f.pp.connect(f.other).settle([second]); // a griefer settles one id of the batch first
        const batch = f.pp.connect(f.operator).settle([f.passId, second, third, f.passId]);
        expect(await settledEvents(f, batch)).to.deep.equal([[f.passId, fee(f.price)]]);
        expect((await f.pp.pool(1, ETH))[0]).to.equal(f.price + ROOM_PRICES.hour);
        await expect(f.pp.settle([f.passId])).to.not.emit(f.pp, "Settled");
      });

      it("reverts the whole batch when one pass is not releasable", async function () {
        const f = await withRoomBooking();
        const later = await bookRoom(f, f.start + 2n * DAY, f.start + 2n * DAY + HOUR);
        await time.increaseTo(f.start);
        await expect(f.pp.settle([f.passId, later]))
          .to.be.revertedWithCustomError(f.pp, "PassNotReleasable")
          .withArgs(later, f.start + 2n * DAY);
        expect((await f.pp.pass(f.passId)).settled).to.equal(false);
      });
    });

    describe("at the exact last refund deadline", function () {
      // Policy 2 refunds 50 % when cancelling "at least 24 h before the start", so at start − 24 h a
      // refund is still owed; the escrow must not be releasable in that very second.
      it("does not let a settlement in the same block wipe out the refund the policy still owes", async function () {
        const f = await withDeskBooking();
        const deadline = f.start - DAY;
        expect(await f.pp.refundAt(f.passId, deadline)).to.equal(f.price / 2n);
        const balance = await f.cad.balanceOf(f.member.address);
        // Anyone's settle and the holder's cancel land in the block stamped exactly at the deadline.
        await time.setNextBlockTimestamp(deadline);
        await ethers.provider.send("evm_setAutomine", [false]);
        try {
          await f.pp.connect(f.other).settle([f.passId], { gasLimit: 300_000 });
          await f.pp.connect(f.member).cancel(f.passId, { gasLimit: 300_000 });
          await networkHelpers.mine();
        } finally {
          await ethers.provider.send("evm_setAutomine", [true]);
        }
        expect(await time.latest()).to.equal(Number(deadline));
        // The policy promised 50 % to a cancellation at the deadline.
        expect((await f.cad.balanceOf(f.member.address)) - balance).to.equal(f.price / 2n);
      });
    });
  });

  describe("claim", function () {
    async function settledRoom() {
      const f = await withRoomBooking();
      await settled(f, [f.passId], f.start);
      const net = f.price - fee(f.price);
      return { ...f, net, opShare: (net * 7_000n) / 10_000n, ownerShare: (net * 3_000n) / 10_000n };
    }

    describe("when the payee has an accrued share", function () {
      it("pays each payee its share once and emits Claimed", async function () {
        const f = await settledRoom();
        expect(await f.pp.claimable(1, ETH, 0)).to.equal(f.opShare);
        expect(await f.pp.claimable(1, ETH, 1)).to.equal(f.ownerShare);
        const tx = f.pp.connect(f.operator).claim(1, ETH, 0);
        await expect(tx).to.changeEtherBalances(ethers, [f.operator, f.address], [f.opShare, -f.opShare]);
        await expect(tx).to.emit(f.pp, "Claimed").withArgs(1, ETH, f.operator.address, f.opShare);
        expect(await f.pp.claimable(1, ETH, 0)).to.equal(0);
        await expect(f.pp.connect(f.operator).claim(1, ETH, 0))
          .to.be.revertedWithCustomError(f.pp, "NothingToClaim")
          .withArgs(f.operator.address, ETH);
        await expect(f.pp.connect(f.owner).claim(1, ETH, 1)).to.changeEtherBalance(ethers, f.owner, f.ownerShare);
      });

      it("pays ERC-20 shares in the token", async function () {
        const f = await withDeskBooking();
        await settled(f, [f.passId], f.start - DAY + 1n);
        const net = f.price - fee(f.price);
        await expect(f.pp.connect(f.owner).claim(1, f.cadAddress, 1)).to.changeTokenBalance(
          ethers,
          f.cad,
          f.owner,
          (net * 3_000n) / 10_000n,
        );
      });
    });

    describe("when the claim is invalid", function () {
      it("reverts SplitNotPayee for a caller who is not that payee, or an index past the split", async function () {
        const f = await settledRoom();
        await expect(f.pp.connect(f.owner).claim(1, ETH, 0))
          .to.be.revertedWithCustomError(f.pp, "SplitNotPayee")
          .withArgs(1, 0, f.owner.address);
        await expect(f.pp.connect(f.owner).claim(1, ETH, 2))
          .to.be.revertedWithCustomError(f.pp, "SplitNotPayee")
          .withArgs(1, 2, f.owner.address);
        await expect(f.pp.claimable(1, ETH, 2)).to.be.revertedWithCustomError(f.pp, "SplitNotPayee");
      });

      it("reverts SplitNotFound for an unknown split", async function () {
        const f = await settledRoom();
        await expect(f.pp.connect(f.operator).claim(5, ETH, 0))
          .to.be.revertedWithCustomError(f.pp, "SplitNotFound")
          .withArgs(5);
        await expect(f.pp.claimable(0, ETH, 0))
          .to.be.revertedWithCustomError(f.pp, "SplitNotFound")
          .withArgs(0);
      });

      it("reverts NothingToClaim for a currency never registered or with an empty pool", async function () {
        const f = await settledRoom();
        expect(await f.pp.claimable(1, f.other.address, 0)).to.equal(0);
        await expect(f.pp.connect(f.operator).claim(1, f.other.address, 0))
          .to.be.revertedWithCustomError(f.pp, "NothingToClaim")
          .withArgs(f.operator.address, f.other.address);
        await expect(f.pp.connect(f.operator).claim(1, f.cadAddress, 0))
          .to.be.revertedWithCustomError(f.pp, "NothingToClaim")
          .withArgs(f.operator.address, f.cadAddress);
      });
    });

    describe("when the amounts do not divide evenly", function () {
      it("pays sums that add up exactly: claims + fees + what is still claimable = settled gross", async function () {
        const f = await loadFixture(deployFixture);
        const signers = await ethers.getSigners();
        const payees = signers.slice(10, 13);
        await f.pp.connect(f.operator).setVenuePayees(
          1,
          payees.map((p) => p.address),
          [3_333, 3_333, 3_334],
        );
        await f.pp
          .connect(f.operator)
          .updateResource(
            1,
            roomParams({ pricePerHour: 1_000_003n, pricePerDay: 20_000_001n, pricePerMonth: 400_000_007n }),
          );
        const s = f.at(3, 9);
        const ids = [];
        let cursor = s;
        for (const hours of [1n, 2n, 3n, 7n, 31n]) {
          ids.push(await bookRoom(f, cursor, cursor + hours * HOUR));
          cursor += hours * HOUR;
        }
        await time.increaseTo(f.at(10));
        await f.pp.settle(ids);
        const [gross, poolFee] = await f.pp.pool(2, ETH);
        let paid = 0n;
        for (const [i, p] of payees.entries()) {
          const amount = await f.pp.claimable(2, ETH, i);
          await f.pp.connect(p).claim(2, ETH, i);
          paid += amount;
        }
        await f.pp.claimFees(2, ETH);
        const dust = await ethers.provider.getBalance(f.address);
        expect(paid + poolFee + dust).to.equal(gross);
        expect(dust).to.equal(0n); // the rounding remainder is claimable too
        for (let i = 0; i < 3; i++) expect(await f.pp.claimable(2, ETH, i)).to.equal(0);
      });
    });

    describe("when the pool leaves a remainder below one unit per payee", function () {
      it("gives it to a defined payee (D'Hondt: the largest share, the first listed on a tie) instead of locking it", async function () {
        const f = await loadFixture(deployFixture);
        const signers = await ethers.getSigners();
        const payees = signers.slice(10, 13);
        await f.pp.connect(f.admin).setFeeBps(0);
        await f.pp.connect(f.operator).setVenuePayees(
          1,
          payees.map((p) => p.address),
          [3_333, 3_334, 3_333],
        );
        await f.pp
          .connect(f.operator)
          .updateResource(1, roomParams({ pricePerHour: 10n, pricePerDay: 240n, pricePerMonth: 7_200n }));
        const s = f.at(3, 9);
        const passId = await bookRoom(f, s, s + HOUR);
        await settled(f, [passId], s);
        // floor(10 × 33.33 %) = 3 each leaves 1: it goes to the largest share, payee 1.
        expect([
          await f.pp.claimable(2, ETH, 0),
          await f.pp.claimable(2, ETH, 1),
          await f.pp.claimable(2, ETH, 2),
        ]).to.deep.equal([3n, 4n, 3n]);
        for (const [i, p] of payees.entries()) await f.pp.connect(p).claim(2, ETH, i);
        expect(await ethers.provider.getBalance(f.address)).to.equal(0n);
      });
    });

    describe("when the treasury re-enters claimFees from its receive()", function () {
      it("pays the fees once: the nested claimFees is refused with ReentrancyGuardReentrantCall", async function () {
        const f = await loadFixture(deployFixture);
        const treasury = await ethers.deployContract("ReentrantPayee");
        const ta = await treasury.getAddress();
        await f.pp.connect(f.admin).setTreasury(ta);
        const s = f.at(3, 9);
        const passId = await bookRoom(f, s, s + DAY);
        await settled(f, [passId], s);
        const claimFees = f.pp.interface.encodeFunctionData("claimFees", [1, ETH]);
        await treasury.arm(f.address, claimFees, false);
        const tx = f.pp.connect(f.other).claimFees(1, ETH);
        await expect(tx).to.changeEtherBalances(ethers, [ta, f.address], [fee(ROOM_PRICES.day), -fee(ROOM_PRICES.day)]);
        expect(await treasury.reentries()).to.equal(1);
        expect(await treasury.lastError()).to.equal(lib.interface.getError("ReentrancyGuardReentrantCall")!.selector);
        expect(await f.pp.claimableFees(1, ETH)).to.equal(0);
      });
    });

    describe("when a payee re-enters claim from its receive()", function () {
      async function withReentrantPayee() {
        const f = await loadFixture(deployFixture);
        const payee = await ethers.deployContract("ReentrantPayee");
        const pa = await payee.getAddress();
        await f.pp.connect(f.operator).setVenuePayees(1, [pa, f.owner.address], [5_000, 5_000]);
        const s = f.at(3, 9);
        const passId = await bookRoom(f, s, s + DAY);
        await settled(f, [passId], s);
        const share = ((ROOM_PRICES.day - fee(ROOM_PRICES.day)) * 5_000n) / 10_000n;
        const claimData = f.pp.interface.encodeFunctionData("claim", [2, ETH, 0]);
        return { ...f, payee, pa, share, claimData };
      }

      it("pays exactly once: the nested claim is refused with ReentrancyGuardReentrantCall", async function () {
        const f = await withReentrantPayee();
        await f.payee.arm(f.address, f.claimData, false);
        const tx = f.payee.exec(f.address, f.claimData);
        await expect(tx).to.changeEtherBalances(ethers, [f.pa, f.address], [f.share, -f.share]);
        expect(await f.payee.reentries()).to.equal(1);
        expect(await f.payee.lastError()).to.equal(lib.interface.getError("ReentrancyGuardReentrantCall")!.selector);
        expect(await f.pp.claimable(2, ETH, 0)).to.equal(0);
      });

      it("rolls the claim back when the payee makes the payment fail", async function () {
        const f = await withReentrantPayee();
        await f.payee.arm(f.address, f.claimData, true);
        await expect(f.payee.exec(f.address, f.claimData)).to.be.revertedWithCustomError(lib, "ETHTransferFailed");
        expect(await f.pp.claimable(2, ETH, 0)).to.equal(f.share);
      });
    });

    describe("when a payee reverts on payment", function () {
      it("fails only its own claim: the other payees and the treasury are paid, and it can claim later", async function () {
        const f = await loadFixture(deployFixture);
        const payee = await ethers.deployContract("RevertingPayee");
        const pa = await payee.getAddress();
        await f.pp.connect(f.operator).setVenuePayees(1, [f.operator.address, pa], [6_000, 4_000]);
        const s = f.at(3, 9);
        const passId = await bookRoom(f, s, s + DAY);
        await settled(f, [passId], s);
        const net = ROOM_PRICES.day - fee(ROOM_PRICES.day);
        const claimData = f.pp.interface.encodeFunctionData("claim", [2, ETH, 1]);
        await expect(payee.exec(f.address, claimData)).to.be.revertedWithCustomError(lib, "ETHTransferFailed");
        await expect(f.pp.connect(f.operator).claim(2, ETH, 0)).to.changeEtherBalance(
          ethers,
          f.operator,
          (net * 6_000n) / 10_000n,
        );
        await expect(f.pp.claimFees(2, ETH)).to.changeEtherBalance(ethers, f.treasury, fee(ROOM_PRICES.day));
        await payee.setRejecting(false);
        await expect(payee.exec(f.address, claimData)).to.changeEtherBalance(ethers, pa, (net * 4_000n) / 10_000n);
      });
    });
  });

  describe("claimFees", function () {
    it("pays the treasury the split's accrued fees, whoever calls", async function () {
      const f = await withRoomBooking();
      await settled(f, [f.passId], f.start);
      expect(await f.pp.claimableFees(1, ETH)).to.equal(fee(f.price));
      const tx = f.pp.connect(f.member).claimFees(1, ETH);
      await expect(tx).to.changeEtherBalance(ethers, f.treasury, fee(f.price));
      await expect(tx).to.emit(f.pp, "FeesClaimed").withArgs(1, ETH, f.treasury.address, fee(f.price));
      expect(await f.pp.claimableFees(1, ETH)).to.equal(0);
      await expect(f.pp.claimFees(1, ETH))
        .to.be.revertedWithCustomError(f.pp, "NothingToClaim")
        .withArgs(f.treasury.address, ETH);
    });

    it("pays the current treasury after a treasury change", async function () {
      const f = await withRoomBooking();
      await settled(f, [f.passId], f.start);
      await f.pp.connect(f.admin).setTreasury(f.other.address);
      await expect(f.pp.claimFees(1, ETH)).to.changeEtherBalance(ethers, f.other, fee(f.price));
    });

    it("pays ERC-20 fees and reverts NothingToClaim for a never-registered currency", async function () {
      const f = await withDeskBooking();
      await settled(f, [f.passId], f.start - DAY + 1n);
      await expect(f.pp.claimFees(1, f.cadAddress)).to.changeTokenBalance(ethers, f.cad, f.treasury, fee(f.price));
      expect(await f.pp.claimableFees(1, f.other.address)).to.equal(0);
      expect(await f.pp.pool(1, f.other.address)).to.deep.equal([0n, 0n]);
      await expect(f.pp.claimFees(1, f.other.address))
        .to.be.revertedWithCustomError(f.pp, "NothingToClaim")
        .withArgs(f.treasury.address, f.other.address);
    });
  });

  describe("when the payees have claimed everything they earned", function () {
    it("still pays a later refund from the escrow, which is separate from the pools", async function () {
      const f = await loadFixture(deployFixture);
      const s = f.at(3, 9);
      const earned = await bookRoom(f, s, s + DAY);
      const pending = await bookRoom(f, s + 5n * DAY, s + 6n * DAY, f.other);
      const pendingOp = await bookRoom(f, s + 7n * DAY, s + 8n * DAY, f.other);
      await settled(f, [earned], s);
      await f.pp.connect(f.operator).claim(1, ETH, 0);
      await f.pp.connect(f.owner).claim(1, ETH, 1);
      await f.pp.claimFees(1, ETH);
      expect(await ethers.provider.getBalance(f.address)).to.equal(2n * ROOM_PRICES.day);
      await expect(f.pp.connect(f.other).cancel(pending)).to.changeEtherBalance(ethers, f.other, ROOM_PRICES.day);
      await expect(f.pp.connect(f.operator).cancel(pendingOp)).to.changeEtherBalance(ethers, f.other, ROOM_PRICES.day);
      expect(await ethers.provider.getBalance(f.address)).to.equal(0);
    });
  });

  describe("when the venue's shares change", function () {
    it("applies the new split to future bookings only; earned money keeps its split", async function () {
      const f = await loadFixture(deployFixture);
      const s = f.at(3, 9);
      const before = await bookRoom(f, s, s + DAY);
      await f.pp.connect(f.operator).setVenuePayees(1, [f.owner.address], [10_000]);
      const after = await bookRoom(f, s + DAY, s + 2n * DAY);
      expect((await f.pp.pass(before)).splitId).to.equal(1);
      expect((await f.pp.pass(after)).splitId).to.equal(2);
      await settled(f, [before, after], s + DAY);
      const net = ROOM_PRICES.day - fee(ROOM_PRICES.day);
      expect(await f.pp.claimable(1, ETH, 0)).to.equal((net * 7_000n) / 10_000n);
      expect(await f.pp.claimable(1, ETH, 1)).to.equal((net * 3_000n) / 10_000n);
      expect(await f.pp.claimable(2, ETH, 0)).to.equal(net);
      await expect(f.pp.connect(f.owner).claim(2, ETH, 0))
        .to.emit(f.pp, "Claimed")
        .withArgs(2, ETH, f.owner.address, net);
    });
  });

  describe("when the network fee changes", function () {
    it("applies the new fee to future bookings only", async function () {
      const f = await loadFixture(deployFixture);
      const s = f.at(3, 9);
      const before = await bookRoom(f, s, s + DAY);
      await f.pp.connect(f.admin).setFeeBps(1_000);
      const after = await bookRoom(f, s + DAY, s + 2n * DAY);
      expect((await f.pp.pass(before)).feeBps).to.equal(300);
      expect((await f.pp.pass(after)).feeBps).to.equal(1_000);
      await time.increaseTo(s + DAY);
      expect(await settledEvents(f, f.pp.settle([before, after]))).to.deep.equal([
        [before, fee(ROOM_PRICES.day)],
        [after, fee(ROOM_PRICES.day, 1_000n)],
      ]);
      expect(await f.pp.claimableFees(1, ETH)).to.equal(fee(ROOM_PRICES.day) + fee(ROOM_PRICES.day, 1_000n));
    });
  });

  describe("withdrawCredit", function () {
    it("reverts NothingToClaim without credit", async function () {
      const f = await loadFixture(deployFixture);
      await expect(f.pp.connect(f.member).withdrawCredit(ETH))
        .to.be.revertedWithCustomError(f.pp, "NothingToClaim")
        .withArgs(f.member.address, ETH);
    });
  });
});
