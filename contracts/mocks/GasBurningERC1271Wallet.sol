// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC1271} from "@openzeppelin/contracts/interfaces/IERC1271.sol";

/// @title GasBurningERC1271Wallet — a hostile "contract wallet" for relayer tests
/// @notice `isValidSignature` hashes in a loop until almost all the gas it was given is spent, then
/// refuses: an attacker names such a contract as the signer of junk unlock requests to make the
/// relayer (and its node) spend the whole call gas limit on each of them.
contract GasBurningERC1271Wallet is IERC1271 {
    /// @inheritdoc IERC1271
    function isValidSignature(bytes32 hash, bytes calldata) external view returns (bytes4) {
        bytes32 h = hash;
        while (gasleft() > 5_000) h = keccak256(abi.encode(h));
        return h == bytes32(0) ? IERC1271.isValidSignature.selector : bytes4(0xffffffff);
    }
}
