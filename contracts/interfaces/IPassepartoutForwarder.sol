// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC2771Forwarder} from "@openzeppelin/contracts/metatx/ERC2771Forwarder.sol";

/// @title IPassepartoutForwarder — the trusted ERC-2771 forwarder of gasless (sponsored) calls
/// @notice OpenZeppelin's `ERC2771Forwarder` (EIP-712 `ForwardRequest`s with a per-signer nonce and a
/// deadline, checked on chain) plus {executeSponsored}: a sponsor submits a member's signed request
/// and names the fee it asks for. The fee is not charged here: the target (Passepartout) reads it
/// with {sponsorship} and pays it only if it is within the cap the member signed in the request's
/// calldata, out of the member's own funds (see docs/gasless.md).
interface IPassepartoutForwarder {
    /// @notice {executeSponsored} was called again while a sponsored request was running.
    error ForwarderSponsorshipReentered();
    /// @notice Sponsored requests carry no ETH: the member has none to sign away.
    /// @param value The request's `value`.
    error ForwarderValueNotSupported(uint256 value);

    /// @notice Runs `request` as {ERC2771Forwarder-execute} does (signature, nonce, deadline and
    /// trusted target checked, the nonce used), while {sponsorship} reports the caller as the
    /// sponsor asking `fee`. Unlike `execute`, a reverting call reverts with the target's own error
    /// (e.g. `SponsorFeeAboveCap`), so the sponsor and the member see why.
    /// @param request The member's signed request.
    /// @param fee What the sponsor asks, in the currency the target charges it in.
    function executeSponsored(ERC2771Forwarder.ForwardRequestData calldata request, uint256 fee) external;

    /// @notice During {executeSponsored}: its caller and the fee it asks; otherwise (plain `execute`,
    /// or outside any request) address(0) and 0, i.e. a call the network sponsors for free.
    function sponsorship() external view returns (address sponsor, uint256 fee);
}
