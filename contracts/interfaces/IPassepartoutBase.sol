// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title Passepartout — shared workspaces as time-bound access passes (types, errors, events)
/// @notice One contract holds the network: venues and their payees, bookable resources, immutable
/// cancellation policies, bookings minted as ERC-721 passes, the escrow of their payments, pooled
/// settlement per payee split, pull claims, guest delegation (ERC-4907 style) and the door registry
/// that lock relayers query through {canEnter}.
///
/// Time conventions: timestamps are UNIX seconds (UTC) on a one-hour grid. A "slot" is one hour
/// (`timestamp / 3600`), a day is 24 slots and a month is 720 slots. The slot that contains the
/// current block time is bookable. A booking covers `[start, end)`.
///
/// Money conventions: `address(0)` is native ETH; any other currency is an ERC-20 token the admin
/// allow-listed (plain tokens only: no fee-on-transfer, no rebasing). Every payment is escrowed
/// until no refund can be owed on it any more (its "release time", set by the booking's policy),
/// then anyone may settle it into the payee pool of the split recorded at booking time.
/// A token must deliver exactly what is transferred: a booking whose payment arrives short (a
/// fee-on-transfer token) reverts with {CurrencyTransferMismatch}.
/// Limits: network fee ≤ 1,000 bps (10 %); ≤ 8 payees per split; ≤ 4 refund tiers per policy;
/// ≤ 255 units per resource; bookings ≤ 8,784 hours (366 days); booking horizon ≤ 17,568 hours
/// (732 days); early-access grace ≤ 86,400 s; venue and resource names 1–32 bytes of valid UTF-8.
/// `unit == 65535` (ANY_UNIT) in {book} picks a free unit.
interface IPassepartoutBase {
    /*//////////////////////////////////////////////////////////////
                                 TYPES
    //////////////////////////////////////////////////////////////*/

    /// @notice Answer of {canEnter}. The same list, in the same order, is extended by the relayer
    /// with its own off-chain reasons (see `protocol/reasons.ts`); never reorder it.
    enum AccessCode {
        Granted, // 0: the address may pass the door now with this pass
        PassNotFound, // 1: the pass was never minted, or was cancelled (burned)
        NotHolderOrGuest, // 2: the address neither holds the pass nor is its current guest
        TooEarly, // 3: before `start - grace`
        Expired, // 4: at or after `end`
        UnknownDoor, // 5: no such door, or the door was disabled
        WrongDoor // 6: the door does not admit this pass's resource
    }

    /// @notice One step of a cancellation policy: cancelling at least `secondsBeforeStart` before the
    /// booking's start refunds `refundBps` of the price. Tiers are ordered by strictly decreasing
    /// `secondsBeforeStart`; the first tier that still applies wins; past all tiers the refund is 0.
    struct RefundTier {
        uint32 secondsBeforeStart;
        uint16 refundBps;
    }

    /// @notice What an operator sets on a resource. Prices are per hour, per day (24 h) and per
    /// 30-day month (720 h) in `currency`; the charged price is the cheapest cover of the window by
    /// months, days and hours, so a longer window never costs less than a shorter one.
    struct ResourceParams {
        string name; // short on-chain name shown by tokenURI (≤ 32 bytes)
        string metadataURI; // photos, description, capacity…
        uint8 kind; // 0 desk, 1 office, 2 meeting room, 3 studio, 4 hall, other values free
        uint16 units; // identical bookable units (≥ 1, ≤ MAX_UNITS); may only grow
        address currency; // address(0) for ETH, or an allow-listed ERC-20
        uint80 pricePerHour;
        uint80 pricePerDay;
        uint80 pricePerMonth;
        uint16 minHours; // minimum booking length
        uint16 maxHours; // maximum booking length (≤ MAX_BOOKING_HOURS)
        uint32 horizonHours; // how far ahead a booking may start (≤ MAX_HORIZON_HOURS)
        uint32 graceSeconds; // early access before start (≤ MAX_GRACE_SECONDS)
        uint32 policyId; // cancellation policy (0 = never refundable); bookings pin it
        bool transferable; // false makes new passes soulbound (mint and burn only); bookings pin it
    }

