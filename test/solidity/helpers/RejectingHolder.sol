// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @notice A pass holder (contract wallet) that can be switched to reject ETH, to drive the
/// operator-refund-credited path. Test only.
contract RejectingHolder {
    bool public rejecting;

    function setRejecting(bool r) external {
        rejecting = r;
    }

    receive() external payable {
        require(!rejecting, "rejecting ETH");
    }

    function onERC721Received(address, address, uint256, bytes calldata) external pure returns (bytes4) {
        return this.onERC721Received.selector;
    }
}
