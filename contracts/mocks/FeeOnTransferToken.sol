// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title FeeOnTransferToken — an ERC-20 that burns 1 % of every transfer (tests only)
/// @notice Models the tokens the protocol refuses: the recipient gets less than the amount sent.
/// `setFeeBps` can switch the fee on after allow-listing, as some real tokens can.
contract FeeOnTransferToken {
    uint256 public feeBps = 100;
    // solhint-disable-next-line const-name-snakecase
    uint8 public constant decimals = 18; // the protocol reads it to round taxes to the cent
    mapping(address => uint256) public balanceOf;
    mapping(address => mapping(address => uint256)) public allowance;

    function setFeeBps(uint256 feeBps_) external {
        feeBps = feeBps_;
    }

    function mint(address to, uint256 amount) external {
        balanceOf[to] += amount;
    }

    function approve(address spender, uint256 amount) external returns (bool) {
        allowance[msg.sender][spender] = amount;
        return true;
    }

    function transfer(address to, uint256 amount) external returns (bool) {
        _move(msg.sender, to, amount);
        return true;
    }

    function transferFrom(address from, address to, uint256 amount) external returns (bool) {
        allowance[from][msg.sender] -= amount;
        _move(from, to, amount);
        return true;
    }

    function _move(address from, address to, uint256 amount) private {
        balanceOf[from] -= amount;
        balanceOf[to] += amount - (amount * feeBps) / 10_000;
    }
}
