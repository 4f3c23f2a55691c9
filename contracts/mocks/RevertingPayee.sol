// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC721Receiver} from "@openzeppelin/contracts/token/ERC721/IERC721Receiver.sol";

/// @title RevertingPayee — a payee or pass holder that rejects ETH until told otherwise (tests only)
/// @notice Accepts passes. Its `receive` reverts while `rejecting`, or burns all gas while
/// `gasGuzzling`, so payouts and refunds to it fail.
contract RevertingPayee is IERC721Receiver {
    error NoEther();

    bool public rejecting = true;
    bool public gasGuzzling;

    function setRejecting(bool rejecting_) external {
        rejecting = rejecting_;
    }

    function setGasGuzzling(bool guzzling) external {
        gasGuzzling = guzzling;
    }

    /// @notice Calls `to` with `data` as this contract, bubbling reverts.
    function exec(address to, bytes calldata data) external payable returns (bytes memory ret) {
        bool ok;
        (ok, ret) = to.call{value: msg.value}(data);
        if (!ok) {
            assembly ("memory-safe") {
                revert(add(ret, 0x20), mload(ret))
            }
        }
    }

    function onERC721Received(address, address, uint256, bytes calldata) external pure returns (bytes4) {
        return IERC721Receiver.onERC721Received.selector;
    }

    receive() external payable {
        if (gasGuzzling) {
            while (true) {}
        }
        if (rejecting) revert NoEther();
    }
}
