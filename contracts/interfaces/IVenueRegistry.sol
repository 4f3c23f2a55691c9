// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IPassepartoutBase} from "./IPassepartoutBase.sol";

/// @title IVenueRegistry — network administration, venues, payee splits, policies, resources, doors
/// @notice Served by Passepartout through its VenueRegistry module (delegatecall), at the same address.
interface IVenueRegistry is IPassepartoutBase {
    /*//////////////////////////////////////////////////////////////
                           NETWORK ADMINISTRATION
    //////////////////////////////////////////////////////////////*/

    /// @notice The network admin (may be a multisig contract).
    function admin() external view returns (address);
    /// @notice The admin proposed by {proposeAdmin}, waiting for {acceptAdmin}.
    function pendingAdmin() external view returns (address);
    /// @notice Step 1 of the admin hand-over. Admin only. `address(0)` cancels a proposal.
    function proposeAdmin(address newAdmin) external;
    /// @notice Step 2 of the admin hand-over, by the proposed admin.
    function acceptAdmin() external;

    /// @notice Where network fees go.
    function treasury() external view returns (address);
    /// @notice Admin only.
    function setTreasury(address treasury_) external;

    /// @notice Network fee in basis points taken at settlement, as recorded at booking time.
    function feeBps() external view returns (uint16);
    /// @notice Admin only; at most MAX_FEE_BPS (10 %). Applies to future bookings only.
    function setFeeBps(uint16 feeBps_) external;

    /// @notice Admin only. Allow or forbid an ERC-20 for new bookings (existing ones are unaffected).
    function setCurrencyAllowed(address token, bool allowed) external;
    /// @notice Whether new bookings may be paid in `currency` (ETH always).
    function isCurrencyAllowed(address currency) external view returns (bool);

    /// @notice Emergency pause (admin only): stops new bookings and pass transfers; cancel, settle,
    /// claim, guest changes and the door view keep working.
    function setNetworkPaused(bool paused_) external;
    function networkPaused() external view returns (bool);

    /// @notice Admin only. Sets the GST and QST rates of future bookings of taxable venues, in parts
    /// per 100,000 (GST 5 % = 5,000, QST 9.975 % = 9,975), each ≤ 100,000 ({TaxRateTooHigh}).
    /// Existing passes keep the rates they were booked at.
    function setTaxRates(uint32 gstRate, uint32 qstRate) external;
    /// @notice The GST and QST rates of new bookings, in parts per 100,000.
    function taxRates() external view returns (uint32 gstRate, uint32 qstRate);

    /// @notice What booking `[start, end)` (hours on the grid) costs now, taxes included: the amount
    /// {book} charges and its `maxPrice` is compared with.
    function quote(uint32 resourceId, uint64 start, uint64 end) external view returns (uint256 total);
    /// @notice {quote} in parts: the pre-tax price at the resource's current prices, the GST and QST
    /// at the current rates if its venue is taxable (each rounded half-up to the cent), and their sum.
    /// Reverts {TaxCurrencyWithoutCent} for an ETH resource of a taxable venue, as booking would.
    function quoteBreakdown(
        uint32 resourceId,
        uint64 start,
        uint64 end
    ) external view returns (uint256 preTax, uint256 gst, uint256 qst, uint256 total);
    /// @notice Whether `unit` is free over `[start, end)`.
    function isUnitFree(uint32 resourceId, uint16 unit, uint64 start, uint64 end) external view returns (bool);

    /*//////////////////////////////////////////////////////////////
                                 VENUES
    //////////////////////////////////////////////////////////////*/

