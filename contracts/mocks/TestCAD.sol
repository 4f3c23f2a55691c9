// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";

/// @title TestCAD — a test Canadian-dollar stablecoin with EIP-2612 permit (local chains only)
/// @notice Anyone may mint: it stands in for a real CAD stablecoin on the demo chain and in tests.
contract TestCAD is ERC20, ERC20Permit {
    constructor() ERC20("Test CAD", "tCAD") ERC20Permit("Test CAD") {}

    function decimals() public pure override returns (uint8) {
        return 6;
    }

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }
}
