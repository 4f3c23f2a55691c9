// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IPassepartoutBase} from "../interfaces/IPassepartoutBase.sol";

/// @title RefundPolicyLib — cancellation policies packed in one word
/// @notice Layout: bits 0–7 the tier count; tier `i` at bit `8 + 48 i`: `secondsBeforeStart` (32 bits)
/// then `refundBps` (16 bits). One SLOAD reads a whole policy.
library RefundPolicyLib {
    uint256 internal constant MAX_TIERS = 4;
    uint16 internal constant FULL_BPS = 10_000;

    function pack(IPassepartoutBase.RefundTier[] calldata tiers) internal pure returns (uint256 packed) {
        uint256 n = tiers.length;
        if (n > MAX_TIERS) revert IPassepartoutBase.PolicyInvalidTierCount(n, MAX_TIERS);
        packed = n;
        for (uint256 i; i < n; ++i) {
            IPassepartoutBase.RefundTier calldata t = tiers[i];
            if (i > 0 && t.secondsBeforeStart >= tiers[i - 1].secondsBeforeStart) {
                revert IPassepartoutBase.PolicyTiersNotDecreasing(i);
            }
            if (t.refundBps > FULL_BPS) revert IPassepartoutBase.PolicyRefundTooHigh(i, t.refundBps);
            packed |= (uint256(t.secondsBeforeStart) | (uint256(t.refundBps) << 32)) << (8 + 48 * i);
        }
    }

    function unpack(uint256 packed) internal pure returns (IPassepartoutBase.RefundTier[] memory tiers) {
        uint256 n = packed & 0xff;
        tiers = new IPassepartoutBase.RefundTier[](n);
        for (uint256 i; i < n; ++i) {
            (uint32 secs, uint16 bps) = _tier(packed, i);
            tiers[i] = IPassepartoutBase.RefundTier(secs, bps);
        }
    }

    /// @dev Refund share when cancelling `secondsBefore` seconds before the start.
    function refundBps(uint256 packed, uint256 secondsBefore) internal pure returns (uint16) {
        uint256 n = packed & 0xff;
        for (uint256 i; i < n; ++i) {
            (uint32 secs, uint16 bps) = _tier(packed, i);
            if (secondsBefore >= secs) return bps;
        }
        return 0;
    }

    /// @dev Seconds before the start after which no refund is ever owed: the smallest threshold of a
    /// tier that refunds something, or 0 (the start) when no tier refunds.
    function lastRefundOffset(uint256 packed) internal pure returns (uint32 offset) {
        uint256 n = packed & 0xff;
        for (uint256 i; i < n; ++i) {
            (uint32 secs, uint16 bps) = _tier(packed, i);
            if (bps > 0) offset = secs; // thresholds decrease, so the last refunding tier wins
        }
    }

    function _tier(uint256 packed, uint256 i) private pure returns (uint32 secs, uint16 bps) {
        uint256 t = packed >> (8 + 48 * i);
        secs = uint32(t);
        bps = uint16(t >> 32);
    }
}
