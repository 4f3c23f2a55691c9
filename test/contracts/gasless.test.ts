// Gasless calls: a member holding only the CAD stablecoin books, cancels and lends a pass through
// PassepartoutForwarder (OpenZeppelin's ERC2771Forwarder) while a sponsor pays the gas and is paid
// its fee, capped by the member's signature. Every refusal is a named error that changes nothing.
import { expect } from "chai";
import { anyValue } from "@nomicfoundation/hardhat-ethers-chai-matchers/withArgs";
import { Signature } from "ethers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import {
  ANY_UNIT,
  CAD,
  HOUR,
  TERMS,
  deployFixture,
  ethers,
  lib,
  loadFixture,
  networkHelpers,
  signPermit,
  time,
  type Fixture,
} from "./helpers/fixture.ts";
import { SPONSORED_CALL_GAS, forwardRequestTypes, forwarderDomain } from "../../protocol/gasless.ts";

const FEE = CAD("0.25");

type Request = {
  from: string;
  to: string;
  value: bigint;
  gas: bigint;
  deadline: bigint;
  data: string;
  signature: string;
};

/** The fixture plus a member with 0 ETH and 1,000 CAD, and a sponsor with ETH. */
async function gaslessFixture() {
  const f = await deployFixture();
  const signers = await ethers.getSigners();
  const member = signers[13];
  const sponsor = signers[14];
  await f.cad.mint(member.address, CAD(1_000));
  await networkHelpers.setBalance(member.address, 0);
  return { ...f, member0: member, sponsor };
}
type G = Fixture & { member0: HardhatEthersSigner; sponsor: HardhatEthersSigner };

/** A ForwardRequest for Passepartout signed by `signer` (its current nonce unless told). */
async function signRequest(
  g: G,
  signer: HardhatEthersSigner,
  data: string,
  opts: { deadline?: bigint; nonce?: bigint; value?: bigint } = {},
): Promise<Request> {
  const { chainId } = await ethers.provider.getNetwork();
  const forwarder = (await g.forwarder.getAddress()) as `0x${string}`;
  const request = {
    from: signer.address,
    to: g.address,
    value: opts.value ?? 0n,
    gas: SPONSORED_CALL_GAS,
    deadline: opts.deadline ?? g.at(30),
    data,
  };
  const nonce = opts.nonce ?? (await g.forwarder.nonces(signer.address));
  const signature = await signer.signTypedData(
    forwarderDomain(Number(chainId), forwarder),
    { ForwardRequest: [...forwardRequestTypes.ForwardRequest] },
    { ...request, nonce },
  );
  return { ...request, signature };
}

/** `bookSponsored` calldata for one desk hour at `start`, with a permit for `permitValue`. */
async function bookDeskData(
  g: G,
  start: bigint,
  opts: { maxFee?: bigint; permitValue?: bigint; signer?: HardhatEthersSigner; sponsor?: string } = {},
) {
  const signer = opts.signer ?? g.member0;
  const price = await g.pp.quote(2, start, start + HOUR);
  const maxFee = opts.maxFee ?? FEE;
  const deadline = g.at(30);
  const sig: Signature = await signPermit(g, signer, g.address, opts.permitValue ?? price + maxFee, deadline);
  const data = g.pp.interface.encodeFunctionData("bookSponsored", [
    2,
    start,
    start + HOUR,
    ANY_UNIT,
    price,
    signer.address,
    ...TERMS[2],
    opts.sponsor ?? ethers.ZeroAddress, // anyone may relay unless the member names a sponsor
    maxFee,
    deadline,
    sig.v,
    sig.r,
    sig.s,
  ]);
  return { data, price };
}

/** Everything a refused request must leave as it was. */
async function snapshot(g: G) {
  return {
    nextPassId: await g.pp.nextPassId(),
    memberCad: await g.cad.balanceOf(g.member0.address),
    sponsorCad: await g.cad.balanceOf(g.sponsor.address),
    contractCad: await g.cad.balanceOf(g.address),
    allowance: await g.cad.allowance(g.member0.address, g.address),
    permitNonce: await g.cad.nonces(g.member0.address),
    forwarderNonce: await g.forwarder.nonces(g.member0.address),
    memberEth: await ethers.provider.getBalance(g.member0.address),
  };
}

