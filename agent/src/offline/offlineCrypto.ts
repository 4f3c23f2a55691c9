// The offline checks' cryptography, on the agent's @noble libraries: the EIP-712 digests of a
// DoorPass and of a status list (the same as viem's hashTypedData; test/agent/doorPass.test.ts checks
// it), and the device key's ECDSA P-256 signature over a slot (what WebCrypto produces: IEEE P1363
// r‖s over SHA-256 of the message; high-s accepted, as WebCrypto does not normalise it).
import { p256 } from "@noble/curves/p256";
import { sha256 } from "@noble/hashes/sha2.js";
import { DOOR_PASS_TYPE, type DoorPass } from "../../../protocol/doorPass.ts";
import { STATUS_LIST_TYPE } from "../../../protocol/statusList.ts";
import { abiWord, concatBytes, hexToBytes, keccak256, typedDigest, type Hex } from "../lockCrypto.ts";

const utf8 = (s: string) => new TextEncoder().encode(s);
const DOOR_PASS_TYPEHASH = keccak256(utf8(DOOR_PASS_TYPE));
const STATUS_LIST_TYPEHASH = keccak256(utf8(STATUS_LIST_TYPE));

export type OfflineCrypto = {
  doorPassDigest(p: DoorPass): Hex;
  statusListDigest(s: { venue: number; epoch: number; time: number; encodedList: string }): Hex;
};

export function offlineCrypto(chainId: number, contract: Hex): OfflineCrypto {
  const digest = typedDigest(chainId, contract);
  return {
    doorPassDigest: (p) =>
      digest(
        keccak256(
          concatBytes(
            DOOR_PASS_TYPEHASH,
            abiWord(p.passId),
            abiWord(p.venue),
            keccak256(concatBytes(...p.doors.map((d) => abiWord(d)))),
            abiWord(p.validFrom),
            abiWord(p.validUntil),
            abiWord(p.serial),
            keccak256(hexToBytes(p.deviceKey)),
          ),
        ),
      ),
    statusListDigest: (s) =>
      digest(
        keccak256(
          concatBytes(
            STATUS_LIST_TYPEHASH,
            abiWord(s.venue),
            abiWord(s.epoch),
            abiWord(s.time),
            keccak256(utf8(s.encodedList)),
          ),
        ),
      ),
  };
}

/** Whether `signature` (64 bytes r‖s) is the device key's over `message`; false on any bad input. */
export function verifyDeviceSignature(deviceKey: Hex, message: Uint8Array, signature: Hex): boolean {
  try {
    return p256.verify(hexToBytes(signature), sha256(message), hexToBytes(deviceKey), { lowS: false, prehash: false });
  } catch {
    return false;
  }
}
