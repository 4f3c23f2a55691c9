// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title PriceLib — cheapest cover of a window by months, days and hours
/// @notice A day is 24 hours and a month 720 hours (30 days). The price of `h` hours is the
/// cheapest combination of whole months, days and hours that covers at least `h` hours, so a
/// longer window never costs less than a shorter one and 10 hours never cost more than a day.
library PriceLib {
    uint256 internal constant HOURS_PER_DAY = 24;
    uint256 internal constant HOURS_PER_MONTH = 720;
    uint256 internal constant DAYS_PER_MONTH = 30;

    /// @dev First make each larger unit no dearer than the smaller units it replaces (a "day" may be
    /// 24 hours, a "month" 30 days); with those effective prices and divisible units the optimum uses
    /// fewer than 24 hours and 30 days past whole months, and either rounds the remainder up to one
    /// more month or covers it with days plus either one more day or the leftover hours.
    function cover(
        uint256 hours_,
        uint256 perHour,
        uint256 perDay,
        uint256 perMonth
    ) internal pure returns (uint256 price) {
        uint256 day = _min(perDay, perHour * HOURS_PER_DAY);
        uint256 month = _min(perMonth, day * DAYS_PER_MONTH);
        uint256 rest = hours_ % HOURS_PER_MONTH;
        uint256 days_ = rest / HOURS_PER_DAY;
        uint256 restCost = days_ * day + _min(day, (rest % HOURS_PER_DAY) * perHour);
        price = (hours_ / HOURS_PER_MONTH) * month + _min(month, restCost);
    }

    function _min(uint256 a, uint256 b) private pure returns (uint256) {
        return a < b ? a : b;
    }
}