/** `cancelSponsored` calldata: any sponsor unless named, the fee cap, the minimum refund (0 unless given). */
function cancelData(g: G, passId: bigint, maxFee: bigint, opts: { sponsor?: string; minRefund?: bigint } = {}) {
  return g.pp.interface.encodeFunctionData("cancelSponsored", [
    passId,
    opts.sponsor ?? ethers.ZeroAddress,
    maxFee,
    opts.minRefund ?? 0n,
  ]);
}

/** Books a desk hour gaslessly for the 0-ETH member; returns the pass id and the price. */
async function bookGasless(g: G, start: bigint) {
  const { data, price } = await bookDeskData(g, start);
  const passId = await g.pp.nextPassId();
  await g.forwarder.connect(g.sponsor).executeSponsored(await signRequest(g, g.member0, data), FEE);
  return { passId, price };
}

describe("Gasless calls through the trusted forwarder", function () {
  it("trusts exactly the forwarder it was deployed with", async function () {
    const g = await loadFixture(gaslessFixture);
    expect(await g.pp.isTrustedForwarder(await g.forwarder.getAddress())).to.equal(true);
    expect(await g.pp.isTrustedForwarder(g.sponsor.address)).to.equal(false);
    expect(await g.pp.isTrustedForwarder(ethers.ZeroAddress)).to.equal(false);
  });

  describe("bookSponsored", function () {
    describe("when the sponsor asks a fee within the cap", function () {
      it("books for the signer, takes price and fee from its permit and pays the sponsor; the member spends no ETH", async function () {
        const g = await loadFixture(gaslessFixture);
        const s = g.at(3, 9);
        const { data, price } = await bookDeskData(g, s);
        const before = await snapshot(g);
        const passId = await g.pp.nextPassId();
        const tx = g.forwarder.connect(g.sponsor).executeSponsored(await signRequest(g, g.member0, data), FEE);
        await expect(tx)
          .to.emit(g.pp, "Booked")
          .withArgs(
            passId,
            2,
            g.member0.address,
            g.member0.address,
            0,
            s,
            s + HOUR,
            g.cadAddress,
            CAD(5),
            1,
            0, // the fixture's venue is untaxed
            0,
          );
        // The fee is on the record, so any reader of the chain can show what the member paid.
        await expect(tx).to.emit(g.pp, "SponsorFeePaid").withArgs(passId, g.sponsor.address, FEE, false);
        expect(await g.pp.ownerOf(passId)).to.equal(g.member0.address);
        expect(await g.cad.balanceOf(g.member0.address)).to.equal(before.memberCad - price - FEE);
        expect(await g.cad.balanceOf(g.sponsor.address)).to.equal(before.sponsorCad + FEE);
        expect(await g.cad.balanceOf(g.address)).to.equal(before.contractCad + price);
        expect(await g.cad.allowance(g.member0.address, g.address)).to.equal(0n);
        expect(await g.forwarder.nonces(g.member0.address)).to.equal(before.forwarderNonce + 1n);
        expect(await ethers.provider.getBalance(g.member0.address)).to.equal(0n);
      });

      it("pays the sponsor what it asked, not the cap", async function () {
        const g = await loadFixture(gaslessFixture);
        const { data, price } = await bookDeskData(g, g.at(3, 9), { maxFee: CAD(1) });
        const before = await snapshot(g);
        await g.forwarder.connect(g.sponsor).executeSponsored(await signRequest(g, g.member0, data), FEE);
        expect(await g.cad.balanceOf(g.sponsor.address)).to.equal(before.sponsorCad + FEE);
        expect(await g.cad.balanceOf(g.member0.address)).to.equal(before.memberCad - price - FEE);
      });
    });

    describe("when the network sponsors (plain ERC-2771 execute)", function () {
      it("books for the signer and charges no fee", async function () {
        const g = await loadFixture(gaslessFixture);
        const { data, price } = await bookDeskData(g, g.at(3, 9), { maxFee: 0n });
        const before = await snapshot(g);
        const passId = await g.pp.nextPassId();
        const tx = g.forwarder.connect(g.sponsor).execute(await signRequest(g, g.member0, data));
        await expect(tx).not.to.emit(g.pp, "SponsorFeePaid");
        expect(await g.pp.ownerOf(passId)).to.equal(g.member0.address);
        expect(await g.cad.balanceOf(g.member0.address)).to.equal(before.memberCad - price);
        expect(await g.cad.balanceOf(g.sponsor.address)).to.equal(before.sponsorCad);
      });
    });

    describe("when the request is bad", function () {
      it("rejects a fee above the signed cap with SponsorFeeAboveCap and changes nothing", async function () {
        const g = await loadFixture(gaslessFixture);
        const { data } = await bookDeskData(g, g.at(3, 9), { maxFee: FEE });
        const request = await signRequest(g, g.member0, data);
        const before = await snapshot(g);
        await expect(g.forwarder.connect(g.sponsor).executeSponsored(request, FEE + 1n))
          .to.be.revertedWithCustomError(g.pp, "SponsorFeeAboveCap")
          .withArgs(FEE + 1n, FEE);
        expect(await snapshot(g)).to.deep.equal(before);
      });

      it("rejects a replayed request (its nonce is used) with ERC2771ForwarderInvalidSigner", async function () {
        const g = await loadFixture(gaslessFixture);
        const { data } = await bookDeskData(g, g.at(3, 9));
        const request = await signRequest(g, g.member0, data);
        await g.forwarder.connect(g.sponsor).executeSponsored(request, FEE);
        const before = await snapshot(g);
        await expect(g.forwarder.connect(g.sponsor).executeSponsored(request, FEE)).to.be.revertedWithCustomError(
          g.forwarder,
          "ERC2771ForwarderInvalidSigner",
        );
        await expect(g.forwarder.connect(g.sponsor).execute(request)).to.be.revertedWithCustomError(
          g.forwarder,
          "ERC2771ForwarderInvalidSigner",
        );
        expect(await snapshot(g)).to.deep.equal(before);
      });

      it("rejects an expired request with ERC2771ForwarderExpiredRequest", async function () {
        const g = await loadFixture(gaslessFixture);
        const { data } = await bookDeskData(g, g.at(3, 9));
        const deadline = BigInt(await time.latest()) + 60n;
        const request = await signRequest(g, g.member0, data, { deadline });
        await time.increaseTo(deadline + 1n);
        const before = await snapshot(g);
        await expect(g.forwarder.connect(g.sponsor).executeSponsored(request, FEE))
          .to.be.revertedWithCustomError(g.forwarder, "ERC2771ForwarderExpiredRequest")
          .withArgs(deadline);
        expect(await snapshot(g)).to.deep.equal(before);
      });

      it("rejects a request signed for another nonce with ERC2771ForwarderInvalidSigner", async function () {
        const g = await loadFixture(gaslessFixture);
        const { data } = await bookDeskData(g, g.at(3, 9));
        const request = await signRequest(g, g.member0, data, { nonce: 1n });
        const before = await snapshot(g);
        await expect(g.forwarder.connect(g.sponsor).executeSponsored(request, FEE)).to.be.revertedWithCustomError(
          g.forwarder,
          "ERC2771ForwarderInvalidSigner",
        );
        expect(await snapshot(g)).to.deep.equal(before);
      });

      it("rejects a request whose signer is not its `from`", async function () {
        const g = await loadFixture(gaslessFixture);
        const { data } = await bookDeskData(g, g.at(3, 9));
        const forged = { ...(await signRequest(g, g.other, data)), from: g.member0.address };
        const before = await snapshot(g);
        await expect(g.forwarder.connect(g.sponsor).executeSponsored(forged, FEE))
          .to.be.revertedWithCustomError(g.forwarder, "ERC2771ForwarderInvalidSigner")
          .withArgs(anyValue, g.member0.address); // the digest names `from`: it recovers someone else
        expect(await snapshot(g)).to.deep.equal(before);
      });

      it("rejects a permit for the wrong amount with SponsorPermitInvalid", async function () {
        const g = await loadFixture(gaslessFixture);
        const s = g.at(3, 9);
        // The member's permit covers the price only, not the fee it also signed for.
        const price = await g.pp.quote(2, s, s + HOUR);
        const { data } = await bookDeskData(g, s, { permitValue: price });
        const request = await signRequest(g, g.member0, data);
        const before = await snapshot(g);
        await expect(g.forwarder.connect(g.sponsor).executeSponsored(request, FEE))
          .to.be.revertedWithCustomError(g.pp, "SponsorPermitInvalid")
          .withArgs(g.cadAddress, g.member0.address, 0n, price + FEE);
        expect(await snapshot(g)).to.deep.equal(before);
      });

      it("rejects a request carrying ETH with ForwarderValueNotSupported", async function () {
        const g = await loadFixture(gaslessFixture);
        const { data } = await bookDeskData(g, g.at(3, 9));
        const request = await signRequest(g, g.member0, data, { value: 1n });
        const before = await snapshot(g);
        await expect(g.forwarder.connect(g.sponsor).executeSponsored(request, FEE))
          .to.be.revertedWithCustomError(g.forwarder, "ForwarderValueNotSupported")
          .withArgs(1n);
        expect(await snapshot(g)).to.deep.equal(before);
      });

      it("re-raises the booking's own error (BookingNoFreeUnit) rather than a reason-less failure", async function () {
        const g = await loadFixture(gaslessFixture);
        const s = g.at(3, 9);
        for (let i = 0; i < 3; i++)
          await g.pp.connect(g.member).book(2, s, s + HOUR, ANY_UNIT, CAD(6), g.member.address, ...TERMS[2]);
        const { data } = await bookDeskData(g, s);
        const before = await snapshot(g);
        await expect(
          g.forwarder.connect(g.sponsor).executeSponsored(await signRequest(g, g.member0, data), FEE),
        ).to.be.revertedWithCustomError(g.pp, "BookingNoFreeUnit");
        expect(await snapshot(g)).to.deep.equal(before);
      });
    });

    describe("when the member names its sponsor", function () {
      it("lets the named sponsor relay it and be paid", async function () {
        const g = await loadFixture(gaslessFixture);
        const { data, price } = await bookDeskData(g, g.at(3, 9), { sponsor: g.sponsor.address });
        const before = await snapshot(g);
        const passId = await g.pp.nextPassId();
        await g.forwarder.connect(g.sponsor).executeSponsored(await signRequest(g, g.member0, data), FEE);
        expect(await g.pp.ownerOf(passId)).to.equal(g.member0.address);
        expect(await g.cad.balanceOf(g.sponsor.address)).to.equal(before.sponsorCad + FEE);
        expect(await g.cad.balanceOf(g.member0.address)).to.equal(before.memberCad - price - FEE);
      });

      it("refuses a copier who relays the signed request first, with SponsorNotNamed, and changes nothing", async function () {
        const g = await loadFixture(gaslessFixture);
        const copier = g.other;
        const { data } = await bookDeskData(g, g.at(3, 9), { sponsor: g.sponsor.address });
        const request = await signRequest(g, g.member0, data);
        const before = await snapshot(g);
        const copierCad = await g.cad.balanceOf(copier.address);
        await expect(g.forwarder.connect(copier).executeSponsored(request, FEE))
          .to.be.revertedWithCustomError(g.pp, "SponsorNotNamed")
          .withArgs(copier.address, g.sponsor.address);
        // Nor may it be relayed for free through plain `execute` (the network as sponsor).
        await expect(g.forwarder.connect(copier).execute(request)).to.be.revertedWithCustomError(
          g.forwarder,
          "FailedCall",
        );
        expect(await snapshot(g)).to.deep.equal(before);
        expect(await g.cad.balanceOf(copier.address)).to.equal(copierCad);
        // The request is still good for the sponsor the member chose.
        await g.forwarder.connect(g.sponsor).executeSponsored(request, FEE);
        expect(await g.cad.balanceOf(g.sponsor.address)).to.equal(before.sponsorCad + FEE);
      });

      it("lets anyone relay a request naming no sponsor (address(0))", async function () {
        const g = await loadFixture(gaslessFixture);
        const { data } = await bookDeskData(g, g.at(3, 9));
        const before = await g.cad.balanceOf(g.other.address);
        await g.forwarder.connect(g.other).executeSponsored(await signRequest(g, g.member0, data), FEE);
        expect(await g.cad.balanceOf(g.other.address)).to.equal(before + FEE);
      });
    });

    describe("when the member already has an allowance", function () {
      it("names the shortfall with SponsorPermitInvalid when the allowance covers the price but not the fee", async function () {
        const g = await loadFixture(gaslessFixture);
        const s = g.at(3, 9);
        const price = await g.pp.quote(2, s, s + HOUR);
        // The permit fails (signed for another amount); the standing allowance pays the price only.
        await networkHelpers.setBalance(g.member0.address, 10n ** 18n);
        await g.cad.connect(g.member0).approve(g.address, price);
        await networkHelpers.setBalance(g.member0.address, 0);
        const { data } = await bookDeskData(g, s, { permitValue: price });
        const request = await signRequest(g, g.member0, data);
        const before = await snapshot(g);
        await expect(g.forwarder.connect(g.sponsor).executeSponsored(request, FEE))
          .to.be.revertedWithCustomError(g.pp, "SponsorPermitInvalid")
          .withArgs(g.cadAddress, g.member0.address, price, price + FEE);
        expect(await snapshot(g)).to.deep.equal(before);
      });

      it("replaces that allowance with the permit's (EIP-2612 sets it, it does not add to it)", async function () {
        const g = await loadFixture(gaslessFixture);
        await networkHelpers.setBalance(g.member0.address, 10n ** 18n);
        await g.cad.connect(g.member0).approve(g.address, CAD(500));
        await networkHelpers.setBalance(g.member0.address, 0);
        const { data } = await bookDeskData(g, g.at(3, 9));
        await g.forwarder.connect(g.sponsor).executeSponsored(await signRequest(g, g.member0, data), FEE);
        // The permit was for exactly price + fee, all spent: nothing is left of the 500 CAD approved.
        expect(await g.cad.allowance(g.member0.address, g.address)).to.equal(0n);
      });
    });

    describe("when the sponsor is out of ETH", function () {
      it("cannot submit: the node refuses the transaction and nothing changes", async function () {
        const g = await loadFixture(gaslessFixture);
        const { data } = await bookDeskData(g, g.at(3, 9));
        const request = await signRequest(g, g.member0, data);
        await networkHelpers.setBalance(g.sponsor.address, 0);
        const before = await snapshot(g);
        await expect(g.forwarder.connect(g.sponsor).executeSponsored(request, FEE)).to.be.rejectedWith(
          /enough funds|insufficient funds/i,
        );
        expect(await snapshot(g)).to.deep.equal(before);
      });
    });

    describe("when called other than through the forwarder", function () {
      it("reverts SponsorNotForwarder, even with a member's address appended to the calldata", async function () {
        const g = await loadFixture(gaslessFixture);
        const { data } = await bookDeskData(g, g.at(3, 9));
        await expect(g.other.sendTransaction({ to: g.address, data: data + g.member0.address.slice(2) }))
          .to.be.revertedWithCustomError(g.pp, "SponsorNotForwarder")
          .withArgs(g.other.address);
      });
    });
  });

  describe("cancelSponsored", function () {
    it("refunds the holder less the sponsor's fee, which goes to the sponsor", async function () {
      const g = await loadFixture(gaslessFixture);
      const { passId } = await bookGasless(g, g.at(5, 9));
      const refund = await g.pp.refundAt(passId, await time.latest());
      const before = await snapshot(g);
      const data = cancelData(g, passId, FEE);
      const tx = g.forwarder.connect(g.sponsor).executeSponsored(await signRequest(g, g.member0, data), FEE);
      await expect(tx)
        .to.emit(g.pp, "Cancelled")
        .withArgs(passId, g.member0.address, false, g.member0.address, CAD(5), 0, 0, 0);
      await expect(tx).to.emit(g.pp, "SponsorFeePaid").withArgs(passId, g.sponsor.address, FEE, true);
      expect(await g.cad.balanceOf(g.member0.address)).to.equal(before.memberCad + refund - FEE);
      expect(await g.cad.balanceOf(g.sponsor.address)).to.equal(before.sponsorCad + FEE);
      expect(await ethers.provider.getBalance(g.member0.address)).to.equal(0n);
    });

    it("rejects a fee above the refund with SponsorFeeAboveRefund and changes nothing", async function () {
      const g = await loadFixture(gaslessFixture);
      const { passId } = await bookGasless(g, g.at(5, 9));
      const refund = await g.pp.refundAt(passId, await time.latest());
      const data = cancelData(g, passId, refund + 1n);
      const request = await signRequest(g, g.member0, data);
      const before = await snapshot(g);
      await expect(g.forwarder.connect(g.sponsor).executeSponsored(request, refund + 1n))
        .to.be.revertedWithCustomError(g.pp, "SponsorFeeAboveRefund")
        .withArgs(refund + 1n, refund);
      expect(await snapshot(g)).to.deep.equal(before);
      expect(await g.pp.ownerOf(passId)).to.equal(g.member0.address);
    });

    describe("with the minimum refund the member was shown", function () {
      it("cancels when the refund less the fee is exactly that minimum", async function () {
        const g = await loadFixture(gaslessFixture);
        const { passId } = await bookGasless(g, g.at(5, 9));
        const net = (await g.pp.refundAt(passId, BigInt(await time.latest()) + 1n)) - FEE;
        const before = await snapshot(g);
        const data = cancelData(g, passId, FEE, { minRefund: net });
        await g.forwarder.connect(g.sponsor).executeSponsored(await signRequest(g, g.member0, data), FEE);
        expect(await g.cad.balanceOf(g.member0.address)).to.equal(before.memberCad + net);
      });

      it("refuses one unit above it with SponsorRefundBelowMin and changes nothing", async function () {
        const g = await loadFixture(gaslessFixture);
        const { passId } = await bookGasless(g, g.at(5, 9));
        const net = (await g.pp.refundAt(passId, BigInt(await time.latest()) + 2n)) - FEE;
        const request = await signRequest(g, g.member0, cancelData(g, passId, FEE, { minRefund: net + 1n }));
        const before = await snapshot(g);
        await expect(g.forwarder.connect(g.sponsor).executeSponsored(request, FEE))
          .to.be.revertedWithCustomError(g.pp, "SponsorRefundBelowMin")
          .withArgs(net, net + 1n);
        expect(await snapshot(g)).to.deep.equal(before);
        expect(await g.pp.ownerOf(passId)).to.equal(g.member0.address);
      });

      it("refuses a request held past a refund deadline: the refund shown is no longer owed", async function () {
        const g = await loadFixture(gaslessFixture);
        const start = g.at(5, 9);
        const { passId, price } = await bookGasless(g, start);
        // Signed 49 h before the start (full refund), relayed 47 h before (desk policy: 50 %).
        await time.increaseTo(start - 49n * HOUR);
        const shown = (await g.pp.refundAt(passId, start - 49n * HOUR)) - FEE;
        expect(shown).to.equal(price - FEE);
        const request = await signRequest(g, g.member0, cancelData(g, passId, FEE, { minRefund: shown }));
        await time.increaseTo(start - 47n * HOUR);
        const now = (await g.pp.refundAt(passId, start - 47n * HOUR + 1n)) - FEE;
        const before = await snapshot(g);
        await expect(g.forwarder.connect(g.sponsor).executeSponsored(request, FEE))
          .to.be.revertedWithCustomError(g.pp, "SponsorRefundBelowMin")
          .withArgs(now, shown);
        expect(await snapshot(g)).to.deep.equal(before);
      });
    });

    describe("when the operator cancels through a sponsor", function () {
      it("refuses any fee with SponsorFeeAboveRefund (the operator is refunded nothing) and changes nothing", async function () {
        const g = await loadFixture(gaslessFixture);
        const { passId } = await bookGasless(g, g.at(5, 9));
        const request = await signRequest(g, g.operator, cancelData(g, passId, FEE));
        const before = await snapshot(g);
        await expect(g.forwarder.connect(g.sponsor).executeSponsored(request, FEE))
          .to.be.revertedWithCustomError(g.pp, "SponsorFeeAboveRefund")
          .withArgs(FEE, 0n);
        expect(await snapshot(g)).to.deep.equal(before);
        expect(await g.pp.ownerOf(passId)).to.equal(g.member0.address);
      });

      it("refunds the holder in full when the sponsor asks nothing", async function () {
        const g = await loadFixture(gaslessFixture);
        const { passId, price } = await bookGasless(g, g.at(5, 9));
        const before = await snapshot(g);
        const tx = g.forwarder
          .connect(g.sponsor)
          .executeSponsored(await signRequest(g, g.operator, cancelData(g, passId, 0n)), 0n);
        await expect(tx)
          .to.emit(g.pp, "Cancelled")
          .withArgs(passId, g.operator.address, true, g.member0.address, price, 0, 0, 0);
        await expect(tx).not.to.emit(g.pp, "SponsorFeePaid"); // no fee, no event
        expect(await g.cad.balanceOf(g.member0.address)).to.equal(before.memberCad + price);
      });
    });

    it("refuses a request naming another sponsor with SponsorNotNamed", async function () {
      const g = await loadFixture(gaslessFixture);
      const { passId } = await bookGasless(g, g.at(5, 9));
      const request = await signRequest(g, g.member0, cancelData(g, passId, FEE, { sponsor: g.sponsor.address }));
      await expect(g.forwarder.connect(g.other).executeSponsored(request, FEE))
        .to.be.revertedWithCustomError(g.pp, "SponsorNotNamed")
        .withArgs(g.other.address, g.sponsor.address);
      expect(await g.pp.ownerOf(passId)).to.equal(g.member0.address);
    });

    it("rejects a fee above the cap with SponsorFeeAboveCap", async function () {
      const g = await loadFixture(gaslessFixture);
      const { passId } = await bookGasless(g, g.at(5, 9));
      const data = cancelData(g, passId, FEE);
      const request = await signRequest(g, g.member0, data);
      await expect(g.forwarder.connect(g.sponsor).executeSponsored(request, FEE + 1n))
        .to.be.revertedWithCustomError(g.pp, "SponsorFeeAboveCap")
        .withArgs(FEE + 1n, FEE);
      expect(await g.pp.ownerOf(passId)).to.equal(g.member0.address);
    });

    it("refuses another member's pass with PassNotHolder naming the signer", async function () {
      const g = await loadFixture(gaslessFixture);
      const { passId } = await bookGasless(g, g.at(5, 9));
      const data = cancelData(g, passId, FEE);
      await expect(g.forwarder.connect(g.sponsor).executeSponsored(await signRequest(g, g.other, data), FEE))
        .to.be.revertedWithCustomError(g.pp, "PassNotHolder")
        .withArgs(passId, g.other.address);
    });
  });

  describe("setUser and ERC-721 calls", function () {
    it("lends the pass for the signer, free when the network sponsors it", async function () {
      const g = await loadFixture(gaslessFixture);
      const { passId } = await bookGasless(g, g.at(5, 9));
      const expires = g.at(6);
      const data = g.pp.interface.encodeFunctionData("setUser", [passId, g.guest.address, expires]);
      await expect(g.forwarder.connect(g.sponsor).execute(await signRequest(g, g.member0, data)))
        .to.emit(g.pp, "UpdateUser")
        .withArgs(passId, g.guest.address, expires);
      expect(await g.pp.userOf(passId)).to.equal(g.guest.address);
      expect(await ethers.provider.getBalance(g.member0.address)).to.equal(0n);
    });

    it("does not let a forwarded call act for anyone but its signer", async function () {
      const g = await loadFixture(gaslessFixture);
      const { passId } = await bookGasless(g, g.at(5, 9));
      const lend = g.pp.interface.encodeFunctionData("setUser", [passId, g.other.address, g.at(6)]);
      await expect(
        g.forwarder.connect(g.sponsor).execute(await signRequest(g, g.other, lend)),
      ).to.be.revertedWithCustomError(g.forwarder, "FailedCall");
      const move = g.pp.interface.encodeFunctionData("transferFrom", [g.member0.address, g.other.address, passId]);
      await expect(
        g.forwarder.connect(g.sponsor).executeSponsored(await signRequest(g, g.other, move), 0n),
      ).to.be.revertedWithCustomError(lib, "NotOwnerNorApproved");
      expect(await g.pp.ownerOf(passId)).to.equal(g.member0.address);
    });

    it("transfers the pass for its signer", async function () {
      const g = await loadFixture(gaslessFixture);
      const { passId } = await bookGasless(g, g.at(5, 9));
      const move = g.pp.interface.encodeFunctionData("transferFrom", [g.member0.address, g.other.address, passId]);
      await g.forwarder.connect(g.sponsor).executeSponsored(await signRequest(g, g.member0, move), 0n);
      expect(await g.pp.ownerOf(passId)).to.equal(g.other.address);
    });

    it("refuses to relay registry calls with SponsorCallNotRelayed", async function () {
      const g = await loadFixture(gaslessFixture);
      const data = g.pp.interface.encodeFunctionData("createVenue", [
        "Relayed",
        "ipfs://x",
        [g.member0.address],
        [10_000],
      ]);
      await expect(g.forwarder.connect(g.sponsor).executeSponsored(await signRequest(g, g.member0, data), 0n))
        .to.be.revertedWithCustomError(g.pp, "SponsorCallNotRelayed")
        .withArgs(data.slice(0, 10));
    });
  });
});
