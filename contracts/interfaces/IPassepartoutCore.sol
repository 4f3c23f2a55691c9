// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IPassepartoutBase} from "./IPassepartoutBase.sol";
import {IERC4907} from "./IERC4907.sol";

/// @title IPassepartoutCore — bookings, escrow, claims, guests, door checks
/// @notice Implemented by the Passepartout contract itself (the hot paths). Guests are ERC-4907 users.
interface IPassepartoutCore is IPassepartoutBase, IERC4907 {
    /*//////////////////////////////////////////////////////////////
                                BOOKINGS
    //////////////////////////////////////////////////////////////*/

    /// @notice Books `[start, end)` of one unit (`unit == ANY_UNIT` picks the lowest free one) and
    /// mints the pass to `recipient` (a contract recipient must accept ERC-721s, or the booking
    /// reverts with `TransferToNonERC721ReceiverImplementer` unless its hook reverted with a reason).
    /// Pays the price with taxes ({quote}) in the resource's currency: ETH with `msg.value ≥ total`
    /// (change returned), or an ERC-20 approved beforehand, of which exactly `total` must arrive. The
    /// member pins the terms it was shown: reverts if the total exceeds `maxPrice`
    /// ({BookingPriceAboveMax}) or if the
    /// resource's cancellation policy or transferability is no longer `policyId` / `transferable`
    /// ({BookingTermsChanged}). The pass keeps that policy and transferability for its whole life.
    /// The pass id is in the {Booked} event (and the ERC-721 `Transfer` from address(0)).
    function book(
        uint32 resourceId,
        uint64 start,
        uint64 end,
        uint16 unit,
        uint256 maxPrice,
        address recipient,
        uint32 policyId,
        bool transferable
    ) external payable returns (uint256 passId);

    /// @notice {book} paid in an EIP-2612 token, with the permit in the same transaction. The permit
    /// is skipped if it fails but the allowance already suffices (front-run permits).
    function bookWithPermit(
        uint32 resourceId,
        uint64 start,
        uint64 end,
        uint16 unit,
        uint256 maxPrice,
        address recipient,
        uint32 policyId,
        bool transferable,
        uint256 permitDeadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external returns (uint256 passId);

    /// @notice {bookWithPermit} for a member without ETH, relayed by a sponsor through the trusted
    /// forwarder ({isTrustedForwarder}) from the member's signed request, which also signs `sponsor`
    /// and `maxFee`. Only `sponsor` may relay it (address(0): anyone), so a copier of the signed
    /// request cannot take the fee ({SponsorNotNamed}). The member's one permit is for
    /// `maxPrice + maxFee`; the sponsor's fee (as the forwarder's `sponsorship()` reports it, 0 when
    /// the network sponsors) is paid to the sponsor in the booking's token. A permit that applies
    /// replaces the member's earlier allowance to this contract (EIP-2612 sets, it does not add).
    /// Reverts {SponsorNotForwarder} if called directly, {SponsorFeeAboveCap} if the fee exceeds
    /// `maxFee`, {SponsorPermitInvalid} if the permit fails and no allowance covers price and fee.
    function bookSponsored(
        uint32 resourceId,
        uint64 start,
        uint64 end,
        uint16 unit,
        uint256 maxPrice,
        address recipient,
        uint32 policyId,
        bool transferable,
        address sponsor,
        uint256 maxFee,
        uint256 permitDeadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external returns (uint256 passId);

    /// @notice {cancel} relayed through the trusted forwarder by `sponsor` (address(0): anyone,
    /// else {SponsorNotNamed}): the sponsor's fee, at most `maxFee` ({SponsorFeeAboveCap}), is paid
    /// out of the holder's refund ({SponsorFeeAboveRefund}; always when the operator cancels, who is
    /// refunded nothing). The canceller must receive at least `minRefund` (refund with taxes, less
    /// the fee), the amount it was shown, else {SponsorRefundBelowMin}: a relayer cannot hold the
    /// request past a refund deadline. Every check runs before anything changes.
    function cancelSponsored(uint256 passId, address sponsor, uint256 maxFee, uint256 minRefund) external;

    /// @notice ERC-2771: whether `forwarder` is the trusted forwarder, whose calls act for the
    /// signer named in their last 20 bytes of calldata (bookings, cancellations, guests, claims,
    /// ERC-721 approvals and transfers; registry calls are refused, {SponsorCallNotRelayed}).
    function isTrustedForwarder(address forwarder) external view returns (bool);

    /// @notice By the holder before start: refund per the booking's policy, with the taxes of the
    /// refunded pre-tax amount, paid directly; the rest goes to the payees (its taxes to the tax
    /// pool). By the venue operator while unsettled and before the booking's end: full refund with
    /// its taxes to the holder, credited (see {withdrawCredit}) if the direct payment fails; after
    /// the end it reverts {PassAlreadyEnded}. Frees the slots, burns the pass.
    function cancel(uint256 passId) external;

    /// @notice Refund the holder would get by cancelling at `time`, taxes included.
    function refundAt(uint256 passId, uint64 time) external view returns (uint256 refund);

    /// @notice Moves each pass's escrow into its split's pool once its release time has come.
    /// Anyone may call. Ids already settled or cancelled are skipped (so a batch cannot be made to
    /// fail by settling one of its ids first); reverts if an id was never minted or is not yet
    /// releasable.
    function settle(uint256[] calldata passIds) external;

    function pass(uint256 passId) external view returns (Pass memory);
    function nextPassId() external view returns (uint256);

    /*//////////////////////////////////////////////////////////////
                                 CLAIMS
    //////////////////////////////////////////////////////////////*/

    /// @notice Pays the caller, payee number `payeeIndex` of `splitId`, its accrued share in `currency`:
    /// its share of the pool's net amount rounded down, plus rounding remainder units handed out by
    /// the D'Hondt rule (largest share per unit already received first; the first listed on a tie),
    /// so the payees' entitlements always add up to the whole pool.
    function claim(uint32 splitId, address currency, uint8 payeeIndex) external returns (uint256 amount);
    /// @notice What {claim} would pay now.
    function claimable(uint32 splitId, address currency, uint8 payeeIndex) external view returns (uint256);
    /// @notice Pays the treasury the network fees accrued in a split's pool. Anyone may call.
    function claimFees(uint32 splitId, address currency) external returns (uint256 amount);
    /// @notice Network fees accrued and not yet paid in a split's pool.
    function claimableFees(uint32 splitId, address currency) external view returns (uint256);
    /// @notice Pays the split's tax payee (the venue's tax payee when the split took effect, see
    /// {IVenueRegistry-splitTaxPayee}) the taxes settled in the split's tax pool. Anyone may call.
    function claimTaxes(uint32 splitId, address currency) external returns (uint256 amount);
    /// @notice Taxes settled into a split's tax pool in `currency`, in total, and the part already
    /// paid by {claimTaxes}.
    function taxPool(
        uint32 splitId,
        address currency
    ) external view returns (uint128 gst, uint128 qst, uint256 claimed);
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
