// The offline decision on a scanned DoorPass code (docs/door-protocol.md §7), for one door of this
// agent's venue. Checks, in order, the first failure refusing:
//   the clock is set (after `minClock`, e.g. the build date: a Pi without RTC boots in 1970)
//   → the line decodes strictly (malformed_code)
//   → the relayer's signature recovers to a key the venue trusted when last read from the chain
//     (bad_relayer_signature, relayer_not_trusted, trust_unavailable when no recent set is cached)
//   → the DoorPass names this venue (wrong_venue) and this door (door_not_in_pass)
//   → now is inside [validFrom, validUntil) (door_pass_not_yet_valid, door_pass_expired)
//   → the code's slot is within `skewSlots` of this clock's (code_stale: a replay after its slot, or a
//     clock too far off) and the device key signed it (bad_device_signature: another device's key)
//   → the newest status list (status_list_missing, door_pass_revoked; its signer still trusted)
//   → the code was not used at this door in its slot yet (code_used: a screenshot shown twice).
// A refusal after the relayer's signature verified against the trusted set names the DoorPass (its
// pass id, serial and relayer): the pass is proven, so the refusal belongs in its member's history.
// One before names none: an undecodable code or an unproven DoorPass must not plant an entry in
// another member's history.
// Pure apart from the single-use memory: the clock, the trusted set and the lists are given.
import type { OfflineRefusal } from "../../../protocol/doorMqtt.ts";
import {
  DOOR_SLOT_SECONDS,
  DoorCodeError,
  decodeDoorCode,
  deviceSlotMessage,
  slotOf,
} from "../../../protocol/doorPass.ts";
import type { Clock } from "../clock.ts";
import { recoverSigner, type Hex } from "../lockCrypto.ts";
import { verifyDeviceSignature, type OfflineCrypto } from "./offlineCrypto.ts";
import type { StatusLists } from "./statusLists.ts";
import type { TrustedRelayers } from "./trustedRelayers.ts";

/** The DoorPass a code carries, once its relayer signature verified against the trusted set. */
export type ProvenPass = { passId: bigint; serial: number; relayer: Hex };

export type OfflineVerdict =
  | ({ ok: true; id: string } & ProvenPass)
  | {
      ok: false;
      reason: OfflineRefusal | "relayer_not_trusted" | "trust_unavailable";
      id: string;
      /** null when refused before the DoorPass was proven (undecodable, bad or untrusted relayer). */
      pass: ProvenPass | null;
    };

export type OfflineGuardOptions = {
  venue: number;
  chainId: number;
  contract: Hex;
  crypto: OfflineCrypto;
  trust: TrustedRelayers;
  lists: StatusLists;
  clock: Clock;
  /** Slots of tolerance either side (1: a code of the previous or next 30 s slot passes). */
  skewSlots: number;
  /** Unix seconds before which the clock is taken as unset. */
  minClock: number;
  /** Most single-use entries remembered (junk cannot grow it: only verified codes enter). */
  maxUsed?: number;
};

export class OfflineGuard {
  private readonly o: OfflineGuardOptions;
  /** `serial:slot:door` → the second it can be forgotten. */
  private readonly used = new Map<string, number>();

  constructor(o: OfflineGuardOptions) {
    this.o = o;
  }

  async check(line: string, door: number): Promise<OfflineVerdict> {
    const o = this.o;
    const now = o.clock();
    const refuse = (
      reason: Extract<OfflineVerdict, { ok: false }>["reason"],
      id = "",
      pass: ProvenPass | null = null,
    ) => ({ ok: false, reason, id, pass }) as const;
    if (now < o.minClock) return refuse("clock_unset");
    let code;
    try {
      code = decodeDoorCode(line);
    } catch (err) {
      if (err instanceof DoorCodeError) return refuse("malformed_code");
      throw err;
    }
    const p = code.pass;
    const id = `${p.venue}-${p.serial}-${code.slot}`;
    const relayer = await recoverSigner(o.crypto.doorPassDigest(p), code.relayerSignature);
    if (!relayer) return refuse("bad_relayer_signature", id);
    const trust = o.trust.verdict(relayer);
    if (trust !== "trusted") return refuse(trust === "untrusted" ? "relayer_not_trusted" : "trust_unavailable", id);
    // From here on the DoorPass is the relayer's: every refusal names it.
    const proven: ProvenPass = { passId: p.passId, serial: p.serial, relayer };
    if (p.venue !== o.venue) return refuse("wrong_venue", id, proven);
    if (!p.doors.includes(door)) return refuse("door_not_in_pass", id, proven);
    if (now < p.validFrom) return refuse("door_pass_not_yet_valid", id, proven);
    if (now >= p.validUntil) return refuse("door_pass_expired", id, proven);
    const slot = slotOf(now);
    if (Math.abs(code.slot - slot) > o.skewSlots) return refuse("code_stale", id, proven);
    const message = deviceSlotMessage(o.chainId, o.contract, p.venue, p.serial, code.slot);
    if (!verifyDeviceSignature(p.deviceKey, message, code.deviceSignature))
      return refuse("bad_device_signature", id, proven);
    const revoked = o.lists.isRevoked(p.serial);
    const listSigner = o.lists.signer;
    if (revoked === null || !listSigner || o.trust.verdict(listSigner) !== "trusted")
      return refuse("status_list_missing", id, proven);
    if (revoked) return refuse("door_pass_revoked", id, proven);
    this.prune(now);
    const key = `${p.serial}:${code.slot}:${door}`;
    if (this.used.has(key)) return refuse("code_used", id, proven);
    this.used.set(key, (code.slot + o.skewSlots + 1) * DOOR_SLOT_SECONDS);
    const max = o.maxUsed ?? 100_000;
    if (this.used.size > max) this.used.delete(this.used.keys().next().value!);
    return { ok: true, id, ...proven };
  }

  private prune(now: number): void {
    for (const [k, until] of this.used) {
      if (until >= now) break; // inserted in slot order, near enough: the rest is younger
      this.used.delete(k);
    }
  }
}
