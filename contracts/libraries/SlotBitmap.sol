// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title SlotBitmap — occupancy of one unit of a resource, one bit per hour slot
/// @notice Slot `s` (hours since the epoch) lives in word `s >> 8`, bit `s & 255`. A one-hour
/// booking touches one word; a 30-day month at most four.
library SlotBitmap {
    /// @dev Storage key of the word holding `slot` for `unit` of `resourceId`: ids are packed into
    /// disjoint bit ranges so a single mapping serves every resource and unit.
    function key(uint32 resourceId, uint16 unit, uint256 slot) internal pure returns (uint256) {
        return (uint256(resourceId) << 96) | (uint256(unit) << 80) | (slot >> 8);
    }

    /// @dev Bits of the word `wordIndex` covered by `[startSlot, endSlot)`; the range must meet the word.
    function mask(uint256 wordIndex, uint256 startSlot, uint256 endSlot) internal pure returns (uint256) {
        uint256 wordStart = wordIndex << 8;
        uint256 lo = startSlot > wordStart ? startSlot - wordStart : 0;
        uint256 hi = endSlot < wordStart + 256 ? endSlot - wordStart : 256;
        uint256 width = hi - lo;
        // width == 256 only when lo == 0: the whole word.
        return width == 256 ? type(uint256).max : ((uint256(1) << width) - 1) << lo;
    }

    /// @dev Whether every slot of `[startSlot, endSlot)` is free for this unit.
    function isFree(
        mapping(uint256 => uint256) storage words,
        uint32 resourceId,
        uint16 unit,
        uint256 startSlot,
        uint256 endSlot
    ) internal view returns (bool) {
        uint256 last = (endSlot - 1) >> 8;
        for (uint256 w = startSlot >> 8; w <= last; ++w) {
            if (words[key(resourceId, unit, w << 8)] & mask(w, startSlot, endSlot) != 0) return false;
        }
        return true;
    }

    /// @dev Marks `[startSlot, endSlot)` taken (`taken`) or free; the caller checked it was the opposite.
    function set(
        mapping(uint256 => uint256) storage words,
        uint32 resourceId,
        uint16 unit,
        uint256 startSlot,
        uint256 endSlot,
        bool taken
    ) internal {
        uint256 last = (endSlot - 1) >> 8;
        for (uint256 w = startSlot >> 8; w <= last; ++w) {
            uint256 k = key(resourceId, unit, w << 8);
            uint256 m = mask(w, startSlot, endSlot);
            words[k] = taken ? words[k] | m : words[k] & ~m;
        }
    }
}
