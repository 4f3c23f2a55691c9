// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IPassepartoutBase} from "./interfaces/IPassepartoutBase.sol";
import {OpeningHoursLib} from "./libraries/OpeningHoursLib.sol";

/// @title PassepartoutStorage — the state shared by Passepartout and its VenueRegistry module
/// @notice Both contracts inherit this first, so the module, running by delegatecall, sees the same
/// slots. Add state only at the end, and none in either contract itself:
/// test/contracts/storageLayout.test.ts compares their compiled layouts. (Solady's ERC-721 keeps its
/// state at hashed slots.)
abstract contract PassepartoutStorage is IPassepartoutBase {
    // Limits, documented on IPassepartoutBase. Internal: public getters would lengthen the dispatch
    // of every hot path.
    uint16 internal constant MAX_FEE_BPS = 1_000; // 10 %
    uint16 internal constant ANY_UNIT = type(uint16).max;
    uint16 internal constant MAX_UNITS = 255;
    uint16 internal constant MAX_BOOKING_HOURS = 8_784; // 366 days
    uint32 internal constant MAX_GRACE_SECONDS = 86_400;
    uint32 internal constant MAX_HORIZON_HOURS = 17_568; // 732 days
    uint256 internal constant NAME_MAX_BYTES = 32;
    uint256 internal constant LEGAL_NAME_MAX_BYTES = 100;
    uint256 internal constant ADDRESS_MAX_BYTES = 200;
    uint256 internal constant SLOT = 3600;
    uint256 internal constant MAX_DOOR_PASS_HOURS = 24;

    /// @dev `_currencyInfo` word: bits 0–7 the currency's index, bit 8 registered, bit 9 allowed for
    /// new bookings, bits 10–15 the exponent of its cent (decimals − 2, read once at registration).
    uint256 internal constant CURRENCY_INDEX_MASK = 0xff;
    uint256 internal constant CURRENCY_REGISTERED = 1 << 8;
    uint256 internal constant CURRENCY_ALLOWED = 1 << 9;
    uint256 internal constant CURRENCY_CENT_SHIFT = 10;
    uint256 internal constant CURRENCY_CENT_MASK = 0x3f;

    /*//////////////////////////////////////////////////////////////
                                STORAGE
    //////////////////////////////////////////////////////////////*/

    /// @dev Read and written by every booking: one slot (152 bits), so the tax rates cost no read.
    struct Config {
        uint64 nextPassId;
        uint16 feeBps;
        bool paused;
        uint32 gstRate; // parts per 100,000 (TaxLib)
        uint32 qstRate;
    }

    /// @dev Read by every booking: one slot (208 bits), taxability included.
    struct VenueData {
        address operator;
        uint32 splitId;
        bool paused;
        bool taxable;
    }

    struct SplitData {
        uint32 venueId;
        uint8 count;
        uint128 shares; // SplitLib packing
    }

    /// @dev Read by every booking and door check: one slot (232 bits).
    struct ResourceData {
        uint32 venueId;
        uint16 units;
        uint8 kind;
        bool transferable;
        uint8 currency; // index in _currencies
        uint16 minHours;
        uint16 maxHours;
        uint32 horizonHours;
        uint32 graceSeconds;
        uint32 policyId;
        uint32 releaseOffset; // RefundPolicyLib.lastRefundOffset of the policy, cached for booking
        bool followsOpeningHours; // bookings must fall in its venue's opening hours
    }

    struct Prices {
        uint80 hour;
        uint80 day;
        uint80 month;
    }

    /// @dev One slot per unsettled booking (256 bits); deleted (gas refund) when settled or cancelled,
    /// so a zero record on an existing pass means "settled". `splitId` is never 0, keeping it
    /// non-zero. The taxes are not stored: `tax` snapshots their terms, from which they are derived.
    struct Escrow {
        uint96 amount; // pre-tax price
        uint32 splitId;
        uint16 feeBps;
        uint32 policyId;
        uint8 currency;
        uint32 releaseTime; // ≤ start, which the booking horizon keeps far below 2^32 (year 2106)
        uint40 tax; // TaxLib.terms: GST and QST rates and the currency's cent
    }

    struct Guest {
        address user;
        uint64 expires;
    }

    struct DoorData {
        uint32 venueId;
        bool allResources;
        bool active;
        address lockKey;
    }

    Config internal _config;
    address internal _admin;
    address internal _pendingAdmin;
    address internal _treasury;

    /// @dev Index 0 is native ETH. `_currencyInfo` is laid out as the CURRENCY_* constants say.
    address[] internal _currencies;
    mapping(address => uint256) internal _currencyInfo;

    uint32 internal _venueCount;
    uint32 internal _splitCount;
    uint32 internal _resourceCount;
    uint32 internal _policyCount;
    uint32 internal _doorCount;

    mapping(uint32 => VenueData) internal _venues;
    mapping(uint32 => address) internal _pendingOperators;
    mapping(uint32 => string) internal _venueNames;
    mapping(uint32 => string) internal _venueURIs;

    mapping(uint32 => SplitData) internal _splits;
    mapping(uint32 => address[8]) internal _payees; // 8 == SplitLib.MAX_PAYEES

    mapping(uint32 => uint256) internal _policies;
    mapping(uint32 => ResourceData) internal _resources;
    mapping(uint32 => Prices) internal _prices;
    mapping(uint32 => string) internal _resourceNames;
    mapping(uint32 => string) internal _resourceURIs;

    /// @dev SlotBitmap words: (resource, unit, hour-slot word) → occupied bits.
    mapping(uint256 => uint256) internal _occupancy;
    mapping(uint256 => Escrow) internal _escrows;
    mapping(uint256 => Guest) internal _guests;

    /// @dev Cumulative settled amount of a split in one currency, keyed by `splitId << 8 | currency`:
    /// gross in the low 128 bits, the network fee part of it in the high 128 bits. One word so a
    /// settlement is one read and one write; each amount is < 2^96, so 2^32 maximal bookings would be
    /// needed before the low half could carry into the high half.
    mapping(uint256 => uint256) internal _pools;
    mapping(uint256 => uint256) internal _feesReleased;
    /// @dev Keyed by `splitId << 16 | currency << 8 | payeeIndex`.
    mapping(uint256 => uint256) internal _released;
    mapping(address => mapping(address => uint256)) internal _credits;

    mapping(uint32 => DoorData) internal _doors;
    mapping(uint32 => mapping(uint32 => bool)) internal _doorResources;
    mapping(uint32 => mapping(address => bool)) internal _trustedRelayers;

    /// @dev A venue's TaxProfile, ABI-encoded: one byte-string copy instead of four (code size).
    mapping(uint32 => bytes) internal _taxProfiles;
    /// @dev The tax payee of each split: the venue's tax payee when the split took effect. A new tax
    /// payee starts a new split (same payees and shares), so taxes are always paid to the payee in
    /// force when they were collected.
    mapping(uint32 => address) internal _splitTaxPayees;
    /// @dev Cumulative settled taxes of a split in one currency, keyed like `_pools`: GST in the low
    /// 128 bits, QST in the high 128 bits (each tax < 2^96 per booking, as for `_pools`).
    mapping(uint256 => uint256) internal _taxPools;
    /// @dev Taxes of `_taxPools` already paid to the tax payee, same keys.
    mapping(uint256 => uint256) internal _taxesClaimed;

    /// @dev A venue's weekly hours and time-zone rule in one word (OpeningHoursLib), so that a booking
    /// of a resource following them reads one slot, plus one per local week for the exceptions.
    mapping(uint32 => uint256) internal _openingHours;
    /// @dev (venue, local week) → exceptions of that week (OpeningHoursLib).
    mapping(uint32 => mapping(uint256 => uint256)) internal _openingExceptions;
    /// @dev A venue's resources that have followed its opening hours (each listed once, also after it
    /// stops following), so that closing a date can check their bookings; `_followerListed` marks them.
    mapping(uint32 => uint32[]) internal _openingFollowers;
    mapping(uint32 => bool) internal _followerListed;
    /// @dev A venue's longest offline door pass, 1 to MAX_DOOR_PASS_HOURS hours; 0 until its operator sets it.
    mapping(uint32 => uint8) internal _doorPassMaxHours;

    function _onlyOperator(uint32 venueId) internal view returns (VenueData storage v) {
        v = _venues[venueId];
        if (v.operator == address(0)) revert VenueNotFound(venueId);
        if (v.operator != msg.sender) revert VenueNotOperator(venueId, msg.sender);
    }

    /// @dev 1–32 bytes of well-formed UTF-8 (no overlong forms, surrogates or code points past
    /// U+10FFFF), so that `tokenURI`'s JSON is valid text.
    function _checkName(string calldata name_) internal pure {
        _checkText(name_, NAME_MAX_BYTES);
    }

    /// @dev 1–`maxBytes` bytes of well-formed UTF-8.
    function _checkText(string calldata text, uint256 maxBytes) internal pure {
        bytes calldata b = bytes(text);
        uint256 len = b.length;
        if (len == 0 || len > maxBytes) revert NameInvalid(len);
        for (uint256 i; i < len;) {
            uint8 c = uint8(b[i]);
            uint256 n; // continuation bytes
            uint8 lo = 0x80; // allowed range of the first continuation byte
            uint8 hi = 0xbf;
            if (c < 0x80) n = 0;
            else if (c >= 0xc2 && c <= 0xdf) n = 1;
            else if (c >= 0xe0 && c <= 0xef) {
                n = 2;
                if (c == 0xe0)
                    lo = 0xa0; // overlong
                else if (c == 0xed) hi = 0x9f; // UTF-16 surrogates
            } else if (c >= 0xf0 && c <= 0xf4) {
                n = 3;
                if (c == 0xf0)
                    lo = 0x90; // overlong
                else if (c == 0xf4) hi = 0x8f; // past U+10FFFF
            } else {
                revert NameNotUTF8(i);
            }
            if (i + n >= len) revert NameNotUTF8(i); // truncated sequence
            for (uint256 k = 1; k <= n; ++k) {
                uint8 d = uint8(b[i + k]);
                if (k == 1 ? (d < lo || d > hi) : (d < 0x80 || d > 0xbf)) revert NameNotUTF8(i + k);
            }
            i += n + 1;
        }
    }

    /// @dev Whether new bookings may be paid in `currency` (ETH always).
    function _isCurrencyAllowed(address currency) internal view returns (bool) {
        return currency == address(0) || _currencyInfo[currency] & CURRENCY_ALLOWED != 0;
    }

    /// @dev Exponent of the cent of a currency's info word, to which its taxes are rounded.
    function _centExpOf(uint256 info) internal pure returns (uint256) {
        return (info >> CURRENCY_CENT_SHIFT) & CURRENCY_CENT_MASK;
    }

    /// @dev Runs the current call on `module` by delegatecall (in this contract's storage) and ends
    /// with its answer: the fallback of Passepartout (to VenueRegistry) and of VenueRegistry (to
    /// OpeningHours). test/contracts/selectors.test.ts checks that no selector is served twice.
    function _delegate(address module) internal {
        assembly ("memory-safe") {
            calldatacopy(0, 0, calldatasize())
            let ok := delegatecall(gas(), module, 0, calldatasize(), 0, 0)
            returndatacopy(0, 0, returndatasize())
            if iszero(ok) {
                revert(0, returndatasize())
            }
            return(0, returndatasize())
        }
    }

    /// @dev The first hour of `[start, end)` (on the grid) when the venue is closed, or
    /// type(uint256).max if it is open throughout. An hour is open when every local hour it overlaps
    /// is: two for a :30 zone, and across a daylight-time change the local hours on both sides of it
    /// (the UTC hour is cut at the change, each piece read at its own offset).
    function _firstClosedHour(uint32 venueId, uint256 start, uint256 end) internal view returns (uint256) {
        uint256 word = _openingHours[venueId];
        uint256 nextChange; // the offset is recomputed only past a transition
        int256 offset;
        uint256 cachedWeek = type(uint256).max;
        uint256 exceptions;
        // Unchecked: instants and hours are below 2^64 (the booking grid), far from overflowing, and
        // a local instant is an instant plus an offset of at most 14 h after 1970.
        unchecked {
            for (uint256 t = start; t < end; t += SLOT) {
                for (uint256 from = t; from < t + SLOT;) {
                    if (from == start || from >= nextChange)
                        (offset, nextChange) = OpeningHoursLib.offsetAt(word, from);
                    uint256 to = nextChange < t + SLOT ? nextChange : t + SLOT;
                    uint256 last = uint256(int256(to - 1) + offset) / 3600;
                    for (uint256 h = uint256(int256(from) + offset) / 3600; h <= last; ++h) {
                        (uint256 week, uint256 hourOfWeek) = OpeningHoursLib.weekAndHour(h);
                        if (week != cachedWeek) (cachedWeek, exceptions) = (week, _openingExceptions[venueId][week]);
                        if (!OpeningHoursLib.isOpen(word, exceptions, hourOfWeek)) return t;
                    }
                    from = to;
                }
            }
        }
        return type(uint256).max;
    }

    /// @dev `[start, end)` must be whole hours, non-empty.
    function _checkGrid(uint64 start, uint64 end) internal pure {
        if (start % SLOT != 0 || end % SLOT != 0 || end <= start) revert BookingNotOnGrid(start, end);
    }
}
