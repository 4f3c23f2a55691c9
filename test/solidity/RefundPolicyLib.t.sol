// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Test} from "forge-std/Test.sol";
import {IPassepartoutBase} from "../../contracts/interfaces/IPassepartoutBase.sol";
import {RefundPolicyLib} from "../../contracts/libraries/RefundPolicyLib.sol";

/// @dev `pack` reads calldata: exposed through an external call.
contract RefundPolicyHarness {
    function pack(IPassepartoutBase.RefundTier[] calldata tiers) external pure returns (uint256) {
        return RefundPolicyLib.pack(tiers);
    }
}

contract RefundPolicyLibTest is Test {
    RefundPolicyHarness internal h = new RefundPolicyHarness();

    /// @dev A valid policy: n ≤ 4 tiers, strictly decreasing thresholds, bps ≤ 10,000.
    function _tiers(
        uint256 n,
        uint32[4] memory secs,
        uint16[4] memory bps
    ) internal pure returns (IPassepartoutBase.RefundTier[] memory t) {
        n = bound(n, 0, 4);
        t = new IPassepartoutBase.RefundTier[](n);
        uint256 prev = type(uint32).max;
        for (uint256 i; i < n; ++i) {
            // leave room for the remaining tiers below this one
            uint256 s = bound(secs[i], n - 1 - i, prev - 1 > 0 ? prev - 1 : 0);
            if (i == 0) s = bound(secs[i], n - 1, type(uint32).max);
            prev = s;
            t[i] = IPassepartoutBase.RefundTier(uint32(s), uint16(bound(bps[i], 0, 10_000)));
        }
    }

    function _naiveRefundBps(IPassepartoutBase.RefundTier[] memory t, uint256 before) internal pure returns (uint16) {
        for (uint256 i; i < t.length; ++i) {
            if (before >= t[i].secondsBeforeStart) return t[i].refundBps;
        }
        return 0;
    }

    function testFuzz_packUnpackRoundTrip(uint256 n, uint32[4] memory secs, uint16[4] memory bps) public view {
        IPassepartoutBase.RefundTier[] memory t = _tiers(n, secs, bps);
        IPassepartoutBase.RefundTier[] memory u = RefundPolicyLib.unpack(h.pack(t));
        assertEq(u.length, t.length);
        for (uint256 i; i < t.length; ++i) {
            assertEq(u[i].secondsBeforeStart, t[i].secondsBeforeStart);
            assertEq(u[i].refundBps, t[i].refundBps);
        }
    }

    function testFuzz_refundBpsIsFirstApplicableTier(
        uint256 n,
        uint32[4] memory secs,
        uint16[4] memory bps,
        uint256 before
    ) public view {
        IPassepartoutBase.RefundTier[] memory t = _tiers(n, secs, bps);
        uint256 packed = h.pack(t);
        before = bound(before, 0, uint256(type(uint32).max) + 10);
        assertEq(RefundPolicyLib.refundBps(packed, before), _naiveRefundBps(t, before));
        // Exactly at each threshold, and one second short of it.
        for (uint256 i; i < t.length; ++i) {
            uint256 s = t[i].secondsBeforeStart;
            assertEq(RefundPolicyLib.refundBps(packed, s), _naiveRefundBps(t, s));
            if (s > 0) assertEq(RefundPolicyLib.refundBps(packed, s - 1), _naiveRefundBps(t, s - 1));
        }
    }

    /// lastRefundOffset is the latest moment (seconds before start) a refund can still be owed:
    /// nothing is refunded strictly closer to the start, something is refunded exactly at it.
    function testFuzz_lastRefundOffsetBoundsEveryRefund(
        uint256 n,
        uint32[4] memory secs,
        uint16[4] memory bps,
        uint256 before
    ) public view {
        IPassepartoutBase.RefundTier[] memory t = _tiers(n, secs, bps);
        uint256 packed = h.pack(t);
        uint32 off = RefundPolicyLib.lastRefundOffset(packed);
        before = bound(before, 0, uint256(type(uint32).max));
        if (before < off) assertEq(RefundPolicyLib.refundBps(packed, before), 0, "refund closer than offset");
        bool anyRefund;
        for (uint256 i; i < t.length; ++i) {
            if (t[i].refundBps > 0) anyRefund = true;
        }
        if (anyRefund) assertGt(RefundPolicyLib.refundBps(packed, off), 0, "offset is not the last refunding moment");
        else assertEq(off, 0);
    }

    function test_rejectsTooManyTiers() public {
        IPassepartoutBase.RefundTier[] memory t = new IPassepartoutBase.RefundTier[](5);
        for (uint256 i; i < 5; ++i) t[i] = IPassepartoutBase.RefundTier(uint32(100 - i), 0);
        vm.expectRevert(abi.encodeWithSelector(IPassepartoutBase.PolicyInvalidTierCount.selector, 5, 4));
        h.pack(t);
    }

    function testFuzz_rejectsNonDecreasingThresholds(uint32 a, uint32 b) public {
        b = uint32(bound(b, a, type(uint32).max));
        IPassepartoutBase.RefundTier[] memory t = new IPassepartoutBase.RefundTier[](2);
        t[0] = IPassepartoutBase.RefundTier(a, 10_000);
        t[1] = IPassepartoutBase.RefundTier(b, 5_000);
        vm.expectRevert(abi.encodeWithSelector(IPassepartoutBase.PolicyTiersNotDecreasing.selector, 1));
        h.pack(t);
    }

    function testFuzz_rejectsRefundAboveFull(uint16 bps) public {
        bps = uint16(bound(bps, 10_001, type(uint16).max));
        IPassepartoutBase.RefundTier[] memory t = new IPassepartoutBase.RefundTier[](1);
        t[0] = IPassepartoutBase.RefundTier(3600, bps);
        vm.expectRevert(abi.encodeWithSelector(IPassepartoutBase.PolicyRefundTooHigh.selector, 0, bps));
        h.pack(t);
    }
}
