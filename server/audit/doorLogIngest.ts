// Checks one uploaded batch of an agent's door log and stores what extends its history. In order,
// for each record (protocol/doorLog.ts, docs/door-protocol.md §9):
//   1. its door exists, is of the topic's venue, and its hash recomputes from its fields;
//   2. it is signed by that door's lock key on chain (DoorLogRecord(door, seq, hash));
//      1–2 failing → `invalid`: refused, nothing after it is looked at;
//   3. at or below the stored head: the same hash as the stored record → already held (skipped);
//      another hash → `fork` (same sequence, other history): refused and reported;
//   4. head + 1: its prevHash must be the head's hash, else `fork` (its history diverged earlier);
//   5. beyond head + 1 → `gap`: nothing after it is stored; the agent resends from head + 1.
// The records that passed are stored in one transaction, read back (another relayer sharing the
// store may have stored that sequence meanwhile: a different hash there is a fork too), and the ack
// names the highest contiguous sequence held.
import type { LogAck, LogRecord } from "../../protocol/doorLog.ts";
import { GENESIS_HASH } from "../../protocol/doorLog.ts";
import { logRecordDigest, logRecordHash } from "../../protocol/doorLogDigest.ts";
import { hexToBuf, recoverSigner, sameAddress, type Hex } from "../door/doorCrypto.ts";
import type { DoorLogFork, DoorLogStore } from "./doorLogStore.ts";

export type IngestDeps = {
  store: DoorLogStore;
  chainId: number;
  contract: Hex;
  /** The door's venue and lock key on chain, or null for an unknown (or removed) door. */
  door(id: number): Promise<{ venueId: number; lockKey: Hex } | null>;
  now(): number;
  onFork(f: DoorLogFork): void;
  onInvalid(r: { venue: number; agent: string; seq: number; problem: string }): void;
};

type Checked = { ok: true } | { ok: false; problem: string };

async function check(deps: IngestDeps, venue: number, r: LogRecord): Promise<Checked> {
  const door = await deps.door(r.door);
  if (!door) return { ok: false, problem: `door ${r.door} is not registered` };
  if (door.venueId !== venue) return { ok: false, problem: `door ${r.door} is not of venue ${venue}` };
  if (logRecordHash(r) !== r.hash) return { ok: false, problem: "hash does not match the record" };
  if (r.seq === 1 && r.prevHash !== GENESIS_HASH)
    return { ok: false, problem: "first record does not start the chain" };
  const signer = recoverSigner(hexToBuf(logRecordDigest(deps.chainId, deps.contract, r)), r.signature);
  if (!signer || !sameAddress(signer, door.lockKey)) return { ok: false, problem: "not signed by the door's lock key" };
  return { ok: true };
}

export async function ingestLogBatch(
  deps: IngestDeps,
  venue: number,
  agent: string,
  records: LogRecord[],
): Promise<LogAck> {
  const { store } = deps;
  const head = (await store.head(venue, agent)) ?? { seq: 0, hash: GENESIS_HASH };
  const held = await store.hashesAt(
    venue,
    agent,
    records.filter((r) => r.seq <= head.seq).map((r) => r.seq),
  );
  const fresh: LogRecord[] = [];
  let tip = head;
  let outcome: Omit<LogAck, "v" | "type" | "acked"> = { status: "ok" };
  const fork = (seq: number, heldHash: Hex, offeredHash: Hex) => {
    const f = { venue, agent, seq, heldHash, offeredHash, detectedAt: deps.now() };
    deps.onFork(f);
    return store.flagFork(f);
  };
  for (const r of records) {
    const c = await check(deps, venue, r);
    if (!c.ok) {
      deps.onInvalid({ venue, agent, seq: r.seq, problem: c.problem });
      outcome = { status: "invalid", seq: r.seq, problem: c.problem };
      break;
    }
    if (r.seq <= head.seq) {
      const h = held.get(r.seq);
      if (h !== undefined && h !== r.hash) {
        await fork(r.seq, h, r.hash);
        outcome = { status: "fork", seq: r.seq, problem: "another record is held at this sequence" };
        break;
      }
      continue; // already held (or pruned here after retention)
    }
    if (r.seq > tip.seq + 1) {
      outcome = { status: "gap", seq: r.seq, problem: `expected ${tip.seq + 1}` };
      break;
    }
    if (r.prevHash !== tip.hash) {
      await fork(r.seq - 1, tip.hash, r.prevHash);
      outcome = { status: "fork", seq: r.seq - 1, problem: "the record links to another history" };
      break;
    }
    fresh.push(r);
    tip = { seq: r.seq, hash: r.hash };
  }
  if (fresh.length) {
    await store.insert(venue, fresh, deps.now());
    // Read back: another relayer sharing the store may have committed these sequences first.
    const stored = await store.hashesAt(
      venue,
      agent,
      fresh.map((r) => r.seq),
    );
    for (const r of fresh) {
      const h = stored.get(r.seq);
      if (h !== r.hash) {
        if (h !== undefined) await fork(r.seq, h, r.hash);
        const current = await store.head(venue, agent);
        return { v: 1, type: "logAck", acked: Math.min(current?.seq ?? 0, r.seq - 1), status: "fork", seq: r.seq };
      }
    }
  }
  return { v: 1, type: "logAck", acked: tip.seq, ...outcome };
}
