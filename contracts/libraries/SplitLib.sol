// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title SplitLib — shares of a payee split packed in one word, and each payee's entitlement
/// @notice Shares (basis points, 16 bits each, up to 8 payees) sit at bit `16 i`. A pool accumulates
/// the settled net amount of a split; payee `i` is entitled to `floor(net * share_i / 10_000)` of it
/// plus, when those floors leave a remainder (fewer units than payees), some of its units: the
/// remainder is handed out one unit at a time by the D'Hondt rule (to the payee with the largest
/// `share / (units so far + 1)`, the first listed on a tie). So the entitlements always add up to
/// the whole pool (no dust is ever locked), and each only grows as the pool grows, which cumulative
/// pull claims need: "the first payee takes the remainder" would not be monotone and could pay
/// out more than the pool.
library SplitLib {
    uint256 internal constant MAX_PAYEES = 8;
    uint256 internal constant TOTAL_BPS = 10_000;

    function shareOf(uint256 packedShares, uint256 index) internal pure returns (uint16) {
        return uint16(packedShares >> (16 * index));
    }

    /// @dev Payee `index`'s cumulative entitlement in a pool of `net` (< 2^128). Shares past the
    /// split's payee count are 0, and the loops always run over all MAX_PAYEES slots, so the cost does
    /// not depend on the payee count (only on the remainder, < 8 units).
    function entitlement(uint256 net, uint256 packedShares, uint256 index) internal pure returns (uint256) {
        uint256[MAX_PAYEES] memory units;
        uint256 allocated;
        unchecked {
            // net < 2^128 and shares ≤ 10_000: no product or sum can overflow; Σ floors ≤ net.
            for (uint256 i; i < MAX_PAYEES; ++i) {
                uint256 u = (net * shareOf(packedShares, i)) / TOTAL_BPS;
                units[i] = u;
                allocated += u;
            }
            for (uint256 left = net - allocated; left != 0; --left) {
                // Payee 0 always has a share > 0; zero-share slots never win.
                uint256 best;
                for (uint256 i = 1; i < MAX_PAYEES; ++i) {
                    if (shareOf(packedShares, i) * (units[best] + 1) > shareOf(packedShares, best) * (units[i] + 1)) {
                        best = i;
                    }
                }
                ++units[best];
            }
        }
        return units[index];
    }
}
