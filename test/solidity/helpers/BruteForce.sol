// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @notice Independent reference for PriceLib: the cheapest (months, days, hours) combination that
/// covers at least `hours_` hours, found by trying every month and day count that could matter.
library BruteForce {
    function cover(
        uint256 hours_,
        uint256 perHour,
        uint256 perDay,
        uint256 perMonth
    ) internal pure returns (uint256 best) {
        best = type(uint256).max;
        // More months or days than needed to cover the window alone never help (prices ≥ 0).
        uint256 maxMonths = (hours_ + 719) / 720;
        for (uint256 m; m <= maxMonths; ++m) {
            uint256 covered = m * 720;
            uint256 rest = covered >= hours_ ? 0 : hours_ - covered;
            uint256 maxDays = (rest + 23) / 24;
            for (uint256 d; d <= maxDays; ++d) {
                uint256 h = d * 24 >= rest ? 0 : rest - d * 24;
                uint256 cost = m * perMonth + d * perDay + h * perHour;
                if (cost < best) best = cost;
            }
        }
    }
}
