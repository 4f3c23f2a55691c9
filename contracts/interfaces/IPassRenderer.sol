// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IPassepartout} from "./IPassepartout.sol";

/// @title IPassRenderer — on-chain metadata of a pass
/// @notice Renders `tokenURI` as a `data:application/json;base64,` URI from the protocol's own views,
/// so wallets show "Le Lab — Salle de conférence, 2026-12-03 09:00–11:00 UTC" without any host.
interface IPassRenderer {
    function tokenURI(IPassepartout passepartout, uint256 passId) external view returns (string memory);
}
