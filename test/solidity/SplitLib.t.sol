// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Test} from "forge-std/Test.sol";
import {SplitLib} from "../../contracts/libraries/SplitLib.sol";

contract SplitLibTest is Test {
    /// @dev n payees with shares > 0 summing to 10,000, packed as SplitLib expects.
    function _shares(uint256 n, uint16[8] memory raw) internal pure returns (uint256 packed, uint16[] memory s) {
        s = new uint16[](n);
        uint256 left = 10_000;
        for (uint256 i; i < n; ++i) {
            uint256 share = i == n - 1 ? left : bound(raw[i], 1, left - (n - 1 - i));
            s[i] = uint16(share);
            left -= share;
            packed |= share << (16 * i);
        }
    }

    function testFuzz_entitlementsSumToTheWholePoolAndNeverFallBelowTheShare(
        uint256 n,
        uint16[8] memory raw,
        uint128 net
    ) public pure {
        n = bound(n, 1, SplitLib.MAX_PAYEES);
        (uint256 packed, uint16[] memory s) = _shares(n, raw);
        uint256 sum;
        for (uint256 i; i < n; ++i) {
            assertEq(SplitLib.shareOf(packed, i), s[i], "shareOf");
            uint256 e = SplitLib.entitlement(net, packed, i);
            uint256 floor = (uint256(net) * s[i]) / 10_000;
            assertGe(e, floor, "below its share");
            assertLe(e - floor, n - 1, "more than the remainder");
            sum += e;
        }
        for (uint256 i = n; i < SplitLib.MAX_PAYEES; ++i) assertEq(SplitLib.entitlement(net, packed, i), 0);
        assertEq(sum, net, "dust left in the pool, or more than the pool paid out");
    }

    /// The rounding remainder is handed out unit by unit as D'Hondt does from an empty pool.
    function testFuzz_remainderFollowsDHondtUnitByUnit(uint256 n, uint16[8] memory raw, uint8 net) public pure {
        n = bound(n, 1, SplitLib.MAX_PAYEES);
        (uint256 packed, uint16[] memory s) = _shares(n, raw);
        uint256[8] memory units;
        for (uint256 total = 1; total <= net; ++total) {
            uint256 best;
            for (uint256 i = 1; i < n; ++i) {
                if (uint256(s[i]) * (units[best] + 1) > uint256(s[best]) * (units[i] + 1)) best = i;
            }
            ++units[best];
        }
        for (uint256 i; i < n; ++i) assertEq(SplitLib.entitlement(net, packed, i), units[i], "D'Hondt");
    }

    /// The remainder of 10 units shared 1/3 each goes to the first listed payee (a defined payee).
    function test_remainderOfEqualSharesGoesToTheFirstPayee() public pure {
        uint256 packed = 3_334 | (3_333 << 16) | (3_333 << 32);
        assertEq(SplitLib.entitlement(10, packed, 0), 4);
        assertEq(SplitLib.entitlement(10, packed, 1), 3);
        assertEq(SplitLib.entitlement(10, packed, 2), 3);
        uint256 even = 5_000 | (5_000 << 16);
        assertEq(SplitLib.entitlement(1, even, 0), 1);
        assertEq(SplitLib.entitlement(1, even, 1), 0);
    }

    /// Cumulative accounting: claiming after each deposit never pays more than claiming once at the end.
    function testFuzz_cumulativeEntitlementIsMonotoneAndPathIndependent(
        uint256 n,
        uint16[8] memory raw,
        uint64[6] memory deposits
    ) public pure {
        n = bound(n, 1, SplitLib.MAX_PAYEES);
        (uint256 packed, ) = _shares(n, raw);
        uint256[8] memory released;
        uint256 net;
        for (uint256 d; d < deposits.length; ++d) {
            // Small deposits too, where the remainder moves between payees.
            net += d % 2 == 0 ? deposits[d] % 16 : deposits[d];
            for (uint256 i; i < n; ++i) {
                uint256 e = SplitLib.entitlement(net, packed, i);
                assertGe(e, released[i], "entitlement decreased");
                released[i] = e;
            }
        }
        uint256 total;
        for (uint256 i; i < n; ++i) total += released[i];
        assertEq(total, net);
    }
}
