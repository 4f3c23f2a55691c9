// POST /api/door-passes (docs/door-protocol.md §7): a signed-in holder, or the current guest, of a pass
// asks for an offline DoorPass bound to their device key; the relayer answers it signed.
import { z } from "zod";
import { MAX_DOOR_PASS_DOORS } from "../doorPass.ts";
import { decimal, hex, uint32, unixSeconds } from "./json.ts";

export const doorPassRequest = z
  .object({
    passId: z
      .string()
      .regex(/^\d{1,78}$/, "decimal integer")
      .refine((s) => /^\d{1,78}$/.test(s) && BigInt(s) < 1n << 256n, "out of range")
      .transform((s) => BigInt(s))
      .meta({ description: "the pass (ERC-721 token id, decimal) the signed-in member holds or is the guest of" }),
    deviceKey: z
      .string()
      .regex(/^0x0[23][0-9a-fA-F]{64}$/, "a compressed P-256 public key: 0x02 or 0x03 and 32 bytes")
      .transform((s) => s.toLowerCase() as `0x${string}`)
      .meta({ description: "the device's P-256 public key, SEC1 compressed (33 bytes)" }),
    deviceKeySignature: z
      .string()
      .regex(/^0x([0-9a-fA-F]{2}){1,2048}$/, "hex signature (65 bytes from an EOA, up to 2048 from a contract wallet)")
      .transform((s) => s.toLowerCase() as `0x${string}`)
      .meta({
        description:
          "the member's EIP-712 DeviceKey(member address, deviceKey bytes) signature under the protocol domain: the one wallet signature that binds this device key (asked once per device, then reused); an EOA's 65 bytes r‖s‖v, or a contract wallet's signature checked with ERC-1271",
      }),
  })
  .meta({ id: "DoorPassRequest" });

export const doorPass = z
  .object({
    passId: decimal,
    venue: uint32,
    doors: z.array(uint32).min(1).max(MAX_DOOR_PASS_DOORS).meta({ description: "ascending door ids" }),
    validFrom: unixSeconds,
    validUntil: unixSeconds,
    serial: uint32.meta({ description: "the venue's serial of this DoorPass: its bit in the venue's status list" }),
    deviceKey: hex(33, "the device's compressed P-256 public key"),
  })
  .meta({
    id: "DoorPass",
    description:
      "EIP-712 DoorPass(uint256 passId, uint32 venue, uint32[] doors, uint64 validFrom, uint64 validUntil, uint32 serial, bytes deviceKey) under the protocol domain.",
  });

export const doorPassAnswer = z
  .object({
    pass: doorPass,
    relayer: hex(20, "the relayer key that signed"),
    signature: hex(65, "the relayer's EIP-712 signature of the DoorPass"),
    statusListTopic: z.string().meta({ description: "the venue's revocation list topic on the broker" }),
  })
  .meta({ id: "DoorPassAnswer" });
export type DoorPassAnswer = z.output<typeof doorPassAnswer>;
