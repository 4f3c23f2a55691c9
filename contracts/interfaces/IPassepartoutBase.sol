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
/// Taxes (Québec): prices are before tax. A venue whose {TaxProfile} is taxable charges GST and QST
/// at the network's rates (parts per 100,000, each ≤ 100,000), each computed on the pre-tax price and
/// rounded half-up to the cent (10^(decimals − 2) units of the currency). Native ETH has no cent: a
/// taxable venue prices its resources in an allow-listed token ({TaxCurrencyWithoutCent}). A booking
/// snapshots the rates; its taxes are escrowed with it, refunded with it (the taxes of the refunded
/// pre-tax amount) and settled into the tax pool of its split, which {claimTaxes} pays to the tax
/// payee the venue had named when the split took effect (a new tax payee starts a new split).
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
        bool followsOpeningHours; // bookings must fall in the venue's opening hours (IOpeningHours)
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
        bool followsOpeningHours;
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

    /// @notice A venue's billing identity for receipts, set by its operator with {setVenueTaxProfile}.
    struct TaxProfile {
        string legalName; // 1–100 bytes of UTF-8
        string postalAddress; // 1–200 bytes of UTF-8
        string gstNumber; // GST/HST registration, 123456789RT0001; may be empty when not taxable
        string qstNumber; // QST registration, 1234567890TQ0001; may be empty when not taxable
        address taxPayee; // receives the taxes of bookings made from now on ({claimTaxes}); remits them
        bool taxable; // whether new bookings of the venue's resources charge GST and QST
    }

    /// @notice A pass (booking) as stored. Once settled, `settled` is true and the escrow fields
    /// (`amount`, `gst`, `qst`, `splitId`, `feeBps`, `policyId`, `releaseTime`) read 0: their record
    /// is deleted.
    struct Pass {
        address holder;
        uint32 resourceId;
        uint16 unit;
        uint64 start;
        uint64 end;
        address currency;
        uint96 amount; // escrowed pre-tax price
        uint96 gst; // escrowed GST (at the rate in force at booking)
        uint96 qst; // escrowed QST (at the rate in force at booking)
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

    /// @notice An admin-only function was called by another account.
    /// @param caller The account that called.
    error NotAdmin(address caller);
    /// @notice {acceptAdmin} was called by an account other than the proposed admin.
    /// @param caller The account that called.
    error NotPendingAdmin(address caller);
    /// @notice The emergency pause is on: no new booking and no pass transfer until it is lifted.
    error NetworkPaused();
    /// @notice `address(0)` was given where an account is required (admin, treasury, recipient,
    /// renderer, registry, lock key, relayer, or an ERC-20 to allow-list).
    error ZeroAddress();
    /// @notice A network fee above the cap.
    /// @param feeBps The fee asked, in basis points.
    /// @param maxFeeBps The cap, MAX_FEE_BPS.
    error FeeTooHigh(uint16 feeBps, uint16 maxFeeBps);
    /// @notice A resource or a booking uses an ERC-20 the admin has not allow-listed (or no longer allows).
    /// @param currency The token.
    error CurrencyNotAllowed(address currency);
    /// @notice The currency index (8 bits) is exhausted: 256 currencies were registered already.
    error CurrencyListFull();
    /// @notice A payment arrived short (a fee-on-transfer token).
    /// @param currency The token.
    /// @param expected The amount transferred, the booking's price with taxes.
    /// @param received The amount the contract's balance grew by.
    error CurrencyTransferMismatch(address currency, uint256 expected, uint256 received);

    /// @notice A token was allow-listed whose `decimals()` cannot be read or exceeds 65: its cent,
    /// to which taxes are rounded, is unknown.
    /// @param currency The token.
    error CurrencyDecimalsInvalid(address currency);

    /// @notice A tax rate above 100 % (100,000 parts per 100,000).
    /// @param rate The rate asked, in parts per 100,000.
    error TaxRateTooHigh(uint256 rate);
    /// @notice Taxes are rounded to the currency's cent, and native ETH has none: a taxable venue
    /// prices its resources in an allow-listed token (a CAD stablecoin). Raised when a taxable venue
    /// creates or updates an ETH resource, and when an ETH resource of a venue that became taxable
    /// later is booked or quoted.
    /// @param currency The currency without a cent (address(0), native ETH).
    error TaxCurrencyWithoutCent(address currency);
    /// @notice A GST/HST registration number that is not 9 digits, "RT" and 4 digits (123456789RT0001),
    /// or is missing for a taxable venue.
    /// @param gstNumber The number given.
    error GstNumberInvalid(string gstNumber);
    /// @notice A QST registration number that is not 10 digits, "TQ" and 4 digits (1234567890TQ0001),
    /// or is missing for a taxable venue.
    /// @param qstNumber The number given.
    error QstNumberInvalid(string qstNumber);

    /// @notice No venue has this id.
    /// @param venueId The id asked for.
    error VenueNotFound(uint32 venueId);
    /// @notice An operator-only function was called by another account.
    /// @param venueId The venue.
    /// @param caller The account that called.
    error VenueNotOperator(uint32 venueId, address caller);
    /// @notice {acceptVenueOperator} was called by an account other than the proposed operator.
    /// @param venueId The venue.
    /// @param caller The account that called.
    error VenueNotPendingOperator(uint32 venueId, address caller);
    /// @notice The venue is paused by its operator and takes no new bookings.
    /// @param venueId The venue.
    error VenueIsPaused(uint32 venueId);
    /// @notice A name is empty or too long: venue and resource names ≤ 32 bytes, a tax profile's
    /// legal name ≤ 100 bytes and postal address ≤ 200 bytes.
    /// @param length The name's length in bytes.
    error NameInvalid(uint256 length);
    /// @notice A name is not well-formed UTF-8.
    /// @param index The offending byte.
    error NameNotUTF8(uint256 index);
    /// @notice A split needs 1 to MAX_PAYEES payees.
    /// @param count The number of payees given.
    /// @param max MAX_PAYEES.
    error SplitInvalidPayeeCount(uint256 count, uint256 max);
    /// @notice Payees and shares are not the same length.
    /// @param payees The number of payees.
    /// @param shares The number of shares.
    error SplitLengthMismatch(uint256 payees, uint256 shares);
    /// @notice A payee is `address(0)` or listed twice.
    /// @param index The payee's position in the list.
    /// @param payee The payee.
    error SplitInvalidPayee(uint256 index, address payee);
    /// @notice A payee's share is zero.
    /// @param index The payee's position in the list.
    /// @param share The share, in basis points.
    error SplitInvalidShare(uint256 index, uint16 share);
    /// @notice The shares do not add up to 10,000 bps.
    /// @param total Their sum.
    error SplitSharesNotWhole(uint256 total);
    /// @notice No split has this id.
    /// @param splitId The id asked for.
    error SplitNotFound(uint32 splitId);
    /// @notice The caller is not payee number `payeeIndex` of the split, or the split has no such payee.
    /// @param splitId The split.
    /// @param payeeIndex The payee's position in the split.
    /// @param caller The account that called.
    error SplitNotPayee(uint32 splitId, uint8 payeeIndex, address caller);

    /// @notice A policy has more than MAX_POLICY_TIERS refund tiers.
    /// @param count The number of tiers given.
    /// @param max MAX_POLICY_TIERS.
    error PolicyInvalidTierCount(uint256 count, uint256 max);
    /// @notice A tier's `secondsBeforeStart` is not strictly below the previous tier's.
    /// @param index The tier's position in the list.
    error PolicyTiersNotDecreasing(uint256 index);
    /// @notice A tier refunds more than 10,000 bps.
    /// @param index The tier's position in the list.
    /// @param refundBps Its refund, in basis points.
    error PolicyRefundTooHigh(uint256 index, uint16 refundBps);
    /// @notice No policy has this id.
    /// @param policyId The id asked for.
    error PolicyNotFound(uint32 policyId);

    /// @notice No resource has this id.
    /// @param resourceId The id asked for.
    error ResourceNotFound(uint32 resourceId);
    /// @notice A resource needs 1 to MAX_UNITS units.
    /// @param units The number of units asked.
    /// @param max MAX_UNITS.
    error ResourceInvalidUnits(uint16 units, uint16 max);
    /// @notice A resource's units may only grow: existing bookings hold the current ones.
    /// @param current The resource's units now.
    /// @param requested The smaller number asked.
    error ResourceUnitsDecrease(uint16 current, uint16 requested);
    /// @notice A resource's currency cannot change (its escrows and pools are in it); create a new resource.
    /// @param resourceId The resource.
    /// @param currency Its currency.
    error ResourceCurrencyFixed(uint32 resourceId, address currency);
    /// @notice A price per hour, day or month is zero.
    error ResourceInvalidPrices();
    /// @notice Durations need `1 ≤ minHours ≤ maxHours ≤ MAX_BOOKING_HOURS`.
    /// @param minHours The minimum asked.
    /// @param maxHours The maximum asked.
    error ResourceInvalidDurations(uint16 minHours, uint16 maxHours);
    /// @notice The early-access grace exceeds MAX_GRACE_SECONDS.
    /// @param graceSeconds The grace asked.
    /// @param max MAX_GRACE_SECONDS.
    error ResourceGraceTooLong(uint32 graceSeconds, uint32 max);
    /// @notice The booking horizon exceeds MAX_HORIZON_HOURS.
    /// @param horizonHours The horizon asked.
    /// @param max MAX_HORIZON_HOURS.
    error ResourceHorizonTooLong(uint32 horizonHours, uint32 max);

    /// @notice `[start, end)` is not whole hours, or is empty.
    /// @param start The window's start, UNIX seconds.
    /// @param end The window's end, UNIX seconds.
    error BookingNotOnGrid(uint64 start, uint64 end);
    /// @notice The booking starts before the slot that contains the current block time.
    /// @param start The booking's start.
    /// @param currentSlotStart The earliest bookable start.
    error BookingInPast(uint64 start, uint64 currentSlotStart);
    /// @notice The booking starts later than the resource's horizon allows.
    /// @param start The booking's start.
    /// @param latestStart The latest bookable start now.
    error BookingBeyondHorizon(uint64 start, uint64 latestStart);
    /// @notice The booking is shorter or longer than the resource allows.
    /// @param hours_ The booking's length in hours.
    /// @param minHours The resource's minimum.
    /// @param maxHours The resource's maximum.
    error BookingDurationOutOfRange(uint256 hours_, uint16 minHours, uint16 maxHours);
    /// @notice The resource has no such unit.
    /// @param unit The unit asked.
    /// @param units The resource's number of units.
    error BookingUnitOutOfRange(uint16 unit, uint16 units);
    /// @notice The unit asked is already booked in part of the window.
    /// @param resourceId The resource.
    /// @param unit The unit.
    error BookingSlotTaken(uint32 resourceId, uint16 unit);
    /// @notice With `unit == ANY_UNIT`, every unit is booked in part of the window.
    /// @param resourceId The resource.
    /// @param start The window's start.
    /// @param end The window's end.
    error BookingNoFreeUnit(uint32 resourceId, uint64 start, uint64 end);
    /// @notice The price with taxes now exceeds the maximum the member accepted.
    /// @param price The current price, taxes included.
    /// @param maxPrice The member's maximum.
    error BookingPriceAboveMax(uint256 price, uint256 maxPrice);
    /// @notice Too little ETH for an ETH booking, or ETH sent with an ERC-20 booking.
    /// @param sent The ETH sent (0 when {bookWithPermit} meets an ETH resource).
    /// @param price The ETH required, taxes included (0 for an ERC-20 booking).
    error BookingWrongPayment(uint256 sent, uint256 price);
    /// @notice The resource's terms are no longer those the member pinned.
    /// @param resourceId The resource.
    /// @param policyId Its current cancellation policy.
    /// @param transferable Its current transferability.
    error BookingTermsChanged(uint32 resourceId, uint32 policyId, bool transferable);
    /// @notice The resource follows its venue's opening hours and the window, under a day, covers a
    /// closed hour — or, a day or longer (which covers the open hours of its days), starts at one.
    /// @param resourceId The resource.
    /// @param closedHour The start (UTC) of the window's first closed hour.
    error BookingOutsideOpeningHours(uint32 resourceId, uint64 closedHour);

    /// @notice No pass has this id: never minted, or cancelled (burned).
    /// @param passId The id asked for.
    error PassNotFound(uint256 passId);
    /// @notice The caller is neither the pass's holder (or an approved operator, where that suffices)
    /// nor, for {cancel}, its venue's operator.
    /// @param passId The pass.
    /// @param caller The account that called.
    error PassNotHolder(uint256 passId, address caller);
    /// @notice The pass was booked soulbound: it can be minted and burned, not transferred.
    /// @param passId The pass.
    error PassNotTransferable(uint256 passId);
    /// @notice The holder may cancel only before the booking's start (the operator may still).
    /// @param passId The pass.
    /// @param start The booking's start.
    error PassAlreadyStarted(uint256 passId, uint64 start);
    /// @notice The operator's full refund needs the escrow, which was already settled.
    /// @param passId The pass.
    error PassAlreadySettled(uint256 passId);
    /// @notice The operator's full refund is no longer possible: the booking has ended.
    /// @param passId The pass.
    /// @param end The booking's end.
    error PassAlreadyEnded(uint256 passId, uint64 end);
    /// @notice ERC-721 calls (approve, transferFrom, safeTransferFrom) take no ETH.
    /// @param value The ETH sent.
    error PassEtherNotAccepted(uint256 value);
    /// @notice The pass's escrow may be settled only from its release time on.
    /// @param passId The pass.
    /// @param releaseTime When it becomes releasable.
    error PassNotReleasable(uint256 passId, uint64 releaseTime);
    /// @notice A guest delegation must expire in the future (or `guest` be address(0), to revoke).
    /// @param guest The guest asked.
    /// @param expires The expiry asked.
    error PassGuestInvalid(address guest, uint64 expires);

    /// @notice No door has this id.
    /// @param doorId The id asked for.
    error DoorNotFound(uint32 doorId);
    /// @notice A door can admit only resources of its own venue.
    /// @param doorId The door.
    /// @param resourceId The resource of another venue.
    error DoorResourceNotInVenue(uint32 doorId, uint32 resourceId);
    /// @notice A venue's longest offline door pass is 1 to 24 hours.
    /// @param hours_ The number of hours asked.
    error DoorPassMaxHoursOutOfRange(uint8 hours_);

    /// @notice The claim or withdrawal would pay nothing.
    /// @param account Who would be paid (the caller, the treasury for {claimFees}, the tax payee for
    /// {claimTaxes}).
    /// @param currency The currency.
    error NothingToClaim(address account, address currency);

    /// @notice A sponsored function ({IPassepartoutCore-bookSponsored}, …) was called other than
    /// through the trusted forwarder.
    /// @param caller The direct caller.
    error SponsorNotForwarder(address caller);
    /// @notice The sponsor asks more than the member signed for.
    /// @param fee The sponsor's fee.
    /// @param maxFee The cap in the member's signed request.
    error SponsorFeeAboveCap(uint256 fee, uint256 maxFee);
    /// @notice The member's permit did not apply (wrong amount, deadline, signer or nonce) and the
    /// allowance it would have set is not there.
    /// @param currency The token of the booking.
    /// @param member The signer of the request.
    /// @param allowance The member's allowance to this contract.
    /// @param needed The price with taxes plus the sponsor's fee.
    error SponsorPermitInvalid(address currency, address member, uint256 allowance, uint256 needed);
    /// @notice A sponsored cancellation pays the sponsor out of the canceller's own refund, which is
    /// smaller than the fee (0 when the operator cancels).
    /// @param fee The sponsor's fee.
    /// @param refund The refund with its taxes owed to the canceller.
    error SponsorFeeAboveRefund(uint256 fee, uint256 refund);
    /// @notice The member's signed request names another sponsor than the one relaying it (a request
    /// naming address(0) may be relayed by anyone).
    /// @param sponsor The account relaying the request (the forwarder's caller).
    /// @param named The sponsor the member named.
    error SponsorNotNamed(address sponsor, address named);
    /// @notice A sponsored cancellation would pay the canceller less than the minimum it signed: the
    /// refund dropped (a refund deadline passed) since the member was shown it.
    /// @param refund What the canceller would receive: the refund with its taxes, less the sponsor's fee.
    /// @param minRefund The minimum the member signed.
    error SponsorRefundBelowMin(uint256 refund, uint256 minRefund);
    /// @notice Only bookings, cancellations, guests, claims and ERC-721 calls are relayed; the
    /// registry is managed with the operator's own transactions.
    /// @param selector The function asked for.
    error SponsorCallNotRelayed(bytes4 selector);

    /*//////////////////////////////////////////////////////////////
                                 EVENTS
    //////////////////////////////////////////////////////////////*/

    /// @notice Step 1 of the admin hand-over.
    /// @param currentAdmin The admin who proposed.
    /// @param pendingAdmin The proposed admin (address(0): proposal withdrawn).
    event AdminProposed(address indexed currentAdmin, address indexed pendingAdmin);
    /// @notice The admin changed (step 2 of the hand-over; also emitted at deployment).
    /// @param previousAdmin The former admin (address(0) at deployment).
    /// @param newAdmin The new admin.
    event AdminChanged(address indexed previousAdmin, address indexed newAdmin);
    /// @notice Network fees go to a new treasury (also emitted at deployment).
    /// @param treasury The new treasury.
    event TreasuryChanged(address indexed treasury);
    /// @notice The network fee of future bookings changed (also emitted at deployment).
    /// @param feeBps The new fee, in basis points.
    event FeeChanged(uint16 feeBps);
    /// @notice An ERC-20 was allowed or forbidden for new bookings.
    /// @param currency The token.
    /// @param index Its permanent index in the currency list (ETH is 0).
    /// @param allowed Whether new bookings may use it.
    event CurrencyAllowed(address indexed currency, uint8 index, bool allowed);
    /// @notice The tax rates of future bookings changed.
    /// @param gstRate The GST rate, in parts per 100,000.
    /// @param qstRate The QST rate, in parts per 100,000.
    event TaxRatesChanged(uint32 gstRate, uint32 qstRate);
    /// @notice The emergency pause was switched.
    /// @param paused Whether it is now on.
    event NetworkPauseChanged(bool paused);

    /// @notice A venue was registered; its first split follows in {SplitCreated}.
    /// @param venueId The new venue.
    /// @param operator Its operator, the caller.
    /// @param name Its on-chain name.
    /// @param metadataURI Its metadata.
    event VenueCreated(uint32 indexed venueId, address indexed operator, string name, string metadataURI);
    /// @notice A venue's name and metadata changed.
    /// @param venueId The venue.
    /// @param name Its new name.
    /// @param metadataURI Its new metadata.
    event VenueUpdated(uint32 indexed venueId, string name, string metadataURI);
    /// @notice A venue's tax profile was set; its taxability applies to future bookings.
    /// @param venueId The venue.
    /// @param profile The profile.
    event VenueTaxProfileSet(uint32 indexed venueId, TaxProfile profile);
    /// @notice A venue's pause was switched.
    /// @param venueId The venue.
    /// @param paused Whether it now refuses new bookings.
    event VenuePauseChanged(uint32 indexed venueId, bool paused);
    /// @notice Step 1 of a venue's operator hand-over.
    /// @param venueId The venue.
    /// @param pendingOperator The proposed operator (address(0): proposal withdrawn).
    event VenueOperatorProposed(uint32 indexed venueId, address indexed pendingOperator);
    /// @notice Step 2 of a venue's operator hand-over.
    /// @param venueId The venue.
    /// @param previousOperator The former operator.
    /// @param newOperator The new operator.
    event VenueOperatorChanged(uint32 indexed venueId, address indexed previousOperator, address indexed newOperator);
    /// @notice A new payee split; `venueId`'s future bookings use it. Splits never change.
    /// @param splitId The new split.
    /// @param venueId Its venue.
    /// @param payees Its payees, in payee-index order.
    /// @param sharesBps Their shares, in basis points, summing to 10,000.
    event SplitCreated(uint32 indexed splitId, uint32 indexed venueId, address[] payees, uint16[] sharesBps);

    /// @notice An immutable cancellation policy was registered.
    /// @param policyId The new policy.
    /// @param tiers Its refund tiers.
    event PolicyCreated(uint32 indexed policyId, RefundTier[] tiers);
    /// @notice A resource was registered.
    /// @param resourceId The new resource.
    /// @param venueId Its venue.
    /// @param params Everything the operator set.
    event ResourceCreated(uint32 indexed resourceId, uint32 indexed venueId, ResourceParams params);
    /// @notice A resource's settings changed; they apply to future bookings only.
    /// @param resourceId The resource.
    /// @param venueId Its venue.
    /// @param params Its new settings.
    event ResourceUpdated(uint32 indexed resourceId, uint32 indexed venueId, ResourceParams params);

    /// @notice A booking. Its network fee, cancellation policy and release time are the ones in force
    /// when it was made (latest {FeeChanged}, its resource's policy); {pass} returns them until settled.
    /// @param passId The pass minted.
    /// @param resourceId The resource booked.
    /// @param holder The pass's recipient.
    /// @param payer Who paid (the caller).
    /// @param unit The unit booked.
    /// @param start The window's start.
    /// @param end The window's end.
    /// @param currency The payment's currency.
    /// @param amount The pre-tax price, now in escrow.
    /// @param splitId The payee split its escrow settles into.
    /// @param gst The GST paid, in escrow with the price (the member paid `amount + gst + qst`).
    /// @param qst The QST paid, in escrow with the price.
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
        uint32 splitId,
        uint96 gst,
        uint96 qst
    );
    /// @notice A booking was cancelled and its pass burned.
    /// @param passId The pass.
    /// @param by The caller (the holder, or the venue's operator).
    /// @param byOperator Whether it was the operator's full-refund cancellation.
    /// @param refundTo The holder, to whom the refund went (or was credited, see {RefundCredited}).
    /// @param refund The pre-tax amount refunded (the holder got `refund + gstRefund + qstRefund`).
    /// @param retained The pre-tax amount kept by the payees of the booking's split (policy penalty),
    /// already settled, with its taxes into the split's tax pool.
    /// @param gstRefund The GST refunded: the GST of `refund`, rounded to the cent like the booking's.
    /// @param qstRefund The QST refunded: the QST of `refund`.
    event Cancelled(
        uint256 indexed passId,
        address indexed by,
        bool byOperator,
        address refundTo,
        uint96 refund,
        uint96 retained,
        uint96 gstRefund,
        uint96 qstRefund
    );
    /// @notice A member paid the sponsor of a gasless call its fee, in the pass's currency and on top of
    /// what the venue was paid: on a sponsored booking ({IPassepartoutCore-bookSponsored}; the member
    /// paid the {Booked} price and taxes plus `fee`) or out of the refund of a sponsored cancellation
    /// ({IPassepartoutCore-cancelSponsored}; the holder received the {Cancelled} refund minus `fee`).
    /// Emitted right after the transfer; no event when the fee is 0.
    /// @param passId The pass booked or cancelled.
    /// @param sponsor The forwarder's sponsor, paid.
    /// @param fee The fee paid, in the smallest unit of the pass's currency.
    /// @param onCancel Whether it was taken from a cancellation's refund (else paid with a booking).
    event SponsorFeePaid(uint256 indexed passId, address indexed sponsor, uint256 fee, bool onCancel);
    /// @notice A refund whose direct payment failed was credited instead.
    /// @param account The refund's beneficiary, who may {withdrawCredit}.
    /// @param currency The currency.
    /// @param amount The amount credited.
    event RefundCredited(address indexed account, address indexed currency, uint256 amount);
    /// @notice A credit was withdrawn.
    /// @param account The beneficiary, the caller.
    /// @param currency The currency.
    /// @param amount The amount paid.
    event CreditWithdrawn(address indexed account, address indexed currency, uint256 amount);
    /// @notice A pass's escrow (the `amount` of its {Booked} event) moved into the pool of that
    /// event's split and currency, and its taxes into the split's tax pool.
    /// @param passId The pass.
    /// @param fee The network fee part of it.
    /// @param gst The GST settled.
    /// @param qst The QST settled.
    event Settled(uint256 indexed passId, uint96 fee, uint96 gst, uint96 qst);
    /// @notice A payee withdrew its share of a split's pool.
    /// @param splitId The split.
    /// @param currency The currency.
    /// @param payee The payee, the caller.
    /// @param amount The amount paid.
    event Claimed(uint32 indexed splitId, address indexed currency, address indexed payee, uint256 amount);
    /// @notice The network fees accrued in a split's pool were paid to the treasury.
    /// @param splitId The split.
    /// @param currency The currency.
    /// @param treasury The treasury paid.
    /// @param amount The amount paid.
    event FeesClaimed(uint32 indexed splitId, address indexed currency, address indexed treasury, uint256 amount);

    /// @notice A split's tax payee was recorded: the venue's tax payee when the split took effect, to
    /// whom {claimTaxes} pays the taxes collected in that split.
    /// @param splitId The split.
    /// @param taxPayee Its tax payee.
    event SplitTaxPayeeSet(uint32 indexed splitId, address indexed taxPayee);

    /// @notice The taxes settled in a split's tax pool were paid to the split's tax payee.
    /// @param splitId The split.
    /// @param currency The currency.
    /// @param taxPayee The split's tax payee ({SplitTaxPayeeSet}), paid.
    /// @param amount The amount paid (GST and QST).
    event TaxesClaimed(uint32 indexed splitId, address indexed currency, address indexed taxPayee, uint256 amount);

    /// @notice A door was registered or updated.
    /// @param doorId The door.
    /// @param venueId Its venue.
    /// @param allResources Whether it admits every booking of the venue (street door).
    /// @param active Whether it admits anyone (false: disabled).
    /// @param lockKey The key that authenticates its lock's challenges.
    event DoorSet(uint32 indexed doorId, uint32 indexed venueId, bool allResources, bool active, address lockKey);
    /// @notice A room door now admits, or no longer admits, a resource of its venue.
    /// @param doorId The door.
    /// @param resourceId The resource.
    /// @param admitted Whether its bookings open the door.
    event DoorResourceSet(uint32 indexed doorId, uint32 indexed resourceId, bool admitted);
    /// @notice A venue's locks now accept, or refuse, open commands signed by a relayer key.
    /// @param venueId The venue.
    /// @param relayer The relayer key.
    /// @param trusted Whether it is trusted.
    event RelayerTrustSet(uint32 indexed venueId, address indexed relayer, bool trusted);
    /// @notice A venue's operator set the longest validity of the offline door passes its relayers
    /// issue: a pass cancelled while the venue is offline can still open until its door pass ends.
    /// @param venueId The venue.
    /// @param hours_ The longest validity, 1 to 24 hours.
    event DoorPassMaxHoursSet(uint32 indexed venueId, uint8 hours_);
}
