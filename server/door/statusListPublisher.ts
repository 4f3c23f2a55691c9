// Publishes each venue's signed revocation list of DoorPasses (protocol/statusList.ts) retained on
// pp/v1/venue/<venue>/status-list. The index's pass table is observed: a cancel (the pass burns), a
// transfer (a new holder) or the end or change of a loan (UpdateUser) revokes that pass's DoorPasses
// still valid (the old guest's only, for a loan) in the shared store, and the venue's list is
// republished after `debounceMs` (revocations arriving together go out as one list). Every venue's
// list is also republished at start and every `republishS` (`start`): a broker restarted without
// persistence has lost its retained messages, and an agent started then would refuse offline with
// status_list_missing until the next change. A failed publish (broker down) is retried every second.
//
// Epochs across a fleet: each list takes the venue's next epoch from the shared store in the same
// transaction that reads its revoked serials (DoorPassStore.nextList), so a higher epoch always holds
// every revocation a lower one held, whichever relayer made it and however stale its index. Agents
// keep the highest epoch, so a republished list is always newer and never un-revokes. What remains
// is the retained topic's last-writer-wins: a list that lost the race to a newer one (its epoch is
// no longer the venue's last) is not sent, so it cannot overwrite the newer one for agents that
// start later; one relayer sends a venue's lists one at a time, in epoch order.
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
import type { DoorPassStore, StatusListSource } from "./doorPassStore.ts";

/** A revoked serial stays listed this long after its DoorPass ended: a relayer whose clock runs
 * ahead must not drop a bit that agents with slower clocks still need. */
export const LIST_AFTER_END_S = 3600;

/** Calls `fn` every `ms` until stopped (setInterval unless a test injects its own). */
export type Every = (ms: number, fn: () => void) => { stop(): void };
const realEvery: Every = (ms, fn) => {
  const t = setInterval(fn, ms);
  t.unref();
  return { stop: () => clearInterval(t) };
};

export type StatusListPublisherOptions = {
  chainId: number;
  contract: Hex;
  relayerPrivateKey: Hex;
  relayerAddress: Hex;
  store: Pick<DoorPassStore, "revoke"> & StatusListSource;
  clock: () => number;
  /** Publishes retained at QoS 1; rejects when the broker is unreachable. */
  publish(topic: string, payload: string): Promise<void>;
  debounceMs: number;
  /** Seconds between two republications of every venue's list (`start`). */
  republishS: number;
  every?: Every;
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
  private republisher: { stop(): void } | null = null;
  /** Each venue's publication under way: the next waits for it (lists go out in epoch order). */
  private readonly sending = new Map<number, Promise<unknown>>();
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

  /** Republishes every venue's list now and every `republishS` until closed. */
  start(): void {
    if (this.closed || this.republisher) return;
    const all = () =>
      this.track(
        this.o.store.venues().then((venues) => {
          for (const v of venues) this.schedule(v);
        }),
      );
    all();
    this.republisher = (this.o.every ?? realEvery)(this.o.republishS * 1000, all);
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

  /** Waits for the revocations and publications under way, and those scheduled. */
  async idle(): Promise<void> {
    let seen;
    do {
      seen = this.work;
      await seen;
      while (this.timers.size) await new Promise((r) => setTimeout(r, Math.max(1, this.o.debounceMs)));
    } while (seen !== this.work);
  }

  close(): void {
    this.closed = true;
    this.republisher?.stop();
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }

  /** Signs the venue's current list under its next epoch and publishes it (after the one under way);
   * resolves with the list, or null when a newer list superseded it before it went out. */
  publishNow(venue: number): Promise<StatusListMessage | null> {
    const next = (this.sending.get(venue) ?? Promise.resolve()).then(() => this.signAndSend(venue));
    const settled = next.catch(() => undefined);
    this.sending.set(venue, settled);
    void settled.then(() => {
      if (this.sending.get(venue) === settled) this.sending.delete(venue);
    });
    return next;
  }

  private async signAndSend(venue: number): Promise<StatusListMessage | null> {
    const o = this.o;
    const time = o.clock();
    const { epoch, revoked } = await o.store.nextList(venue, time - LIST_AFTER_END_S);
    const encodedList = encodeStatusList(revoked);
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
    const last = await o.store.epoch(venue);
    if (last > epoch) {
      o.logger.debug({ venue, epoch, last }, "status list superseded before it went out: not sent");
      return null;
    }
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
