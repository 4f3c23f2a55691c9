// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Test} from "forge-std/Test.sol";
import {IPassepartout} from "../../../contracts/interfaces/IPassepartout.sol";
import {IPassepartoutBase} from "../../../contracts/interfaces/IPassepartoutBase.sol";
import {TestCAD} from "../../../contracts/mocks/TestCAD.sol";
import {Deploy} from "./Deploy.sol";

/// @notice Two venues, three resources (ETH hourly ×3 units, ETH month-friendly ×1, CAD ×2), a tiered
/// refund policy, one street door per venue.
abstract contract Fixture is Test {
    uint256 internal constant H = 3600;
    uint16 internal constant FEE = 300;

    IPassepartout internal p;
    TestCAD internal cad;
    address internal admin = makeAddr("admin");
    address internal treasury = makeAddr("treasury");
    address internal opA = makeAddr("operatorA");
    address internal opB = makeAddr("operatorB");
    uint32 internal venueA;
    uint32 internal venueB;
    uint32 internal policyId;
    uint32[3] internal resIds;
    uint32[2] internal doors;

    function _params(
        string memory name,
        uint16 units,
        address currency,
        uint80 ph,
        uint80 pd,
        uint80 pm,
        uint32 horizon,
        uint32 grace,
        uint32 policy
    ) internal pure returns (IPassepartoutBase.ResourceParams memory) {
        return
            IPassepartoutBase.ResourceParams({
                name: name,
                metadataURI: "ipfs://x",
                kind: 0,
                units: units,
                currency: currency,
                pricePerHour: ph,
                pricePerDay: pd,
                pricePerMonth: pm,
                minHours: 1,
                maxHours: 800,
                horizonHours: horizon,
                graceSeconds: grace,
                policyId: policy,
                transferable: true,
                followsOpeningHours: false
            });
    }

    function _deployFixture() internal {
        vm.warp(1_780_000_000);
        p = Deploy.protocol(admin, treasury, FEE);
        cad = new TestCAD();
        vm.prank(admin);
        p.setCurrencyAllowed(address(cad), true);

        IPassepartoutBase.RefundTier[] memory tiers = new IPassepartoutBase.RefundTier[](3);
        tiers[0] = IPassepartoutBase.RefundTier(uint32(48 * H), 10_000);
        tiers[1] = IPassepartoutBase.RefundTier(uint32(24 * H), 5_000);
        tiers[2] = IPassepartoutBase.RefundTier(uint32(2 * H), 2_500);
        policyId = p.createPolicy(tiers);

        address[] memory payA = new address[](3);
        payA[0] = makeAddr("payeeA0");
        payA[1] = makeAddr("payeeA1");
        payA[2] = makeAddr("payeeA2");
        uint16[] memory shA = new uint16[](3);
        shA[0] = 5_000;
        shA[1] = 3_333;
        shA[2] = 1_667;
        vm.prank(opA);
        venueA = p.createVenue("Le Lab", "ipfs://lab", payA, shA);

        address[] memory payB = new address[](2);
        payB[0] = makeAddr("payeeB0");
        payB[1] = makeAddr("payeeB1");
        uint16[] memory shB = new uint16[](2);
        shB[0] = 7_001;
        shB[1] = 2_999;
        vm.prank(opB);
        venueB = p.createVenue("etc Saint-Germain", "ipfs://sg", payB, shB);

        vm.startPrank(opA);
        resIds[0] = p.createResource(
            venueA,
            _params("Desks", 3, address(0), 1e15 + 7, 2e16 + 3, 4e17 + 1, 240, 900, policyId)
        );
        resIds[1] = p.createResource(venueA, _params("Studio", 1, address(0), 3e15, 1e17, 3e18, 1_000, 0, 0));
        doors[0] = p.createDoor(venueA, true, makeAddr("lockA"));
        vm.stopPrank();
        vm.startPrank(opB);
        resIds[2] = p.createResource(
            venueB,
            _params("Nef", 2, address(cad), 10e6 + 1, 150e6, 2_000e6 + 7, 240, 3_600, policyId)
        );
        doors[1] = p.createDoor(venueB, true, makeAddr("lockB"));
        vm.stopPrank();
    }
}
