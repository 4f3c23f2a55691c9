// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IOpeningHours} from "./interfaces/IOpeningHours.sol";
import {PassepartoutStorage} from "./PassepartoutStorage.sol";
import {OpeningHoursLib} from "./libraries/OpeningHoursLib.sol";
import {SlotBitmap} from "./libraries/SlotBitmap.sol";

/// @title OpeningHours — venues' weekly hours, time zones and dated exceptions
/// @notice A module of Passepartout, reached through the VenueRegistry module's fallback by
/// delegatecall: it writes Passepartout's storage, at Passepartout's address. The booking check
/// itself is {PassepartoutStorage-_firstClosedHour}, in Passepartout; this module only sets and reads.
contract OpeningHours is IOpeningHours, PassepartoutStorage {
    using SlotBitmap for mapping(uint256 => uint256);

    /// @dev Reported as the "day" of an exception's bad interval.
    uint8 private constant EXCEPTION_DAY = 255;

    /// @inheritdoc IOpeningHours
    function setOpeningHours(uint32 venueId, OpeningInterval[] calldata weekly, TimeZoneRule calldata zone) external {
        _onlyOperator(venueId);
        uint256 word;
        for (uint256 i; i < weekly.length; ++i) {
            OpeningInterval calldata w = weekly[i];
            if (w.day > 6 || w.closes > 24) revert OpeningHoursOutOfDay(w.day, w.opens, w.closes);
            uint256 mask = _intervalMask(w.day, w.opens, w.closes) << (24 * uint256(w.day));
            if (word & mask != 0) revert OpeningHoursOverlap(w.day, w.opens, w.closes);
            word |= mask;
        }
        word |= _quarterHours(zone.standardOffset) << 168;
        word |= _quarterHours(zone.daylightOffset) << 176;
        bool daylight = zone.dstStart.month != 0;
        word |= _transition(zone.dstStart, daylight) << 184;
        word |= _transition(zone.dstEnd, daylight) << 216;
        _openingHours[venueId] = word;
        emit OpeningHoursSet(venueId, weekly, zone);
    }

    /// @inheritdoc IOpeningHours
    function setOpeningExceptions(uint32 venueId, OpeningException[] calldata exceptions) external {
        _onlyOperator(venueId);
        uint32 previous;
        // Per date given, the UTC hours its local day touches and which of them were open before.
        uint256[] memory dayOpen = new uint256[](exceptions.length);
        uint256 dates;
        for (uint256 i; i < exceptions.length; ++i) {
            OpeningException calldata e = exceptions[i];
            if (e.date < previous) revert OpeningExceptionsUnsorted(i);
            (uint256 week, uint256 day) = _weekAndDay(e.date);
            mapping(uint256 => uint256) storage byWeek = _openingExceptions[venueId];
            uint256 w = byWeek[week];
            // The first interval of a date replaces what the date had; the next ones add to it.
            if (e.date != previous) {
                dayOpen[dates] = _dayOpenSlots(venueId, e.date);
                ++dates;
                w = (w & ~(uint256(0xffffff) << (24 * day))) | (1 << (168 + day));
            }
            uint256 mask;
            if (e.opens != 0 || e.closes != 0) {
                if (e.closes > 24) revert OpeningHoursOutOfDay(EXCEPTION_DAY, e.opens, e.closes);
                mask = _intervalMask(EXCEPTION_DAY, e.opens, e.closes) << (24 * day);
                if (w & mask != 0) revert OpeningHoursOverlap(EXCEPTION_DAY, e.opens, e.closes);
            }
            byWeek[week] = w | mask;
            previous = e.date;
        }
        for (uint256 i; i < dates; ++i) _checkNoBookingsClosed(venueId, dayOpen[i]);
        emit OpeningExceptionsSet(venueId, exceptions);
    }

    /// @inheritdoc IOpeningHours
    function clearOpeningExceptions(uint32 venueId, uint32[] calldata dates) external {
        _onlyOperator(venueId);
        uint256[] memory dayOpen = new uint256[](dates.length);
        for (uint256 i; i < dates.length; ++i) {
            (uint256 week, uint256 day) = _weekAndDay(dates[i]);
            uint256 w = _openingExceptions[venueId][week];
            if ((w >> (168 + day)) & 1 == 0) revert OpeningExceptionNotFound(dates[i]);
            dayOpen[i] = _dayOpenSlots(venueId, dates[i]);
            _openingExceptions[venueId][week] = w & ~((uint256(0xffffff) << (24 * day)) | (1 << (168 + day)));
        }
        for (uint256 i; i < dates.length; ++i) _checkNoBookingsClosed(venueId, dayOpen[i]);
        emit OpeningExceptionsCleared(venueId, dates);
    }

    /// @inheritdoc IOpeningHours
    function openingHours(uint32 venueId) external view returns (uint256 weeklyMask, TimeZoneRule memory zone) {
        if (_venues[venueId].operator == address(0)) revert VenueNotFound(venueId);
        uint256 word = _openingHours[venueId];
        weeklyMask = word & OpeningHoursLib.WEEK_MASK;
        zone.standardOffset = int16(int8(uint8(word >> 168))) * 15;
        zone.daylightOffset = int16(int8(uint8(word >> 176))) * 15;
        zone.dstStart = _unpackTransition(word >> 184);
        zone.dstEnd = _unpackTransition(word >> 216);
    }

    /// @inheritdoc IOpeningHours
    function openingException(uint32 venueId, uint32 date) external view returns (bool set, uint24 hoursMask) {
        (uint256 week, uint256 day) = _weekAndDay(date);
        uint256 w = _openingExceptions[venueId][week];
        return ((w >> (168 + day)) & 1 != 0, uint24(w >> (24 * day)));
    }

    /// @inheritdoc IOpeningHours
    function openHours(uint32 resourceId, uint64 start, uint256 count) external view returns (uint256[] memory open) {
        ResourceData memory r = _resources[resourceId];
        if (r.venueId == 0) revert ResourceNotFound(resourceId);
        if (count == 0 || count > MAX_BOOKING_HOURS) revert BookingDurationOutOfRange(count, 1, MAX_BOOKING_HOURS);
        _checkGrid(start, start + uint64(SLOT));
        open = new uint256[]((count + 255) / 256);
        for (uint256 i; i < count; ++i) {
            uint256 t = start + i * SLOT;
            if (!r.followsOpeningHours || _firstClosedHour(r.venueId, t, t + SLOT) == type(uint256).max) {
                open[i / 256] |= 1 << (i % 256);
            }
        }
    }

    /// @dev The UTC hours a local date touches, packed with which of them are open now: the first
    /// hour's slot number in bits 0–63, their count in bits 64–71, the open ones from bit 128 (bit
    /// `128 + i` for the `i`th hour). A local day lies within its midnight minus the larger offset and
    /// its end minus the smaller one: at most 24 + 3 hours (zones change by at most 2 h).
    function _dayOpenSlots(uint32 venueId, uint32 date) private view returns (uint256 packed) {
        uint256 word = _openingHours[venueId];
        int256 a = int256(int8(uint8(word >> 168))) * int256(OpeningHoursLib.QUARTER_HOUR);
        int256 b = int256(int8(uint8(word >> 176))) * int256(OpeningHoursLib.QUARTER_HOUR);
        (int256 lo, int256 hi) = a < b ? (a, b) : (b, a);
        int256 midnight = int256(OpeningHoursLib.dayOfDate(date) * 86_400);
        // Dates from 1970 on, offsets within ±14 h: the first hour may be before the epoch only for
        // 1970-01-01 east of UTC, clamped to 0.
        int256 first = (midnight - hi) / int256(SLOT);
        if (midnight - hi < 0) first = 0;
        uint256 firstSlot = uint256(first);
        uint256 count = (uint256(midnight + 86_400 - lo) + SLOT - 1) / SLOT - firstSlot;
        packed = firstSlot | (count << 64);
        for (uint256 i; i < count; ++i) {
            uint256 t = (firstSlot + i) * SLOT;
            if (_firstClosedHour(venueId, t, t + SLOT) == type(uint256).max) packed |= 1 << (128 + i);
        }
    }

    /// @dev Reverts with the first booking of a resource following the hours in an hour that
    /// `_dayOpenSlots` found open and that is closed now; hours already over are not checked.
    /// Costs one occupancy read per such hour, unit and following resource of the venue.
    function _checkNoBookingsClosed(uint32 venueId, uint256 before) private view {
        uint256 firstSlot = uint64(before);
        uint256 count = uint8(before >> 64);
        uint256 currentSlot = block.timestamp / SLOT;
        uint32[] storage followers = _openingFollowers[venueId];
        for (uint256 i; i < count; ++i) {
            uint256 slot = firstSlot + i;
            if ((before >> (128 + i)) & 1 == 0 || slot < currentSlot) continue;
            if (_firstClosedHour(venueId, slot * SLOT, (slot + 1) * SLOT) == type(uint256).max) continue;
            for (uint256 k; k < followers.length; ++k) {
                uint32 resourceId = followers[k];
                ResourceData storage r = _resources[resourceId];
                if (!r.followsOpeningHours) continue;
                uint16 units = r.units;
                for (uint16 unit; unit < units; ++unit) {
                    if (!_occupancy.isFree(resourceId, unit, slot, slot + 1)) {
                        revert OpeningClosureHasBookings(resourceId, unit, uint64(slot * SLOT));
                    }
                }
            }
        }
    }

    /// @dev The hours `[opens, closes)` of a valid, non-inverted interval (closes ≤ 24 checked).
    function _intervalMask(uint8 day, uint8 opens, uint8 closes) private pure returns (uint256) {
        if (opens >= closes) revert OpeningHoursInverted(day, opens, closes);
        return OpeningHoursLib.hoursMask(opens, closes);
    }

    /// @dev An offset in minutes as the signed byte of quarter hours the storage word holds.
    function _quarterHours(int16 offset) private pure returns (uint256) {
        if (offset % 15 != 0 || offset < -720 || offset > 840) revert TimeZoneOffsetInvalid(offset);
        return uint8(int8(offset / 15));
    }

    /// @dev A rule as its four storage bytes; all zero for a zone without daylight time.
    function _transition(DstTransition calldata t, bool daylight) private pure returns (uint256) {
        bool valid =
            daylight
                ? t.month >= 1 &&
                    t.month <= 12 &&
                    t.week >= 1 &&
                    t.week <= 5 &&
                    t.weekday <= 6 &&
                    t.hour >= -24 &&
                    t.hour <= 48
                : t.month == 0 && t.week == 0 && t.weekday == 0 && t.hour == 0;
        if (!valid) revert TimeZoneTransitionInvalid(t);
        return uint256(t.month) | (uint256(t.week) << 8) | (uint256(t.weekday) << 16) | (uint256(uint8(t.hour)) << 24);
    }

    function _unpackTransition(uint256 b) private pure returns (DstTransition memory) {
        return DstTransition(uint8(b), uint8(b >> 8), uint8(b >> 16), int8(uint8(b >> 24)));
    }

    /// @dev Local week and weekday (0 Monday) of a `YYYYMMDD` date.
    function _weekAndDay(uint32 date) private pure returns (uint256 week, uint256 day) {
        uint256 d = OpeningHoursLib.dayOfDate(date);
        if (d == type(uint256).max) revert OpeningExceptionDateInvalid(date);
        (week, day) = OpeningHoursLib.weekAndHour(d * 24);
        day /= 24;
    }
}