    /// @notice Registers a venue operated by the caller with its payee split (≤ MAX_PAYEES payees,
    /// shares > 0 summing to 10,000 bps, no zero or repeated payee).
    function createVenue(
        string calldata name,
        string calldata metadataURI,
        address[] calldata payees,
        uint16[] calldata sharesBps
    ) external returns (uint32 venueId);
    /// @notice Operator only.
    function updateVenue(uint32 venueId, string calldata name, string calldata metadataURI) external;
    /// @notice Operator only. Creates a new split for future bookings; earned money keeps its split.
    function setVenuePayees(
        uint32 venueId,
        address[] calldata payees,
        uint16[] calldata sharesBps
    ) external returns (uint32 splitId);
    /// @notice Operator only.
    function setVenuePaused(uint32 venueId, bool paused_) external;
    /// @notice Step 1 of the operator hand-over. Operator only.
    function proposeVenueOperator(uint32 venueId, address newOperator) external;
    /// @notice Step 2 of the operator hand-over, by the proposed operator.
    function acceptVenueOperator(uint32 venueId) external;
    /// @notice Operator only. Sets the venue's billing identity and whether new bookings are taxed.
    /// Names are valid UTF-8 (legal name 1–100 bytes, address 1–200); the GST and QST numbers must be
    /// well-formed ({GstNumberInvalid}, {QstNumberInvalid}) when given, and both given when taxable;
    /// the tax payee is not address(0). Existing passes keep the taxes they were booked with. A new
    /// tax payee takes effect through a new split with the same payees and shares ({SplitCreated},
    /// {SplitTaxPayeeSet}): the taxes of earlier bookings stay with the payee named when they were
    /// collected. A taxable venue's ETH resources can no longer be booked ({TaxCurrencyWithoutCent}).
    function setVenueTaxProfile(uint32 venueId, TaxProfile calldata profile) external;
    /// @notice A venue's tax profile (empty until set).
    function venueTaxProfile(uint32 venueId) external view returns (TaxProfile memory);
    function venue(uint32 venueId) external view returns (Venue memory);
    function venueCount() external view returns (uint32);

    /// @notice The tax payee of a split, to whom {IPassepartoutCore-claimTaxes} pays its taxes
    /// (address(0) until its venue names one).
    function splitTaxPayee(uint32 splitId) external view returns (address);

    /// @notice Payees and shares of a split.
    function split(
        uint32 splitId
    ) external view returns (uint32 venueId, address[] memory payees, uint16[] memory sharesBps);

    /*//////////////////////////////////////////////////////////////
                          POLICIES AND RESOURCES
    //////////////////////////////////////////////////////////////*/

    /// @notice Registers an immutable cancellation policy (≤ MAX_POLICY_TIERS tiers). Anyone may.
    function createPolicy(RefundTier[] calldata tiers) external returns (uint32 policyId);
    function policy(uint32 policyId) external view returns (RefundTier[] memory tiers);

    /// @notice Operator only. A taxable venue's resources are priced in a token, not ETH
    /// ({TaxCurrencyWithoutCent}, also on update).
    function createResource(uint32 venueId, ResourceParams calldata params) external returns (uint32 resourceId);
    /// @notice Operator only. Applies to future bookings; existing passes keep price and policy.
    /// Units may only grow; the currency cannot change (create a new resource instead).
    function updateResource(uint32 resourceId, ResourceParams calldata params) external;
    function resource(uint32 resourceId) external view returns (Resource memory);
    function resourceCount() external view returns (uint32);

    /*//////////////////////////////////////////////////////////////
                                 DOORS
    //////////////////////////////////////////////////////////////*/

    /// @notice Operator only. Registers a door; `lockKey` signs its challenges.
    function createDoor(uint32 venueId, bool allResources, address lockKey) external returns (uint32 doorId);
    /// @notice Operator only.
    function updateDoor(uint32 doorId, bool allResources, bool active, address lockKey) external;
    /// @notice Operator only. Whether a room door admits a resource of its venue.
    function setDoorResource(uint32 doorId, uint32 resourceId, bool admitted) external;
    /// @notice Operator only. Whether the venue's locks accept open commands signed by `relayer`.
    function setRelayerTrusted(uint32 venueId, address relayer, bool trusted) external;
    function door(uint32 doorId) external view returns (Door memory);
    function doorCount() external view returns (uint32);
    function isRelayerTrusted(uint32 venueId, address relayer) external view returns (bool);
    /// @notice Operator only. The longest validity of an offline door pass of the venue, 1 to 24
    /// hours ({DoorPassMaxHoursOutOfRange}): the exposure bound of a pass cancelled during an outage.
    function setDoorPassMaxHours(uint32 venueId, uint8 hours_) external;
    /// @notice The venue's longest offline door pass in hours; 0 while its operator has not set it
    /// (the relayer's default applies).
    function doorPassMaxHours(uint32 venueId) external view returns (uint8);
}
