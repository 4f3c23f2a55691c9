// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title OpeningHoursLib — a venue's week in local time, and its UTC offset at any instant
/// @notice A venue's opening hours are one storage word:
/// - bits 0–167: the open hours of a week in local wall-clock time, bit `24 × day + hour`, day 0 Monday;
/// - bits 168–175 / 176–183: the standard and daylight UTC offsets, signed, in quarter hours;
/// - bits 184–215 / 216–247: the POSIX `Mm.w.d/h` rules starting and ending daylight time, one byte
///   each for month (0 = no daylight time), week (1–4, 5 = last), weekday (0 Sunday) and hour (signed,
///   local wall clock: standard time for the start, daylight time for the end).
/// A rule, not a list of instants, so that setting the zone once holds for every coming year and a
/// booking pays one storage read for hours and zone together. An all-zero word is a venue that is
/// never open (UTC): a resource following the hours of a venue that set none cannot be booked.
/// Arithmetic is unchecked throughout: instants are below 2^64 (bookings) and rule fields are
/// validated bytes, so no intermediate value comes near 2^255, and no subtraction goes below zero
/// for dates from 1970 on.
/// Exceptions are words per local week (see {exceptionWeek}): bits 0–167 replace the hours of the
/// days whose flag, bit `168 + day`, is set.
library OpeningHoursLib {
    uint256 internal constant WEEK_MASK = (1 << 168) - 1;
    uint256 internal constant QUARTER_HOUR = 900;

    /// @dev Local week (weeks since Monday 1969-12-29) and hour of that week of a local hour.
    function weekAndHour(uint256 hour) internal pure returns (uint256 week, uint256 hourOfWeek) {
        unchecked {
            uint256 day = hour / 24 + 3; // day 0 of week 0 is Monday 1969-12-29, three days before the epoch
            return (day / 7, (day % 7) * 24 + (hour % 24));
        }
    }

    /// @dev Whether `hourOfWeek` is open, the exceptions of its week overriding the weekly hours.
    function isOpen(uint256 word, uint256 exceptions, uint256 hourOfWeek) internal pure returns (bool) {
        uint256 source = (exceptions >> (168 + hourOfWeek / 24)) & 1 != 0 ? exceptions : word;
        return (source >> hourOfWeek) & 1 != 0;
    }

    /// @dev UTC offset (seconds) in force at `t`, and the next instant it may change (a transition or
    /// the start of the next local year, where the rule is evaluated again).
    function offsetAt(uint256 word, uint256 t) internal pure returns (int256 offset, uint256 nextChange) {
        unchecked {
            int256 standard = int256(int8(uint8(word >> 168))) * int256(QUARTER_HOUR);
            uint256 startRule = uint32(word >> 184);
            if (uint8(startRule) == 0) return (standard, type(uint256).max);
            int256 daylight = int256(int8(uint8(word >> 176))) * int256(QUARTER_HOUR);
            uint256 year = yearOf(uint256(int256(t) + standard) / 86_400);
            uint256 dstStart = transition(year, startRule, standard);
            uint256 dstEnd = transition(year, uint32(word >> 216), daylight);
            // Northern zones start daylight time before ending it in a year; southern ones the reverse.
            bool inDaylight = dstStart < dstEnd ? (t >= dstStart && t < dstEnd) : (t >= dstStart || t < dstEnd);
            offset = inDaylight ? daylight : standard;
            uint256 nextYear = uint256(int256(daysFromCivil(year + 1, 1, 1) * 86_400) - standard);
            nextChange = nextYear;
            if (dstStart > t && dstStart < nextChange) nextChange = dstStart;
            if (dstEnd > t && dstEnd < nextChange) nextChange = dstEnd;
        }
    }

    /// @dev UTC instant of a POSIX `Mm.w.d/h` rule in `year`, its hour read at UTC offset `offset`.
    function transition(uint256 year, uint256 rule, int256 offset) internal pure returns (uint256) {
        unchecked {
            uint256 month = uint8(rule);
            uint256 week = uint8(rule >> 8);
            uint256 weekday = uint8(rule >> 16);
            int256 hour = int8(uint8(rule >> 24));
            uint256 first = daysFromCivil(year, month, 1);
            // 1970-01-01 was a Thursday (weekday 4).
            uint256 day = first + ((weekday + 7 - ((first + 4) % 7)) % 7) + (week - 1) * 7;
            if (week == 5) {
                uint256 nextMonth = month == 12 ? daysFromCivil(year + 1, 1, 1) : daysFromCivil(year, month + 1, 1);
                if (day >= nextMonth) day -= 7;
            }
            return uint256(int256(day * 86_400) + hour * 3600 - offset);
        }
    }

    /// @dev Days since 1970-01-01 of a proleptic Gregorian date, year ≥ 1970 (H. Hinnant's algorithm).
    function daysFromCivil(uint256 year, uint256 month, uint256 day) internal pure returns (uint256) {
        unchecked {
            if (month <= 2) --year;
            uint256 era = year / 400;
            uint256 yoe = year - era * 400;
            uint256 doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
            uint256 doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
            return era * 146_097 + doe - 719_468;
        }
    }

    /// @dev The year of a day counted from 1970-01-01 (inverse of {daysFromCivil}).
    function yearOf(uint256 days_) internal pure returns (uint256) {
        unchecked {
            uint256 z = days_ + 719_468;
            uint256 era = z / 146_097;
            uint256 doe = z - era * 146_097;
            uint256 yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
            uint256 doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
            uint256 mp = (5 * doy + 2) / 153;
            return yoe + era * 400 + (mp >= 10 ? 1 : 0); // months from March: January and February are next year
        }
    }

    /// @dev Days since 1970-01-01 of a `YYYYMMDD` date, or type(uint256).max if it is no calendar date
    /// between 1970 and 2105 (the range of 32-bit timestamps).
    function dayOfDate(uint32 date) internal pure returns (uint256) {
        unchecked {
            uint256 year = date / 10_000;
            uint256 month = (date / 100) % 100;
            uint256 day = date % 100;
            if (year < 1970 || year > 2105 || month == 0 || month > 12 || day == 0) return type(uint256).max;
            uint256 first = daysFromCivil(year, month, 1);
            uint256 next = month == 12 ? daysFromCivil(year + 1, 1, 1) : daysFromCivil(year, month + 1, 1);
            if (day > next - first) return type(uint256).max;
            return first + day - 1;
        }
    }

    /// @dev The 24-bit mask of hours `[opens, closes)` of a day.
    function hoursMask(uint256 opens, uint256 closes) internal pure returns (uint256) {
        return ((1 << closes) - 1) ^ ((1 << opens) - 1);
    }
}
