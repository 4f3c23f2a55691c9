// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Fixture} from "./helpers/Fixture.sol";
import {IPassepartoutBase} from "../../contracts/interfaces/IPassepartoutBase.sol";

/// @notice `book` over its whole input domain: whatever an operator may set (horizon, durations,
/// units) and a member may ask (start, end, unit) at any time, a booking either reverts or mints a
/// pass whose window is exactly the booked one, so `canEnter` and the occupancy agree with it.
contract PassepartoutBookDomainTest is Fixture {
    uint32 internal constant MAX_HORIZON_HOURS = 17_568;
    uint32 internal constant GRACE = 900;
    address internal member = makeAddr("member");

    function setUp() public {
        _deployFixture();
    }

    function _resource(uint32 horizon, uint16 units, uint16 maxHours) internal returns (bool ok, uint32 id) {
        IPassepartoutBase.ResourceParams memory rp = _params("Salle", units, address(0), 1, 24, 720, horizon, GRACE, 0);
        rp.maxHours = maxHours;
        vm.prank(opA);
        try p.createResource(venueA, rp) returns (uint32 rid) {
            return (true, rid);
        } catch {
            return (false, 0);
        }
    }

    function testFuzz_passWindowEqualsBookedWindow(
        uint64 clock,
        uint32 horizon,
        uint16 units,
        uint16 maxHours,
        uint256 startSeed,
        uint256 lengthSeed,
        uint16 unit
    ) public {
        // Any clock up to 2^42 s (year ~141,000): past the range of the 40-bit release time.
        vm.warp(bound(clock, 1_780_000_000, 2 ** 42));
        // Mostly near the bounds (so most runs reach `book`), sometimes anywhere in the type's range.
        if (horizon % 4 != 0) horizon = uint32(bound(horizon, 0, MAX_HORIZON_HOURS + 8));
        if (units % 4 != 0) units = uint16(bound(units, 0, 260));
        if (maxHours % 4 != 0) maxHours = uint16(bound(maxHours, 0, 8_800));
        (bool created, uint32 rid) = _resource(horizon, units, maxHours);
        bool valid = horizon <= MAX_HORIZON_HOURS && units >= 1 && units <= 255 && maxHours >= 1 && maxHours <= 8_784;
        assertEq(created, valid, "createResource accepts exactly the bounded parameters");
        if (!created) return;

        // Half the runs inside the horizon on the grid, the rest anywhere in the uint64 domain.
        uint256 slotNow = block.timestamp / H;
        uint256 start256 =
            startSeed % 2 == 0 ? (slotNow + ((startSeed >> 1) % (uint256(horizon) + 2))) * H : startSeed >> 1;
        uint256 end256 =
            lengthSeed % 2 == 0 ? start256 + (1 + ((lengthSeed >> 1) % (uint256(maxHours) + 1))) * H : lengthSeed >> 1;
        if (start256 > type(uint64).max || end256 > type(uint64).max) return;
        uint64 start = uint64(start256);
        uint64 end = uint64(end256);
        if (unit % 2 == 0) unit = type(uint16).max; // ANY_UNIT half the time

        vm.deal(member, 1 ether);
        vm.prank(member);
        try p.book{value: 1 ether}(rid, start, end, unit, type(uint256).max, member, 0, true) returns (uint256 id) {
            IPassepartoutBase.Pass memory got = p.pass(id);
            assertEq(got.start, start, "pass start != booked start");
            assertEq(got.end, end, "pass end != booked end");
            assertEq(got.resourceId, rid);
            assertFalse(p.isUnitFree(rid, got.unit, start, end), "booked window still free");
            assertEq(
                uint8(p.canEnter(member, doors[0], id, start - GRACE)),
                uint8(IPassepartoutBase.AccessCode.Granted)
            );
            assertEq(uint8(p.canEnter(member, doors[0], id, end - 1)), uint8(IPassepartoutBase.AccessCode.Granted));
            assertEq(uint8(p.canEnter(member, doors[0], id, end)), uint8(IPassepartoutBase.AccessCode.Expired));
            assertEq(
                uint8(p.canEnter(member, doors[0], id, start - GRACE - 1)),
                uint8(IPassepartoutBase.AccessCode.TooEarly)
            );
            // The current hour stays sellable only if it is not part of the booking.
            uint64 nowSlot = uint64(slotNow * H);
            if (start > nowSlot && got.unit < units)
                assertTrue(p.isUnitFree(rid, got.unit, nowSlot, nowSlot + uint64(H)));
        } catch {}
    }

    /// The issue's attack: a horizon of 2^32 hours would have stored a pass valid one hour ago.
    function test_horizonBeyondTheLimitIsRefused() public {
        IPassepartoutBase.ResourceParams memory rp = _params("Salle", 1, address(0), 1, 24, 720, 2 ** 32 - 1, 0, 0);
        vm.prank(opA);
        vm.expectRevert(
            abi.encodeWithSelector(IPassepartoutBase.ResourceHorizonTooLong.selector, 2 ** 32 - 1, MAX_HORIZON_HOURS)
        );
        p.createResource(venueA, rp);
    }

    /// Near the end of the 40-bit release time the checked cast reverts instead of truncating.
    function test_bookingPastTheStorableTimeRevertsInsteadOfTruncating() public {
        (, uint32 rid) = _resource(MAX_HORIZON_HOURS, 1, 10);
        vm.warp(2 ** 40 - 10 * H);
        uint64 start = uint64((block.timestamp / H + 20) * H); // past 2^40 s
        vm.deal(member, 1 ether);
        vm.prank(member);
        vm.expectRevert(bytes4(keccak256("Overflow()")));
        p.book{value: 1 ether}(rid, start, start + uint64(H), type(uint16).max, type(uint256).max, member, 0, true);
    }
}
