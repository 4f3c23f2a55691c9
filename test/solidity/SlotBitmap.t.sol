// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Test} from "forge-std/Test.sol";
import {SlotBitmap} from "../../contracts/libraries/SlotBitmap.sol";

/// @notice SlotBitmap against a naive bool-per-slot model.
contract SlotBitmapTest is Test {
    using SlotBitmap for mapping(uint256 => uint256);

    uint256 internal constant SPAN = 1_200; // slots modelled: crosses several 256-slot words
    uint32 internal constant RES = 7;
    uint16 internal constant UNIT = 3;

    mapping(uint256 => uint256) internal _words;
    bool[SPAN] internal _naive;
    uint256 internal _base;

    function _range(uint256 a, uint256 len) internal view returns (uint256 s, uint256 e) {
        a = bound(a, 0, SPAN - 1);
        len = bound(len, 1, SPAN - a);
        s = _base + a;
        e = s + len;
    }

    function _naiveFree(uint256 s, uint256 e) internal view returns (bool) {
        for (uint256 i = s; i < e; ++i) {
            if (_naive[i - _base]) return false;
        }
        return true;
    }

    function testFuzz_maskMatchesNaiveBits(uint256 word, uint256 a, uint256 len) public pure {
        word = bound(word, 0, type(uint64).max);
        uint256 wordStart = word << 8;
        // a range that meets the word: starts up to 300 slots before its end
        a = bound(a, wordStart > 300 ? wordStart - 300 : 0, wordStart + 255);
        len = bound(len, 1, 600);
        if (a + len <= wordStart) len = wordStart - a + 1;
        uint256 m = SlotBitmap.mask(word, a, a + len);
        for (uint256 bit; bit < 256; ++bit) {
            uint256 slot = wordStart + bit;
            bool inRange = slot >= a && slot < a + len;
            assertEq((m >> bit) & 1 == 1, inRange, "mask bit");
        }
    }

    function testFuzz_keysAreDisjoint(uint32 r1, uint16 u1, uint256 s1, uint32 r2, uint16 u2, uint256 s2) public pure {
        s1 = bound(s1, 0, type(uint32).max); // slots fit in 32 bits (pass extra data)
        s2 = bound(s2, 0, type(uint32).max);
        bool sameWord = r1 == r2 && u1 == u2 && (s1 >> 8) == (s2 >> 8);
        assertEq(SlotBitmap.key(r1, u1, s1) == SlotBitmap.key(r2, u2, s2), sameWord);
    }

    /// Random set/clear operations, each checked against the naive model over the whole span.
    function testFuzz_isFreeAndSetMatchNaiveModel(
        uint256 baseWord,
        uint256[8] calldata starts,
        uint256[8] calldata lens,
        uint8 clearMask
    ) public {
        _base = bound(baseWord, 0, 1 << 24) * 256 + (baseWord % 256); // not word-aligned in general
        for (uint256 op; op < 8; ++op) {
            (uint256 s, uint256 e) = _range(starts[op], lens[op] % 64 == 0 ? lens[op] : lens[op] % 300);
            bool free = _words.isFree(RES, UNIT, s, e);
            assertEq(free, _naiveFree(s, e), "isFree");
            if (free) {
                _words.set(RES, UNIT, s, e, true);
                for (uint256 i = s; i < e; ++i) _naive[i - _base] = true;
            } else if ((clearMask >> op) & 1 == 1) {
                _words.set(RES, UNIT, s, e, false);
                for (uint256 i = s; i < e; ++i) _naive[i - _base] = false;
            }
            // Every single slot agrees, and another unit / resource is untouched.
            for (uint256 i; i < SPAN; i += 7) {
                assertEq(_words.isFree(RES, UNIT, _base + i, _base + i + 1), !_naive[i], "slot");
            }
            assertTrue(_words.isFree(RES, UNIT + 1, s, e), "other unit");
            assertTrue(_words.isFree(RES + 1, UNIT, s, e), "other resource");
        }
    }

    function test_monthTouchesAtMostFourWords() public {
        uint256 s = 255; // worst alignment
        _words.set(RES, UNIT, s, s + 720, true);
        uint256 used;
        for (uint256 w; w < 8; ++w) {
            if (_words[SlotBitmap.key(RES, UNIT, w << 8)] != 0) ++used;
        }
        assertEq(used, 4);
        assertFalse(_words.isFree(RES, UNIT, s + 719, s + 720));
        assertTrue(_words.isFree(RES, UNIT, s + 720, s + 721));
        assertTrue(_words.isFree(RES, UNIT, s - 1, s));
    }
}
