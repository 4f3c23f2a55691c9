// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC721Receiver} from "@openzeppelin/contracts/token/ERC721/IERC721Receiver.sol";

/// @title ReentrantReceiver — an ERC-721 recipient that calls back into the protocol (tests only)
/// @notice When armed, `onERC721Received` replays `reentryData` (e.g. `book` or `cancel`) against
/// `victim`. With `bubble` the failure of that call aborts the transfer; without it the failure is
/// recorded in `lastError` so a test can see that the reentry was refused. `Mode.WrongSelector`,
/// `Mode.Reject` (a named error) and `Mode.RejectSilently` (no revert data) model recipients that do
/// not accept passes.
contract ReentrantReceiver is IERC721Receiver {
    enum Mode {
        Accept,
        WrongSelector,
        Reject,
        RejectSilently
    }

    error Rejected();

    Mode public mode;
    address public victim;
    bytes public reentryData;
    uint256 public reentryValue;
    bool public bubble;
    uint256 public reentries;
    bytes public lastError;

    function setMode(Mode mode_) external {
        mode = mode_;
    }

    function arm(address victim_, bytes calldata data, uint256 value, bool bubble_) external {
        victim = victim_;
        reentryData = data;
        reentryValue = value;
        bubble = bubble_;
    }

    function disarm() external {
        delete victim;
    }

    /// @notice Calls `to` with `data` as this contract (book, cancel, transfer…), bubbling reverts.
    function exec(address to, bytes calldata data) external payable returns (bytes memory ret) {
        bool ok;
        (ok, ret) = to.call{value: msg.value}(data);
        if (!ok) _bubble(ret);
    }

    function onERC721Received(address, address, uint256, bytes calldata) external returns (bytes4) {
        if (mode == Mode.Reject) revert Rejected();
        if (mode == Mode.RejectSilently) {
            assembly ("memory-safe") {
                revert(0, 0)
            }
        }
        if (victim != address(0)) {
            address t = victim;
            delete victim; // one reentry per arming
            ++reentries;
            (bool ok, bytes memory ret) = t.call{value: reentryValue}(reentryData);
            if (!ok) {
                if (bubble) _bubble(ret);
                lastError = ret;
            }
        }
        return mode == Mode.WrongSelector ? bytes4(0xdeadbeef) : IERC721Receiver.onERC721Received.selector;
    }

    receive() external payable {}

    function _bubble(bytes memory ret) private pure {
        assembly ("memory-safe") {
            revert(add(ret, 0x20), mload(ret))
        }
    }
}
