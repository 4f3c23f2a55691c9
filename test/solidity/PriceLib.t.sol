// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Test} from "forge-std/Test.sol";
import {PriceLib} from "../../contracts/libraries/PriceLib.sol";
import {BruteForce} from "./helpers/BruteForce.sol";

/// @notice PriceLib.cover against an exhaustive search over months, days and hours.
contract PriceLibTest is Test {
    uint256 internal constant MAX_HOURS = 8_784; // PassepartoutStorage.MAX_BOOKING_HOURS

    function _prices(uint256 seed, uint80 h, uint80 d, uint80 m) internal pure returns (uint256, uint256, uint256) {
        // Half the runs use small, comparable prices so every regime (day cheaper than 24 h, month
        // dearer than 30 days, …) is hit; the rest the full uint80 range.
        if (seed % 2 == 0) return ((uint256(h) % 1_000) + 1, (uint256(d) % 30_000) + 1, (uint256(m) % 900_000) + 1);
        return (uint256(h) + 1, uint256(d) + 1, uint256(m) + 1);
    }

    function testFuzz_coverEqualsBruteForceCheapestCover(
        uint256 hours_,
        uint80 h,
        uint80 d,
        uint80 m,
        uint256 seed
    ) public pure {
        hours_ = bound(hours_, 1, MAX_HOURS);
        (uint256 ph, uint256 pd, uint256 pm) = _prices(seed, h, d, m);
        assertEq(PriceLib.cover(hours_, ph, pd, pm), BruteForce.cover(hours_, ph, pd, pm), "cover != brute force");
    }

    function testFuzz_coverNeverDecreasesWhenTheWindowGrows(
        uint256 a,
        uint256 b,
        uint80 h,
        uint80 d,
        uint80 m,
        uint256 seed
    ) public pure {
        a = bound(a, 0, MAX_HOURS);
        b = bound(b, a, MAX_HOURS);
        (uint256 ph, uint256 pd, uint256 pm) = _prices(seed, h, d, m);
        assertLe(PriceLib.cover(a, ph, pd, pm), PriceLib.cover(b, ph, pd, pm), "longer window cheaper");
        if (a < MAX_HOURS) assertLe(PriceLib.cover(a, ph, pd, pm), PriceLib.cover(a + 1, ph, pd, pm));
    }

    function testFuzz_neverMoreThanAWholeDayOrMonth(
        uint256 hours_,
        uint80 h,
        uint80 d,
        uint80 m,
        uint256 seed
    ) public pure {
        hours_ = bound(hours_, 1, MAX_HOURS);
        (uint256 ph, uint256 pd, uint256 pm) = _prices(seed, h, d, m);
        uint256 p = PriceLib.cover(hours_, ph, pd, pm);
        assertLe(p, ((hours_ + 23) / 24) * pd, "more than whole days");
        assertLe(p, ((hours_ + 719) / 720) * pm, "more than whole months");
        assertLe(p, hours_ * ph, "more than hourly");
    }

    function test_tenHoursNeverCostMoreThanADay() public pure {
        assertEq(PriceLib.cover(10, 10, 50, 1_000), 50);
        assertEq(PriceLib.cover(4, 10, 50, 1_000), 40);
        assertEq(PriceLib.cover(0, 10, 50, 1_000), 0);
        // 29 days at 50 cost more than a 1,000 month.
        assertEq(PriceLib.cover(24 * 29, 10, 50, 1_000), 1_000);
        assertEq(PriceLib.cover(720 + 1, 10, 50, 1_000), 1_010);
        assertEq(PriceLib.cover(720 + 10, 10, 50, 1_000), 1_050);
    }

    function test_bruteForceSanity() public pure {
        assertEq(BruteForce.cover(25, 10, 200, 5_000), 210);
        assertEq(BruteForce.cover(25, 10, 100, 5_000), 110);
        assertEq(BruteForce.cover(700, 10, 100, 1_000), 1_000);
    }
}
