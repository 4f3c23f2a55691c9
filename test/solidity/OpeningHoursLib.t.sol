// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Test} from "forge-std/Test.sol";
import {OpeningHoursLib} from "../../contracts/libraries/OpeningHoursLib.sol";

/// @notice The calendar arithmetic of OpeningHoursLib against day-by-day counting and the rules'
/// own definitions.
contract OpeningHoursLibTest is Test {
    /// Days since 1970-01-01 of 2106-01-01: the end of 32-bit timestamps.
    uint256 internal constant LAST_DAY = 49_673;

    function testFuzz_yearOfInvertsDaysFromCivil(uint256 year, uint256 month, uint256 day) public pure {
        year = bound(year, 1970, 2105);
        month = bound(month, 1, 12);
        day = bound(day, 1, 28);
        uint256 d = OpeningHoursLib.daysFromCivil(year, month, day);
        assertEq(OpeningHoursLib.yearOf(d), year, "year of the day");
        assertEq(OpeningHoursLib.daysFromCivil(year, month, day + 1), d + 1, "next day");
    }

    function testFuzz_yearOfChangesOnlyOnJanuaryFirst(uint256 d) public pure {
        d = bound(d, 1, LAST_DAY);
        uint256 y = OpeningHoursLib.yearOf(d);
        if (y != OpeningHoursLib.yearOf(d - 1)) assertEq(OpeningHoursLib.daysFromCivil(y, 1, 1), d, "new year");
    }

    function test_knownDays() public pure {
        assertEq(OpeningHoursLib.daysFromCivil(1970, 1, 1), 0);
        assertEq(OpeningHoursLib.daysFromCivil(2027, 3, 14), 20_891);
        assertEq(OpeningHoursLib.daysFromCivil(2000, 3, 1), 11_017); // after a 400-year leap day
        assertEq(OpeningHoursLib.dayOfDate(20271107), OpeningHoursLib.daysFromCivil(2027, 11, 7));
        assertEq(OpeningHoursLib.dayOfDate(20280229), OpeningHoursLib.daysFromCivil(2028, 2, 29));
        assertEq(OpeningHoursLib.dayOfDate(20270229), type(uint256).max);
        assertEq(OpeningHoursLib.dayOfDate(21000229), type(uint256).max); // 2100 is not a leap year
        assertEq(OpeningHoursLib.dayOfDate(20271131), type(uint256).max);
    }

    /// A `Mm.w.d/h` rule lands on its weekday, in its month, in the right week (or the last one).
    function testFuzz_transitionIsTheRulesDay(uint256 year, uint8 month, uint8 week, uint8 weekday) public pure {
        year = bound(year, 1970, 2104);
        month = uint8(bound(month, 1, 12));
        week = uint8(bound(week, 1, 5));
        weekday = uint8(bound(weekday, 0, 6));
        uint256 rule = uint256(month) | (uint256(week) << 8) | (uint256(weekday) << 16); // hour 0
        uint256 day = OpeningHoursLib.transition(year, rule, 0) / 86_400;
        uint256 first = OpeningHoursLib.daysFromCivil(year, month, 1);
        uint256 next =
            month == 12
                ? OpeningHoursLib.daysFromCivil(year + 1, 1, 1)
                : OpeningHoursLib.daysFromCivil(year, month + 1, 1);
        assertEq((day + 4) % 7, weekday, "weekday");
        assertGe(day, first, "in its month");
        assertLt(day, next, "in its month");
        if (week < 5) assertEq((day - first) / 7 + 1, week, "week");
        else assertGe(day + 7, next, "the last one");
    }

    /// Toronto 2027: daylight time from 14 March 07:00 UTC to 7 November 06:00 UTC.
    function test_torontoOffsets2027() public pure {
        uint256 word = (uint256(uint8(int8(-20))) << 168) | (uint256(uint8(int8(-16))) << 176);
        word |= (uint256(3) | (2 << 8) | (0 << 16) | (2 << 24)) << 184;
        word |= (uint256(11) | (1 << 8) | (0 << 16) | (2 << 24)) << 216;
        uint256 spring = 1_805_007_600; // 2027-03-14T07:00:00Z
        uint256 autumn = 1_825_567_200; // 2027-11-07T06:00:00Z
        (int256 before, uint256 next) = OpeningHoursLib.offsetAt(word, spring - 1);
        assertEq(before, -5 hours);
        assertEq(next, spring);
        (int256 summer, uint256 next2) = OpeningHoursLib.offsetAt(word, spring);
        assertEq(summer, -4 hours);
        assertEq(next2, autumn);
        (int256 lastSummer, ) = OpeningHoursLib.offsetAt(word, autumn - 1);
        assertEq(lastSummer, -4 hours);
        (int256 winter, uint256 next3) = OpeningHoursLib.offsetAt(word, autumn);
        assertEq(winter, -5 hours);
        assertEq(next3, 1_830_315_600); // 2028-01-01T05:00:00Z, where the rule is read again
    }
}
