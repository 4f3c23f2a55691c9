// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC2771Forwarder} from "@openzeppelin/contracts/metatx/ERC2771Forwarder.sol";
import {IPassepartoutForwarder} from "./interfaces/IPassepartoutForwarder.sol";

/// @title PassepartoutForwarder
/// @notice See {IPassepartoutForwarder}. Validation, nonces and the EIP-712 domain are OpenZeppelin's;
/// this adds only the sponsor's fee, kept in transient storage for the duration of one request.
contract PassepartoutForwarder is ERC2771Forwarder, IPassepartoutForwarder {
    address private transient _sponsor;
    uint256 private transient _fee;

    constructor() ERC2771Forwarder("Passepartout Forwarder") {}

    /// @inheritdoc IPassepartoutForwarder
    function executeSponsored(ForwardRequestData calldata request, uint256 fee) external {
        if (request.value != 0) revert ForwarderValueNotSupported(request.value);
        // A nested call would overwrite the outer request's sponsor before the target reads it.
        if (_sponsor != address(0)) revert ForwarderSponsorshipReentered();
        _sponsor = msg.sender;
        _fee = fee;
        bool ok = _execute(request, true);
        _sponsor = address(0);
        _fee = 0;
        if (!ok) {
            // `_execute` makes no call after the target's, so the return data is still the target's
            // revert reason: re-raise it rather than OpenZeppelin's reason-less `FailedCall`.
            assembly ("memory-safe") {
                let m := mload(0x40)
                returndatacopy(m, 0, returndatasize())
                revert(m, returndatasize())
            }
        }
    }

    /// @inheritdoc IPassepartoutForwarder
    function sponsorship() external view returns (address sponsor, uint256 fee) {
        return (_sponsor, _fee);
    }
}
