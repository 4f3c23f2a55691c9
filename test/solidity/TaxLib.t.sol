// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Test} from "forge-std/Test.sol";
import {TaxLib} from "../../contracts/libraries/TaxLib.sol";

/// @notice A tax is the price times the rate rounded half-up to a whole cent, grows with the price,
/// and the 40-bit booking terms give back exactly the rates and cent they were packed from.
contract TaxLibTest is Test {
    uint256 internal constant SCALE = 100_000;

    function testFuzz_taxIsTheNearestCentHalfUp(uint96 price, uint256 rate, uint256 centExp) public pure {
        rate = bound(rate, 0, TaxLib.MAX_RATE);
        centExp = bound(centExp, 0, 30);
        uint256 cent = 10 ** centExp;
        uint256 tax = TaxLib.tax(price, rate, cent);
        uint256 exact = uint256(price) * rate; // in 1/100,000 units
        uint256 half = (SCALE * cent) / 2;
        assertEq(tax % cent, 0, "whole cents");
        // tax − exact ∈ (−half, +half]: the nearest cent, a tie going up.
        assertLe(tax * SCALE, exact + half, "not above the nearest cent");
        assertGt(tax * SCALE + SCALE * cent, exact + half, "not below the nearest cent");
    }

    function test_roundsHalfACentUp() public pure {
        assertEq(TaxLib.tax(100_000, 5_000, 10_000), 10_000); // 0.10 CAD at 5 %: 0.005 → 0.01
        assertEq(TaxLib.tax(90_000, 5_000, 10_000), 0); // 0.09 CAD at 5 %: 0.0045 → 0
    }

    function testFuzz_taxGrowsWithThePrice(uint96 a, uint96 b, uint256 rate, uint256 centExp) public pure {
        (a, b) = a <= b ? (a, b) : (b, a);
        rate = bound(rate, 0, TaxLib.MAX_RATE);
        uint256 cent = 10 ** bound(centExp, 0, 30);
        assertLe(TaxLib.tax(a, rate, cent), TaxLib.tax(b, rate, cent));
    }

    function testFuzz_termsKeepRatesAndCent(uint96 price, uint256 gst, uint256 qst, uint256 centExp) public pure {
        gst = bound(gst, 0, TaxLib.MAX_RATE);
        qst = bound(qst, 0, TaxLib.MAX_RATE);
        centExp = bound(centExp, 0, TaxLib.MAX_CENT_EXP);
        (uint256 g, uint256 q) = TaxLib.taxes(price, TaxLib.terms(gst, qst, centExp));
        assertEq(g, TaxLib.tax(price, gst, 10 ** centExp), "GST");
        assertEq(q, TaxLib.tax(price, qst, 10 ** centExp), "QST");
    }
}
