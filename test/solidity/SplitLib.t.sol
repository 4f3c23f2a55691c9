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

    function testFuzz_entitlementsSumToNetLessAtMostPayeesMinusOneWei(uint256 n, uint16[8] memory raw, uint128 net)
        public
        pure
    {
        n = bound(n, 1, SplitLib.MAX_PAYEES);
        (uint256 packed, uint16[] memory s) = _shares(n, raw);
        uint256 sum;
        for (uint256 i; i < n; ++i) {
            assertEq(SplitLib.shareOf(packed, i), s[i], "shareOf");
            uint256 e = SplitLib.entitlement(net, packed, i);
            assertEq(e, (uint256(net) * s[i]) / 10_000, "entitlement");
            sum += e;
        }
        assertLe(sum, net, "pays out more than the pool");
        assertLe(net - sum, n - 1, "loses more than payees - 1 wei");
    }

    /// Cumulative accounting: claiming after each deposit never pays more than claiming once at the end.
    function testFuzz_cumulativeEntitlementIsMonotoneAndPathIndependent(
        uint256 n,
        uint16[8] memory raw,
        uint64[6] memory deposits
    ) public pure {
        n = bound(n, 1, SplitLib.MAX_PAYEES);
        (uint256 packed,) = _shares(n, raw);
        uint256[8] memory released;
        uint256 net;
        for (uint256 d; d < deposits.length; ++d) {
            net += deposits[d];
            for (uint256 i; i < n; ++i) {
                uint256 e = SplitLib.entitlement(net, packed, i);
                assertGe(e, released[i], "entitlement decreased");
                released[i] = e;
            }
        }
        uint256 total;
        for (uint256 i; i < n; ++i) total += released[i];
        assertLe(total, net);
        assertLe(net - total, n - 1);
    }
}
