// The door log (issue 20 §4): every decision a door agent takes, online or offline, is one record
// in a hash chain kept at the agent and uploaded to the relayers' audit store over the broker.
// Shared by the agent (agent/src/doorLog.ts, its own keccak in agent/src/lockCrypto.ts) and the
// relayer (protocol/doorLogDigest.ts with viem, server/audit/doorLog*.ts); docs/door-protocol.md §9.
//
//   agent   ──► pp/v1/venue/<venue>/agent/<agent>/log     { v, type: "log", records: [...] }  (QoS 1)
//   relayer ──► pp/v1/venue/<venue>/agent/<agent>/logack  { v, type: "logAck", acked, status, … }
//
// A record's `hash` is keccak256 of its canonical form (canonicalRecord: a JSON array of its fields
// in a fixed order, `prevHash` included), so the chain is broken by any change to any earlier
// record. The door's lock key signs the EIP-712 message DoorLogRecord(door, seq, hash) under the
// protocol domain: the relayer checks it against the door's lockKey on chain.
import { TOPIC_ROOT, isTopicId } from "./doorMqtt.ts";

type Hex = `0x${string}`;

export const DOOR_LOG_VERSION = 1;
/** prevHash of the first record (seq 1). */
export const GENESIS_HASH: Hex = `0x${"00".repeat(32)}`;
/** Records per upload message, and the largest upload message either side accepts. */
export const MAX_LOG_BATCH = 100;
export const MAX_LOG_MESSAGE_BYTES = 96 * 1024;

export const logTopics = {
  upload: (venue: number, agent: string) => `${TOPIC_ROOT}/venue/${venue}/agent/${agent}/log`,
  ack: (venue: number, agent: string) => `${TOPIC_ROOT}/venue/${venue}/agent/${agent}/logack`,
  /** Every agent's uploads (a relayer's subscription). */
  allUploads: `${TOPIC_ROOT}/venue/+/agent/+/log`,
};

/** Parses a door-log topic, or null. */
export function parseLogTopic(topic: string): { kind: "log" | "logack"; venue: number; agent: string } | null {
  const p = topic.split("/");
  if (p.length !== 7 || p[0] !== "pp" || p[1] !== "v1" || p[2] !== "venue" || p[4] !== "agent") return null;
  if ((p[6] !== "log" && p[6] !== "logack") || !isTopicId(p[5]) || !/^\d{1,10}$/.test(p[3])) return null;
  const venue = Number(p[3]);
  return venue > 0xffffffff ? null : { kind: p[6], venue, agent: p[5] };
}

/** `online`: an open command from a relayer (ref = its challenge id); `offline`: the agent decided
 * alone (ref = the scanned code's reference, pass = the DoorPass's pass id). */
export type LogKind = "online" | "offline";
/** `granted` is written before the lock is driven (so every opening is in the log, even when the
 * agent dies mid-pulse); a lock that then failed adds a `lock_failed` record with the same ref. */
export type LogResult = "granted" | "refused" | "lock_failed";
export const LOG_KINDS: readonly LogKind[] = ["online", "offline"];
export const LOG_RESULTS: readonly LogResult[] = ["granted", "refused", "lock_failed"];

/** What a decision contributes to its record (the agent adds agent, seq, prevHash, hash, signature). */
export type LogEntry = {
  time: number;
  door: number;
  kind: LogKind;
  result: LogResult;
  reason: string;
  /** Online: the challenge id (0x + 64 hex). Offline: the code's reference. */
  ref: string;
  /** The relayer whose command (online) or DoorPass (offline) was presented, if any. */
  relayer: Hex | null;
  /** The pass id (decimal) the decision was about, when the agent knows it (offline). */
  pass: string | null;
};

export type LogRecord = LogEntry & {
  v: 1;
  agent: string;
  seq: number;
  prevHash: Hex;
  hash: Hex;
  signature: Hex;
};

/** The bytes whose keccak256 is the record's hash: every field but hash and signature, in order. */
export function canonicalRecord(r: Omit<LogRecord, "hash" | "signature">): string {
  return JSON.stringify([
    "pp-door-log",
    r.v,
    r.agent,
    r.seq,
    r.time,
    r.door,
    r.kind,
    r.result,
    r.reason,
    r.ref,
    r.relayer === null ? null : r.relayer.toLowerCase(),
    r.pass,
    r.prevHash.toLowerCase(),
  ]);
}

/** The lock key signs DoorLogRecord(door, seq, hash) under the protocol domain. */
export const doorLogRecordTypes = {
  DoorLogRecord: [
    { name: "door", type: "uint32" },
    { name: "seq", type: "uint64" },
    { name: "hash", type: "bytes32" },
  ],
} as const;

// ---- upload messages ------------------------------------------------------------------------

export type LogUpload = { v: 1; type: "log"; records: LogRecord[] };
/**
 * The relayer's answer: `acked` is the highest sequence it holds with every one before it.
 * `ok`: stored (or already held); `gap`: a record beyond acked + 1 — resend from acked + 1;
 * `fork`: a record at `seq` differs from the one held (same sequence, other hash) — refused and
 * reported; `invalid`: a record at `seq` fails its hash, link, door or signature check — refused.
 */
export type LogAckStatus = "ok" | "gap" | "fork" | "invalid";
export type LogAck = { v: 1; type: "logAck"; acked: number; status: LogAckStatus; seq?: number; problem?: string };

