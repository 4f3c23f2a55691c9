// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IPassepartoutBase} from "./IPassepartoutBase.sol";

/// @title IOpeningHours — a venue's weekly opening hours, time zone and dated exceptions
/// @notice Served by Passepartout through its VenueRegistry module, which forwards these selectors to
/// the OpeningHours module (delegatecall), at the same address. Hours are whole local hours; a
/// booking of a resource whose `followsOpeningHours` is set must cover open hours only
/// ({BookingOutsideOpeningHours}). The time zone is a rule (standard and daylight offsets and the
/// POSIX `Mm.w.d/h` rules of the daylight-time changes, the form tzdata itself uses for future
/// years), so it holds every year without being published again; the dApp derives it from an IANA
/// zone name such as America/Toronto. A booking of 24 hours or more (a day or 30-day pass) of such a
/// resource must start at an open hour and covers the open hours of its days. Docs:
/// docs/opening-hours.md.
interface IOpeningHours is IPassepartoutBase {
    /// @notice Hours `[opens, closes)` of a weekday, local time.
    struct OpeningInterval {
        uint8 day; // 0 Monday … 6 Sunday
        uint8 opens; // 0–23
        uint8 closes; // opens + 1 … 24
    }

    /// @notice A POSIX `Mm.w.d/h` rule: the `week`th `weekday` of `month` at `hour`, local wall clock.
    struct DstTransition {
        uint8 month; // 1–12; 0 in `dstStart` (with all of `dstEnd` zero) for a zone without daylight time
        uint8 week; // 1–4, 5 = the last one of the month
        uint8 weekday; // 0 Sunday … 6 Saturday
        int8 hour; // -24 … 48, standard time for the start, daylight time for the end
    }

    /// @notice A venue's time zone, e.g. America/Toronto: standard -300, daylight -240, daylight time
    /// from M3.2.0/2 (second Sunday of March, 2:00) to M11.1.0/2 (first Sunday of November, 2:00).
    struct TimeZoneRule {
        int16 standardOffset; // minutes east of UTC, a multiple of 15 in [-720, 840]
        int16 daylightOffset; // same, in force between dstStart and dstEnd
        DstTransition dstStart;
        DstTransition dstEnd;
    }

    /// @notice Hours `[opens, closes)` of one local date that replace its weekday's hours. All the
    /// exceptions of a date given together make its hours; `opens == closes == 0` alone closes it.
    struct OpeningException {
        uint32 date; // YYYYMMDD, local, 1970–2105
        uint8 opens;
        uint8 closes;
    }

    /// @notice An interval's day is past Sunday or it closes after 24:00.
    /// @param day The interval's day.
    /// @param opens Its opening hour.
    /// @param closes Its closing hour.
    error OpeningHoursOutOfDay(uint8 day, uint8 opens, uint8 closes);
    /// @notice An interval closes at or before it opens (split one across midnight in two).
    /// @param day The interval's day (for an exception, 255).
    /// @param opens Its opening hour.
    /// @param closes Its closing hour.
    error OpeningHoursInverted(uint8 day, uint8 opens, uint8 closes);
    /// @notice An interval overlaps another of the same day (or date, for exceptions).
    /// @param day The interval's day (for an exception, 255).
    /// @param opens Its opening hour.
    /// @param closes Its closing hour.
    error OpeningHoursOverlap(uint8 day, uint8 opens, uint8 closes);
    /// @notice An offset is not a multiple of 15 minutes in [-720, 840].
    /// @param offset The offset, in minutes.
    error TimeZoneOffsetInvalid(int16 offset);
    /// @notice A daylight-time rule is out of range, or only one of the two is given.
    /// @param transition The rule.
    error TimeZoneTransitionInvalid(DstTransition transition);
    /// @notice An exception's date is no calendar date between 1970 and 2105.
    /// @param date The date (YYYYMMDD).
    error OpeningExceptionDateInvalid(uint32 date);
    /// @notice Exceptions must come in date order (so that a date's intervals are checked together).
    /// @param index The first exception out of order.
    error OpeningExceptionsUnsorted(uint256 index);
    /// @notice Closing these hours would leave a paid booking in them: a unit of a resource following
    /// the hours is booked in an hour that was open and that the change closes. The operator cancels
    /// such bookings first (a full refund, {IPassepartoutCore-cancel}), then closes the date.
    /// @param resourceId The booked resource.
    /// @param unit The booked unit.
    /// @param hour The first such hour found (UTC, on the grid).
    error OpeningClosureHasBookings(uint32 resourceId, uint16 unit, uint64 hour);
    /// @notice There is no exception on this date to clear.
    /// @param date The date (YYYYMMDD).
    error OpeningExceptionNotFound(uint32 date);

    /// @notice A venue's weekly hours and time zone changed; they apply to future bookings only.
    /// @param venueId The venue.
    /// @param weekly Its open intervals.
    /// @param zone Its time zone.
    event OpeningHoursSet(uint32 indexed venueId, OpeningInterval[] weekly, TimeZoneRule zone);
    /// @notice Dates got their own hours, replacing those of their weekdays.
    /// @param venueId The venue.
    /// @param exceptions The intervals, by date.
    event OpeningExceptionsSet(uint32 indexed venueId, OpeningException[] exceptions);
    /// @notice Dates went back to the hours of their weekdays.
    /// @param venueId The venue.
    /// @param dates The dates (YYYYMMDD).
    event OpeningExceptionsCleared(uint32 indexed venueId, uint32[] dates);

    /// @notice Operator only. Replaces the venue's weekly hours and time zone. Intervals of a day must
    /// not overlap ({OpeningHoursOverlap}) nor be inverted ({OpeningHoursInverted}); an empty list
    /// closes the venue (resources not following the hours are unaffected). Existing passes stay.
    function setOpeningHours(uint32 venueId, OpeningInterval[] calldata weekly, TimeZoneRule calldata zone) external;
    /// @notice Operator only. Gives dates (in date order) their own hours; a date given again is
    /// replaced. Bad dates, unsorted, inverted or overlapping intervals revert with a named error.
    /// Refused ({OpeningClosureHasBookings}) if an hour it closes, not yet over, holds a booking of a
    /// resource following the hours: those are cancelled first, so no paid booking is left in a closure.
    function setOpeningExceptions(uint32 venueId, OpeningException[] calldata exceptions) external;
    /// @notice Operator only. Returns dates to their weekday's hours ({OpeningExceptionNotFound});
    /// refused like {setOpeningExceptions} if that closes booked hours ({OpeningClosureHasBookings}).
    function clearOpeningExceptions(uint32 venueId, uint32[] calldata dates) external;

    /// @notice A venue's weekly hours (bit `24 × day + hour`, day 0 Monday, local) and time zone.
    function openingHours(uint32 venueId) external view returns (uint256 weeklyMask, TimeZoneRule memory zone);
    /// @notice Whether a date has its own hours, and those hours (bit `hour`, local).
    function openingException(uint32 venueId, uint32 date) external view returns (bool set, uint24 hoursMask);
    /// @notice Which of `count` hours from `start` (on the grid) are open for the resource — those a
    /// booking under a day may cover, and a day or longer pass may start at: bit `i % 256` of word
    /// `i / 256` for the hour at `start + 3600 i`. All set for a resource that does not follow the
    /// hours. What the dApp's calendar and occupancy show.
    function openHours(uint32 resourceId, uint64 start, uint256 count) external view returns (uint256[] memory open);
}
