// Issues an offline DoorPass (docs/door-protocol.md §7). Checks, in order, refusing with one code:
//   the pass is indexed (pass_not_found) → the signed-in member holds it or is its guest now
//   (not_holder_or_guest) → the device key is a P-256 point (bad_device_key) → the member signed its
//   binding (device_binding_invalid; an EOA by recovery, a contract wallet by ERC-1271 on the
//   contract-wallet lane: busy → rate_limited, chain unreadable → chain_unavailable) → the pass's window with its grace has not ended (pass_expired)
//   → a door of the venue admits it (pass_without_door) → for a resource that follows the venue's
//   opening hours, an opening within 24 h (venue_closed; hours unreadable → chain_unavailable).
// Window: from max(now, start − grace) for at most the venue's maximum validity (its operator's
// on-chain setting, else the relayer's default), never past the pass's end, nor, for a guest, past
// the loan's expiry; for a resource following the hours, inside one open interval, from its opening
// minus the grace (doorPassHours.ts). The serial comes from the shared store.
import { ECDH } from "node:crypto";
import { hashTypedData } from "viem";
import { protocolDomain } from "../../protocol/eip712.ts";
import { MAX_DOOR_PASS_DOORS, deviceKeyTypes, doorPassTypes, type DoorPass } from "../../protocol/doorPass.ts";
import { RelayerError } from "../errors.ts";
import { lower, onLoanTo, type IndexedDoor, type IndexedPass } from "../index/model.ts";
import { hexToBuf, recoverSigner, sameAddress, signDigest, type Hex } from "./doorCrypto.ts";
import type { DoorPassStore } from "./doorPassStore.ts";
import type { ContractSignatureChecker } from "./contractSignatures.ts";
import { doorPassHoursQuery, openIntervalFrom } from "./doorPassHours.ts";

export type DoorPassIndex = {
  passes: { get(id: bigint): IndexedPass | undefined };
  resources: {
    get(id: number): { id: number; venueId: number; graceSeconds: number; followsOpeningHours: boolean } | undefined;
  };
  doors: { values(): Iterable<IndexedDoor> };
  doorAdmits(door: IndexedDoor, resourceId: number): boolean;
};

export type DoorPassIssuer = {
  issue(
    member: Hex,
    req: { passId: bigint; deviceKey: Hex; deviceKeySignature: Hex },
  ): Promise<{
    pass: DoorPass;
    relayer: Hex;
    signature: Hex;
  }>;
};

export function createDoorPassIssuer(o: {
  chainId: number;
  contract: Hex;
  relayerPrivateKey: Hex;
  relayerAddress: Hex;
  index: DoorPassIndex;
  store: DoorPassStore;
  clock: () => number;
  /** The venue's longest DoorPass, hours (1–24). */
  maxHours(venue: number): number;
  /** The contract's `openHours(resourceId, start, count)` (protocol/openingHours.ts); rejects when the chain cannot be read. */
  openHours(resourceId: number, start: number, count: number): Promise<readonly bigint[]>;
  /** ERC-1271 checks for members whose address is a contract wallet. */
  contractSignatures?: Pick<ContractSignatureChecker, "check">;
}): DoorPassIssuer {
  /** Whether `who` signed `digest`: EOA recovery, else the wallet's isValidSignature. */
  const signedBy = async (who: Hex, digest: Hex, signature: Hex): Promise<boolean> => {
    const signer = recoverSigner(hexToBuf(digest), signature);
    if (signer && sameAddress(signer, who)) return true;
    if (!o.contractSignatures) return false;
    let r;
    try {
      r = await o.contractSignatures.check(who, digest, signature, performance.now() + 2000);
    } catch {
      throw new RelayerError("chain_unavailable", "the chain cannot be read now to check a contract wallet");
    }
    if (r === "busy") throw new RelayerError("rate_limited", "contract-wallet checks are busy: retry shortly");
    return r === "valid";
  };
  const domain = protocolDomain(o.chainId, o.contract);
  return {
    async issue(member, req) {
      const now = o.clock();
      const pass = o.index.passes.get(req.passId);
      const resource = pass && o.index.resources.get(pass.resourceId);
      if (!pass || !resource) throw new RelayerError("pass_not_found", "no such pass");
      const who = lower(member);
      const guest = who !== pass.holder && onLoanTo(pass, who, now);
      if (who !== pass.holder && !guest)
        throw new RelayerError("not_holder_or_guest", "you neither hold this pass nor are its guest now");
      try {
        ECDH.convertKey(hexToBuf(req.deviceKey), "prime256v1");
      } catch {
        throw new RelayerError("bad_device_key", "deviceKey is not a point of P-256");
      }
      const binding = hashTypedData({
        domain,
        types: deviceKeyTypes,
        primaryType: "DeviceKey",
        message: { member: who, deviceKey: req.deviceKey },
      });
      if (!(await signedBy(who, binding, req.deviceKeySignature)))
        throw new RelayerError("device_binding_invalid", "the device key binding is not signed by you");
      const end = guest ? Math.min(pass.end, pass.guestExpires) : pass.end;
      let validFrom = Math.max(now, pass.start - resource.graceSeconds);
      if (end <= now) throw new RelayerError("pass_expired", "this pass (or its loan) has ended");
      let validUntil = Math.min(end, validFrom + o.maxHours(resource.venueId) * 3600);
      const doors = [...o.index.doors.values()]
        .filter((d) => d.venueId === resource.venueId && o.index.doorAdmits(d, pass.resourceId))
        .map((d) => d.id)
        .sort((a, b) => a - b)
        .slice(0, MAX_DOOR_PASS_DOORS);
      if (doors.length === 0) throw new RelayerError("pass_without_door", "no door of the venue admits this pass");
      if (resource.followsOpeningHours) {
        const q = doorPassHoursQuery(validFrom);
        let words;
        try {
          words = await o.openHours(resource.id, q.start, q.count);
        } catch {
          throw new RelayerError("chain_unavailable", "the venue's opening hours cannot be read now");
        }
        const open = openIntervalFrom(words, validFrom, resource.graceSeconds);
        if (open === null || open.validFrom >= end)
          throw new RelayerError("venue_closed", "the venue does not open within 24 hours of this pass's door pass");
        validFrom = open.validFrom;
        validUntil = Math.min(end, open.until, validFrom + o.maxHours(resource.venueId) * 3600);
      }
      const serial = await o.store.issue({ venue: resource.venueId, passId: pass.id, member: who, validUntil });
      const signed: DoorPass = {
        passId: pass.id,
        venue: resource.venueId,
        doors,
        validFrom,
        validUntil,
        serial,
        deviceKey: req.deviceKey,
      };
      const digest = hashTypedData({
        domain,
        types: doorPassTypes,
        primaryType: "DoorPass",
        message: { ...signed, validFrom: BigInt(validFrom), validUntil: BigInt(validUntil) },
      });
      return { pass: signed, relayer: o.relayerAddress, signature: signDigest(hexToBuf(digest), o.relayerPrivateKey) };
    },
  };
}
