// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title IERC4907 — an ERC-721 token's time-limited user beside its owner
/// @notice The interface of ERC-4907 (https://eips.ethereum.org/EIPS/eip-4907), exactly as the
/// standard declares it, so that `type(IERC4907).interfaceId` is the id the standard publishes.
/// Passepartout's guests are its users: see {IPassepartoutCore-setUser}.
interface IERC4907 {
    /// @notice The user of a token changed; also emitted with `user == address(0)` when a transfer
    /// clears it.
    /// @param tokenId The token.
    /// @param user The new user (address(0): none).
    /// @param expires When the user's rights end, UNIX seconds.
    event UpdateUser(uint256 indexed tokenId, address indexed user, uint64 expires);

    /// @notice Sets the user of `tokenId` until `expires`; `user == address(0)` revokes.
    function setUser(uint256 tokenId, address user, uint64 expires) external;

    /// @notice The current user of `tokenId`, or address(0) when none or expired.
    function userOf(uint256 tokenId) external view returns (address);

    /// @notice When the user's rights on `tokenId` end, UNIX seconds.
    function userExpires(uint256 tokenId) external view returns (uint256);
}