    /// @notice A resource as stored (see {ResourceParams}).
    struct Resource {
        uint32 venueId;
        uint16 units;
        uint8 kind;
        bool transferable;
        address currency;
        uint80 pricePerHour;
        uint80 pricePerDay;
        uint80 pricePerMonth;
        uint16 minHours;
        uint16 maxHours;
        uint32 horizonHours;
        uint32 graceSeconds;
        uint32 policyId;
        string name;
        string metadataURI;
    }

    /// @notice A venue as stored.
    struct Venue {
        address operator;
        address pendingOperator;
        uint32 splitId; // payee split applied to new bookings
        bool paused; // a paused venue takes no new bookings; passes and doors keep working
        string name;
        string metadataURI;
    }

    /// @notice A pass (booking) as stored. Once settled, `settled` is true and the escrow fields
    /// (`amount`, `splitId`, `feeBps`, `policyId`, `releaseTime`) read 0: their record is deleted.
    struct Pass {
        address holder;
        uint32 resourceId;
        uint16 unit;
        uint64 start;
        uint64 end;
        address currency;
        uint96 amount; // escrowed amount (what was paid)
        uint32 splitId;
        uint16 feeBps; // network fee recorded at booking time
        uint32 policyId; // cancellation policy recorded at booking time
        uint64 releaseTime; // from then on no refund can be owed and anyone may settle
        bool settled;
        bool transferable; // fixed at booking: later resource changes do not reach the pass
    }

    /// @notice A door. A street door admits every booking of its venue, a room door only the
    /// resources set with {setDoorResource}. `lockKey` authenticates the lock's challenges.
    struct Door {
        uint32 venueId;
        bool allResources;
        bool active;
        address lockKey;
    }

    /*//////////////////////////////////////////////////////////////
                                 ERRORS
    //////////////////////////////////////////////////////////////*/

    error NotAdmin(address caller);
    error NotPendingAdmin(address caller);
    error NotTreasury(address caller);
    error NetworkPaused();
    error ZeroAddress();
    error FeeTooHigh(uint16 feeBps, uint16 maxFeeBps);
    error CurrencyNotAllowed(address currency);
    error CurrencyListFull();
    /// @notice `received` of `currency` arrived for a payment of `expected` (fee-on-transfer token).
    error CurrencyTransferMismatch(address currency, uint256 expected, uint256 received);

    error VenueNotFound(uint32 venueId);
    error VenueNotOperator(uint32 venueId, address caller);
    error VenueNotPendingOperator(uint32 venueId, address caller);
    error VenueIsPaused(uint32 venueId);
    error NameInvalid(uint256 length);
    /// @notice A name is not well-formed UTF-8; `index` is the offending byte.
    error NameNotUTF8(uint256 index);
    error SplitInvalidPayeeCount(uint256 count, uint256 max);
    error SplitLengthMismatch(uint256 payees, uint256 shares);
    error SplitInvalidPayee(uint256 index, address payee);
    error SplitInvalidShare(uint256 index, uint16 share);
    error SplitSharesNotWhole(uint256 total);
    error SplitNotFound(uint32 splitId);
    error SplitNotPayee(uint32 splitId, uint8 payeeIndex, address caller);

    error PolicyInvalidTierCount(uint256 count, uint256 max);
    error PolicyTiersNotDecreasing(uint256 index);
    error PolicyRefundTooHigh(uint256 index, uint16 refundBps);
    error PolicyNotFound(uint32 policyId);

    error ResourceNotFound(uint32 resourceId);
    error ResourceInvalidUnits(uint16 units, uint16 max);
    error ResourceUnitsDecrease(uint16 current, uint16 requested);
    error ResourceCurrencyFixed(uint32 resourceId, address currency);
    error ResourceInvalidPrices();
    error ResourceInvalidDurations(uint16 minHours, uint16 maxHours);
    error ResourceGraceTooLong(uint32 graceSeconds, uint32 max);
    error ResourceHorizonTooLong(uint32 horizonHours, uint32 max);

    error BookingNotOnGrid(uint64 start, uint64 end);
    error BookingInPast(uint64 start, uint64 currentSlotStart);
    error BookingBeyondHorizon(uint64 start, uint64 latestStart);
    error BookingDurationOutOfRange(uint256 hours_, uint16 minHours, uint16 maxHours);
    error BookingUnitOutOfRange(uint16 unit, uint16 units);
    error BookingSlotTaken(uint32 resourceId, uint16 unit);
    error BookingNoFreeUnit(uint32 resourceId, uint64 start, uint64 end);
    error BookingPriceAboveMax(uint256 price, uint256 maxPrice);
    error BookingWrongPayment(uint256 sent, uint256 price);
    /// @notice The resource's terms are no longer those the member pinned; these are the current ones.
    error BookingTermsChanged(uint32 resourceId, uint32 policyId, bool transferable);

