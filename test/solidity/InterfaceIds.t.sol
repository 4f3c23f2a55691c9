// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Test} from "forge-std/Test.sol";
import {IERC165} from "@openzeppelin/contracts/utils/introspection/IERC165.sol";
import {IERC721} from "@openzeppelin/contracts/token/ERC721/IERC721.sol";
import {IERC721Metadata} from "@openzeppelin/contracts/token/ERC721/extensions/IERC721Metadata.sol";
import {IERC4907} from "../../contracts/interfaces/IERC4907.sol";
import {IPassepartout} from "../../contracts/interfaces/IPassepartout.sol";
import {Deploy} from "./helpers/Deploy.sol";

/// @notice The passes advertise exactly the interfaces they implement, by the ids the compiler
/// derives from the interface declarations.
contract InterfaceIdsTest is Test {
    IPassepartout internal p;

    function setUp() public {
        p = Deploy.protocol(makeAddr("admin"), makeAddr("treasury"), 300);
    }

    function test_supportsTheInterfacesOfAPass() public view {
        assertTrue(p.supportsInterface(type(IERC165).interfaceId), "ERC-165");
        assertTrue(p.supportsInterface(type(IERC721).interfaceId), "ERC-721");
        assertTrue(p.supportsInterface(type(IERC721Metadata).interfaceId), "ERC-721 Metadata");
        assertTrue(p.supportsInterface(type(IERC4907).interfaceId), "ERC-4907");
        assertFalse(p.supportsInterface(0xffffffff), "ERC-165 reserves 0xffffffff");
    }

    /// @dev The one id written out: the standard's own figure, which catches a typo in our copy of
    /// the ERC-4907 declarations (every computed id would follow such a typo).
    function test_declaresERC4907AsTheStandardDoes() public pure {
        assertEq(type(IERC4907).interfaceId, bytes4(0xad092b5c));
    }
}
