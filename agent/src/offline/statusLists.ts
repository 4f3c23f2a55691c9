// The newest revocation list of this agent's venue (protocol/statusList.ts), as relayers publish it
// retained on the broker: kept only when signed by a relayer the venue trusts (the cached set) and
// newer than the one held (an older or equal epoch is refused: a replayed list cannot un-revoke a
// DoorPass). Kept on disk too, so a restart during an outage still knows what was revoked.
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { bitIsSet, parseStatusList, type StatusListMessage } from "../../../protocol/statusList.ts";
import { recoverSigner, sameAddress, type Hex } from "../lockCrypto.ts";
import type { OfflineCrypto } from "./offlineCrypto.ts";
import type { TrustedRelayers } from "./trustedRelayers.ts";

/** Largest bitstring accepted once decompressed (8 Mbit of serials; a gzip bomb stops here). */
const MAX_BITS_BYTES = 1024 * 1024;

export type StatusListOutcome =
  | "accepted"
  | "malformed"
  | "wrong_venue"
  | "bad_signature"
  | "relayer_not_trusted"
  | "trust_unavailable"
  | "status_list_old";

export class StatusLists {
  private current: { message: StatusListMessage; bits: Uint8Array } | null = null;
  private readonly o: { venue: number; crypto: OfflineCrypto; trust: TrustedRelayers; file: string };

  constructor(o: StatusLists["o"]) {
    this.o = o;
  }

  get epoch(): number | null {
    return this.current?.message.epoch ?? null;
  }

  /** Checks and keeps a list read from the broker (or the disk). */
  async accept(payload: Uint8Array | string, persist = true): Promise<StatusListOutcome> {
    const m = parseStatusList(payload);
    if (!m) return "malformed";
    if (m.venue !== this.o.venue) return "wrong_venue";
    if (this.current && m.epoch <= this.current.message.epoch) return "status_list_old";
    const signer = await recoverSigner(this.o.crypto.statusListDigest(m), m.signature);
    if (!signer || !sameAddress(signer, m.relayer)) return "bad_signature";
    const trust = this.o.trust.verdict(signer);
    if (trust !== "trusted") return trust === "untrusted" ? "relayer_not_trusted" : "trust_unavailable";
    let bits: Uint8Array;
    try {
      bits = gunzipSync(Buffer.from(m.encodedList.slice(1), "base64url"), { maxOutputLength: MAX_BITS_BYTES });
    } catch {
      return "malformed";
    }
    // Again after the await: a newer list may have been kept meanwhile.
    if (this.current && m.epoch <= this.current.message.epoch) return "status_list_old";
    this.current = { message: m, bits };
    if (persist) {
      writeFileSync(`${this.o.file}.tmp`, JSON.stringify(m), { mode: 0o600 });
      renameSync(`${this.o.file}.tmp`, this.o.file);
    }
    return "accepted";
  }

  /** Loads the list kept on disk, checked as one from the broker. */
  async load(): Promise<StatusListOutcome | "missing"> {
    let text: string;
    try {
      text = readFileSync(this.o.file, "utf8");
    } catch {
      return "missing";
    }
    return this.accept(text, false);
  }

  /** null: no list yet (the agent refuses offline: it cannot know what was revoked). */
  isRevoked(serial: number): boolean | null {
    return this.current ? bitIsSet(this.current.bits, serial) : null;
  }

  /** The relayer that signed the kept list (checked again against the trusted set at each scan). */
  get signer(): Hex | null {
    return this.current?.message.relayer ?? null;
  }
}
