// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC721Metadata} from "@openzeppelin/contracts/token/ERC721/extensions/IERC721Metadata.sol";
import {IERC5267} from "@openzeppelin/contracts/interfaces/IERC5267.sol";
import {IPassepartoutCore} from "./IPassepartoutCore.sol";
import {IVenueRegistry} from "./IVenueRegistry.sol";
import {IOpeningHours} from "./IOpeningHours.sol";

/// @title IPassepartout — the whole surface of the Passepartout contract address
/// @notice Everything a client calls at the Passepartout address: the core (bookings, escrow, claims,
/// guests, door checks), the venue registry and opening hours served by its modules, ERC-721 passes and the ERC-5267
/// EIP-712 domain that signs door unlock requests. Clients use this ABI.
interface IPassepartout is IPassepartoutCore, IVenueRegistry, IOpeningHours, IERC721Metadata, IERC5267 {}
