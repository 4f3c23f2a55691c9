// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IVenueRegistry} from "./interfaces/IVenueRegistry.sol";
import {PassepartoutStorage} from "./PassepartoutStorage.sol";
import {RefundPolicyLib} from "./libraries/RefundPolicyLib.sol";
import {SplitLib} from "./libraries/SplitLib.sol";
import {PriceLib} from "./libraries/PriceLib.sol";
import {SlotBitmap} from "./libraries/SlotBitmap.sol";
import {TaxLib} from "./libraries/TaxLib.sol";

/// @title VenueRegistry — network administration, venues, payee splits, policies, resources, doors
/// @notice A module of Passepartout, reached through its fallback by delegatecall: it writes
/// Passepartout's storage, at Passepartout's address. Called directly it only touches its own,
/// unused storage. Split out to keep Passepartout under the 24 KiB code size limit and its function
/// dispatch short, while the hot paths (book, cancel, settle, claim, canEnter) stay in one contract.
contract VenueRegistry is IVenueRegistry, PassepartoutStorage {
    using SlotBitmap for mapping(uint256 => uint256);

    /// @dev The OpeningHours module: selectors this module does not know go on to it, by delegatecall
    /// again, so Passepartout's fallback keeps one target and its bytecode is untouched.
    address private immutable _OPENING_HOURS;

    constructor(address openingHours_) {
        if (openingHours_ == address(0)) revert ZeroAddress();
        _OPENING_HOURS = openingHours_;
    }

    /// @notice Opening hours are managed by the OpeningHours module (see {IOpeningHours}).
    fallback() external {
        _delegate(_OPENING_HOURS);
    }

    /// @notice The OpeningHours module serving the opening-hours functions at this address.
    function openingHoursModule() external view returns (address) {
        return _OPENING_HOURS;
    }

    /*//////////////////////////////////////////////////////////////
                           NETWORK ADMINISTRATION
    //////////////////////////////////////////////////////////////*/

    modifier onlyAdmin() {
        if (msg.sender != _admin) revert NotAdmin(msg.sender);
        _;
    }

    /// @inheritdoc IVenueRegistry
    function admin() external view returns (address) {
        return _admin;
    }

    /// @inheritdoc IVenueRegistry
    function pendingAdmin() external view returns (address) {
        return _pendingAdmin;
    }

    /// @inheritdoc IVenueRegistry
    function proposeAdmin(address newAdmin) external onlyAdmin {
        _pendingAdmin = newAdmin;
        emit AdminProposed(msg.sender, newAdmin);
    }

    /// @inheritdoc IVenueRegistry
    function acceptAdmin() external {
        if (msg.sender != _pendingAdmin || msg.sender == address(0)) revert NotPendingAdmin(msg.sender);
        address previous = _admin;
        _admin = msg.sender;
        delete _pendingAdmin;
        emit AdminChanged(previous, msg.sender);
    }

    /// @inheritdoc IVenueRegistry
    function treasury() external view returns (address) {
        return _treasury;
    }

    /// @inheritdoc IVenueRegistry
    function setTreasury(address treasury_) external onlyAdmin {
        if (treasury_ == address(0)) revert ZeroAddress();
        _treasury = treasury_;
        emit TreasuryChanged(treasury_);
    }

    /// @inheritdoc IVenueRegistry
    function feeBps() external view returns (uint16) {
        return _config.feeBps;
    }

    /// @inheritdoc IVenueRegistry
    function setFeeBps(uint16 feeBps_) external onlyAdmin {
        if (feeBps_ > MAX_FEE_BPS) revert FeeTooHigh(feeBps_, MAX_FEE_BPS);
        _config.feeBps = feeBps_;
        emit FeeChanged(feeBps_);
    }

    /// @inheritdoc IVenueRegistry
    function setCurrencyAllowed(address token, bool allowed) external onlyAdmin {
        if (token == address(0)) revert ZeroAddress();
        uint256 info = _currencyInfo[token];
        if (info & CURRENCY_REGISTERED == 0) {
            if (_currencies.length > CURRENCY_INDEX_MASK) revert CurrencyListFull();
            info = _currencies.length | CURRENCY_REGISTERED | (_centExp(token) << CURRENCY_CENT_SHIFT);
            _currencies.push(token);
        }
        info = allowed ? info | CURRENCY_ALLOWED : info & ~CURRENCY_ALLOWED;
        _currencyInfo[token] = info;
        emit CurrencyAllowed(token, uint8(info & CURRENCY_INDEX_MASK), allowed);
    }

    /// @dev Exponent of a token's cent, 10^(decimals − 2) units (one unit below 2 decimals).
    function _centExp(address token) private view returns (uint256) {
        (bool ok, bytes memory data) = token.staticcall(abi.encodeWithSignature("decimals()"));
        if (!ok || data.length < 32) revert CurrencyDecimalsInvalid(token);
        uint256 decimals = abi.decode(data, (uint256));
        if (decimals > TaxLib.MAX_CENT_EXP + 2) revert CurrencyDecimalsInvalid(token);
        return decimals > 2 ? decimals - 2 : 0;
    }

    /// @inheritdoc IVenueRegistry
    function isCurrencyAllowed(address currency) external view returns (bool) {
        return _isCurrencyAllowed(currency);
    }

    /// @inheritdoc IVenueRegistry
    function setNetworkPaused(bool paused_) external onlyAdmin {
        _config.paused = paused_;
        emit NetworkPauseChanged(paused_);
    }

    /// @inheritdoc IVenueRegistry
    function networkPaused() external view returns (bool) {
        return _config.paused;
    }

    /// @inheritdoc IVenueRegistry
    function setTaxRates(uint32 gstRate, uint32 qstRate) external onlyAdmin {
        TaxLib.checkRate(gstRate);
        TaxLib.checkRate(qstRate);
        (_config.gstRate, _config.qstRate) = (gstRate, qstRate);
        emit TaxRatesChanged(gstRate, qstRate);
    }

    /// @inheritdoc IVenueRegistry
    function taxRates() external view returns (uint32 gstRate, uint32 qstRate) {
        return (_config.gstRate, _config.qstRate);
    }

    /// @inheritdoc IVenueRegistry
    function quote(uint32 resourceId, uint64 start, uint64 end) external view returns (uint256 total) {
        (, , , total) = quoteBreakdown(resourceId, start, end);
    }

    /// @inheritdoc IVenueRegistry
    function quoteBreakdown(
        uint32 resourceId,
        uint64 start,
        uint64 end
    ) public view returns (uint256 preTax, uint256 gst, uint256 qst, uint256 total) {
        ResourceData memory r = _resources[resourceId];
        if (r.venueId == 0) revert ResourceNotFound(resourceId);
        _checkGrid(start, end);
        Prices memory pr = _prices[resourceId];
        preTax = PriceLib.cover((end - start) / SLOT, pr.hour, pr.day, pr.month);
        if (_venues[r.venueId].taxable) {
            // As {Passepartout-_book}: taxes are rounded to the currency's cent, and ETH has none.
            if (r.currency == 0) revert TaxCurrencyWithoutCent(address(0));
            uint256 centExp = _centExpOf(_currencyInfo[_currencies[r.currency]]);
            Config memory cfg = _config;
            (gst, qst) = TaxLib.taxes(preTax, TaxLib.terms(cfg.gstRate, cfg.qstRate, centExp));
        }
        total = preTax + gst + qst;
    }

    /// @inheritdoc IVenueRegistry
    function isUnitFree(uint32 resourceId, uint16 unit, uint64 start, uint64 end) external view returns (bool) {
        ResourceData memory r = _resources[resourceId];
        if (r.venueId == 0) revert ResourceNotFound(resourceId);
        _checkGrid(start, end);
        if (unit >= r.units) revert BookingUnitOutOfRange(unit, r.units);
        return _occupancy.isFree(resourceId, unit, start / SLOT, end / SLOT);
    }

    /*//////////////////////////////////////////////////////////////
                                 VENUES
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IVenueRegistry
    function createVenue(
        string calldata name_,
        string calldata metadataURI,
        address[] calldata payees,
        uint16[] calldata sharesBps
    ) external returns (uint32 venueId) {
        _checkName(name_);
        venueId = ++_venueCount;
        _venues[venueId].operator = msg.sender;
        _venueNames[venueId] = name_;
        _venueURIs[venueId] = metadataURI;
        emit VenueCreated(venueId, msg.sender, name_, metadataURI);
        _setSplit(venueId, payees, sharesBps, address(0));
    }

    /// @inheritdoc IVenueRegistry
    function updateVenue(uint32 venueId, string calldata name_, string calldata metadataURI) external {
        _onlyOperator(venueId);
        _checkName(name_);
        _venueNames[venueId] = name_;
        _venueURIs[venueId] = metadataURI;
        emit VenueUpdated(venueId, name_, metadataURI);
    }

    /// @inheritdoc IVenueRegistry
    function setVenuePayees(
        uint32 venueId,
        address[] calldata payees,
        uint16[] calldata sharesBps
    ) external returns (uint32 splitId) {
        VenueData storage v = _onlyOperator(venueId);
        // The new split keeps the venue's tax payee.
        return _setSplit(venueId, payees, sharesBps, _splitTaxPayees[v.splitId]);
    }

    /// @inheritdoc IVenueRegistry
    function setVenuePaused(uint32 venueId, bool paused_) external {
        _onlyOperator(venueId).paused = paused_;
        emit VenuePauseChanged(venueId, paused_);
    }

    /// @inheritdoc IVenueRegistry
    function setVenueTaxProfile(uint32 venueId, TaxProfile calldata p) external {
        VenueData storage v = _onlyOperator(venueId);
        _checkText(p.legalName, LEGAL_NAME_MAX_BYTES);
        _checkText(p.postalAddress, ADDRESS_MAX_BYTES);
        // A registration may be recorded before it is used, but taxes need both numbers.
        if (p.taxable || bytes(p.gstNumber).length != 0) TaxLib.checkGstNumber(p.gstNumber);
        if (p.taxable || bytes(p.qstNumber).length != 0) TaxLib.checkQstNumber(p.qstNumber);
        if (p.taxPayee == address(0)) revert ZeroAddress();
        _taxProfiles[venueId] = abi.encode(p);
        v.taxable = p.taxable;
        emit VenueTaxProfileSet(venueId, p);
        uint32 splitId = v.splitId;
        address current = _splitTaxPayees[splitId];
        if (current == p.taxPayee) return;
        if (current == address(0)) {
            // A split without a tax payee never collected taxes (they need a profile): it takes this one.
            _splitTaxPayees[splitId] = p.taxPayee;
            emit SplitTaxPayeeSet(splitId, p.taxPayee);
        } else {
            // The taxes already collected stay with the payee named then: the new one gets a new
            // split with the same payees and shares (≤ MAX_PAYEES: bounded).
            (, address[] memory payees, uint16[] memory sharesBps) = split(splitId);
            _setSplit(venueId, payees, sharesBps, p.taxPayee);
        }
    }

    /// @inheritdoc IVenueRegistry
    function venueTaxProfile(uint32 venueId) external view returns (TaxProfile memory) {
        if (_venues[venueId].operator == address(0)) revert VenueNotFound(venueId);
        bytes memory b = _taxProfiles[venueId];
        if (b.length != 0) return abi.decode(b, (TaxProfile));
    }

    /// @inheritdoc IVenueRegistry
    function proposeVenueOperator(uint32 venueId, address newOperator) external {
        _onlyOperator(venueId);
        _pendingOperators[venueId] = newOperator;
        emit VenueOperatorProposed(venueId, newOperator);
    }

    /// @inheritdoc IVenueRegistry
    function acceptVenueOperator(uint32 venueId) external {
        if (msg.sender != _pendingOperators[venueId] || msg.sender == address(0)) {
            revert VenueNotPendingOperator(venueId, msg.sender);
        }
        VenueData storage v = _venues[venueId];
        address previous = v.operator;
        v.operator = msg.sender;
        delete _pendingOperators[venueId];
        emit VenueOperatorChanged(venueId, previous, msg.sender);
    }

    /// @inheritdoc IVenueRegistry
    function venue(uint32 venueId) external view returns (Venue memory) {
        VenueData memory v = _venues[venueId];
        if (v.operator == address(0)) revert VenueNotFound(venueId);
        return
            Venue(
                v.operator,
                _pendingOperators[venueId],
                v.splitId,
                v.paused,
                _venueNames[venueId],
                _venueURIs[venueId]
            );
    }

    /// @inheritdoc IVenueRegistry
    function venueCount() external view returns (uint32) {
        return _venueCount;
    }

    /// @inheritdoc IVenueRegistry
    function split(
        uint32 splitId
    ) public view returns (uint32 venueId, address[] memory payees, uint16[] memory sharesBps) {
        SplitData memory s = _splits[splitId];
        if (s.count == 0) revert SplitNotFound(splitId);
        payees = new address[](s.count);
        sharesBps = new uint16[](s.count);
        for (uint256 i; i < s.count; ++i) {
            payees[i] = _payees[splitId][i];
            sharesBps[i] = SplitLib.shareOf(s.shares, i);
        }
        venueId = s.venueId;
    }

    /// @inheritdoc IVenueRegistry
    function splitTaxPayee(uint32 splitId) external view returns (address) {
        if (_splits[splitId].count == 0) revert SplitNotFound(splitId);
        return _splitTaxPayees[splitId];
    }

    /// @dev A new split of `venueId`, applied to its future bookings, whose taxes go to `taxPayee`.
    function _setSplit(
        uint32 venueId,
        address[] memory payees,
        uint16[] memory sharesBps,
        address taxPayee
    ) private returns (uint32 splitId) {
        uint256 n = payees.length;
        if (n == 0 || n > SplitLib.MAX_PAYEES) revert SplitInvalidPayeeCount(n, SplitLib.MAX_PAYEES);
        if (sharesBps.length != n) revert SplitLengthMismatch(n, sharesBps.length);
        uint256 packed;
        uint256 total;
        splitId = ++_splitCount;
        for (uint256 i; i < n; ++i) {
            address payee = payees[i];
            if (payee == address(0)) revert SplitInvalidPayee(i, payee);
            for (uint256 j; j < i; ++j) {
                if (payees[j] == payee) revert SplitInvalidPayee(i, payee);
            }
            if (sharesBps[i] == 0) revert SplitInvalidShare(i, 0);
            total += sharesBps[i];
            packed |= uint256(sharesBps[i]) << (16 * i);
            _payees[splitId][i] = payee;
        }
        if (total != SplitLib.TOTAL_BPS) revert SplitSharesNotWhole(total);
        _splits[splitId] = SplitData(venueId, uint8(n), uint128(packed));
        _venues[venueId].splitId = splitId;
        emit SplitCreated(splitId, venueId, payees, sharesBps);
        if (taxPayee != address(0)) {
            _splitTaxPayees[splitId] = taxPayee;
            emit SplitTaxPayeeSet(splitId, taxPayee);
        }
    }

    /*//////////////////////////////////////////////////////////////
                          POLICIES AND RESOURCES
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IVenueRegistry
    function createPolicy(RefundTier[] calldata tiers) external returns (uint32 policyId) {
        uint256 packed = RefundPolicyLib.pack(tiers);
        policyId = ++_policyCount;
        _policies[policyId] = packed;
        emit PolicyCreated(policyId, tiers);
    }

    /// @inheritdoc IVenueRegistry
    function policy(uint32 policyId) external view returns (RefundTier[] memory) {
        if (policyId > _policyCount) revert PolicyNotFound(policyId);
        return RefundPolicyLib.unpack(_policies[policyId]);
    }

    /// @inheritdoc IVenueRegistry
    function createResource(uint32 venueId, ResourceParams calldata p) external returns (uint32 resourceId) {
        _onlyOperator(venueId);
        resourceId = ++_resourceCount;
        _storeResource(resourceId, venueId, p);
        emit ResourceCreated(resourceId, venueId, p);
    }

    /// @inheritdoc IVenueRegistry
    function updateResource(uint32 resourceId, ResourceParams calldata p) external {
        uint32 venueId = _resources[resourceId].venueId;
        if (venueId == 0) revert ResourceNotFound(resourceId);
        _onlyOperator(venueId);
        uint16 current = _resources[resourceId].units;
        if (p.units < current) revert ResourceUnitsDecrease(current, p.units);
        // The currency is part of a resource's identity: passes and refunds are denominated in it.
        address currency = _currencies[_resources[resourceId].currency];
        if (p.currency != currency) revert ResourceCurrencyFixed(resourceId, currency);
        _storeResource(resourceId, venueId, p);
        emit ResourceUpdated(resourceId, venueId, p);
    }

    function _storeResource(uint32 resourceId, uint32 venueId, ResourceParams calldata p) private {
        _checkName(p.name);
        if (p.units == 0 || p.units > MAX_UNITS) revert ResourceInvalidUnits(p.units, MAX_UNITS);
        if (p.pricePerHour == 0 || p.pricePerDay == 0 || p.pricePerMonth == 0) revert ResourceInvalidPrices();
        if (p.minHours == 0 || p.minHours > p.maxHours || p.maxHours > MAX_BOOKING_HOURS) {
            revert ResourceInvalidDurations(p.minHours, p.maxHours);
        }
        if (p.graceSeconds > MAX_GRACE_SECONDS) revert ResourceGraceTooLong(p.graceSeconds, MAX_GRACE_SECONDS);
        if (p.horizonHours > MAX_HORIZON_HOURS) revert ResourceHorizonTooLong(p.horizonHours, MAX_HORIZON_HOURS);
        if (p.policyId > _policyCount) revert PolicyNotFound(p.policyId);
        if (!_isCurrencyAllowed(p.currency)) revert CurrencyNotAllowed(p.currency);
        // Taxes are rounded to the currency's cent, and ETH has none.
        if (p.currency == address(0) && _venues[venueId].taxable) revert TaxCurrencyWithoutCent(address(0));
        _resources[resourceId] = ResourceData({
            venueId: venueId,
            units: p.units,
            kind: p.kind,
            transferable: p.transferable,
            currency: uint8(_currencyInfo[p.currency] & CURRENCY_INDEX_MASK),
            minHours: p.minHours,
            maxHours: p.maxHours,
            horizonHours: p.horizonHours,
            graceSeconds: p.graceSeconds,
            policyId: p.policyId,
            releaseOffset: RefundPolicyLib.lastRefundOffset(_policies[p.policyId]),
            followsOpeningHours: p.followsOpeningHours
        });
        if (p.followsOpeningHours && !_followerListed[resourceId]) {
            _followerListed[resourceId] = true;
            _openingFollowers[venueId].push(resourceId);
        }
        _prices[resourceId] = Prices(p.pricePerHour, p.pricePerDay, p.pricePerMonth);
        _resourceNames[resourceId] = p.name;
        _resourceURIs[resourceId] = p.metadataURI;
    }

    /// @inheritdoc IVenueRegistry
    function resource(uint32 resourceId) external view returns (Resource memory) {
        ResourceData memory r = _resources[resourceId];
        if (r.venueId == 0) revert ResourceNotFound(resourceId);
        Prices memory pr = _prices[resourceId];
        return
            Resource({
                venueId: r.venueId,
                units: r.units,
                kind: r.kind,
                transferable: r.transferable,
                currency: _currencies[r.currency],
                pricePerHour: pr.hour,
                pricePerDay: pr.day,
                pricePerMonth: pr.month,
                minHours: r.minHours,
                maxHours: r.maxHours,
                horizonHours: r.horizonHours,
                graceSeconds: r.graceSeconds,
                policyId: r.policyId,
                name: _resourceNames[resourceId],
                metadataURI: _resourceURIs[resourceId],
                followsOpeningHours: r.followsOpeningHours
            });
    }

    /// @inheritdoc IVenueRegistry
    function resourceCount() external view returns (uint32) {
        return _resourceCount;
    }

    /*//////////////////////////////////////////////////////////////
                                 DOORS
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IVenueRegistry
    function createDoor(uint32 venueId, bool allResources, address lockKey) external returns (uint32 doorId) {
        _onlyOperator(venueId);
        if (lockKey == address(0)) revert ZeroAddress();
        doorId = ++_doorCount;
        _doors[doorId] = DoorData(venueId, allResources, true, lockKey);
        emit DoorSet(doorId, venueId, allResources, true, lockKey);
    }

    /// @inheritdoc IVenueRegistry
    function updateDoor(uint32 doorId, bool allResources, bool active, address lockKey) external {
        uint32 venueId = _doorVenue(doorId);
        _onlyOperator(venueId);
        if (lockKey == address(0)) revert ZeroAddress();
        _doors[doorId] = DoorData(venueId, allResources, active, lockKey);
        emit DoorSet(doorId, venueId, allResources, active, lockKey);
    }

    /// @inheritdoc IVenueRegistry
    function setDoorResource(uint32 doorId, uint32 resourceId, bool admitted) external {
        uint32 venueId = _doorVenue(doorId);
        _onlyOperator(venueId);
        if (_resources[resourceId].venueId != venueId) revert DoorResourceNotInVenue(doorId, resourceId);
        _doorResources[doorId][resourceId] = admitted;
        emit DoorResourceSet(doorId, resourceId, admitted);
    }

    /// @inheritdoc IVenueRegistry
    function setRelayerTrusted(uint32 venueId, address relayer, bool trusted) external {
        _onlyOperator(venueId);
        if (relayer == address(0)) revert ZeroAddress();
        _trustedRelayers[venueId][relayer] = trusted;
        emit RelayerTrustSet(venueId, relayer, trusted);
    }

    /// @inheritdoc IVenueRegistry
    function setDoorPassMaxHours(uint32 venueId, uint8 hours_) external {
        _onlyOperator(venueId);
        if (hours_ == 0 || hours_ > MAX_DOOR_PASS_HOURS) revert DoorPassMaxHoursOutOfRange(hours_);
        _doorPassMaxHours[venueId] = hours_;
        emit DoorPassMaxHoursSet(venueId, hours_);
    }

    /// @inheritdoc IVenueRegistry
    function doorPassMaxHours(uint32 venueId) external view returns (uint8) {
        return _doorPassMaxHours[venueId];
    }

    function _doorVenue(uint32 doorId) private view returns (uint32 venueId) {
        venueId = _doors[doorId].venueId;
        if (venueId == 0) revert DoorNotFound(doorId);
    }

    /// @inheritdoc IVenueRegistry
    function door(uint32 doorId) external view returns (Door memory) {
        DoorData memory d = _doors[doorId];
        if (d.venueId == 0) revert DoorNotFound(doorId);
        return Door(d.venueId, d.allResources, d.active, d.lockKey);
    }

    /// @inheritdoc IVenueRegistry
    function doorCount() external view returns (uint32) {
        return _doorCount;
    }

    /// @inheritdoc IVenueRegistry
    function isRelayerTrusted(uint32 venueId, address relayer) external view returns (bool) {
        return _trustedRelayers[venueId][relayer];
    }
}
