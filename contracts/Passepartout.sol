// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC721} from "solady/src/tokens/ERC721.sol";
import {SafeTransferLib} from "solady/src/utils/SafeTransferLib.sol";
import {SafeCastLib} from "solady/src/utils/SafeCastLib.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {EIP712} from "solady/src/utils/EIP712.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";

import {IPassepartoutCore} from "./interfaces/IPassepartoutCore.sol";
import {IPassepartout} from "./interfaces/IPassepartout.sol";
import {IERC4907} from "./interfaces/IERC4907.sol";
import {PassepartoutStorage} from "./PassepartoutStorage.sol";
import {IPassRenderer} from "./interfaces/IPassRenderer.sol";
import {IPassepartoutForwarder} from "./interfaces/IPassepartoutForwarder.sol";
import {PriceLib} from "./libraries/PriceLib.sol";
import {SlotBitmap} from "./libraries/SlotBitmap.sol";
import {RefundPolicyLib} from "./libraries/RefundPolicyLib.sol";
import {SplitLib} from "./libraries/SplitLib.sol";
import {TaxLib} from "./libraries/TaxLib.sol";

/// @title Passepartout
/// @notice See {IPassepartout}. Passes are Solady ERC-721 tokens whose ownership slot also carries
/// the booking window (96 bits of "extra data"), so a booking writes three new storage slots: the
/// ownership, the escrow record and (for a new member) the balance.
contract Passepartout is IPassepartoutCore, PassepartoutStorage, ERC721, EIP712, ReentrancyGuardTransient {
    using SlotBitmap for mapping(uint256 => uint256);

    /// @dev Gas forwarded with an operator-initiated refund; a holder that burns more gets a credit.
    uint256 internal constant REFUND_GAS_STIPEND = 50_000;

    IPassRenderer private immutable _RENDERER;
    address private immutable _VENUE_REGISTRY;
    /// @dev The ERC-2771 forwarder of gasless calls: when it calls, the signer is the calldata's last 20 bytes.
    address private immutable _FORWARDER;

    constructor(
        address admin_,
        address treasury_,
        uint16 feeBps_,
        IPassRenderer renderer_,
        address venueRegistry_,
        address forwarder_
    ) {
        if (
            admin_ == address(0) ||
            treasury_ == address(0) ||
            address(renderer_) == address(0) ||
            venueRegistry_ == address(0) ||
            forwarder_ == address(0)
        ) {
            revert ZeroAddress();
        }
        if (feeBps_ > MAX_FEE_BPS) revert FeeTooHigh(feeBps_, MAX_FEE_BPS);
        _RENDERER = renderer_;
        _VENUE_REGISTRY = venueRegistry_;
        _FORWARDER = forwarder_;
        _admin = admin_;
        _treasury = treasury_;
        _config = Config({nextPassId: 1, feeBps: feeBps_, paused: false, gstRate: 0, qstRate: 0});
        _currencies.push(address(0));
        emit AdminChanged(address(0), admin_);
        emit TreasuryChanged(treasury_);
        emit FeeChanged(feeBps_);
        emit CurrencyAllowed(address(0), 0, true);
    }

    /*//////////////////////////////////////////////////////////////
                                BOOKINGS
    //////////////////////////////////////////////////////////////*/

    /// @dev The terms every booking function takes first, {book}'s eight arguments: in the calldata
    /// of {book}, {bookWithPermit} and {bookSponsored} alike they are eight static words right after
    /// the selector, laid out as this struct is in memory. One definition, copied by {_terms}, and
    /// one path for their checks, {_book}.
    struct BookingTerms {
        uint32 resourceId;
        uint64 start;
        uint64 end;
        uint16 unit;
        uint256 maxPrice;
        address recipient;
        uint32 policyId;
        bool transferable;
    }

    /// @inheritdoc IPassepartoutCore
    /// @dev The arguments are read through {_terms}.
    function book(
        uint32,
        uint64,
        uint64,
        uint16,
        uint256,
        address,
        uint32,
        bool
    ) external payable nonReentrant returns (uint256 passId) {
        BookingTerms memory t = _terms();
        uint256 price;
        address currency;
        uint96 extra;
        (passId, price, currency, extra) = _book(t);
        if (currency == address(0)) {
            if (msg.value < price) revert BookingWrongPayment(msg.value, price);
        } else {
            if (msg.value != 0) revert BookingWrongPayment(msg.value, 0);
            _collect(currency, _msgSender(), price);
        }
        _mintPass(t.recipient, passId, extra);
        if (msg.value > price) {
            unchecked {
                // msg.value > price was just checked.
                SafeTransferLib.safeTransferETH(_msgSender(), msg.value - price);
            }
        }
    }

    /// @inheritdoc IPassepartoutCore
    function bookWithPermit(
        uint32,
        uint64,
        uint64,
        uint16,
        uint256,
        address,
        uint32,
        bool,
        uint256 permitDeadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external returns (uint256) {
        return _bookWithPermit(false, address(0), 0, 0, permitDeadline, v, r, s);
    }

    /// @inheritdoc IPassepartoutCore
    function bookSponsored(
        uint32,
        uint64,
        uint64,
        uint16,
        uint256,
        address,
        uint32,
        bool,
        address sponsor,
        uint256 maxFee,
        uint256 permitDeadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external returns (uint256) {
        (address paid, uint256 fee) = _sponsorship(sponsor, maxFee);
        return _bookWithPermit(true, paid, fee, maxFee, permitDeadline, v, r, s);
    }

    /// @dev {bookWithPermit}, or {bookSponsored} when `sponsored`: one permit for `maxPrice + maxFee`,
    /// the price into escrow and `fee` to `sponsor`, both from the member.
    function _bookWithPermit(
        bool sponsored,
        address sponsor,
        uint256 fee,
        uint256 maxFee,
        uint256 deadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) private nonReentrant returns (uint256 passId) {
        BookingTerms memory t = _terms();
        uint256 price;
        address currency;
        uint96 extra;
        (passId, price, currency, extra) = _book(t);
        if (currency == address(0)) revert BookingWrongPayment(0, price);
        address member = _msgSender();
        // A permit already used by a front-runner fails; the allowance it set still lets us pay. A
        // sponsored booking names a shortfall (the fee included) rather than fail in a transfer.
        try IERC20Permit(currency).permit(member, address(this), t.maxPrice + maxFee, deadline, v, r, s) {} catch {
            if (sponsored) {
                uint256 allowance = IERC20(currency).allowance(member, address(this));
                if (allowance < price + fee) revert SponsorPermitInvalid(currency, member, allowance, price + fee);
            }
        }
        _collect(currency, member, price);
        if (fee != 0) {
            SafeTransferLib.safeTransferFrom(currency, member, sponsor, fee);
            emit SponsorFeePaid(passId, sponsor, fee, false);
        }
        _mintPass(t.recipient, passId, extra);
    }

    /// @dev The {BookingTerms} at the head of the calldata (see there), copied as they are: the
    /// external function already ABI-decoded and validated these words as its first eight arguments.
    function _terms() private pure returns (BookingTerms memory t) {
        assembly ("memory-safe") {
            calldatacopy(t, 4, 0x100)
        }
    }

    /// @dev The sponsor of a forwarded call and its fee, checked against the sponsor the member named
    /// (address(0): anyone, the network included) and the fee cap it signed.
    function _sponsorship(address named, uint256 maxFee) private view returns (address sponsor, uint256 fee) {
        if (msg.sender != _FORWARDER) revert SponsorNotForwarder(msg.sender);
        (sponsor, fee) = IPassepartoutForwarder(_FORWARDER).sponsorship();
        if (named != address(0) && named != sponsor) revert SponsorNotNamed(sponsor, named);
        if (fee > maxFee) revert SponsorFeeAboveCap(fee, maxFee);
    }

    /// @dev The account acting: the signer of a request the trusted forwarder relays (ERC-2771 appends
    /// it to the calldata), else the caller.
    function _msgSender() private view returns (address sender) {
        sender = msg.sender;
        if (sender == _FORWARDER && msg.data.length >= 20) {
            assembly ("memory-safe") {
                sender := shr(96, calldataload(sub(calldatasize(), 20)))
            }
        }
    }

    /// @inheritdoc IPassepartoutCore
    function isTrustedForwarder(address forwarder) external view returns (bool) {
        return forwarder == _FORWARDER;
    }

    /// @dev Takes `price` of `currency` from `from` (the acting member) and checks that exactly that
    /// much arrived: a token that charges a fee on transfer (or turns one on after allow-listing)
    /// would otherwise leave the escrow promising more than the contract holds.
    function _collect(address currency, address from, uint256 price) private {
        uint256 before = SafeTransferLib.balanceOf(currency, address(this));
        SafeTransferLib.safeTransferFrom(currency, from, address(this), price);
        uint256 received = SafeTransferLib.balanceOf(currency, address(this)) - before;
        if (received != price) revert CurrencyTransferMismatch(currency, price, received);
    }

    /// @dev Checks the request, takes the slots and records the escrow; the caller takes the payment
    /// and mints. Returns the new pass id, the price with taxes, the currency to pay in and the
    /// pass's window.
    function _book(
        BookingTerms memory t
    ) private returns (uint256 passId, uint256 price, address currency, uint96 extra) {
        Config memory cfg = _config;
        if (cfg.paused) revert NetworkPaused();
        if (t.recipient == address(0)) revert ZeroAddress();
        uint32 resourceId = t.resourceId;
        uint64 start = t.start;
        uint64 end = t.end;
        uint16 unit = t.unit;
        bool transferable = t.transferable;
        ResourceData memory r = _resources[resourceId];
        if (r.venueId == 0) revert ResourceNotFound(resourceId);
        VenueData memory v = _venues[r.venueId];
        if (v.paused) revert VenueIsPaused(r.venueId);
        // Pinned terms: no front-running with a stricter (immutable) policy or soulbound passes.
        if (t.policyId != r.policyId || transferable != r.transferable) {
            revert BookingTermsChanged(resourceId, r.policyId, r.transferable);
        }
        _checkGrid(start, end);
        uint64 currentSlotStart = uint64((block.timestamp / SLOT) * SLOT);
        if (start < currentSlotStart) revert BookingInPast(start, currentSlotStart);
        uint64 latestStart = currentSlotStart + uint64(r.horizonHours) * uint64(SLOT);
        if (start > latestStart) revert BookingBeyondHorizon(start, latestStart);
        uint256 hours_ = (end - start) / SLOT;
        if (hours_ < r.minHours || hours_ > r.maxHours)
            revert BookingDurationOutOfRange(hours_, r.minHours, r.maxHours);
        if (r.followsOpeningHours) {
            // Under a day, every hour must be open; a day or month pass (24 h or more) covers the open
            // hours of its days and must start at one (docs/opening-hours.md).
            uint256 closed = _firstClosedHour(r.venueId, start, hours_ < 24 ? end : start + SLOT);
            if (closed != type(uint256).max) revert BookingOutsideOpeningHours(resourceId, uint64(closed));
        }

        uint256 preTax;
        {
            Prices memory pr = _prices[resourceId];
            preTax = PriceLib.cover(hours_, pr.hour, pr.day, pr.month);
        }
        uint256 info;
        if (r.currency != 0) {
            currency = _currencies[r.currency];
            info = _currencyInfo[currency];
            if (info & CURRENCY_ALLOWED == 0) revert CurrencyNotAllowed(currency);
        }
        // The rates in force now, snapshotted for the pass's whole life (0 for an untaxed venue).
        uint40 tax;
        if (v.taxable) {
            // Taxes are rounded to the currency's cent, and ETH has none.
            if (r.currency == 0) revert TaxCurrencyWithoutCent(address(0));
            tax = TaxLib.terms(cfg.gstRate, cfg.qstRate, _centExpOf(info));
        }
        (uint256 gst, uint256 qst) = TaxLib.taxes(preTax, tax);
        price = preTax + gst + qst;
        if (price > t.maxPrice) revert BookingPriceAboveMax(price, t.maxPrice);

        uint256 startSlot = start / SLOT;
        uint256 endSlot = end / SLOT;
        if (unit == ANY_UNIT) {
            unit = _findFreeUnit(resourceId, r.units, startSlot, endSlot, start, end);
        } else {
            if (unit >= r.units) revert BookingUnitOutOfRange(unit, r.units);
            if (!_occupancy.isFree(resourceId, unit, startSlot, endSlot)) revert BookingSlotTaken(resourceId, unit);
        }
        _occupancy.set(resourceId, unit, startSlot, endSlot, true);

        passId = cfg.nextPassId;
        unchecked {
            // 2^64 bookings will not happen.
            _config.nextPassId = cfg.nextPassId + 1;
        }
        // Release: the first second no refund can be owed. A tier "at least N s before the start"
        // still refunds at exactly start − N, so release is one second later; with N == 0 the holder
        // can no longer cancel at the start itself.
        // Checked casts: a truncation would store a pass whose window differs from the slots taken.
        uint32 releaseTime;
        if (r.releaseOffset == 0) releaseTime = SafeCastLib.toUint32(start);
        else if (start >= r.releaseOffset) releaseTime = SafeCastLib.toUint32(start - r.releaseOffset + 1);
        _escrows[passId] = Escrow({
            amount: SafeCastLib.toUint96(preTax), // ≤ 2^80 × MAX_BOOKING_HOURS < 2^96
            splitId: v.splitId,
            feeBps: cfg.feeBps,
            policyId: r.policyId,
            currency: r.currency,
            releaseTime: releaseTime,
            tax: tax
        });
        // Checked: with a 100 % rate the rounding may add half a cent, so only a token with an absurd
        // cent could exceed 96 bits. Later taxes of this pass are of amounts ≤ its price: no larger.
        emit Booked(
            passId,
            resourceId,
            t.recipient,
            _msgSender(),
            unit,
            start,
            end,
            currency,
            uint96(preTax),
            v.splitId,
            SafeCastLib.toUint96(gst),
            SafeCastLib.toUint96(qst)
        );
        // hours_ ≤ maxHours ≤ MAX_BOOKING_HOURS and unit < units ≤ MAX_UNITS were checked above.
        extra = _packExtra(resourceId, SafeCastLib.toUint32(startSlot), uint16(hours_), uint8(unit), transferable);
    }

    /// @dev Mints with the window already set (so the receiver hook sees the whole pass), then runs
    /// the ERC-721 receiver check as Solady's safe mint does: a revert with data bubbles up; a
    /// revert without data, no answer or a wrong one is `TransferToNonERC721ReceiverImplementer`.
    function _mintPass(address recipient, uint256 passId, uint96 extra) private {
        _mintAndSetExtraDataUnchecked(recipient, passId, extra);
        if (recipient.code.length == 0) return;
        address operator = _msgSender();
        assembly ("memory-safe") {
            let m := mload(0x40)
            mstore(m, 0x150b7a02) // onERC721Received(address,address,uint256,bytes)
            mstore(add(m, 0x20), operator) // the member, also when a forwarder relays the booking
            mstore(add(m, 0x40), 0) // from: a mint
            mstore(add(m, 0x60), passId)
            mstore(add(m, 0x80), 0x80)
            mstore(add(m, 0xa0), 0) // empty data
            if iszero(call(gas(), recipient, 0, add(m, 0x1c), 0xa4, m, 0x20)) {
                if returndatasize() {
                    returndatacopy(m, 0, returndatasize())
                    revert(m, returndatasize())
                }
            }
            // A short or missing answer leaves the selector word at `m`, which does not match.
            if iszero(eq(mload(m), shl(224, 0x150b7a02))) {
                mstore(0, 0xd1a57ed6) // TransferToNonERC721ReceiverImplementer()
                revert(0x1c, 4)
            }
        }
    }

    function _findFreeUnit(
        uint32 resourceId,
        uint16 units,
        uint256 startSlot,
        uint256 endSlot,
        uint64 start,
        uint64 end
    ) private view returns (uint16) {
        for (uint16 u; u < units; ++u) {
            if (_occupancy.isFree(resourceId, u, startSlot, endSlot)) return u;
        }
        revert BookingNoFreeUnit(resourceId, start, end);
    }

    /// @inheritdoc IPassepartoutCore
    function cancel(uint256 passId) external {
        _cancel(passId, address(0), 0, 0);
    }

    /// @inheritdoc IPassepartoutCore
    function cancelSponsored(uint256 passId, address sponsor, uint256 maxFee, uint256 minRefund) external {
        (address paid, uint256 fee) = _sponsorship(sponsor, maxFee);
        _cancel(passId, paid, fee, minRefund);
    }

    /// @dev {cancel}, paying `fee` (0 unless sponsored) to `sponsor` out of the holder's own refund,
    /// of which at least `minRefund` must remain for the canceller.
    function _cancel(uint256 passId, address sponsor, uint256 fee, uint256 minRefund) private nonReentrant {
        address caller = _msgSender();
        address holder = _ownerOf(passId);
        if (holder == address(0)) revert PassNotFound(passId);
        (uint32 resourceId, uint256 startSlot, uint256 hours_, uint16 unit) = _unpackExtra(_getExtraData(passId));
        Escrow memory e = _escrows[passId];
        bool settled = e.splitId == 0;
        uint64 start = uint64(startSlot * SLOT);

        // The holder before the start gets the policy's refund; anyone else (or the holder once the
        // booking started) must be the venue operator, who refunds in full while unsettled. The
        // holder's path reads neither the resource nor the venue.
        bool byOperator = caller != holder || block.timestamp >= start;
        if (byOperator && caller != _venues[_resources[resourceId].venueId].operator) {
            if (caller == holder) revert PassAlreadyStarted(passId, start);
            revert PassNotHolder(passId, caller);
        }

        uint96 refund;
        uint96 retained;
        // The taxes of the refunded pre-tax amount go back with it; those of the retained part are
        // settled with it. A settled record reads 0, hence no taxes.
        uint256 gstRefund;
        uint256 qstRefund;
        if (byOperator) {
            if (settled) revert PassAlreadySettled(passId);
            // A booking that was used is not refundable: the co-payees' shares and the network fee
            // are owed from its end on, settled or not.
            uint64 end = uint64(start + hours_ * SLOT);
            if (block.timestamp >= end) revert PassAlreadyEnded(passId, end);
            refund = e.amount;
            (gstRefund, qstRefund) = TaxLib.taxes(refund, e.tax);
        } else if (!settled) {
            uint16 bps = RefundPolicyLib.refundBps(_policies[e.policyId], start - block.timestamp);
            refund = uint96((uint256(e.amount) * bps) / RefundPolicyLib.FULL_BPS);
            retained = e.amount - refund;
            (gstRefund, qstRefund) = TaxLib.taxes(refund, e.tax);
        }
        uint256 total = refund + gstRefund + qstRefund;
        // The sponsor is paid out of the canceller's own refund: a holder's, never the operator's
        // (who is refunded nothing). Checked before anything changes.
        uint256 own = byOperator ? 0 : total;
        if (fee > own) revert SponsorFeeAboveRefund(fee, own);
        unchecked {
            // fee ≤ own was just checked.
            if (own - fee < minRefund) revert SponsorRefundBelowMin(own - fee, minRefund);
        }

        _occupancy.set(resourceId, unit, startSlot, startSlot + hours_, false);
        if (!settled) delete _escrows[passId];
        if (retained != 0) {
            _creditPool(e.splitId, e.currency, retained, e.feeBps);
            (uint256 gst, uint256 qst) = TaxLib.taxes(e.amount, e.tax);
            // Rounding is monotone in the price, so the refunded taxes never exceed the paid ones.
            _creditTaxes(e.splitId, e.currency, gst - gstRefund, qst - qstRefund);
        }
        _burn(passId);
        // No larger than the Booked taxes, checked to fit 96 bits in {_book}.
        emit Cancelled(passId, caller, byOperator, holder, refund, retained, uint96(gstRefund), uint96(qstRefund));

        if (total != 0) {
            address currency = _currencyAt(e.currency);
            if (fee != 0) {
                unchecked {
                    total -= fee; // fee ≤ total was just checked
                }
                _pay(currency, sponsor, fee);
                emit SponsorFeePaid(passId, sponsor, fee, true);
            }
            if (!byOperator) {
                _pay(currency, holder, total);
            } else if (!_tryPay(currency, holder, total)) {
                _credits[holder][currency] += total;
                emit RefundCredited(holder, currency, total);
            }
        }
    }

    /// @inheritdoc IPassepartoutCore
    function refundAt(uint256 passId, uint64 time) external view returns (uint256) {
        if (_ownerOf(passId) == address(0)) revert PassNotFound(passId);
        Escrow memory e = _escrows[passId];
        (, uint256 startSlot, , ) = _unpackExtra(_getExtraData(passId));
        uint256 start = startSlot * SLOT;
        if (e.splitId == 0 || time >= start) return 0;
        uint256 refund =
            (uint256(e.amount) * RefundPolicyLib.refundBps(_policies[e.policyId], start - time)) /
                RefundPolicyLib.FULL_BPS;
        (uint256 gst, uint256 qst) = TaxLib.taxes(refund, e.tax);
        return refund + gst + qst;
    }

    /// @inheritdoc IPassepartoutCore
    function settle(uint256[] calldata passIds) external {
        // No external call: no reentrancy guard needed.
        for (uint256 i; i < passIds.length;) {
            uint256 passId = passIds[i];
            Escrow memory e = _escrows[passId];
            if (e.splitId == 0) {
                // Already settled or cancelled: skipped, so settling one id of a keeper's batch
                // first cannot make the whole batch fail. An id never minted is a caller's mistake.
                if (passId == 0 || passId >= _config.nextPassId) revert PassNotFound(passId);
                unchecked {
                    ++i; // bounded by the calldata length
                }
                continue;
            }
            if (block.timestamp < e.releaseTime) revert PassNotReleasable(passId, e.releaseTime);
            delete _escrows[passId];
            uint96 fee = _creditPool(e.splitId, e.currency, e.amount, e.feeBps);
            (uint256 gst, uint256 qst) = TaxLib.taxes(e.amount, e.tax);
            _creditTaxes(e.splitId, e.currency, gst, qst);
            // No larger than the Booked taxes, checked to fit 96 bits in {_book}.
            emit Settled(passId, fee, uint96(gst), uint96(qst));
            unchecked {
                ++i; // bounded by the calldata length
            }
        }
    }

    /// @dev Adds a settled amount to its split's pool in one storage write.
    function _creditPool(uint32 splitId, uint8 currency, uint96 amount, uint16 feeBps_) private returns (uint96 fee) {
        fee = uint96((uint256(amount) * feeBps_) / SplitLib.TOTAL_BPS);
        unchecked {
            // See `_pools`: neither half can overflow.
            _pools[(uint256(splitId) << 8) | currency] += uint256(amount) | (uint256(fee) << 128);
        }
    }

    /// @dev Adds settled taxes to their split's tax pool in one storage write (none when untaxed).
    function _creditTaxes(uint32 splitId, uint8 currency, uint256 gst, uint256 qst) private {
        if (gst | qst == 0) return;
        unchecked {
            // See `_taxPools`: neither half can overflow.
            _taxPools[(uint256(splitId) << 8) | currency] += gst | (qst << 128);
        }
    }

    /// @inheritdoc IPassepartoutCore
    function pass(uint256 passId) external view returns (Pass memory p) {
        address holder = _ownerOf(passId);
        if (holder == address(0)) revert PassNotFound(passId);
        uint96 extra = _getExtraData(passId);
        (uint32 resourceId, uint256 startSlot, uint256 hours_, uint16 unit) = _unpackExtra(extra);
        Escrow memory e = _escrows[passId];
        p.holder = holder;
        p.resourceId = resourceId;
        p.unit = unit;
        p.start = uint64(startSlot * SLOT);
        p.end = uint64((startSlot + hours_) * SLOT);
        p.currency = _currencyAt(_resources[resourceId].currency); // a resource never changes currency
        p.amount = e.amount;
        (uint256 gst, uint256 qst) = TaxLib.taxes(e.amount, e.tax);
        (p.gst, p.qst) = (uint96(gst), uint96(qst));
        p.splitId = e.splitId;
        p.feeBps = e.feeBps;
        p.policyId = e.policyId;
        p.releaseTime = e.releaseTime;
        p.settled = e.splitId == 0;
        p.transferable = _isTransferable(extra);
    }

    /// @inheritdoc IPassepartoutCore
    function nextPassId() external view returns (uint256) {
        return _config.nextPassId;
    }

    /*//////////////////////////////////////////////////////////////
                                 CLAIMS
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IPassepartoutCore
    function claim(uint32 splitId, address currency, uint8 payeeIndex) external nonReentrant returns (uint256 amount) {
        uint256 key;
        uint256 entitled;
        (key, entitled) = _entitlement(splitId, currency, payeeIndex);
        address payee = _msgSender();
        if (_payees[splitId][payeeIndex] != payee) revert SplitNotPayee(splitId, payeeIndex, payee);
        amount = entitled - _released[key];
        if (amount == 0) revert NothingToClaim(payee, currency);
        _released[key] = entitled;
        emit Claimed(splitId, currency, payee, amount);
        _pay(currency, payee, amount);
    }

    /// @inheritdoc IPassepartoutCore
    function claimable(uint32 splitId, address currency, uint8 payeeIndex) external view returns (uint256) {
        (uint256 key, uint256 entitled) = _entitlement(splitId, currency, payeeIndex);
        return entitled - _released[key];
    }

    /// @dev Payee `payeeIndex`'s cumulative entitlement in a split's pool, and its `_released` key.
    function _entitlement(
        uint32 splitId,
        address currency,
        uint8 payeeIndex
    ) private view returns (uint256 key, uint256 entitled) {
        SplitData memory s = _splits[splitId];
        if (s.count == 0) revert SplitNotFound(splitId);
        if (payeeIndex >= s.count) revert SplitNotPayee(splitId, payeeIndex, _msgSender());
        uint256 cur = _currencyIndex(currency);
        key = (uint256(splitId) << 16) | (cur << 8) | payeeIndex;
        if (cur == type(uint256).max) return (key, 0);
        uint256 p = _pools[(uint256(splitId) << 8) | cur];
        entitled = SplitLib.entitlement(uint128(p) - (p >> 128), s.shares, payeeIndex);
    }

    /// @inheritdoc IPassepartoutCore
    function claimFees(uint32 splitId, address currency) external nonReentrant returns (uint256 amount) {
        uint256 key = _poolKey(splitId, currency);
        uint256 fees = _pools[key] >> 128;
        amount = fees - _feesReleased[key];
        if (amount == 0) revert NothingToClaim(_treasury, currency);
        _feesReleased[key] = fees;
        emit FeesClaimed(splitId, currency, _treasury, amount);
        _pay(currency, _treasury, amount);
    }

    /// @inheritdoc IPassepartoutCore
    function claimableFees(uint32 splitId, address currency) external view returns (uint256) {
        uint256 key = _poolKey(splitId, currency);
        return (_pools[key] >> 128) - _feesReleased[key];
    }

    /// @inheritdoc IPassepartoutCore
    function pool(uint32 splitId, address currency) external view returns (uint128 gross, uint128 fee) {
        uint256 p = _pools[_poolKey(splitId, currency)];
        return (uint128(p), uint128(p >> 128));
    }

    /// @inheritdoc IPassepartoutCore
    function claimTaxes(uint32 splitId, address currency) external nonReentrant returns (uint256 amount) {
        uint256 key = _poolKey(splitId, currency);
        uint256 p = _taxPools[key];
        uint256 total = uint128(p) + (p >> 128);
        amount = total - _taxesClaimed[key];
        address payee = _splitTaxPayees[splitId];
        if (amount == 0) revert NothingToClaim(payee, currency);
        _taxesClaimed[key] = total;
        emit TaxesClaimed(splitId, currency, payee, amount);
        _pay(currency, payee, amount);
    }

    /// @inheritdoc IPassepartoutCore
    function taxPool(
        uint32 splitId,
        address currency
    ) external view returns (uint128 gst, uint128 qst, uint256 claimed) {
        uint256 key = _poolKey(splitId, currency);
        uint256 p = _taxPools[key];
        return (uint128(p), uint128(p >> 128), _taxesClaimed[key]);
    }

    /// @inheritdoc IPassepartoutCore
    function withdrawCredit(address currency) external nonReentrant returns (uint256 amount) {
        address account = _msgSender();
        amount = _credits[account][currency];
        if (amount == 0) revert NothingToClaim(account, currency);
        delete _credits[account][currency];
        emit CreditWithdrawn(account, currency, amount);
        _pay(currency, account, amount);
    }

    /// @inheritdoc IPassepartoutCore
    function credit(address account, address currency) external view returns (uint256) {
        return _credits[account][currency];
    }

    /// @dev Pool key of a split and currency; unknown currencies map to a key no pool ever uses.
    function _poolKey(uint32 splitId, address currency) private view returns (uint256) {
        uint256 cur = _currencyIndex(currency);
        return cur == type(uint256).max ? type(uint256).max : (uint256(splitId) << 8) | cur;
    }

    /// @dev Index of a registered currency, or type(uint256).max for one never registered.
    function _currencyIndex(address currency) private view returns (uint256) {
        if (currency == address(0)) return 0;
        uint256 info = _currencyInfo[currency];
        return info & CURRENCY_REGISTERED == 0 ? type(uint256).max : info & CURRENCY_INDEX_MASK;
    }

    /// @dev Currency address of an index; ETH (index 0) without a storage read.
    function _currencyAt(uint8 index) private view returns (address) {
        return index == 0 ? address(0) : _currencies[index];
    }

    function _pay(address currency, address to, uint256 amount) private {
        if (currency == address(0)) SafeTransferLib.safeTransferETH(to, amount);
        else SafeTransferLib.safeTransfer(currency, to, amount);
    }

    /// @dev Like {_pay} but reports failure instead of reverting (operator refunds must not be
    /// blocked by a holder that rejects payments).
    function _tryPay(address currency, address to, uint256 amount) private returns (bool ok) {
        if (currency == address(0)) return SafeTransferLib.trySafeTransferETH(to, amount, REFUND_GAS_STIPEND);
        bytes memory data;
        // Allow-listed tokens are plain ERC-20s (no hooks): no gas cap needed, only a failure check.
        (ok, data) = currency.call(abi.encodeWithSelector(IERC20.transfer.selector, to, amount));
        ok = ok && (data.length == 0 || (data.length >= 32 && abi.decode(data, (bool))));
    }

    /*//////////////////////////////////////////////////////////////
                                 GUESTS
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IPassepartoutCore
    function setUser(uint256 tokenId, address user, uint64 expires) external {
        if (_ownerOf(tokenId) == address(0)) revert PassNotFound(tokenId);
        address caller = _msgSender();
        if (!_isApprovedOrOwner(caller, tokenId)) revert PassNotHolder(tokenId, caller);
        if (user != address(0) && expires <= block.timestamp) revert PassGuestInvalid(user, expires);
        if (user == address(0)) expires = 0;
        _guests[tokenId] = Guest(user, expires);
        emit UpdateUser(tokenId, user, expires);
    }

    /// @inheritdoc IPassepartoutCore
    function userOf(uint256 tokenId) external view returns (address) {
        Guest memory g = _guests[tokenId];
        return g.expires > block.timestamp ? g.user : address(0);
    }

    /// @inheritdoc IPassepartoutCore
    function userExpires(uint256 tokenId) external view returns (uint256) {
        return _guests[tokenId].expires;
    }

    /// @inheritdoc IPassepartoutCore
    function doorAdmits(uint32 doorId, uint32 resourceId) public view returns (bool) {
        DoorData memory d = _doors[doorId];
        if (!d.active) return false;
        return d.allResources ? _resources[resourceId].venueId == d.venueId : _doorResources[doorId][resourceId];
    }

    /// @inheritdoc IPassepartoutCore
    function canEnter(address who, uint32 doorId, uint256 passId, uint64 time) external view returns (AccessCode) {
        if (!_doors[doorId].active) return AccessCode.UnknownDoor;
        address holder = _ownerOf(passId);
        if (holder == address(0)) return AccessCode.PassNotFound;
        (uint32 resourceId, uint256 startSlot, uint256 hours_, ) = _unpackExtra(_getExtraData(passId));
        if (!doorAdmits(doorId, resourceId)) return AccessCode.WrongDoor;
        if (who != holder) {
            Guest memory g = _guests[passId];
            if (who != g.user || who == address(0) || time >= g.expires) return AccessCode.NotHolderOrGuest;
        }
        uint256 start = startSlot * SLOT;
        if (uint256(time) + _resources[resourceId].graceSeconds < start) return AccessCode.TooEarly;
        if (time >= start + hours_ * SLOT) return AccessCode.Expired;
        return AccessCode.Granted;
    }

    /*//////////////////////////////////////////////////////////////
                                ERC-721
    //////////////////////////////////////////////////////////////*/

    /// @notice Venue, resource, policy and door management lives in the VenueRegistry module.
    /// Registry calls are not relayed: a forwarded one reverts rather than act as the forwarder.
    fallback() external {
        if (msg.sender == _FORWARDER) revert SponsorCallNotRelayed(msg.sig);
        _delegate(_VENUE_REGISTRY);
    }

    /// @notice The VenueRegistry module serving the registry functions at this address.
    function venueRegistry() external view returns (address) {
        return _VENUE_REGISTRY;
    }

    /// @dev EIP-712 domain of door unlock requests (ERC-5267 `eip712Domain()` exposes it).
    function _domainNameAndVersion() internal pure override returns (string memory, string memory) {
        return ("Passepartout", "1");
    }

    function name() public pure override returns (string memory) {
        return "Passepartout Pass";
    }

    function symbol() public pure override returns (string memory) {
        return "PASS";
    }

    function tokenURI(uint256 id) public view override returns (string memory) {
        if (_ownerOf(id) == address(0)) revert PassNotFound(id);
        return _RENDERER.tokenURI(IPassepartout(address(this)), id);
    }

    /// @notice The contract that renders {tokenURI}.
    function renderer() external view returns (IPassRenderer) {
        return _RENDERER;
    }

    /// @dev Solady's `approve` and `transferFrom` (which both `safeTransferFrom`s call) are payable;
    /// ETH sent with them would be counted nowhere.
    /// They and `setApprovalForAll` act for {_msgSender}, so a forwarded call acts for its signer.
    function approve(address account, uint256 id) public payable override {
        if (msg.value != 0) revert PassEtherNotAccepted(msg.value);
        _approve(_msgSender(), account, id);
    }

    function transferFrom(address from, address to, uint256 id) public payable override {
        if (msg.value != 0) revert PassEtherNotAccepted(msg.value);
        _transfer(_msgSender(), from, to, id);
    }

    function setApprovalForAll(address operator, bool isApproved) public override {
        _setApprovalForAll(_msgSender(), operator, isApproved);
    }

    /// @dev ERC-165, ERC-721 and ERC-721 Metadata come from Solady; ERC-4907 is added here.
    function supportsInterface(bytes4 interfaceId) public view override returns (bool) {
        return interfaceId == type(IERC4907).interfaceId || super.supportsInterface(interfaceId);
    }

    /// @dev Transfers (not mints or burns) stop during the emergency pause and for passes booked
    /// soulbound; any transfer or burn clears the guest. Solady already clears the token approval.
    /// Runs before Solady's existence check, so a pass that does not exist is reported as such here.
    function _beforeTokenTransfer(address from, address to, uint256 id) internal override {
        if (from == address(0)) return;
        if (to != address(0)) {
            bool paused = _config.paused;
            if (paused || !_isTransferable(_getExtraData(id))) {
                if (!_exists(id)) revert TokenDoesNotExist();
                if (paused) revert NetworkPaused();
                revert PassNotTransferable(id);
            }
        }
        if (_guests[id].user != address(0)) {
            delete _guests[id];
            emit UpdateUser(id, address(0), 0);
        }
    }

    /// @dev Extra data layout: resourceId (32) | startSlot (32) | hours (16) | unit (8) | transferable (8).
    /// Transferability is fixed per pass at booking: a later change of the resource does not reach it.
    function _packExtra(
        uint32 resourceId,
        uint32 startSlot,
        uint16 hours_,
        uint8 unit,
        bool transferable
    ) private pure returns (uint96) {
        return
            uint96(resourceId) |
            (uint96(startSlot) << 32) |
            (uint96(hours_) << 64) |
            (uint96(unit) << 80) |
            (transferable ? uint96(1) << 88 : 0);
    }

    function _isTransferable(uint96 extra) private pure returns (bool) {
        return (extra >> 88) & 1 != 0;
    }

    function _unpackExtra(
        uint96 extra
    ) private pure returns (uint32 resourceId, uint256 startSlot, uint256 hours_, uint16 unit) {
        resourceId = uint32(extra);
        startSlot = uint32(extra >> 32);
        hours_ = uint16(extra >> 64);
        unit = uint8(extra >> 80);
    }
}
