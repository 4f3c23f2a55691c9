// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Test} from "forge-std/Test.sol";
import {IPassepartout} from "../../../contracts/interfaces/IPassepartout.sol";
import {IPassepartoutBase} from "../../../contracts/interfaces/IPassepartoutBase.sol";
import {TestCAD} from "../../../contracts/mocks/TestCAD.sol";
import {BruteForce} from "./BruteForce.sol";
import {RejectingHolder} from "./RejectingHolder.sol";

/// @notice Drives Passepartout with random bookings, cancellations, settlements, claims, transfers,
/// guests, fee and payee changes and time jumps, keeping its OWN model of every pass, escrow, pool,
/// claim and credit. Every call predicts its outcome from the model; a mismatch (unexpected revert,
/// unexpected success, wrong amount) is counted in `violations` and the invariants fail on it.
/// The model never reads the contract's counters to update itself.
contract ProtocolHandler is Test {
    uint256 internal constant H = 3600;
    uint16 internal constant ANY_UNIT = type(uint16).max;

    IPassepartout public immutable p;
    TestCAD public immutable cad;
    address public immutable admin;
    address public immutable treasury;

    // ---- static set-up (mirrors what the test deployed) ----
    struct Res {
        uint32 id;
        uint32 venue; // 0 = A, 1 = B
        uint16 units;
        uint8 cur; // 0 ETH, 1 CAD
        uint256 ph;
        uint256 pd;
        uint256 pm;
        uint32 horizonHours;
        uint32 grace;
        bool refundable; // policy 1, else 0
    }

    Res[3] internal _res;
    address[2] public operators;
    uint32[2] public streetDoors;
    uint32[2] internal _venueIds;
    uint32[2] internal _currentSplit;

    // The refundable policy as the model sees it: ≥ 48 h → 100 %, ≥ 24 h → 50 %, ≥ 2 h → 25 %.
    uint32[3] internal _tierSecs = [uint32(48 * H), uint32(24 * H), uint32(2 * H)];
    uint16[3] internal _tierBps = [uint16(10_000), 5_000, 2_500];
    uint32 internal constant LAST_REFUND_OFFSET = uint32(2 * H);

    address[] public actors;
    RejectingHolder public rejecter;

    struct SplitG {
        uint8 n;
        address[8] payees;
        uint16[8] shares;
    }

    mapping(uint32 => SplitG) internal _splits;
    uint32 public splitCount;
    uint16 public fee;

    // ---- model of passes ----
    struct PassG {
        uint256 id;
        uint8 res; // index into _res
        uint16 unit;
        uint64 start;
        uint64 end;
        address holder;
        uint96 amount;
        uint32 splitId;
        uint16 feeBps;
        uint64 release;
        bool settled;
        bool live;
        address guest;
        uint64 guestExpires;
    }

    PassG[] internal _passes;

    // ---- money model, per currency (0 ETH, 1 CAD) ----
    uint256[2] public received; // prices paid in (change excluded)
    uint256[2] public paidOut; // refunds + claims + fees + credit withdrawals
    uint256[2] public escrowed;
    uint256[2] public creditsOwed;
    mapping(address => uint256)[2] internal _credits;

    // pool model keyed by (splitId, cur)
    mapping(uint256 => uint256) public poolGross;
    mapping(uint256 => uint256) public poolFee;
    mapping(uint256 => uint256) public feesClaimed;
    mapping(uint256 => uint256) public payeeClaimed; // key: poolKey << 8 | payee index
    uint256[] internal _poolKeys;
    mapping(uint256 => bool) internal _poolSeen;

    // ---- findings ----
    uint256 public violations;
    string public lastViolation;
    uint256 public refundsLostToSettlement; // holder cancelled with a refund owed, got 0 (already settled)
    mapping(bytes32 => uint256) public calls;

    constructor(
        IPassepartout p_,
        TestCAD cad_,
        address admin_,
        address treasury_,
        uint16 fee_,
        uint32[3] memory resIds,
        uint32[2] memory venueIds,
        uint32[2] memory doors,
        address[2] memory ops
    ) {
        p = p_;
        cad = cad_;
        admin = admin_;
        treasury = treasury_;
        fee = fee_;
        operators = ops;
        streetDoors = doors;
        _venueIds = venueIds;
        for (uint8 i; i < 3; ++i) {
            IPassepartoutBase.Resource memory r = p_.resource(resIds[i]);
            _res[i] = Res({
                id: resIds[i],
                venue: r.venueId == venueIds[0] ? 0 : 1,
                units: r.units,
                cur: r.currency == address(0) ? 0 : 1,
                ph: r.pricePerHour,
                pd: r.pricePerDay,
                pm: r.pricePerMonth,
                horizonHours: r.horizonHours,
                grace: r.graceSeconds,
                refundable: r.policyId != 0
            });
        }
        for (uint8 v; v < 2; ++v) {
            uint32 sid = p_.venue(venueIds[v]).splitId;
            _recordSplit(sid);
            _currentSplit[v] = sid;
        }
        for (uint256 i; i < 4; ++i) actors.push(makeAddr(string.concat("member", vm.toString(i))));
        rejecter = new RejectingHolder();
        actors.push(address(rejecter));
    }

    function _recordSplit(uint32 sid) internal {
        (, address[] memory payees, uint16[] memory shares) = p.split(sid);
        SplitG storage s = _splits[sid];
        s.n = uint8(payees.length);
        for (uint256 i; i < payees.length; ++i) {
            s.payees[i] = payees[i];
            s.shares[i] = shares[i];
        }
        if (sid > splitCount) splitCount = sid;
    }

    function _violation(string memory what) internal {
        ++violations;
        lastViolation = what;
    }

    function _poolKey(uint32 splitId, uint8 cur) internal returns (uint256 k) {
        k = (uint256(splitId) << 8) | cur;
        if (!_poolSeen[k]) {
            _poolSeen[k] = true;
            _poolKeys.push(k);
        }
    }

    function _currency(uint8 cur) internal view returns (address) {
        return cur == 0 ? address(0) : address(cad);
    }

    function _balance(uint8 cur, address who) internal view returns (uint256) {
        return cur == 0 ? who.balance : cad.balanceOf(who);
    }

    function _creditPool(uint32 splitId, uint8 cur, uint256 amount, uint16 feeBps) internal {
        uint256 k = _poolKey(splitId, cur);
        poolGross[k] += amount;
        poolFee[k] += (amount * feeBps) / 10_000;
    }

    function _refundBps(uint256 secondsBefore) internal view returns (uint16) {
        for (uint256 i; i < 3; ++i) {
            if (secondsBefore >= _tierSecs[i]) return _tierBps[i];
        }
        return 0;
    }

    function _slotStartNow() internal view returns (uint64) {
        return uint64((block.timestamp / H) * H);
    }

    /// @dev Lowest unit of `ri` free over [s, e) in the model, or type(uint16).max.
    function _freeUnit(uint8 ri, uint64 s, uint64 e, uint16 only) internal view returns (uint16) {
        for (uint16 u; u < _res[ri].units; ++u) {
            if (only != ANY_UNIT && u != only) continue;
            bool free = true;
            for (uint256 i; i < _passes.length; ++i) {
                PassG storage g = _passes[i];
                if (g.live && g.res == ri && g.unit == u && g.start < e && s < g.end) {
                    free = false;
                    break;
                }
            }
            if (free) return u;
        }
        return ANY_UNIT;
    }

    function _pickLive(uint256 seed) internal view returns (bool found, uint256 idx) {
        uint256 n = _passes.length;
        if (n == 0) return (false, 0);
        for (uint256 k; k < n; ++k) {
            idx = (seed + k) % n;
            if (_passes[idx].live) return (true, idx);
        }
        return (false, 0);
    }

    /*//////////////////////////////////////////////////////////////
                                ACTIONS
    //////////////////////////////////////////////////////////////*/

    function book(
        uint256 actorSeed,
        uint256 resSeed,
        uint256 offsetSeed,
        uint256 durSeed,
        uint256 unitSeed,
        uint256 recipientSeed
    ) external {
        uint8 ri = uint8(resSeed % 3);
        Res memory r = _res[ri];
        address payer = actors[actorSeed % 4]; // EOAs pay; the contract holder only receives
        address recipient = recipientSeed % 5 == 4 ? address(rejecter) : actors[recipientSeed % 4];

        // Mostly near-term windows so bookings contend for units; sometimes anywhere in the horizon.
        uint256 offset = offsetSeed % 4 == 0 ? offsetSeed % (uint256(r.horizonHours) + 1) : offsetSeed % 60;
        uint256 kind = durSeed % 10;
        uint256 hours_;
        if (kind < 6) hours_ = 1 + ((durSeed >> 8) % 12);
        else if (kind == 6) hours_ = 13 + ((durSeed >> 8) % 35);
        else if (kind == 7) hours_ = 24 * (1 + ((durSeed >> 8) % 5));
        else if (kind == 8) hours_ = 720;
        else hours_ = 721 + ((durSeed >> 8) % 80);

        uint64 start = _slotStartNow() + uint64(offset * H);
        uint64 end = start + uint64(hours_ * H);
        uint16 unit = unitSeed % 3 == 0 ? ANY_UNIT : uint16((unitSeed >> 8) % (r.units + 1));
        uint256 price = BruteForce.cover(hours_, r.ph, r.pd, r.pm);

        bool unitInRange = unit == ANY_UNIT || unit < r.units;
        uint16 expectedUnit = unitInRange ? _freeUnit(ri, start, end, unit) : ANY_UNIT;
        bool expectOk = expectedUnit != ANY_UNIT;

        uint256 value;
        if (r.cur == 0) {
            value = price + (durSeed % 3 == 0 ? 12_345 : 0); // sometimes overpay: change comes back
            vm.deal(payer, value + 1 ether);
        } else {
            cad.mint(payer, price);
            vm.prank(payer);
            cad.approve(address(p), price);
        }
        uint256 payerBefore = _balance(r.cur, payer);
        uint256 contractBefore = _balance(r.cur, address(p));

        vm.prank(payer);
        // The terms the member saw: policy 1 when refundable, else 0; every fixture resource transfers.
        try p.book{value: value}(r.id, start, end, unit, price, recipient, r.refundable ? 1 : 0, true) returns (
            uint256 id
        ) {
            calls["book.ok"]++;
            if (!expectOk) return _violation("book succeeded on a unit the model says is taken or out of range");
            if (payerBefore - _balance(r.cur, payer) != price) _violation("payer charged != brute-force price");
            if (_balance(r.cur, address(p)) - contractBefore != price) _violation("contract received != price");
            IPassepartoutBase.Pass memory got = p.pass(id);
            if (got.amount != price) _violation("escrowed amount != brute-force price");
            if (got.unit != expectedUnit) _violation("unit != lowest free unit in model");
            if (got.holder != recipient || got.start != start || got.end != end) _violation("pass fields");
            // First second no refund is owed: a tier "≥ N s before the start" still refunds at start − N.
            uint64 release = start;
            if (r.refundable) release = start >= LAST_REFUND_OFFSET ? start - LAST_REFUND_OFFSET + 1 : 0;
            if (got.releaseTime != release) _violation("release time != model");
            _passes.push(
                PassG({
                    id: id,
                    res: ri,
                    unit: got.unit,
                    start: start,
                    end: end,
                    holder: recipient,
                    amount: uint96(price),
                    splitId: _currentSplit[r.venue],
                    feeBps: fee,
                    release: release,
                    settled: false,
                    live: true,
                    guest: address(0),
                    guestExpires: 0
                })
            );
            if (got.splitId != _currentSplit[r.venue] || got.feeBps != fee)
                _violation("split or fee recorded != model");
            received[r.cur] += price;
            escrowed[r.cur] += price;
        } catch (bytes memory err) {
            calls["book.revert"]++;
            if (expectOk) {
                _violation("book reverted although the model has a free unit");
                emit log_named_bytes("book revert", err);
            }
            // Undo the unused CAD funding so balances stay clean (nothing else depends on it).
        }
    }

    function cancelByHolder(uint256 passSeed) external {
        (bool found, uint256 idx) = _pickLive(passSeed);
        if (!found) return;
        PassG storage g = _passes[idx];
        Res memory r = _res[g.res];
        bool expectOk = block.timestamp < g.start;
        uint256 refund;
        if (expectOk && !g.settled && r.refundable) {
            refund = (uint256(g.amount) * _refundBps(g.start - block.timestamp)) / 10_000;
        }
        if (expectOk && g.settled && r.refundable && _refundBps(g.start - block.timestamp) > 0) {
            ++refundsLostToSettlement; // the policy owes a refund but the escrow is gone
        }
        // A holder that rejects ETH makes its own direct refund fail.
        if (refund > 0 && r.cur == 0 && g.holder == address(rejecter) && rejecter.rejecting()) expectOk = false;
        uint256 before = _balance(r.cur, g.holder);

        vm.prank(g.holder);
        try p.cancel(g.id) {
            calls["cancelByHolder.ok"]++;
            if (!expectOk) return _violation("holder cancel succeeded when the model forbids it");
            if (_balance(r.cur, g.holder) - before != refund) _violation("holder refund != policy refund");
            paidOut[r.cur] += refund;
            if (!g.settled) {
                escrowed[r.cur] -= g.amount;
                uint256 retained = g.amount - refund;
                if (retained != 0) _creditPool(g.splitId, r.cur, retained, g.feeBps);
            }
            g.live = false;
        } catch {
            calls["cancelByHolder.revert"]++;
            if (expectOk) _violation("holder cancel reverted unexpectedly");
        }
    }

    function cancelByOperator(uint256 passSeed) external {
        (bool found, uint256 idx) = _pickLive(passSeed);
        if (!found) return;
        PassG storage g = _passes[idx];
        Res memory r = _res[g.res];
        bool expectOk = !g.settled && block.timestamp < g.end; // no refund of a booking already used
        bool credited = r.cur == 0 && g.holder == address(rejecter) && rejecter.rejecting();
        uint256 before = _balance(r.cur, g.holder);

        vm.prank(operators[r.venue]);
        try p.cancel(g.id) {
            calls["cancelByOperator.ok"]++;
            if (!expectOk) return _violation("operator cancelled a settled pass");
            escrowed[r.cur] -= g.amount;
            if (credited) {
                if (_balance(r.cur, g.holder) != before) _violation("rejecting holder was paid");
                _credits[r.cur][g.holder] += g.amount;
                creditsOwed[r.cur] += g.amount;
            } else {
                if (_balance(r.cur, g.holder) - before != g.amount) _violation("operator refund != full amount");
                paidOut[r.cur] += g.amount;
            }
            g.live = false;
        } catch {
            calls["cancelByOperator.revert"]++;
            if (expectOk) _violation("operator cancel reverted unexpectedly");
        }
    }

    function settle(uint256 passSeed, uint256 callerSeed) external {
        (bool found, uint256 idx) = _pickLive(passSeed);
        if (!found) return;
        PassG storage g = _passes[idx];
        // An id already settled is skipped (no effect); an unsettled one must be releasable.
        bool expectOk = g.settled || block.timestamp >= g.release;
        uint256[] memory ids = new uint256[](1);
        ids[0] = g.id;
        vm.prank(actors[callerSeed % actors.length]);
        try p.settle(ids) {
            calls["settle.ok"]++;
            if (!expectOk) return _violation("settle succeeded before release");
            if (g.settled) return;
            g.settled = true;
            escrowed[_res[g.res].cur] -= g.amount;
            _creditPool(g.splitId, _res[g.res].cur, g.amount, g.feeBps);
        } catch {
            calls["settle.revert"]++;
            if (expectOk) _violation("settle reverted unexpectedly");
        }
    }

    function claim(uint256 splitSeed, uint256 curSeed, uint256 payeeSeed) external {
        uint32 sid = uint32(1 + (splitSeed % splitCount));
        uint8 cur = uint8(curSeed % 2);
        SplitG storage s = _splits[sid];
        uint8 idx = uint8(payeeSeed % s.n);
        uint256 k = _poolKey(sid, cur);
        uint256 net = poolGross[k] - poolFee[k];
        uint256 entitled = _entitled(s, net, idx);
        uint256 ck = (k << 8) | idx;
        uint256 expected = entitled - payeeClaimed[ck];
        address payee = s.payees[idx];
        uint256 before = _balance(cur, payee);

        vm.prank(payee);
        try p.claim(sid, _currency(cur), idx) returns (uint256 amount) {
            calls["claim.ok"]++;
            if (expected == 0) return _violation("claim paid with nothing due");
            if (amount != expected || _balance(cur, payee) - before != expected) _violation("claim amount != model");
            payeeClaimed[ck] = entitled;
            paidOut[cur] += expected;
        } catch {
            calls["claim.revert"]++;
            if (expected != 0) _violation("claim reverted with something due");
        }
    }

    function claimFees(uint256 splitSeed, uint256 curSeed) external {
        uint32 sid = uint32(1 + (splitSeed % splitCount));
        uint8 cur = uint8(curSeed % 2);
        uint256 k = _poolKey(sid, cur);
        uint256 expected = poolFee[k] - feesClaimed[k];
        uint256 before = _balance(cur, treasury);
        try p.claimFees(sid, _currency(cur)) returns (uint256 amount) {
            calls["claimFees.ok"]++;
            if (expected == 0) return _violation("fees paid with nothing due");
            if (amount != expected || _balance(cur, treasury) - before != expected) _violation("fees != model");
            feesClaimed[k] += expected;
            paidOut[cur] += expected;
        } catch {
            calls["claimFees.revert"]++;
            if (expected != 0) _violation("claimFees reverted with fees due");
        }
    }

    function withdrawCredit(uint256 curSeed) external {
        uint8 cur = uint8(curSeed % 2);
        address who = address(rejecter);
        uint256 expected = _credits[cur][who];
        if (expected != 0 && cur == 0 && rejecter.rejecting()) rejecter.setRejecting(false);
        uint256 before = _balance(cur, who);
        vm.prank(who);
        try p.withdrawCredit(_currency(cur)) returns (uint256 amount) {
            calls["withdrawCredit.ok"]++;
            if (amount != expected || _balance(cur, who) - before != expected) _violation("credit != model");
            _credits[cur][who] = 0;
            creditsOwed[cur] -= expected;
            paidOut[cur] += expected;
        } catch {
            calls["withdrawCredit.revert"]++;
            if (expected != 0) _violation("withdrawCredit reverted with credit due");
        }
    }

    function transfer(uint256 passSeed, uint256 toSeed) external {
        (bool found, uint256 idx) = _pickLive(passSeed);
        if (!found) return;
        PassG storage g = _passes[idx];
        address to = actors[toSeed % actors.length];
        if (to == g.holder) to = actors[(toSeed + 1) % actors.length];
        vm.prank(g.holder);
        try p.transferFrom(g.holder, to, g.id) {
            calls["transfer.ok"]++;
            if (p.userOf(g.id) != address(0) || p.getApproved(g.id) != address(0))
                _violation("guest/approval survived transfer");
            g.holder = to;
            g.guest = address(0);
            g.guestExpires = 0;
        } catch {
            calls["transfer.revert"]++;
            _violation("transfer reverted");
        }
    }

    function setGuest(uint256 passSeed, uint256 guestSeed, uint256 durSeed) external {
        (bool found, uint256 idx) = _pickLive(passSeed);
        if (!found) return;
        PassG storage g = _passes[idx];
        address guest = guestSeed % 5 == 0 ? address(0) : makeAddr(string.concat("guest", vm.toString(guestSeed % 3)));
        uint64 expires = guest == address(0) ? 0 : uint64(block.timestamp + 1 + (durSeed % (4 days)));
        vm.prank(g.holder);
        try p.setUser(g.id, guest, expires) {
            calls["setGuest.ok"]++;
            g.guest = guest;
            g.guestExpires = expires;
        } catch {
            calls["setGuest.revert"]++;
            _violation("setUser reverted");
        }
    }

    function setFee(uint16 newFee) external {
        newFee = uint16(newFee % 1_001);
        vm.prank(admin);
        p.setFeeBps(newFee);
        fee = newFee;
    }

    /// Venue A hands its future revenue to a new split (1 or 8 payees).
    function changePayees(uint256 seed) external {
        uint256 n = seed % 2 == 0 ? 1 : 8;
        address[] memory payees = new address[](n);
        uint16[] memory shares = new uint16[](n);
        uint256 left = 10_000;
        for (uint256 i; i < n; ++i) {
            payees[i] = makeAddr(string.concat("payee", vm.toString(splitCount + 1), "-", vm.toString(i)));
            shares[i] = uint16(i == n - 1 ? left : 1 + ((seed >> (8 * i)) % 1_200));
            left -= shares[i];
        }
        vm.prank(operators[0]);
        uint32 sid = p.setVenuePayees(_venueIds[0], payees, shares);
        _recordSplit(sid);
        _currentSplit[0] = sid;
    }

    function toggleRejecting() external {
        rejecter.setRejecting(!rejecter.rejecting());
    }

    function warp(uint256 secs) external {
        vm.warp(block.timestamp + (secs % (3 days)));
    }

    /// Jumps exactly onto a boundary of a pass (release, grace, start, end, refund tiers).
    function warpToBoundary(uint256 passSeed, uint256 which) external {
        (bool found, uint256 idx) = _pickLive(passSeed);
        if (!found) return;
        PassG storage g = _passes[idx];
        uint256 w = which % 7;
        uint256 t =
            w == 0
                ? g.release
                : w == 1
                    ? g.start - _res[g.res].grace
                    : w == 2
                        ? g.start
                        : w == 3
                            ? g.end
                            : g.start - _tierSecs[w - 4];
        if (t > block.timestamp) vm.warp(t);
    }

    /*//////////////////////////////////////////////////////////////
                          CHECKS (called by invariants)
    //////////////////////////////////////////////////////////////*/

    function checkNoViolations() external view {
        assertEq(violations, 0, lastViolation);
    }

    function checkMoney() external view {
        for (uint8 cur; cur < 2; ++cur) {
            uint256 unclaimed;
            for (uint256 i; i < _poolKeys.length; ++i) {
                uint256 k = _poolKeys[i];
                if (uint8(k) != cur) continue;
                uint256 claimedByPayees;
                for (uint256 j; j < 8; ++j) claimedByPayees += payeeClaimed[(k << 8) | j];
                unclaimed += poolGross[k] - claimedByPayees - feesClaimed[k];
            }
            uint256 held = escrowed[cur] + unclaimed + creditsOwed[cur];
            assertEq(_balance(cur, address(p)), held, "balance != escrowed + unclaimed + credits");
            assertEq(received[cur], held + paidOut[cur], "received != held + paid out");
        }
    }

    /// @dev Model of a payee's entitlement: floor of its share, then the remainder unit by unit to
    /// the payee with the largest share / (units + 1), the lowest index on a tie (D'Hondt).
    function _entitled(SplitG storage s, uint256 net, uint8 idx) internal view returns (uint256) {
        uint256[8] memory u;
        uint256 sum;
        for (uint8 j; j < s.n; ++j) {
            u[j] = (net * s.shares[j]) / 10_000;
            sum += u[j];
        }
        for (; sum < net; ++sum) {
            uint8 best;
            for (uint8 j = 1; j < s.n; ++j) {
                if (uint256(s.shares[j]) * (u[best] + 1) > uint256(s.shares[best]) * (u[j] + 1)) best = j;
            }
            ++u[best];
        }
        return u[idx];
    }

    function checkPools() external view {
        for (uint256 i; i < _poolKeys.length; ++i) {
            uint256 k = _poolKeys[i];
            uint32 sid = uint32(k >> 8);
            uint8 cur = uint8(k);
            (uint128 gross, uint128 fee_) = p.pool(sid, _currency(cur));
            assertEq(gross, poolGross[k], "pool gross != model");
            assertEq(fee_, poolFee[k], "pool fee != model");
            SplitG storage s = _splits[sid];
            uint256 net = poolGross[k] - poolFee[k];
            uint256 entitledSum;
            uint256 claimedSum;
            for (uint8 j; j < s.n; ++j) {
                uint256 entitled = _entitled(s, net, j);
                entitledSum += entitled;
                claimedSum += payeeClaimed[(k << 8) | j];
                assertEq(p.claimable(sid, _currency(cur), j), entitled - payeeClaimed[(k << 8) | j], "claimable");
            }
            // gross = fee + net exactly; the payees' entitlements are the whole net (no dust).
            assertEq(entitledSum, net, "entitlements != net");
            assertLe(claimedSum + feesClaimed[k], poolGross[k], "claims exceed pool");
            assertEq(p.claimableFees(sid, _currency(cur)), poolFee[k] - feesClaimed[k], "claimableFees");
        }
    }

    function checkOccupancy() external view {
        for (uint256 i; i < _passes.length; ++i) {
            PassG storage a = _passes[i];
            if (!a.live) continue;
            Res memory r = _res[a.res];
            // Occupancy of the slot where `a` starts: the maximum is always reached at some start.
            uint256 count;
            for (uint256 j; j < _passes.length; ++j) {
                PassG storage b = _passes[j];
                if (!b.live || b.res != a.res || b.start > a.start || b.end <= a.start) continue;
                ++count;
                if (j != i) assertTrue(b.unit != a.unit, "two live passes share a unit and a slot");
            }
            assertLe(count, r.units, "slot occupancy exceeds units");
            assertLt(a.unit, r.units, "unit out of range");
            assertFalse(p.isUnitFree(r.id, a.unit, a.start, a.end), "contract reports a booked unit free");
            IPassepartoutBase.Pass memory got = p.pass(a.id);
            assertEq(got.holder, a.holder, "holder");
            assertEq(got.unit, a.unit, "unit");
            assertEq(got.settled, a.settled, "settled flag");
            assertEq(p.ownerOf(a.id), a.holder, "ownerOf");
        }
    }

    function checkValidity() external view {
        for (uint256 i; i < _passes.length; ++i) {
            PassG storage g = _passes[i];
            Res memory r = _res[g.res];
            uint32 door = streetDoors[r.venue];
            uint32 otherDoor = streetDoors[1 - r.venue];
            if (!g.live) {
                assertEq(uint8(p.canEnter(g.holder, door, g.id, g.start)), 1, "burned pass still opens");
                continue;
            }
            uint64 open = g.start - r.grace;
            assertEq(uint8(p.canEnter(g.holder, door, g.id, open - 1)), 3, "open before start - grace");
            assertEq(uint8(p.canEnter(g.holder, door, g.id, open)), 0, "closed at start - grace");
            assertEq(uint8(p.canEnter(g.holder, door, g.id, g.start)), 0, "closed at start");
            assertEq(uint8(p.canEnter(g.holder, door, g.id, g.end - 1)), 0, "closed just before end");
            assertEq(uint8(p.canEnter(g.holder, door, g.id, g.end)), 4, "open at end");
            assertEq(uint8(p.canEnter(g.holder, otherDoor, g.id, g.start)), 6, "other venue's door opens");
            address stranger = address(0xBEEF);
            assertEq(uint8(p.canEnter(stranger, door, g.id, g.start)), 2, "stranger admitted");
            if (g.guest != address(0)) {
                // The guest enters inside the window only while the delegation lasts.
                uint64 t = g.start;
                uint8 expected = t >= g.guestExpires ? 2 : 0;
                assertEq(uint8(p.canEnter(g.guest, door, g.id, t)), expected, "guest at start");
                if (g.guestExpires > open && g.guestExpires <= g.end) {
                    assertEq(uint8(p.canEnter(g.guest, door, g.id, g.guestExpires - 1)), 0, "guest before expiry");
                    assertEq(uint8(p.canEnter(g.guest, door, g.id, g.guestExpires)), 2, "guest at expiry");
                }
            }
        }
    }

    function passCount() external view returns (uint256) {
        return _passes.length;
    }
}
