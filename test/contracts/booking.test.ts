import { expect } from "chai";
import type { ContractTransactionResponse } from "ethers";
import {
  ANY_UNIT,
  CAD,
  DAY,
  DESK_PRICES,
  ETH,
  HOUR,
  MONTH,
  ROOM_PRICES,
  bookDesk,
  bookRoom,
  deployFixture,
  ethers,
  lib,
  loadFixture,
  networkHelpers,
  roomParams,
  signPermit,
  time,
  utc,
  type Fixture,
  TERMS,
} from "./helpers/fixture.ts";

async function bookedEvent(f: Fixture, tx: ContractTransactionResponse) {
  const receipt = await tx.wait();
  for (const log of receipt!.logs) {
    const parsed = f.pp.interface.parseLog(log);
    if (parsed?.name === "Booked") return parsed.args;
  }
  throw new Error("no Booked event");
}

describe("Passepartout bookings", function () {
  describe("quote", function () {
    it("charges the cheapest cover by months, days and hours", async function () {
      const f = await loadFixture(deployFixture);
      const s = f.at(10, 9);
      const q = (h: bigint) => f.pp.quote(1, s, s + h * HOUR);
      expect(await q(1n)).to.equal(ROOM_PRICES.hour);
      expect(await q(4n)).to.equal(4n * ROOM_PRICES.hour);
      expect(await q(5n)).to.equal(ROOM_PRICES.day); // 5 hours cost as much as the day
      expect(await q(10n)).to.equal(ROOM_PRICES.day); // 10 hours never cost more than a day
      expect(await q(24n)).to.equal(ROOM_PRICES.day);
      expect(await q(25n)).to.equal(ROOM_PRICES.day + ROOM_PRICES.hour);
      expect(await q(720n)).to.equal(ROOM_PRICES.month);
      expect(await q(600n)).to.equal(ROOM_PRICES.month); // 25 days at 0.05 = 1.25 > one month
      expect(await q(721n)).to.equal(ROOM_PRICES.month + ROOM_PRICES.hour);
    });

    it("caps a day at 24 hourly prices and a month at 30 daily prices when those are cheaper", async function () {
      const f = await loadFixture(deployFixture);
      await f.pp
        .connect(f.operator)
        .updateResource(1, roomParams({ pricePerHour: 10n, pricePerDay: 1_000n, pricePerMonth: 1_000_000n }));
      const s = f.at(10);
      expect(await f.pp.quote(1, s, s + DAY)).to.equal(240n);
      expect(await f.pp.quote(1, s, s + MONTH)).to.equal(7_200n);
      expect(await f.pp.quote(1, s, s + MONTH + 2n * HOUR)).to.equal(7_220n);
    });

    it("never charges less for a longer window", async function () {
      const f = await loadFixture(deployFixture);
      const s = f.at(10);
      let previous = 0n;
      for (const h of [1n, 2n, 5n, 6n, 23n, 24n, 25n, 29n, 48n, 49n, 500n, 719n, 720n, 721n, 745n, 1440n, 8784n]) {
        const price = await f.pp.quote(1, s, s + h * HOUR);
        expect(price >= previous, `${h} h`).to.equal(true);
        previous = price;
      }
    });

    it("reverts ResourceNotFound and BookingNotOnGrid", async function () {
      const f = await loadFixture(deployFixture);
      const s = f.at(10);
      await expect(f.pp.quote(9, s, s + HOUR))
        .to.be.revertedWithCustomError(f.pp, "ResourceNotFound")
        .withArgs(9);
      await expect(f.pp.quote(1, s + 1n, s + HOUR))
        .to.be.revertedWithCustomError(f.pp, "BookingNotOnGrid")
        .withArgs(s + 1n, s + HOUR);
      await expect(f.pp.quote(1, s, s + HOUR + 60n))
        .to.be.revertedWithCustomError(f.pp, "BookingNotOnGrid")
        .withArgs(s, s + HOUR + 60n);
      await expect(f.pp.quote(1, s, s))
        .to.be.revertedWithCustomError(f.pp, "BookingNotOnGrid")
        .withArgs(s, s);
      await expect(f.pp.quote(1, s + HOUR, s))
        .to.be.revertedWithCustomError(f.pp, "BookingNotOnGrid")
        .withArgs(s + HOUR, s);
    });
  });

  describe("isUnitFree", function () {
    it("tells whether a unit is free over a window", async function () {
      const f = await loadFixture(deployFixture);
      const s = f.at(3, 9);
      await bookRoom(f, s, s + 2n * HOUR);
      expect(await f.pp.isUnitFree(1, 0, s, s + HOUR)).to.equal(false);
      expect(await f.pp.isUnitFree(1, 0, s + HOUR, s + 3n * HOUR)).to.equal(false);
      expect(await f.pp.isUnitFree(1, 0, s - HOUR, s)).to.equal(true);
      expect(await f.pp.isUnitFree(1, 0, s + 2n * HOUR, s + 3n * HOUR)).to.equal(true);
    });

    it("reverts ResourceNotFound, BookingNotOnGrid and BookingUnitOutOfRange", async function () {
      const f = await loadFixture(deployFixture);
      const s = f.at(3);
      await expect(f.pp.isUnitFree(9, 0, s, s + HOUR))
        .to.be.revertedWithCustomError(f.pp, "ResourceNotFound")
        .withArgs(9);
      await expect(f.pp.isUnitFree(1, 0, s, s - HOUR))
        .to.be.revertedWithCustomError(f.pp, "BookingNotOnGrid")
        .withArgs(s, s - HOUR);
      await expect(f.pp.isUnitFree(2, 3, s, s + HOUR))
        .to.be.revertedWithCustomError(f.pp, "BookingUnitOutOfRange")
        .withArgs(3, 3);
    });
  });

  describe("book in ETH", function () {
    describe("when the request is valid", function () {
      it("escrows the exact price, mints the pass and records the booking", async function () {
        const f = await loadFixture(deployFixture);
        const s = f.at(2, 9);
        const e = s + 2n * HOUR;
        const price = 2n * ROOM_PRICES.hour;
        const tx = await f.pp
          .connect(f.member)
          .book(1, s, e, ANY_UNIT, price, f.member.address, ...TERMS[1], { value: price });
        await expect(tx).to.changeEtherBalances(ethers, [f.member, f.address], [-price, price]);
        await expect(tx).to.emit(f.pp, "Transfer").withArgs(ethers.ZeroAddress, f.member.address, 1);
        const ev = await bookedEvent(f, tx);
        expect([
          ev.passId,
          ev.resourceId,
          ev.holder,
          ev.payer,
          ev.unit,
          ev.start,
          ev.end,
          ev.currency,
          ev.amount,
          ev.splitId,
        ]).to.deep.equal([1n, 1n, f.member.address, f.member.address, 0n, s, e, ETH, price, 1n]);
        expect(await f.pp.ownerOf(1)).to.equal(f.member.address);
        expect(await f.pp.balanceOf(f.member.address)).to.equal(1);
        expect(await f.pp.nextPassId()).to.equal(2);
        const p = await f.pp.pass(1);
        expect(p.holder).to.equal(f.member.address);
        expect(p.resourceId).to.equal(1);
        expect(p.unit).to.equal(0);
        expect(p.start).to.equal(s);
        expect(p.end).to.equal(e);
        expect(p.currency).to.equal(ETH);
        expect(p.amount).to.equal(price);
        expect(p.splitId).to.equal(1);
        expect(p.feeBps).to.equal(300);
        expect(p.policyId).to.equal(1);
        expect(p.releaseTime).to.equal(s); // policy 1 refunds 50 % until the start
        expect(p.settled).to.equal(false);
        expect(await f.pp.isUnitFree(1, 0, s, e)).to.equal(false);
      });

      it("returns the change of an overpayment to the payer", async function () {
        const f = await loadFixture(deployFixture);
        const s = f.at(2, 9);
        const price = ROOM_PRICES.hour;
        const tx = f.pp
          .connect(f.member)
          .book(1, s, s + HOUR, ANY_UNIT, price, f.member.address, ...TERMS[1], { value: price * 10n });
        await expect(tx).to.changeEtherBalances(ethers, [f.member, f.address], [-price, price]);
      });

      it("mints to a recipient other than the payer", async function () {
        const f = await loadFixture(deployFixture);
        const s = f.at(2, 9);
        const tx = await f.pp
          .connect(f.member)
          .book(1, s, s + HOUR, ANY_UNIT, ROOM_PRICES.hour, f.other.address, ...TERMS[1], { value: ROOM_PRICES.hour });
        const ev = await bookedEvent(f, tx);
        expect(ev.holder).to.equal(f.other.address);
        expect(ev.payer).to.equal(f.member.address);
        expect(await f.pp.ownerOf(1)).to.equal(f.other.address);
      });

      it("books the slot that contains now (walk in and book)", async function () {
        const f = await loadFixture(deployFixture);
        await time.increaseTo(f.at(0, 10) + 1_800n); // 10:30
        const s = f.at(0, 10);
        await bookRoom(f, s, s + HOUR);
        expect((await f.pp.pass(1)).start).to.equal(s);
      });

      it("books up to the horizon and no further", async function () {
        const f = await loadFixture(deployFixture);
        await f.pp.connect(f.operator).updateResource(1, roomParams({ horizonHours: 48 }));
        const now = await time.latest();
        const slot = (BigInt(now) / HOUR) * HOUR;
        const latest = slot + 48n * HOUR;
        // The next block is one second later, still in the same slot.
        await bookRoom(f, latest, latest + HOUR);
        await expect(
          f.pp
            .connect(f.member)
            .book(1, latest + HOUR, latest + 2n * HOUR, ANY_UNIT, ROOM_PRICES.hour, f.member.address, ...TERMS[1], {
              value: ROOM_PRICES.hour,
            }),
        )
          .to.be.revertedWithCustomError(f.pp, "BookingBeyondHorizon")
          .withArgs(latest + HOUR, latest);
      });

      it("picks the lowest free unit, or the unit the member names", async function () {
        const f = await loadFixture(deployFixture);
        const s = f.at(5, 9);
        await bookDesk(f, s, s + HOUR, f.member, 1);
        await bookDesk(f, s, s + HOUR);
        await bookDesk(f, s, s + HOUR);
        expect((await f.pp.pass(1)).unit).to.equal(1);
        expect((await f.pp.pass(2)).unit).to.equal(0);
        expect((await f.pp.pass(3)).unit).to.equal(2);
      });

      it("lets back-to-back bookings share a boundary ([start, end) windows)", async function () {
        const f = await loadFixture(deployFixture);
        const s = f.at(5, 9);
        await bookRoom(f, s, s + HOUR);
        await bookRoom(f, s + HOUR, s + 2n * HOUR, f.other);
        await bookRoom(f, s - HOUR, s, f.other);
        expect(await f.pp.balanceOf(f.other.address)).to.equal(2);
      });
    });

    describe("when the request is invalid", function () {
      it("reverts without data when a term's word has dirty high bits (the ABI decoder checks each one)", async function () {
        const f = await loadFixture(deployFixture);
        const s = f.at(2);
        const data = f.pp.interface.encodeFunctionData("book", [
          1,
          s,
          s + HOUR,
          ANY_UNIT,
          ROOM_PRICES.hour,
          f.member.address,
          ...TERMS[1],
        ]);
        // Each of the eight static words (after the 4-byte selector), with a bit set above its type.
        const word = (i: number) => 10 + 64 * i;
        const dirty = [0, 1, 2, 3, 5, 6, 7].map((i) => data.slice(0, word(i)) + "01" + data.slice(word(i) + 2));
        for (const d of dirty)
          await expect(
            f.member.sendTransaction({ to: f.address, data: d, value: ROOM_PRICES.hour }),
          ).to.be.revertedWithoutReason(ethers);
        expect(await f.pp.nextPassId()).to.equal(1n);
        await f.member.sendTransaction({ to: f.address, data, value: ROOM_PRICES.hour });
        expect(await f.pp.nextPassId()).to.equal(2n);
      });

      it("reverts ZeroAddress for the zero recipient", async function () {
        const f = await loadFixture(deployFixture);
        const s = f.at(2);
        await expect(
          f.pp.connect(f.member).book(1, s, s + HOUR, ANY_UNIT, ROOM_PRICES.hour, ethers.ZeroAddress, ...TERMS[1], {
            value: ROOM_PRICES.hour,
          }),
        ).to.be.revertedWithCustomError(f.pp, "ZeroAddress");
      });

      it("reverts ResourceNotFound for an unknown resource", async function () {
        const f = await loadFixture(deployFixture);
        const s = f.at(2);
        await expect(f.pp.connect(f.member).book(8, s, s + HOUR, ANY_UNIT, 1n, f.member.address, ...TERMS[1]))
          .to.be.revertedWithCustomError(f.pp, "ResourceNotFound")
          .withArgs(8);
      });

      it("reverts VenueIsPaused while the venue is paused, and books again once unpaused", async function () {
        const f = await loadFixture(deployFixture);
        const s = f.at(2);
        await f.pp.connect(f.operator).setVenuePaused(1, true);
        await expect(
          f.pp.connect(f.member).book(1, s, s + HOUR, ANY_UNIT, ROOM_PRICES.hour, f.member.address, ...TERMS[1], {
            value: ROOM_PRICES.hour,
          }),
        )
          .to.be.revertedWithCustomError(f.pp, "VenueIsPaused")
          .withArgs(1);
        await f.pp.connect(f.operator).setVenuePaused(1, false);
        await bookRoom(f, s, s + HOUR);
      });

      it("reverts BookingNotOnGrid off the hour grid", async function () {
        const f = await loadFixture(deployFixture);
        const s = f.at(2);
        await expect(
          f.pp.connect(f.member).book(1, s + 60n, s + HOUR, ANY_UNIT, ROOM_PRICES.hour, f.member.address, ...TERMS[1], {
            value: ROOM_PRICES.hour,
          }),
        )
          .to.be.revertedWithCustomError(f.pp, "BookingNotOnGrid")
          .withArgs(s + 60n, s + HOUR);
      });

      it("reverts BookingInPast for a slot before the current one", async function () {
        const f = await loadFixture(deployFixture);
        await time.increaseTo(f.at(1, 10) + 5n);
        const current = f.at(1, 10);
        await expect(
          f.pp
            .connect(f.member)
            .book(1, current - HOUR, current, ANY_UNIT, ROOM_PRICES.hour, f.member.address, ...TERMS[1], {
              value: ROOM_PRICES.hour,
            }),
        )
          .to.be.revertedWithCustomError(f.pp, "BookingInPast")
          .withArgs(current - HOUR, current);
      });

      it("reverts BookingDurationOutOfRange outside the resource's min/max hours", async function () {
        const f = await loadFixture(deployFixture);
        await f.pp.connect(f.operator).updateResource(1, roomParams({ minHours: 2, maxHours: 3 }));
        const s = f.at(2);
        await expect(
          f.pp.connect(f.member).book(1, s, s + HOUR, ANY_UNIT, ethers.MaxUint256, f.member.address, ...TERMS[1], {
            value: ROOM_PRICES.day,
          }),
        )
          .to.be.revertedWithCustomError(f.pp, "BookingDurationOutOfRange")
          .withArgs(1, 2, 3);
        await expect(
          f.pp.connect(f.member).book(1, s, s + 4n * HOUR, ANY_UNIT, ethers.MaxUint256, f.member.address, ...TERMS[1], {
            value: ROOM_PRICES.day,
          }),
        )
          .to.be.revertedWithCustomError(f.pp, "BookingDurationOutOfRange")
          .withArgs(4, 2, 3);
      });

      it("reverts BookingPriceAboveMax when the price exceeds the caller's maximum", async function () {
        const f = await loadFixture(deployFixture);
        const s = f.at(2);
        await expect(
          f.pp.connect(f.member).book(1, s, s + 2n * HOUR, ANY_UNIT, ROOM_PRICES.hour, f.member.address, ...TERMS[1], {
            value: ROOM_PRICES.day,
          }),
        )
          .to.be.revertedWithCustomError(f.pp, "BookingPriceAboveMax")
          .withArgs(2n * ROOM_PRICES.hour, ROOM_PRICES.hour);
      });

      it("reverts BookingWrongPayment when too little ETH is sent", async function () {
        const f = await loadFixture(deployFixture);
        const s = f.at(2);
        await expect(
          f.pp.connect(f.member).book(1, s, s + HOUR, ANY_UNIT, ROOM_PRICES.hour, f.member.address, ...TERMS[1], {
            value: ROOM_PRICES.hour - 1n,
          }),
        )
          .to.be.revertedWithCustomError(f.pp, "BookingWrongPayment")
          .withArgs(ROOM_PRICES.hour - 1n, ROOM_PRICES.hour);
      });

      it("reverts BookingUnitOutOfRange for a unit the resource does not have", async function () {
        const f = await loadFixture(deployFixture);
        const s = f.at(2);
        await expect(f.pp.connect(f.member).book(2, s, s + HOUR, 3, ethers.MaxUint256, f.member.address, ...TERMS[2]))
          .to.be.revertedWithCustomError(f.pp, "BookingUnitOutOfRange")
          .withArgs(3, 3);
      });

      it("reverts BookingSlotTaken when the named unit is taken in any slot of the window", async function () {
        const f = await loadFixture(deployFixture);
        const s = f.at(2, 9);
        await bookDesk(f, s + 2n * HOUR, s + 3n * HOUR, f.member, 1);
        await expect(
          f.pp.connect(f.other).book(2, s, s + 3n * HOUR, 1, ethers.MaxUint256, f.other.address, ...TERMS[2]),
        )
          .to.be.revertedWithCustomError(f.pp, "BookingSlotTaken")
          .withArgs(2, 1);
      });

      it("reverts BookingNoFreeUnit when every unit is taken", async function () {
        const f = await loadFixture(deployFixture);
        const s = f.at(2, 9);
        for (let i = 0; i < 3; i++) await bookDesk(f, s, s + HOUR);
        await expect(
          f.pp.connect(f.other).book(2, s, s + HOUR, ANY_UNIT, ethers.MaxUint256, f.other.address, ...TERMS[2]),
        )
          .to.be.revertedWithCustomError(f.pp, "BookingNoFreeUnit")
          .withArgs(2, s, s + HOUR);
      });

      it("changes nothing when it reverts", async function () {
        const f = await loadFixture(deployFixture);
        const s = f.at(2);
        const before = await ethers.provider.getBalance(f.address);
        await expect(
          f.pp
            .connect(f.member)
            .book(1, s, s + HOUR, ANY_UNIT, 0n, f.member.address, ...TERMS[1], { value: ROOM_PRICES.hour }),
        ).to.be.revertedWithCustomError(f.pp, "BookingPriceAboveMax");
        expect(await f.pp.nextPassId()).to.equal(1);
        expect(await f.pp.isUnitFree(1, 0, s, s + HOUR)).to.equal(true);
        expect(await ethers.provider.getBalance(f.address)).to.equal(before);
      });
    });

    describe("when the network is paused", function () {
      it("reverts NetworkPaused", async function () {
        const f = await loadFixture(deployFixture);
        await f.pp.connect(f.admin).setNetworkPaused(true);
        const s = f.at(2);
        await expect(
          f.pp.connect(f.member).book(1, s, s + HOUR, ANY_UNIT, ROOM_PRICES.hour, f.member.address, ...TERMS[1], {
            value: ROOM_PRICES.hour,
          }),
        ).to.be.revertedWithCustomError(f.pp, "NetworkPaused");
        await expect(
          f.pp.connect(f.member).book(2, s, s + HOUR, ANY_UNIT, ethers.MaxUint256, f.member.address, ...TERMS[2]),
        ).to.be.revertedWithCustomError(f.pp, "NetworkPaused");
      });
    });

    describe("when the price is raised while the booking is pending", function () {
      it("reverts BookingPriceAboveMax instead of charging the new price", async function () {
        const f = await loadFixture(deployFixture);
        const s = f.at(2, 9);
        const quoted = await f.pp.quote(1, s, s + HOUR);
        // The operator's price change lands first in the same block.
        await ethers.provider.send("evm_setAutomine", [false]);
        let raise, booking;
        try {
          raise = await f.pp
            .connect(f.operator)
            .updateResource(1, roomParams({ pricePerHour: ROOM_PRICES.hour * 3n }), { gasLimit: 500_000 });
          booking = await f.pp.connect(f.member).book(1, s, s + HOUR, ANY_UNIT, quoted, f.member.address, ...TERMS[1], {
            value: quoted * 5n,
            gasLimit: 500_000,
          });
          await networkHelpers.mine();
        } finally {
          await ethers.provider.send("evm_setAutomine", [true]);
        }
        expect((await ethers.provider.getTransactionReceipt(raise.hash))!.status).to.equal(1);
        expect((await ethers.provider.getTransactionReceipt(booking.hash))!.status).to.equal(0);
        expect(await f.pp.nextPassId()).to.equal(1);
        await expect(
          f.pp
            .connect(f.member)
            .book(1, s, s + HOUR, ANY_UNIT, quoted, f.member.address, ...TERMS[1], { value: quoted * 5n }),
        )
          .to.be.revertedWithCustomError(f.pp, "BookingPriceAboveMax")
          .withArgs(ROOM_PRICES.hour * 3n, quoted);
      });
    });

    describe("when the operator changes the terms while the booking is pending", function () {
      it("reverts BookingTermsChanged when a switch to no refund lands first in the same block", async function () {
        const f = await loadFixture(deployFixture);
        const s = f.at(2, 9);
        await ethers.provider.send("evm_setAutomine", [false]);
        let change, booking;
        try {
          change = await f.pp.connect(f.operator).updateResource(1, roomParams({ policyId: 0 }), { gasLimit: 500_000 });
          booking = await f.pp
            .connect(f.member)
            .book(1, s, s + HOUR, ANY_UNIT, ROOM_PRICES.hour, f.member.address, ...TERMS[1], {
              value: ROOM_PRICES.hour,
              gasLimit: 500_000,
            });
          await networkHelpers.mine();
        } finally {
          await ethers.provider.send("evm_setAutomine", [true]);
        }
        expect((await ethers.provider.getTransactionReceipt(change.hash))!.status).to.equal(1);
        expect((await ethers.provider.getTransactionReceipt(booking.hash))!.status).to.equal(0);
        await expect(
          f.pp.connect(f.member).book(1, s, s + HOUR, ANY_UNIT, ROOM_PRICES.hour, f.member.address, ...TERMS[1], {
            value: ROOM_PRICES.hour,
          }),
        )
          .to.be.revertedWithCustomError(f.pp, "BookingTermsChanged")
          .withArgs(1, 0, true);
        // With the new terms pinned, the booking goes through.
        await f.pp
          .connect(f.member)
          .book(1, s, s + HOUR, ANY_UNIT, ROOM_PRICES.hour, f.member.address, 0, true, { value: ROOM_PRICES.hour });
        expect((await f.pp.pass(1)).policyId).to.equal(0);
      });

      it("reverts BookingTermsChanged when the resource became soulbound, in ETH and with a permit", async function () {
        const f = await loadFixture(deployFixture);
        await f.pp.connect(f.operator).updateResource(1, roomParams({ transferable: false }));
        const s = f.at(2, 9);
        await expect(
          f.pp.connect(f.member).book(1, s, s + HOUR, ANY_UNIT, ROOM_PRICES.hour, f.member.address, ...TERMS[1], {
            value: ROOM_PRICES.hour,
          }),
        )
          .to.be.revertedWithCustomError(f.pp, "BookingTermsChanged")
          .withArgs(1, 1, false);
        await f.pp.connect(f.operator).updateResource(
          2,
          roomParams({
            name: "Bureaux partagés",
            units: 3,
            currency: f.cadAddress,
            pricePerHour: DESK_PRICES.hour,
            pricePerDay: DESK_PRICES.day,
            pricePerMonth: DESK_PRICES.month,
            graceSeconds: 0,
            policyId: 2,
            transferable: false,
          }),
        );
        const sig = await signPermit(f, f.member, f.address, CAD(5), f.at(1));
        await expect(
          f.pp
            .connect(f.member)
            .bookWithPermit(
              2,
              s,
              s + HOUR,
              ANY_UNIT,
              CAD(5),
              f.member.address,
              ...TERMS[2],
              f.at(1),
              sig.v,
              sig.r,
              sig.s,
            ),
        )
          .to.be.revertedWithCustomError(f.pp, "BookingTermsChanged")
          .withArgs(2, 2, false);
      });
    });

    describe("when two members race for the last unit in the same block", function () {
      it("lets exactly one of them book it", async function () {
        const f = await loadFixture(deployFixture);
        const s = f.at(4, 14);
        await bookDesk(f, s, s + HOUR);
        await bookDesk(f, s, s + HOUR);
        await ethers.provider.send("evm_setAutomine", [false]);
        let a, b;
        try {
          a = await f.pp
            .connect(f.member)
            .book(2, s, s + HOUR, ANY_UNIT, DESK_PRICES.hour, f.member.address, ...TERMS[2], { gasLimit: 500_000 });
          b = await f.pp
            .connect(f.other)
            .book(2, s, s + HOUR, ANY_UNIT, DESK_PRICES.hour, f.other.address, ...TERMS[2], { gasLimit: 500_000 });
          await networkHelpers.mine();
        } finally {
          await ethers.provider.send("evm_setAutomine", [true]);
        }
        const ra = (await ethers.provider.getTransactionReceipt(a.hash))!;
        const rb = (await ethers.provider.getTransactionReceipt(b.hash))!;
        expect(ra.blockNumber).to.equal(rb.blockNumber);
        expect([ra.status, rb.status].sort()).to.deep.equal([0, 1]);
        expect(await f.pp.nextPassId()).to.equal(4);
        const winner = ra.status === 1 ? f.member : f.other;
        const loser = ra.status === 1 ? f.other : f.member;
        expect(await f.pp.ownerOf(3)).to.equal(winner.address);
        expect((await f.pp.pass(3)).unit).to.equal(2);
        await expect(f.pp.connect(loser).book(2, s, s + HOUR, ANY_UNIT, DESK_PRICES.hour, loser.address, ...TERMS[2]))
          .to.be.revertedWithCustomError(f.pp, "BookingNoFreeUnit")
          .withArgs(2, s, s + HOUR);
      });
    });

    describe("when the booking crosses a month boundary", function () {
      it("books Jan 31 22:00 → Feb 1 02:00 UTC as four hours and blocks exactly those slots", async function () {
        const f = await loadFixture(deployFixture);
        const s = utc(f.year + 1, 1, 31, 22);
        const e = utc(f.year + 1, 2, 1, 2);
        expect(await f.pp.quote(1, s, e)).to.equal(4n * ROOM_PRICES.hour);
        await bookRoom(f, s, e);
        const p = await f.pp.pass(1);
        expect([p.start, p.end]).to.deep.equal([s, e]);
        for (let h = 0n; h < 4n; h++)
          expect(await f.pp.isUnitFree(1, 0, s + h * HOUR, s + (h + 1n) * HOUR)).to.equal(false);
        expect(await f.pp.isUnitFree(1, 0, s - HOUR, s)).to.equal(true);
        expect(await f.pp.isUnitFree(1, 0, e, e + HOUR)).to.equal(true);
        await expect(
          f.pp
            .connect(f.other)
            .book(
              1,
              utc(f.year + 1, 2, 1, 1),
              utc(f.year + 1, 2, 1, 3),
              0,
              ethers.MaxUint256,
              f.other.address,
              ...TERMS[1],
              { value: ROOM_PRICES.day },
            ),
        )
          .to.be.revertedWithCustomError(f.pp, "BookingSlotTaken")
          .withArgs(1, 0);
      });
    });

    describe("when a whole 720-hour month is booked", function () {
      it("charges the monthly price and occupies every one of its slots, across bitmap words", async function () {
        const f = await loadFixture(deployFixture);
        const s = f.at(3);
        const e = s + MONTH;
        expect(await f.pp.quote(1, s, e)).to.equal(ROOM_PRICES.month);
        const tx = f.pp
          .connect(f.member)
          .book(1, s, e, ANY_UNIT, ROOM_PRICES.month, f.member.address, ...TERMS[1], { value: ROOM_PRICES.month });
        await expect(tx).to.changeEtherBalance(ethers, f.member, -ROOM_PRICES.month);
        expect(await f.pp.isUnitFree(1, 0, s, e)).to.equal(false);
        for (const h of [0n, 255n, 256n, 511n, 512n, 719n]) {
          expect(await f.pp.isUnitFree(1, 0, s + h * HOUR, s + (h + 1n) * HOUR), `hour ${h}`).to.equal(false);
        }
        expect(await f.pp.isUnitFree(1, 0, e, e + DAY)).to.equal(true);
        expect(await f.pp.isUnitFree(1, 0, s - DAY, s)).to.equal(true);
        await expect(
          f.pp.connect(f.other).book(1, e - HOUR, e + HOUR, ANY_UNIT, ethers.MaxUint256, f.other.address, ...TERMS[1], {
            value: ROOM_PRICES.day,
          }),
        )
          .to.be.revertedWithCustomError(f.pp, "BookingNoFreeUnit")
          .withArgs(1, e - HOUR, e + HOUR);
        await bookRoom(f, e, e + HOUR, f.other);
      });

      it("books the 366-day maximum", async function () {
        const f = await loadFixture(deployFixture);
        const s = f.at(1);
        const e = s + 8784n * HOUR;
        const price = await f.pp.quote(1, s, e);
        expect(price).to.equal(12n * ROOM_PRICES.month + 6n * ROOM_PRICES.day);
        await bookRoom(f, s, e);
        expect((await f.pp.pass(1)).end).to.equal(e);
      });
    });
  });

  describe("book in an ERC-20", function () {
    describe("when the member approved the contract", function () {
      it("pulls exactly the price in TestCAD", async function () {
        const f = await loadFixture(deployFixture);
        const s = f.at(2, 9);
        const tx = await f.pp
          .connect(f.member)
          .book(2, s, s + 2n * HOUR, ANY_UNIT, CAD(10), f.member.address, ...TERMS[2]);
        await expect(tx).to.changeTokenBalances(ethers, f.cad, [f.member, f.address], [-CAD(10), CAD(10)]);
        const ev = await bookedEvent(f, tx);
        expect(ev.currency).to.equal(f.cadAddress);
        expect(ev.amount).to.equal(CAD(10));
        expect((await f.pp.pass(1)).currency).to.equal(f.cadAddress);
        expect((await f.pp.pass(1)).releaseTime).to.equal(s - DAY + 1n); // policy 2 refunds until 24 h before, included
      });
    });

    describe("when the payment is wrong", function () {
      it("reverts BookingWrongPayment when ETH is sent along", async function () {
        const f = await loadFixture(deployFixture);
        const s = f.at(2);
        await expect(
          f.pp.connect(f.member).book(2, s, s + HOUR, ANY_UNIT, CAD(5), f.member.address, ...TERMS[2], { value: 1n }),
        )
          .to.be.revertedWithCustomError(f.pp, "BookingWrongPayment")
          .withArgs(1n, 0n);
      });

      it("reverts TransferFromFailed without allowance", async function () {
        const f = await loadFixture(deployFixture);
        const s = f.at(2);
        await f.cad.connect(f.member).approve(f.address, CAD(5) - 1n);
        await expect(
          f.pp.connect(f.member).book(2, s, s + HOUR, ANY_UNIT, CAD(5), f.member.address, ...TERMS[2]),
        ).to.be.revertedWithCustomError(lib, "TransferFromFailed");
      });
    });

    describe("when the token takes a fee on transfer", function () {
      async function withFeeToken() {
        const f = await loadFixture(deployFixture);
        const token = await ethers.deployContract("FeeOnTransferToken");
        const ta = await token.getAddress();
        await f.pp.connect(f.admin).setCurrencyAllowed(ta, true);
        await f.pp.connect(f.operator).createResource(
          1,
          roomParams({
            name: "Salle de banquet",
            currency: ta,
            pricePerHour: 200n,
            pricePerDay: 2_000n,
            pricePerMonth: 20_000n,
          }),
        );
        await token.mint(f.member.address, 10_000n);
        await token.connect(f.member).approve(f.address, 10_000n);
        return { ...f, token, ta };
      }

      it("reverts CurrencyTransferMismatch with what arrived, so the escrow never exceeds the balance", async function () {
        const f = await withFeeToken();
        const s = f.at(2, 9);
        await expect(f.pp.connect(f.member).book(4, s, s + HOUR, ANY_UNIT, 200n, f.member.address, ...TERMS[4]))
          .to.be.revertedWithCustomError(f.pp, "CurrencyTransferMismatch")
          .withArgs(f.ta, 200n, 198n);
        expect(await f.token.balanceOf(f.address)).to.equal(0n);
      });

      it("books while the fee is off and refuses once it is switched on after allow-listing", async function () {
        const f = await withFeeToken();
        await f.token.setFeeBps(0);
        const s = f.at(2, 9);
        await f.pp.connect(f.member).book(4, s, s + HOUR, ANY_UNIT, 200n, f.member.address, ...TERMS[4]);
        expect(await f.token.balanceOf(f.address)).to.equal(200n);
        await f.token.setFeeBps(100);
        await expect(
          f.pp.connect(f.member).book(4, s + HOUR, s + 2n * HOUR, ANY_UNIT, 200n, f.member.address, ...TERMS[4]),
        )
          .to.be.revertedWithCustomError(f.pp, "CurrencyTransferMismatch")
          .withArgs(f.ta, 200n, 198n);
      });
    });

    describe("when the admin has since forbidden the token", function () {
      it("reverts CurrencyNotAllowed for new bookings", async function () {
        const f = await loadFixture(deployFixture);
        await f.pp.connect(f.admin).setCurrencyAllowed(f.cadAddress, false);
        const s = f.at(2);
        await expect(f.pp.connect(f.member).book(2, s, s + HOUR, ANY_UNIT, CAD(5), f.member.address, ...TERMS[2]))
          .to.be.revertedWithCustomError(f.pp, "CurrencyNotAllowed")
          .withArgs(f.cadAddress);
      });
    });
  });

  describe("bookWithPermit", function () {
    async function newcomer(f: Fixture) {
      const signer = (await ethers.getSigners())[12];
      await f.cad.mint(signer.address, CAD(1_000));
      return signer;
    }

    describe("when the permit is valid", function () {
      it("approves and pays in one transaction without a prior approval", async function () {
        const f = await loadFixture(deployFixture);
        const m = await newcomer(f);
        const s = f.at(2, 9);
        const deadline = f.at(1);
        const sig = await signPermit(f, m, f.address, CAD(10), deadline);
        const tx = f.pp
          .connect(m)
          .bookWithPermit(
            2,
            s,
            s + 2n * HOUR,
            ANY_UNIT,
            CAD(10),
            m.address,
            ...TERMS[2],
            deadline,
            sig.v,
            sig.r,
            sig.s,
          );
        await expect(tx).to.changeTokenBalances(ethers, f.cad, [m, f.address], [-CAD(10), CAD(10)]);
        expect(await f.pp.ownerOf(1)).to.equal(m.address);
        expect(await f.cad.allowance(m.address, f.address)).to.equal(0n); // permit was for the exact max price
      });
    });

    describe("when a front-runner already submitted the permit", function () {
      it("still books with the allowance that permit set", async function () {
        const f = await loadFixture(deployFixture);
        const m = await newcomer(f);
        const s = f.at(2, 9);
        const deadline = f.at(1);
        const sig = await signPermit(f, m, f.address, CAD(10), deadline);
        await f.cad.connect(f.other).permit(m.address, f.address, CAD(10), deadline, sig.v, sig.r, sig.s);
        const tx = f.pp
          .connect(m)
          .bookWithPermit(2, s, s + HOUR, ANY_UNIT, CAD(10), m.address, ...TERMS[2], deadline, sig.v, sig.r, sig.s);
        await expect(tx).to.changeTokenBalance(ethers, f.cad, m, -CAD(5));
        expect(await f.pp.ownerOf(1)).to.equal(m.address);
      });
    });

    describe("when the permit is invalid and no allowance exists", function () {
      it("reverts TransferFromFailed", async function () {
        const f = await loadFixture(deployFixture);
        const m = await newcomer(f);
        const s = f.at(2);
        const deadline = f.at(1);
        const sig = await signPermit(f, f.other, f.address, CAD(10), deadline); // signed by the wrong owner
        await expect(
          f.pp
            .connect(m)
            .bookWithPermit(2, s, s + HOUR, ANY_UNIT, CAD(10), m.address, ...TERMS[2], deadline, sig.v, sig.r, sig.s),
        ).to.be.revertedWithCustomError(lib, "TransferFromFailed");
      });
    });

    describe("when the resource is paid in ETH", function () {
      it("reverts BookingWrongPayment", async function () {
        const f = await loadFixture(deployFixture);
        const s = f.at(2);
        const sig = await signPermit(f, f.member, f.address, 1n, f.at(1));
        await expect(
          f.pp
            .connect(f.member)
            .bookWithPermit(
              1,
              s,
              s + HOUR,
              ANY_UNIT,
              ROOM_PRICES.hour,
              f.member.address,
              ...TERMS[1],
              f.at(1),
              sig.v,
              sig.r,
              sig.s,
            ),
        )
          .to.be.revertedWithCustomError(f.pp, "BookingWrongPayment")
          .withArgs(0n, ROOM_PRICES.hour);
      });
    });

    describe("when the request itself is invalid", function () {
      it("reverts with the booking error, e.g. BookingPriceAboveMax", async function () {
        const f = await loadFixture(deployFixture);
        const s = f.at(2);
        const sig = await signPermit(f, f.member, f.address, CAD(1), f.at(1));
        await expect(
          f.pp
            .connect(f.member)
            .bookWithPermit(
              2,
              s,
              s + HOUR,
              ANY_UNIT,
              CAD(1),
              f.member.address,
              ...TERMS[2],
              f.at(1),
              sig.v,
              sig.r,
              sig.s,
            ),
        )
          .to.be.revertedWithCustomError(f.pp, "BookingPriceAboveMax")
          .withArgs(CAD(5), CAD(1));
      });
    });
  });

  describe("when the recipient is a contract", function () {
    it("mints to a contract that accepts ERC-721s", async function () {
      const f = await loadFixture(deployFixture);
      const receiver = await ethers.deployContract("ReentrantReceiver");
      const s = f.at(2);
      await f.pp
        .connect(f.member)
        .book(1, s, s + HOUR, ANY_UNIT, ROOM_PRICES.hour, await receiver.getAddress(), ...TERMS[1], {
          value: ROOM_PRICES.hour,
        });
      expect(await f.pp.ownerOf(1)).to.equal(await receiver.getAddress());
    });

    it("reverts TransferToNonERC721ReceiverImplementer when it answers the wrong selector", async function () {
      const f = await loadFixture(deployFixture);
      const receiver = await ethers.deployContract("ReentrantReceiver");
      await receiver.setMode(1);
      const s = f.at(2);
      await expect(
        f.pp
          .connect(f.member)
          .book(1, s, s + HOUR, ANY_UNIT, ROOM_PRICES.hour, await receiver.getAddress(), ...TERMS[1], {
            value: ROOM_PRICES.hour,
          }),
      ).to.be.revertedWithCustomError(lib, "TransferToNonERC721ReceiverImplementer");
    });

    it("bubbles the recipient's own revert", async function () {
      const f = await loadFixture(deployFixture);
      const receiver = await ethers.deployContract("ReentrantReceiver");
      await receiver.setMode(2);
      const s = f.at(2);
      await expect(
        f.pp
          .connect(f.member)
          .book(1, s, s + HOUR, ANY_UNIT, ROOM_PRICES.hour, await receiver.getAddress(), ...TERMS[1], {
            value: ROOM_PRICES.hour,
          }),
      ).to.be.revertedWithCustomError(receiver, "Rejected");
    });

    it("reverts TransferToNonERC721ReceiverImplementer when the contract has no onERC721Received at all", async function () {
      const f = await loadFixture(deployFixture);
      const s = f.at(2);
      await expect(
        f.pp
          .connect(f.member)
          .book(1, s, s + HOUR, ANY_UNIT, ROOM_PRICES.hour, f.cadAddress, ...TERMS[1], { value: ROOM_PRICES.hour }),
      ).to.be.revertedWithCustomError(lib, "TransferToNonERC721ReceiverImplementer");
    });

    it("reverts TransferToNonERC721ReceiverImplementer when the recipient reverts without a reason", async function () {
      const f = await loadFixture(deployFixture);
      const receiver = await ethers.deployContract("ReentrantReceiver");
      await receiver.setMode(3);
      const s = f.at(2);
      await expect(
        f.pp
          .connect(f.member)
          .book(1, s, s + HOUR, ANY_UNIT, ROOM_PRICES.hour, await receiver.getAddress(), ...TERMS[1], {
            value: ROOM_PRICES.hour,
          }),
      ).to.be.revertedWithCustomError(lib, "TransferToNonERC721ReceiverImplementer");
    });
  });

  describe("when the recipient re-enters from onERC721Received", function () {
    it("refuses a nested book (ReentrancyGuardReentrantCall) and the outer booking fails with it", async function () {
      const f = await loadFixture(deployFixture);
      const receiver = await ethers.deployContract("ReentrantReceiver");
      const ra = await receiver.getAddress();
      const s = f.at(2, 9);
      const nested = f.pp.interface.encodeFunctionData("book", [
        1,
        s + HOUR,
        s + 2n * HOUR,
        ANY_UNIT,
        ROOM_PRICES.hour,
        ra,
        ...TERMS[1],
      ]);
      await f.member.sendTransaction({ to: ra, value: ROOM_PRICES.hour });
      await receiver.arm(f.address, nested, ROOM_PRICES.hour, true);
      await expect(
        f.pp
          .connect(f.member)
          .book(1, s, s + HOUR, ANY_UNIT, ROOM_PRICES.hour, ra, ...TERMS[1], { value: ROOM_PRICES.hour }),
      ).to.be.revertedWithCustomError(lib, "ReentrancyGuardReentrantCall");
      expect(await f.pp.nextPassId()).to.equal(1);
    });

    it("mints exactly one pass when the receiver swallows the refused nested book", async function () {
      const f = await loadFixture(deployFixture);
      const receiver = await ethers.deployContract("ReentrantReceiver");
      const ra = await receiver.getAddress();
      const s = f.at(2, 9);
      const nested = f.pp.interface.encodeFunctionData("book", [
        1,
        s + HOUR,
        s + 2n * HOUR,
        ANY_UNIT,
        ROOM_PRICES.hour,
        ra,
        ...TERMS[1],
      ]);
      await f.member.sendTransaction({ to: ra, value: ROOM_PRICES.hour });
      await receiver.arm(f.address, nested, ROOM_PRICES.hour, false);
      await f.pp
        .connect(f.member)
        .book(1, s, s + HOUR, ANY_UNIT, ROOM_PRICES.hour, ra, ...TERMS[1], { value: ROOM_PRICES.hour });
      expect(await receiver.reentries()).to.equal(1);
      expect(await receiver.lastError()).to.equal(lib.interface.getError("ReentrancyGuardReentrantCall")!.selector);
      expect(await f.pp.balanceOf(ra)).to.equal(1);
      expect(await f.pp.isUnitFree(1, 0, s + HOUR, s + 2n * HOUR)).to.equal(true);
      expect(await ethers.provider.getBalance(f.address)).to.equal(ROOM_PRICES.hour);
    });

    it("refuses a nested cancel of a pass it already holds", async function () {
      const f = await loadFixture(deployFixture);
      const receiver = await ethers.deployContract("ReentrantReceiver");
      const ra = await receiver.getAddress();
      const s = f.at(2, 9);
      await f.pp
        .connect(f.member)
        .book(1, s, s + HOUR, ANY_UNIT, ROOM_PRICES.hour, ra, ...TERMS[1], { value: ROOM_PRICES.hour }); // pass 1
      await receiver.arm(f.address, f.pp.interface.encodeFunctionData("cancel", [1]), 0, true);
      await expect(
        f.pp
          .connect(f.member)
          .book(1, s + HOUR, s + 2n * HOUR, ANY_UNIT, ROOM_PRICES.hour, ra, ...TERMS[1], { value: ROOM_PRICES.hour }),
      ).to.be.revertedWithCustomError(lib, "ReentrancyGuardReentrantCall");
      await receiver.arm(f.address, f.pp.interface.encodeFunctionData("cancel", [1]), 0, false);
      await f.pp
        .connect(f.member)
        .book(1, s + HOUR, s + 2n * HOUR, ANY_UNIT, ROOM_PRICES.hour, ra, ...TERMS[1], { value: ROOM_PRICES.hour });
      expect(await f.pp.ownerOf(1)).to.equal(ra); // the nested cancel did not happen
      expect(await f.pp.ownerOf(2)).to.equal(ra);
    });
  });

  describe("when the payer's change cannot be returned", function () {
    it("reverts ETHTransferFailed for a payer that rejects ETH, and books when it pays exactly", async function () {
      const f = await loadFixture(deployFixture);
      const payer = await ethers.deployContract("RevertingPayee");
      const pa = await payer.getAddress();
      const s = f.at(2);
      const data = f.pp.interface.encodeFunctionData("book", [
        1,
        s,
        s + HOUR,
        ANY_UNIT,
        ROOM_PRICES.hour,
        pa,
        ...TERMS[1],
      ]);
      await expect(payer.exec(f.address, data, { value: ROOM_PRICES.hour + 1n })).to.be.revertedWithCustomError(
        lib,
        "ETHTransferFailed",
      );
      await payer.exec(f.address, data, { value: ROOM_PRICES.hour });
      expect(await f.pp.ownerOf(1)).to.equal(pa);
    });

    it("refuses a payer that re-enters book from the change refund", async function () {
      const f = await loadFixture(deployFixture);
      const payer = await ethers.deployContract("ReentrantPayee");
      const pa = await payer.getAddress();
      const s = f.at(2);
      const nested = f.pp.interface.encodeFunctionData("book", [
        1,
        s + HOUR,
        s + 2n * HOUR,
        ANY_UNIT,
        ROOM_PRICES.hour,
        f.member.address,
        ...TERMS[1],
      ]);
      await payer.arm(f.address, nested, false);
      const outer = f.pp.interface.encodeFunctionData("book", [
        1,
        s,
        s + HOUR,
        ANY_UNIT,
        ROOM_PRICES.hour,
        f.member.address,
        ...TERMS[1],
      ]);
      await payer.exec(f.address, outer, { value: ROOM_PRICES.hour * 2n });
      expect(await payer.lastError()).to.equal(lib.interface.getError("ReentrancyGuardReentrantCall")!.selector);
      expect(await f.pp.nextPassId()).to.equal(2);
      expect(await ethers.provider.getBalance(pa)).to.equal(ROOM_PRICES.hour);
    });
  });
});
