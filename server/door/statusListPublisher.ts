// Publishes each venue's signed revocation list of DoorPasses (protocol/statusList.ts) retained on
// pp/v1/venue/<venue>/status-list. The index's pass table is observed: a cancel (the pass burns), a
// transfer (a new holder) or the end or change of a loan (UpdateUser) revokes that pass's DoorPasses
// still valid (the old guest's only, for a loan) in the shared store, and the venue's list is
// republished after `debounceMs` (revocations arriving together go out as one list). Each list
// carries the next epoch of the venue (from the store, so relayers of a fleet never go backwards).
// A failed publish (broker down) is retried every second until it goes out.
import { gzipSync } from "node:zlib";
import { hashTypedData, keccak256, toBytes } from "viem";
import { protocolDomain } from "../../protocol/eip712.ts";
import {
  STATUS_LIST_MIN_BITS,
  setBit,
  statusListTopic,
  statusListTypes,
  type StatusListMessage,
} from "../../protocol/statusList.ts";
import type { IndexedPass } from "../index/model.ts";
import type { Logger } from "../logger.ts";
import { hexToBuf, signDigest, type Hex } from "./doorCrypto.ts";
import type { DoorPassStore } from "./doorPassStore.ts";

export type StatusListPublisherOptions = {
  chainId: number;
  contract: Hex;
  relayerPrivateKey: Hex;
  relayerAddress: Hex;
  store: DoorPassStore;
  clock: () => number;
  /** Publishes retained at QoS 1; rejects when the broker is unreachable. */
  publish(topic: string, payload: string): Promise<void>;
  debounceMs: number;
  logger: Logger;
  /** Called after each list went out (the benchmark's revocation latency). */
  onPublished?: (m: StatusListMessage) => void;
};

/** The bitstring of `revoked` serials, gzip and base64url with the multibase "u", as W3C's. */
export function encodeStatusList(revoked: number[]): string {
  const top = revoked.length ? Math.max(...revoked) : 0;
  const bits = new Uint8Array(
    Math.max(STATUS_LIST_MIN_BITS, Math.ceil((top + 1) / STATUS_LIST_MIN_BITS) * STATUS_LIST_MIN_BITS) / 8,
  );
  for (const s of revoked) setBit(bits, s);
  return `u${gzipSync(bits).toString("base64url")}`;
}

export class StatusListPublisher {
  private readonly o: StatusListPublisherOptions;
  private readonly timers = new Map<number, NodeJS.Timeout>();
  private readonly domain;
  private closed = false;
  /** Revocations in flight (tests and shutdown wait for them). */
  private work: Promise<unknown> = Promise.resolve();

  constructor(o: StatusListPublisherOptions) {
    this.o = o;
    this.domain = protocolDomain(o.chainId, o.contract);
  }

  /** The index's pass table changed (an observer of `index.passes`). */
  passChanged(before: IndexedPass | undefined, after: IndexedPass | undefined): void {
    if (!before) return; // a new pass has no DoorPass yet
    const now = this.o.clock();
    let revoke: Promise<number[]> | null = null;
    if (!after || after.holder !== before.holder) revoke = this.o.store.revoke(before.id, now);
    else if (before.guest && (after.guest !== before.guest || after.guestExpires < before.guestExpires))
      revoke = this.o.store.revoke(before.id, now, before.guest);
    if (!revoke) return;
    this.track(
      revoke.then((venues) => {
        for (const v of venues) this.schedule(v);
      }),
    );
  }

  /** Republishes the venue's list after the debounce delay (once for many calls). */
  schedule(venue: number): void {
    if (this.closed || this.timers.has(venue)) return;
    const t = setTimeout(() => {
      this.timers.delete(venue);
      this.track(this.publishNow(venue));
    }, this.o.debounceMs);
    t.unref();
    this.timers.set(venue, t);
  }

  /** Waits for the revocations and publications under way. */
  async idle(): Promise<void> {
    let seen;
    do {
      seen = this.work;
      await seen;
    } while (seen !== this.work);
  }

  close(): void {
    this.closed = true;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }

  /** Signs and publishes the venue's current list now. */
  async publishNow(venue: number): Promise<StatusListMessage> {
    const o = this.o;
    const time = o.clock();
    const encodedList = encodeStatusList(await o.store.revokedSerials(venue, time));
    const epoch = await o.store.nextEpoch(venue);
    const digest = hashTypedData({
      domain: this.domain,
      types: statusListTypes,
      primaryType: "StatusList",
      message: { venue, epoch: BigInt(epoch), time: BigInt(time), list: keccak256(toBytes(encodedList)) },
    });
    const m: StatusListMessage = {
      v: 1,
      type: "status-list",
      venue,
      epoch,
      time,
      encodedList,
      relayer: o.relayerAddress,
      signature: signDigest(hexToBuf(digest), o.relayerPrivateKey),
    };
    try {
      await o.publish(statusListTopic(venue), JSON.stringify(m));
      o.onPublished?.(m);
      o.logger.info({ venue, epoch }, "status list published");
    } catch (err) {
      o.logger.warn({ venue, err: (err as Error).message }, "status list not published: retrying");
      if (!this.closed) setTimeout(() => this.schedule(venue), 1000).unref();
    }
    return m;
  }

  private track(p: Promise<unknown>): void {
    const logged = p.catch((err: unknown) =>
      this.o.logger.error({ err: (err as Error).message }, "revocation not recorded"),
    );
    this.work = Promise.all([this.work, logged]);
  }
}