    error PassNotFound(uint256 passId);
    error PassNotHolder(uint256 passId, address caller);
    error PassNotTransferable(uint256 passId);
    error PassAlreadyStarted(uint256 passId, uint64 start);
    error PassAlreadySettled(uint256 passId);
    /// @notice The operator's full refund is no longer possible: the booking ended at `end`.
    error PassAlreadyEnded(uint256 passId, uint64 end);
    /// @notice ERC-721 calls (approve, transferFrom, safeTransferFrom) take no ETH.
    error PassEtherNotAccepted(uint256 value);
    error PassNotReleasable(uint256 passId, uint64 releaseTime);
    error PassGuestInvalid(address guest, uint64 expires);

    error DoorNotFound(uint32 doorId);
    error DoorResourceNotInVenue(uint32 doorId, uint32 resourceId);

    error NothingToClaim(address account, address currency);

    /*//////////////////////////////////////////////////////////////
                                 EVENTS
    //////////////////////////////////////////////////////////////*/

    event AdminProposed(address indexed currentAdmin, address indexed pendingAdmin);
    event AdminChanged(address indexed previousAdmin, address indexed newAdmin);
    event TreasuryChanged(address indexed treasury);
    event FeeChanged(uint16 feeBps);
    event CurrencyAllowed(address indexed currency, uint8 index, bool allowed);
    event NetworkPauseChanged(bool paused);

    event VenueCreated(uint32 indexed venueId, address indexed operator, string name, string metadataURI);
    event VenueUpdated(uint32 indexed venueId, string name, string metadataURI);
    event VenuePauseChanged(uint32 indexed venueId, bool paused);
    event VenueOperatorProposed(uint32 indexed venueId, address indexed pendingOperator);
    event VenueOperatorChanged(uint32 indexed venueId, address indexed previousOperator, address indexed newOperator);
    /// @notice A new payee split; `venueId`'s future bookings use it. Splits never change.
    event SplitCreated(uint32 indexed splitId, uint32 indexed venueId, address[] payees, uint16[] sharesBps);

    event PolicyCreated(uint32 indexed policyId, RefundTier[] tiers);
    event ResourceCreated(uint32 indexed resourceId, uint32 indexed venueId, ResourceParams params);
    event ResourceUpdated(uint32 indexed resourceId, uint32 indexed venueId, ResourceParams params);

    /// @notice A booking. Its network fee, cancellation policy and release time are the ones in force
    /// when it was made (latest {FeeChanged}, its resource's policy); {pass} returns them until settled.
    event Booked(
        uint256 indexed passId,
        uint32 indexed resourceId,
        address indexed holder,
        address payer,
        uint16 unit,
        uint64 start,
        uint64 end,
        address currency,
        uint96 amount,
        uint32 splitId
    );
    /// @notice `refund` went to `refundTo` (or was credited, see {RefundCredited}); `retained` was
    /// kept by the payees of the booking's split (policy penalty), already settled.
    event Cancelled(
        uint256 indexed passId, address indexed by, bool byOperator, address refundTo, uint96 refund, uint96 retained
    );
    event RefundCredited(address indexed account, address indexed currency, uint256 amount);
    event CreditWithdrawn(address indexed account, address indexed currency, uint256 amount);
    /// @notice A pass's escrow (the `amount` of its {Booked} event) moved into the pool of that
    /// event's split and currency; `fee` of it is the network's.
    event Settled(uint256 indexed passId, uint96 fee);
    event Claimed(uint32 indexed splitId, address indexed currency, address indexed payee, uint256 amount);
    event FeesClaimed(uint32 indexed splitId, address indexed currency, address indexed treasury, uint256 amount);

    /// @notice ERC-4907: the guest of a pass and until when the delegation lasts.
    event UpdateUser(uint256 indexed tokenId, address indexed user, uint64 expires);

    event DoorSet(uint32 indexed doorId, uint32 indexed venueId, bool allResources, bool active, address lockKey);
    event DoorResourceSet(uint32 indexed doorId, uint32 indexed resourceId, bool admitted);
    event RelayerTrustSet(uint32 indexed venueId, address indexed relayer, bool trusted);
}
