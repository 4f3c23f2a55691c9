// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {StdInvariant} from "forge-std/StdInvariant.sol";
import {Fixture} from "./helpers/Fixture.sol";
import {ProtocolHandler} from "./helpers/ProtocolHandler.sol";

/// @notice Random sequences of bookings, cancellations, settlements, claims, transfers, guests, fee
/// and payee changes and time jumps; after every call the protocol must agree with the handler's
/// own model (see ProtocolHandler).
contract PassepartoutInvariantTest is StdInvariant, Fixture {
    ProtocolHandler internal handler;

    function setUp() public {
        _deployFixture();
        handler = new ProtocolHandler(p, cad, admin, treasury, FEE, resIds, [venueA, venueB], doors, [opA, opB]);
        targetContract(address(handler));
        bytes4[] memory selectors = new bytes4[](16);
        selectors[0] = ProtocolHandler.book.selector;
        selectors[1] = ProtocolHandler.book.selector; // booking weighs double
        selectors[2] = ProtocolHandler.cancelByHolder.selector;
        selectors[3] = ProtocolHandler.cancelByOperator.selector;
        selectors[4] = ProtocolHandler.settle.selector;
        selectors[5] = ProtocolHandler.claim.selector;
        selectors[6] = ProtocolHandler.claimFees.selector;
        selectors[7] = ProtocolHandler.withdrawCredit.selector;
        selectors[8] = ProtocolHandler.transfer.selector;
        selectors[9] = ProtocolHandler.setGuest.selector;
        selectors[10] = ProtocolHandler.setFee.selector;
        selectors[11] = ProtocolHandler.changePayees.selector;
        selectors[12] = ProtocolHandler.toggleRejecting.selector;
        selectors[13] = ProtocolHandler.warp.selector;
        selectors[14] = ProtocolHandler.warpToBoundary.selector;
        selectors[15] = ProtocolHandler.settle.selector;
        targetSelector(FuzzSelector({addr: address(handler), selectors: selectors}));
    }

    /// Every call did what the model predicted: prices equal the brute-force cover, refunds follow
    /// the policy, claims and fees equal the model's entitlements, no unexpected revert or success.
    function invariant_everyCallMatchesTheModel() public view {
        handler.checkNoViolations();
    }

    /// Real ETH and TestCAD balances == escrowed + unclaimed pool money + credits (model totals),
    /// and everything ever received == that + everything paid out.
    function invariant_balancesEqualEscrowPlusUnclaimedPlusCredits() public view {
        handler.checkMoney();
    }

    /// gross = fee + net per pool, entitlements sum to net exactly (no dust), claims ≤ pool.
    function invariant_settlementSumsExactly() public view {
        handler.checkPools();
    }

    /// No slot holds more live bookings than units; no unit is double-booked.
    function invariant_noSlotExceedsItsUnits() public view {
        handler.checkOccupancy();
    }

    /// canEnter grants the holder (and an unexpired guest) exactly in [start − grace, end).
    function invariant_passValidExactlyInsideItsWindow() public view {
        handler.checkValidity();
    }

    /// A refund the policy owes is never lost because someone settled first.
    function invariant_noOwedRefundLostToSettlement() public view {
        assertEq(handler.refundsLostToSettlement(), 0, "holder lost an owed refund to an early settlement");
    }
}
