// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IPassepartoutBase} from "../interfaces/IPassepartoutBase.sol";

/// @title TaxLib — Québec sales taxes (GST and QST) of a pre-tax price, and registration numbers
/// @notice Rates are in parts per 100,000 (GST 5 % = 5,000, QST 9.975 % = 9,975), at most 100 %.
/// Each tax is computed on the pre-tax price and rounded half-up to the cent, as Revenu Québec
/// does; a cent is 10^(decimals − 2) units of the payment token (one unit for tokens with fewer
/// than 2 decimals). Native ETH has no cent, so it is never taxed (the booking is refused instead).
/// A booking snapshots its terms in 40 bits: GST rate (bits 0–16), QST rate (bits 17–33) and the
/// cent's exponent (bits 34–39).
library TaxLib {
    uint256 internal constant RATE_SCALE = 100_000;
    uint256 internal constant MAX_RATE = 100_000; // 100 %: fits the 17 bits of a rate
    uint256 internal constant MAX_CENT_EXP = 63; // 6 bits

    /// @dev Layout of the 40-bit terms.
    uint256 internal constant RATE_MASK = (1 << 17) - 1; // one rate, 17 bits
    uint256 internal constant QST_SHIFT = 17;
    uint256 internal constant CENT_EXP_SHIFT = 34;
    uint256 internal constant RATES_MASK = (1 << CENT_EXP_SHIFT) - 1; // both rates: zero means untaxed

    function checkRate(uint256 rate) internal pure {
        if (rate > MAX_RATE) revert IPassepartoutBase.TaxRateTooHigh(rate);
    }

    /// @dev Terms of a booking; rates ≤ MAX_RATE and `centExp` ≤ MAX_CENT_EXP are the callers' checks.
    function terms(uint256 gstRate, uint256 qstRate, uint256 centExp) internal pure returns (uint40) {
        return uint40(gstRate | (qstRate << QST_SHIFT) | (centExp << CENT_EXP_SHIFT));
    }

    /// @dev `price × rate`, rounded half-up to a whole number of cents.
    function tax(uint256 price, uint256 rate, uint256 cent) internal pure returns (uint256) {
        unchecked {
            // price < 2^96, rate < 2^17 and cent ≤ 10^63: no product or sum can overflow; d > 0.
            uint256 d = RATE_SCALE * cent;
            return ((price * rate + d / 2) / d) * cent;
        }
    }

    /// @dev GST and QST of `price` under booking terms `t` (both 0 for an untaxed booking).
    function taxes(uint256 price, uint40 t) internal pure returns (uint256 gst, uint256 qst) {
        if (t & RATES_MASK == 0) return (0, 0);
        uint256 cent = 10 ** (uint256(t) >> CENT_EXP_SHIFT);
        gst = tax(price, t & RATE_MASK, cent);
        qst = tax(price, (t >> QST_SHIFT) & RATE_MASK, cent);
    }

    /// @dev A GST/HST registration number: 9 digits, "RT", 4 digits (123456789RT0001).
    function checkGstNumber(string calldata n) internal pure {
        if (!_isNumber(bytes(n), 9, "RT")) revert IPassepartoutBase.GstNumberInvalid(n);
    }

    /// @dev A QST registration number: 10 digits, "TQ", 4 digits (1234567890TQ0001).
    function checkQstNumber(string calldata n) internal pure {
        if (!_isNumber(bytes(n), 10, "TQ")) revert IPassepartoutBase.QstNumberInvalid(n);
    }

    /// @dev `digits` digits, the two letters `code`, then 4 digits.
    function _isNumber(bytes calldata b, uint256 digits, bytes2 code) private pure returns (bool) {
        if (b.length != digits + 6 || b[digits] != code[0] || b[digits + 1] != code[1]) return false;
        for (uint256 i; i < b.length; ++i) {
            if (i == digits) i += 2;
            if (b[i] < "0" || b[i] > "9") return false;
        }
        return true;
    }
}
