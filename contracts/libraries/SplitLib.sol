// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title SplitLib — shares of a payee split packed in one word, and each payee's entitlement
/// @notice Shares (basis points, 16 bits each, up to 8 payees) sit at bit `16 i`. A pool accumulates
/// the settled net amount of a split; payee `i` is entitled to `floor(net * share_i / 10_000)` of it.
/// Because the entitlement is computed on the cumulative amount, rounding remainders are never lost:
/// they stay in the pool and become claimable as the pool grows (at most `payees - 1` wei wait).
library SplitLib {
    uint256 internal constant MAX_PAYEES = 8;
    uint256 internal constant TOTAL_BPS = 10_000;

    function shareOf(uint256 packedShares, uint256 index) internal pure returns (uint16) {
        return uint16(packedShares >> (16 * index));
    }

    function entitlement(uint256 net, uint256 packedShares, uint256 index) internal pure returns (uint256) {
        return (net * shareOf(packedShares, index)) / TOTAL_BPS;
    }
}
