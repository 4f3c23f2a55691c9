// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IPassepartoutBase} from "./IPassepartoutBase.sol";

/// @title IPassepartoutCore — network administration, bookings, escrow, claims, guests, door checks
/// @notice Implemented by the Passepartout contract itself (the hot paths).
interface IPassepartoutCore is IPassepartoutBase {
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

    /// @notice Price of booking `[start, end)` (hours on the grid) at the resource's current prices.
    function quote(uint32 resourceId, uint64 start, uint64 end) external view returns (uint256 price);
    /// @notice Whether `unit` is free over `[start, end)`.
    function isUnitFree(uint32 resourceId, uint16 unit, uint64 start, uint64 end) external view returns (bool);

    /*//////////////////////////////////////////////////////////////
                                BOOKINGS
    //////////////////////////////////////////////////////////////*/

    /// @notice Books `[start, end)` of one unit (`unit == ANY_UNIT` picks the lowest free one) and
    /// mints the pass to `recipient` (a contract recipient must accept ERC-721s). Pays in the
    /// resource's currency: ETH with `msg.value ≥ price` (change returned), or an ERC-20 approved
    /// beforehand. Reverts if the price exceeds `maxPrice`.
    function book(uint32 resourceId, uint64 start, uint64 end, uint16 unit, uint256 maxPrice, address recipient)
        external
        payable
        returns (uint256 passId);

    /// @notice {book} paid in an EIP-2612 token, with the permit in the same transaction. The permit
    /// is skipped if it fails but the allowance already suffices (front-run permits).
    function bookWithPermit(
        uint32 resourceId,
        uint64 start,
        uint64 end,
        uint16 unit,
        uint256 maxPrice,
        address recipient,
        uint256 permitDeadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external returns (uint256 passId);

    /// @notice By the holder before start: refund per the booking's policy, paid directly; the
    /// rest goes to the payees. By the venue operator while unsettled: full refund to the holder,
    /// credited (see {withdrawCredit}) if the direct payment fails. Frees the slots, burns the pass.
    function cancel(uint256 passId) external;

    /// @notice Refund the holder would get by cancelling at `time`.
    function refundAt(uint256 passId, uint64 time) external view returns (uint256 refund);

    /// @notice Moves each pass's escrow into its split's pool once its release time has come.
    /// Anyone may call. Reverts if one of them is unknown, already settled or not yet releasable.
    function settle(uint256[] calldata passIds) external;

    function pass(uint256 passId) external view returns (Pass memory);
    function nextPassId() external view returns (uint256);

    /*//////////////////////////////////////////////////////////////
                                 CLAIMS
    //////////////////////////////////////////////////////////////*/

    /// @notice Pays the caller, payee number `payeeIndex` of `splitId`, its accrued share in `currency`.
    function claim(uint32 splitId, address currency, uint8 payeeIndex) external returns (uint256 amount);
    /// @notice What {claim} would pay now.
    function claimable(uint32 splitId, address currency, uint8 payeeIndex) external view returns (uint256);
    /// @notice Pays the treasury the network fees accrued in a split's pool. Anyone may call.
    function claimFees(uint32 splitId, address currency) external returns (uint256 amount);
    /// @notice Network fees accrued and not yet paid in a split's pool.
    function claimableFees(uint32 splitId, address currency) external view returns (uint256);
    /// @notice Withdraws refunds that could not be paid directly.
    function withdrawCredit(address currency) external returns (uint256 amount);
    function credit(address account, address currency) external view returns (uint256);
    /// @notice Total settled into a split's pool: `gross` and the network `fee` part of it.
    function pool(uint32 splitId, address currency) external view returns (uint128 gross, uint128 fee);

    /*//////////////////////////////////////////////////////////////
                                 GUESTS
    //////////////////////////////////////////////////////////////*/

    /// @notice ERC-4907: lends the pass's door access to `user` until `expires` (holder or approved
    /// operator). `user == address(0)` revokes. Cleared on transfer.
    function setUser(uint256 tokenId, address user, uint64 expires) external;
    /// @notice ERC-4907: the current guest, or address(0) when none or expired.
    function userOf(uint256 tokenId) external view returns (address);
    function userExpires(uint256 tokenId) external view returns (uint256);

    /// @notice Whether an active door admits a resource.
    function doorAdmits(uint32 doorId, uint32 resourceId) external view returns (bool);

    /// @notice The relayer's question: may `who` pass door `doorId` at `time` with pass `passId`?
    /// Granted when the door is active and admits the pass's resource, `who` holds the pass or is
    /// its unexpired guest, and `start - grace ≤ time < end`. Works during the emergency pause.
    function canEnter(address who, uint32 doorId, uint256 passId, uint64 time) external view returns (AccessCode);
}