const HEX32 = /^0x[0-9a-f]{64}$/;
const HEX20 = /^0x[0-9a-fA-F]{40}$/;
const HEX65 = /^0x[0-9a-fA-F]{130}$/;
/** A challenge id, or an offline code's reference (base64 and base64url allowed). */
const REF = /^[A-Za-z0-9_:.+/=-]{1,128}$/;
const REASON = /^[a-z0-9_]{1,64}$/;
const PASS = /^\d{1,78}$/;
const isUint = (v: unknown, max = Number.MAX_SAFE_INTEGER): v is number =>
  typeof v === "number" && Number.isSafeInteger(v) && v >= 0 && v <= max;

/** One record from untrusted JSON, or null (shape only: the hash and signature are checked by the reader). */
export function parseLogRecord(v: unknown): LogRecord | null {
  if (!v || typeof v !== "object" || Array.isArray(v)) return null;
  const m = v as Record<string, unknown>;
  if (m.v !== DOOR_LOG_VERSION || typeof m.agent !== "string" || !isTopicId(m.agent)) return null;
  if (!isUint(m.seq) || m.seq < 1 || !isUint(m.time) || !isUint(m.door, 0xffffffff)) return null;
  if (!LOG_KINDS.includes(m.kind as LogKind) || !LOG_RESULTS.includes(m.result as LogResult)) return null;
  if (typeof m.reason !== "string" || !REASON.test(m.reason) || typeof m.ref !== "string" || !REF.test(m.ref))
    return null;
  if (m.relayer !== null && (typeof m.relayer !== "string" || !HEX20.test(m.relayer))) return null;
  if (m.pass !== null && (typeof m.pass !== "string" || !PASS.test(m.pass))) return null;
  for (const k of ["prevHash", "hash"] as const) if (typeof m[k] !== "string" || !HEX32.test(m[k])) return null;
  if (typeof m.signature !== "string" || !HEX65.test(m.signature)) return null;
  return {
    v: 1,
    agent: m.agent,
    seq: m.seq,
    time: m.time,
    door: m.door,
    kind: m.kind as LogKind,
    result: m.result as LogResult,
    reason: m.reason,
    ref: m.ref,
    relayer: m.relayer === null ? null : (m.relayer.toLowerCase() as Hex),
    pass: m.pass,
    prevHash: m.prevHash as Hex,
    hash: m.hash as Hex,
    signature: m.signature as Hex,
  };
}

export type ParsedLog<T> = { ok: true; value: T } | { ok: false; problem: string };

const encoder = new TextEncoder();
const utf8Length = (s: string) => (s.length * 3 <= MAX_LOG_MESSAGE_BYTES ? s.length : encoder.encode(s).byteLength);

function decode(payload: Uint8Array | string): ParsedLog<Record<string, unknown>> {
  const bytes = typeof payload === "string" ? utf8Length(payload) : payload.byteLength;
  if (bytes > MAX_LOG_MESSAGE_BYTES) return { ok: false, problem: "oversized" };
  let v: unknown;
  try {
    v = JSON.parse(typeof payload === "string" ? payload : new TextDecoder("utf-8", { fatal: true }).decode(payload));
  } catch {
    return { ok: false, problem: "malformed" };
  }
  if (!v || typeof v !== "object" || Array.isArray(v) || (v as { v?: unknown }).v !== DOOR_LOG_VERSION)
    return { ok: false, problem: "malformed" };
  return { ok: true, value: v as Record<string, unknown> };
}

/** An upload as the relayer reads it: 1..MAX_LOG_BATCH records of one agent, in increasing sequence. */
export function parseLogUpload(payload: Uint8Array | string, agent: string): ParsedLog<LogUpload> {
  const d = decode(payload);
  if (!d.ok) return d;
  const m = d.value;
  if (m.type !== "log" || !Array.isArray(m.records) || m.records.length < 1 || m.records.length > MAX_LOG_BATCH)
    return { ok: false, problem: "malformed" };
  const records: LogRecord[] = [];
  for (const raw of m.records) {
    const r = parseLogRecord(raw);
    if (!r) return { ok: false, problem: "malformed record" };
    if (r.agent !== agent) return { ok: false, problem: "record of another agent" };
    if (records.length && r.seq !== records[records.length - 1].seq + 1)
      return { ok: false, problem: "records not consecutive" };
    records.push(r);
  }
  return { ok: true, value: { v: 1, type: "log", records } };
}

/** An ack as the agent reads it. */
export function parseLogAck(payload: Uint8Array | string): ParsedLog<LogAck> {
  const d = decode(payload);
  if (!d.ok) return d;
  const m = d.value;
  if (m.type !== "logAck" || !isUint(m.acked)) return { ok: false, problem: "malformed" };
  if (!["ok", "gap", "fork", "invalid"].includes(m.status as string)) return { ok: false, problem: "malformed" };
  if (m.seq !== undefined && !isUint(m.seq)) return { ok: false, problem: "malformed" };
  const problem = typeof m.problem === "string" ? m.problem.slice(0, 200) : undefined;
  return {
    ok: true,
    value: {
      v: 1,
      type: "logAck",
      acked: m.acked,
      status: m.status as LogAckStatus,
      ...(m.seq !== undefined ? { seq: m.seq } : {}),
      ...(problem ? { problem } : {}),
    },
  };
}

export function encodeLogMessage(m: LogUpload | LogAck): string {
  const s = JSON.stringify(m);
  if (utf8Length(s) > MAX_LOG_MESSAGE_BYTES) throw new RangeError("door log message over MAX_LOG_MESSAGE_BYTES");
  return s;
}
