// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Base64} from "@openzeppelin/contracts/utils/Base64.sol";
import {Strings} from "@openzeppelin/contracts/utils/Strings.sol";
import {DateTimeLib} from "solady/src/utils/DateTimeLib.sol";
import {LibString} from "solady/src/utils/LibString.sol";

import {IPassepartout} from "./interfaces/IPassepartout.sol";
import {IPassRenderer} from "./interfaces/IPassRenderer.sol";

/// @title PassRenderer — pass metadata as an on-chain JSON data URI
/// @notice Stateless: reads the pass, its resource and venue from the protocol contract.
contract PassRenderer is IPassRenderer {
    /// @inheritdoc IPassRenderer
    function tokenURI(IPassepartout passepartout, uint256 passId) external view returns (string memory) {
        IPassepartout.Pass memory p = passepartout.pass(passId);
        IPassepartout.Resource memory r = passepartout.resource(p.resourceId);
        IPassepartout.Venue memory v = passepartout.venue(r.venueId);
        string memory window = string.concat(
            _date(p.start),
            " ",
            _time(p.start),
            unicode"–",
            _windowEnd(p.start, p.end),
            " UTC"
        );
        string memory title = string.concat(
            LibString.escapeJSON(v.name),
            unicode" — ",
            LibString.escapeJSON(r.name),
            ", ",
            window
        );
        string memory json = string.concat(
            '{"name":"',
            title,
            '","description":"Passepartout access pass #',
            Strings.toString(passId),
            '","attributes":[{"trait_type":"Venue","value":"',
            LibString.escapeJSON(v.name),
            '"},{"trait_type":"Resource","value":"',
            LibString.escapeJSON(r.name),
            '"},{"trait_type":"Unit","value":',
            Strings.toString(p.unit),
            '},{"display_type":"date","trait_type":"Start","value":',
            Strings.toString(p.start),
            '},{"display_type":"date","trait_type":"End","value":',
            Strings.toString(p.end),
            "}]}"
        );
        return string.concat("data:application/json;base64,", Base64.encode(bytes(json)));
    }

    /// @dev "HH:MM" alone when the window ends on its start day, else "YYYY-MM-DD HH:MM".
    function _windowEnd(uint64 start, uint64 end) private pure returns (string memory) {
        if (end / 86_400 == start / 86_400 || (end % 86_400 == 0 && end - start <= 86_400)) {
            return end % 86_400 == 0 && end != start ? "24:00" : _time(end);
        }
        return string.concat(_date(end), " ", _time(end));
    }

    function _date(uint256 t) private pure returns (string memory) {
        (uint256 y, uint256 m, uint256 d) = DateTimeLib.timestampToDate(t);
        return string.concat(Strings.toString(y), "-", _two(m), "-", _two(d));
    }

    function _time(uint256 t) private pure returns (string memory) {
        return string.concat(_two((t % 86_400) / 3600), ":", _two((t % 3600) / 60));
    }

    function _two(uint256 n) private pure returns (string memory) {
        return n < 10 ? string.concat("0", Strings.toString(n)) : Strings.toString(n);
    }
}
