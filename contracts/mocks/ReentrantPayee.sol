// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC721Receiver} from "@openzeppelin/contracts/token/ERC721/IERC721Receiver.sol";

/// @title ReentrantPayee — a payee whose `receive` calls back into the protocol (tests only)
/// @notice When armed, `receive` replays `reentryData` (e.g. `claim`) against `victim` once. With
/// `bubble` its failure makes the payment fail; otherwise the failure is recorded in `lastError`.
/// It accepts passes, so it can also be a holder whose refund re-enters.
contract ReentrantPayee is IERC721Receiver {
    address public victim;
    bytes public reentryData;
    bool public bubble;
    uint256 public reentries;
    bytes public lastError;

    function arm(address victim_, bytes calldata data, bool bubble_) external {
        victim = victim_;
        reentryData = data;
        bubble = bubble_;
    }

    /// @notice Calls `to` with `data` as this contract, bubbling reverts.
    function exec(address to, bytes calldata data) external payable returns (bytes memory ret) {
        bool ok;
        (ok, ret) = to.call{value: msg.value}(data);
        if (!ok) _bubble(ret);
    }

    function onERC721Received(address, address, uint256, bytes calldata) external pure returns (bytes4) {
        return IERC721Receiver.onERC721Received.selector;
    }

    receive() external payable {
        if (victim == address(0)) return;
        address t = victim;
        delete victim; // one reentry per arming
        ++reentries;
        (bool ok, bytes memory ret) = t.call(reentryData);
        if (!ok) {
            if (bubble) _bubble(ret);
            lastError = ret;
        }
    }

    function _bubble(bytes memory ret) private pure {
        assembly ("memory-safe") {
            revert(add(ret, 0x20), mload(ret))
        }
    }
}
