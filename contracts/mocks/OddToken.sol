// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title OddToken — a minimal ERC-20 whose `transfer` may return nothing or `false` (tests only)
/// @notice `Mode.Standard` returns true; `Mode.NoReturn` returns no data (USDT style) and moves the
/// tokens; `Mode.ReturnsFalse` moves nothing and returns false. `transferFrom` is always standard.
contract OddToken {
    enum Mode {
        Standard,
        NoReturn,
        ReturnsFalse
    }

    Mode public mode;
    // solhint-disable-next-line const-name-snakecase
    uint8 public constant decimals = 18; // the protocol reads it to round taxes to the cent
    mapping(address => uint256) public balanceOf;
    mapping(address => mapping(address => uint256)) public allowance;

    function setMode(Mode mode_) external {
        mode = mode_;
    }

    function mint(address to, uint256 amount) external {
        balanceOf[to] += amount;
    }

    function approve(address spender, uint256 amount) external returns (bool) {
        allowance[msg.sender][spender] = amount;
        return true;
    }

    function transferFrom(address from, address to, uint256 amount) external returns (bool) {
        allowance[from][msg.sender] -= amount;
        balanceOf[from] -= amount;
        balanceOf[to] += amount;
        return true;
    }

    function transfer(address to, uint256 amount) external {
        Mode m = mode;
        if (m == Mode.ReturnsFalse) {
            assembly ("memory-safe") {
                mstore(0, 0)
                return(0, 32)
            }
        }
        balanceOf[msg.sender] -= amount;
        balanceOf[to] += amount;
        if (m == Mode.Standard) {
            assembly ("memory-safe") {
                mstore(0, 1)
                return(0, 32)
            }
        }
    }
}
