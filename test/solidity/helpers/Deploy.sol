// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Passepartout} from "../../../contracts/Passepartout.sol";
import {VenueRegistry} from "../../../contracts/VenueRegistry.sol";
import {OpeningHours} from "../../../contracts/OpeningHours.sol";
import {PassRenderer} from "../../../contracts/PassRenderer.sol";
import {PassepartoutForwarder} from "../../../contracts/PassepartoutForwarder.sol";
import {IPassepartout} from "../../../contracts/interfaces/IPassepartout.sol";

/// @notice Deploys the protocol in the order of scripts/lib/deploy.ts.
library Deploy {
    function protocol(address admin, address treasury, uint16 feeBps) internal returns (IPassepartout) {
        PassRenderer renderer = new PassRenderer();
        VenueRegistry registry = new VenueRegistry(address(new OpeningHours()));
        address forwarder = address(new PassepartoutForwarder());
        return
            IPassepartout(address(new Passepartout(admin, treasury, feeBps, renderer, address(registry), forwarder)));
    }
}
