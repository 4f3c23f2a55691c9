// The door wire protocol over MQTT 3.1.1 (protocolVersion 4, QoS 1), shared by the relayer, the door
// agent (agent/) and the dApp: topics, message shapes, parsing with size limits, and the EIP-712
// answer a lock signs. docs/door-protocol.md, section 6, is the prose.
//
// MQTT 3.1.1 has no response-topic or correlation-data properties (those are MQTT 5, refused by
// aedes 1.2), so both travel in the JSON payload:
//
//   relayer ──► pp/v1/venue/<venue>/door/<door>/cmd      { v, type: "challenge" | "open", id, replyTo, … }
//   agent   ──► pp/v1/relayer/<instance>/res             { v, type, id, door, … }  (answers, lock-signed)
//   agent   ──► pp/v1/venue/<venue>/door/<door>/status   retained DoorStatus
//   agent   ──► pp/v1/venue/<venue>/agent/<agent>/status retained AgentStatus; the agent's Last Will
//                                                         sets it offline (one will per connection)
//   agent   ──► pp/v1/venue/<venue>/agent/<agent>/log    door log uploads  ┐ protocol/doorLog.ts
//   relayer ──► pp/v1/venue/<venue>/agent/<agent>/logack their acks       ┘
//   relayer ──► pp/v1/venue/<venue>/status-list          retained signed StatusList (offline DoorPasses'
//                                                         revocations, protocol/statusList.ts)
//
// A door is online when its own retained status says so AND its agent's status says online.
// An open command's correlation id is its challenge id, which the relayer's EIP-712 signature covers.
import type { Challenge, OpenCommand } from "./eip712.ts";

export const DOOR_MQTT_VERSION = 1;
/** MQTT protocol level: 4 = MQTT 3.1.1, accepted by aedes and Mosquitto alike. */
export const MQTT_PROTOCOL_VERSION = 4;
/** Largest payload any side accepts; larger ones are dropped unread. */
export const MAX_DOOR_MESSAGE_BYTES = 4096;
export const TOPIC_ROOT = "pp/v1";

type Hex = `0x${string}`;

const ID = /^[A-Za-z0-9_-]{1,64}$/;
const HEX = (bytes: number) => new RegExp(`^0x[0-9a-fA-F]{${bytes * 2}}$`);
const HEX32 = HEX(32);
const HEX20 = HEX(20);
const HEX16 = HEX(16);
const HEX65 = HEX(65);

export const topics = {
  command: (venue: number, door: number) => `${TOPIC_ROOT}/venue/${venue}/door/${door}/cmd`,
  doorStatus: (venue: number, door: number) => `${TOPIC_ROOT}/venue/${venue}/door/${door}/status`,
  /** Door events (issue 20's door log, operator pulses) — reserved: agents may write, nobody subscribes yet. */
  doorEvents: (venue: number, door: number) => `${TOPIC_ROOT}/venue/${venue}/door/${door}/evt`,
  agentStatus: (venue: number, agent: string) => `${TOPIC_ROOT}/venue/${venue}/agent/${agent}/status`,
  response: (relayerInstance: string) => `${TOPIC_ROOT}/relayer/${relayerInstance}/res`,
  /** The venue's signed revocation list of offline DoorPasses (protocol/statusList.ts), retained. */
  statusList: (venue: number) => `${TOPIC_ROOT}/venue/${venue}/status-list`,
  /** Every door status of the network (a relayer or the operator page watching doors). */
  allDoorStatus: `${TOPIC_ROOT}/venue/+/door/+/status`,
  /** Every agent status of the network (online, or offline through its Last Will). */
  allAgentStatus: `${TOPIC_ROOT}/venue/+/agent/+/status`,
};

export type DoorTopic =
  | { kind: "cmd" | "status" | "evt"; venue: number; door: number }
  | { kind: "agent"; venue: number; agent: string }
  | { kind: "status-list"; venue: number }
  | { kind: "res"; relayer: string };

function uint32(s: string): number | null {
  return /^\d{1,10}$/.test(s) && Number(s) <= 0xffffffff ? Number(s) : null;
}

/** Parses a topic of this protocol, or null for anything else. */
export function parseDoorTopic(topic: string): DoorTopic | null {
  const p = topic.split("/");
  if (p[0] !== "pp" || p[1] !== "v1") return null;
  if (p.length === 5 && p[2] === "relayer" && p[4] === "res" && ID.test(p[3])) return { kind: "res", relayer: p[3] };
  if (p.length === 5 && p[2] === "venue" && p[4] === "status-list") {
    const venue = uint32(p[3]);
    return venue === null ? null : { kind: "status-list", venue };
  }
  if (p.length === 7 && p[2] === "venue" && p[6] === "status" && p[4] === "agent" && ID.test(p[5])) {
    const venue = uint32(p[3]);
    return venue === null ? null : { kind: "agent", venue, agent: p[5] };
  }
  if (
    p.length === 7 &&
    p[2] === "venue" &&
    p[4] === "door" &&
    (p[6] === "cmd" || p[6] === "status" || p[6] === "evt")
  ) {
    const venue = uint32(p[3]);
    const door = uint32(p[5]);
    return venue === null || door === null ? null : { kind: p[6], venue, door };
  }
  return null;
}

export function isTopicId(s: string): boolean {
  return ID.test(s);
}

// ---- relayer → agent ------------------------------------------------------------------------

/** "Give me a fresh challenge for this door" (the relayer's GET /api/doors/:id/challenge). */
export type ChallengeRequest = { v: 1; type: "challenge"; id: string; replyTo: string; door: number };
/** "Open this door": the relayer-signed OpenCommand; `id` must be the command's challenge id. */
export type OpenRequest = { v: 1; type: "open"; id: string; replyTo: string; command: OpenCommand };
export type DoorRequest = ChallengeRequest | OpenRequest;

// ---- agent → relayer ------------------------------------------------------------------------

export type ChallengeAnswer = { v: 1; type: "challenge"; id: string; door: number; challenge: Challenge | null };

/** The outcome of an open command at the lock, as Home Assistant's lock states would tell it. */
export type OpenResult = "opened" | "refused" | "jammed";
export const OPEN_RESULTS: readonly OpenResult[] = ["opened", "refused", "jammed"];

/** Why the agent refused a command (or why the lock failed), logged and answered. */
export type AgentRefusal =
  | "malformed_command"
  | "unknown_door"
  | "unknown_challenge"
  | "challenge_used"
  | "challenge_expired"
  | "command_expired"
  | "bad_signature"
  | "relayer_not_trusted"
  | "trust_unavailable"
  | "lock_unreachable"
  | "jammed"
  /** The door log could not be written: nothing is answered or opened without a record. */
  | "log_unavailable"
  // Offline decisions from a scanned DoorPass code (agent/src/offline/offlineGuard.ts).
  | OfflineRefusal;

/** Why the agent refused a scanned DoorPass code (docs/door-protocol.md §7, in the order checked). */
export type OfflineRefusal =
  | "online_use_app"
  | "clock_unset"
  | "malformed_code"
  | "bad_relayer_signature"
  | "wrong_venue"
  | "door_not_in_pass"
  | "door_pass_not_yet_valid"
  | "door_pass_expired"
  | "code_stale"
  | "bad_device_signature"
  | "status_list_missing"
  | "door_pass_revoked"
  | "code_used";

/** The agent's signed answer to an open command. `signature` is the door's lock key over `answerTypedData`. */
export type OpenAnswer = {
  v: 1;
  type: "open";
  id: string;
  door: number;
  result: OpenResult;
  reason: string;
  time: number;
  signature: Hex;
};
export type DoorAnswer = ChallengeAnswer | OpenAnswer;

/** Every decision at the door, published on its evt topic (the demo's door log, a future door screen
 * or operator page): the answer's fields and lock signature, plus the relayer that sent the command. */
export type DoorDecisionEvent = Omit<OpenAnswer, "type"> & { type: "decision"; relayer: Hex };

/** The lock signs OpenAnswer(door, challenge, result, reason, time) under the protocol domain
 * (protocol/doorAnswer.ts computes its digest with viem; the agent with its own small encoder). */
export const openAnswerTypes = {
  OpenAnswer: [
    { name: "door", type: "uint32" },
    { name: "challenge", type: "bytes32" },
    { name: "result", type: "string" },
    { name: "reason", type: "string" },
    { name: "time", type: "uint64" },
  ],
} as const;

// ---- retained status ------------------------------------------------------------------------

/** Home Assistant's lock entity states, plus "unknown" until the driver said. */
export type LockState = "locked" | "unlocked" | "open" | "jammed" | "unknown";
export const LOCK_STATES: readonly LockState[] = ["locked", "unlocked", "open", "jammed", "unknown"];

export type DoorStatus = {
  v: 1;
  door: number;
  agent: string;
  online: boolean;
  /** Unix seconds this status has been true since (online since, offline since). */
  since: number;
  state: LockState;
  /** Door contact input, when the driver has one. */
  contact: "open" | "closed" | null;
  lastOpening: number | null;
  /** Battery percentage, when the lock reports one. */
  battery: number | null;
  time: number;
};

export type AgentStatus = { v: 1; agent: string; online: boolean; since: number; doors: number[] };

// ---- parsing --------------------------------------------------------------------------------

export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: "oversized" | "malformed" };

const encoder = new TextEncoder();
/** Whether a string's UTF-8 form is over the limit (encoded only when it could be). */
function oversized(s: string): boolean {
  return s.length * 3 > MAX_DOOR_MESSAGE_BYTES && encoder.encode(s).byteLength > MAX_DOOR_MESSAGE_BYTES;
}

function decode(payload: Uint8Array | string): Parsed<Record<string, unknown>> {
  if (typeof payload === "string" ? oversized(payload) : payload.byteLength > MAX_DOOR_MESSAGE_BYTES)
    return { ok: false, reason: "oversized" };
  let v: unknown;
  try {
    v = JSON.parse(typeof payload === "string" ? payload : new TextDecoder("utf-8", { fatal: true }).decode(payload));
  } catch {
    return { ok: false, reason: "malformed" };
  }
  if (!v || typeof v !== "object" || Array.isArray(v)) return { ok: false, reason: "malformed" };
  if ((v as { v?: unknown }).v !== DOOR_MQTT_VERSION) return { ok: false, reason: "malformed" };
  return { ok: true, value: v as Record<string, unknown> };
}

const isUint = (v: unknown, max = Number.MAX_SAFE_INTEGER): v is number =>
  typeof v === "number" && Number.isSafeInteger(v) && v >= 0 && v <= max;
const isStr = (v: unknown, re: RegExp): v is string => typeof v === "string" && re.test(v);
const MALFORMED = { ok: false, reason: "malformed" } as const;

function openCommand(v: unknown): OpenCommand | null {
  if (!v || typeof v !== "object") return null;
  const c = v as Record<string, unknown>;
  if (!isUint(c.door, 0xffffffff) || !isUint(c.expires)) return null;
  if (!isStr(c.challenge, HEX32) || !isStr(c.relayer, HEX20) || !isStr(c.signature, HEX65)) return null;
  return {
    door: c.door,
    challenge: c.challenge.toLowerCase() as Hex,
    expires: c.expires,
    relayer: c.relayer as Hex,
    signature: c.signature as Hex,
  };
}

function challenge(v: unknown): Challenge | null {
  if (!v || typeof v !== "object") return null;
  const c = v as Record<string, unknown>;
  if (!isUint(c.door, 0xffffffff) || !isUint(c.time) || !isStr(c.nonce, HEX16) || !isStr(c.signature, HEX65))
    return null;
  return { door: c.door, nonce: c.nonce as Hex, time: c.time, signature: c.signature as Hex };
}

/** A request as the agent reads it from a cmd topic. */
export function parseDoorRequest(payload: Uint8Array | string): Parsed<DoorRequest> {
  const d = decode(payload);
  if (!d.ok) return d;
  const m = d.value;
  if (!isStr(m.id, ID) || typeof m.replyTo !== "string" || parseDoorTopic(m.replyTo)?.kind !== "res") return MALFORMED;
  if (m.type === "challenge") {
    if (!isUint(m.door, 0xffffffff)) return MALFORMED;
    return { ok: true, value: { v: 1, type: "challenge", id: m.id, replyTo: m.replyTo, door: m.door } };
  }
  if (m.type === "open") {
    const command = openCommand(m.command);
    if (!command || m.id.toLowerCase() !== command.challenge.slice(2)) return MALFORMED;
    return { ok: true, value: { v: 1, type: "open", id: m.id.toLowerCase(), replyTo: m.replyTo, command } };
  }
  return MALFORMED;
}

/** The correlation id of an open request: the command's challenge id without 0x (a topic-safe id). */
export function openRequestId(command: OpenCommand): string {
  return command.challenge.slice(2).toLowerCase();
}

/** An answer as the relayer reads it from its response topic. */
export function parseDoorAnswer(payload: Uint8Array | string): Parsed<DoorAnswer> {
  const d = decode(payload);
  if (!d.ok) return d;
  const m = d.value;
  if (!isStr(m.id, ID) || !isUint(m.door, 0xffffffff)) return MALFORMED;
  if (m.type === "challenge") {
    const c = m.challenge === null ? null : challenge(m.challenge);
    if (m.challenge !== null && (!c || c.door !== m.door)) return MALFORMED;
    return { ok: true, value: { v: 1, type: "challenge", id: m.id, door: m.door, challenge: c } };
  }
  if (m.type === "open") {
    if (!OPEN_RESULTS.includes(m.result as OpenResult)) return MALFORMED;
    if (typeof m.reason !== "string" || m.reason.length > 64 || !isUint(m.time) || !isStr(m.signature, HEX65))
      return MALFORMED;
    return {
      ok: true,
      value: {
        v: 1,
        type: "open",
        id: m.id.toLowerCase(),
        door: m.door,
        result: m.result as OpenResult,
        reason: m.reason,
        time: m.time,
        signature: m.signature as Hex,
      },
    };
  }
  return MALFORMED;
}

/** A retained door status as a watcher reads it. */
export function parseDoorStatus(payload: Uint8Array | string): Parsed<DoorStatus> {
  const d = decode(payload);
  if (!d.ok) return d;
  const m = d.value;
  if (!isUint(m.door, 0xffffffff) || !isStr(m.agent, ID) || typeof m.online !== "boolean") return MALFORMED;
  if (!isUint(m.since) || !isUint(m.time) || !LOCK_STATES.includes(m.state as LockState)) return MALFORMED;
  if (m.contact !== null && m.contact !== "open" && m.contact !== "closed") return MALFORMED;
  if (m.lastOpening !== null && !isUint(m.lastOpening)) return MALFORMED;
  if (m.battery !== null && !isUint(m.battery, 100)) return MALFORMED;
  return {
    ok: true,
    value: {
      v: 1,
      door: m.door,
      agent: m.agent,
      online: m.online,
      since: m.since,
      state: m.state as LockState,
      contact: m.contact,
      lastOpening: m.lastOpening,
      battery: m.battery,
      time: m.time,
    },
  };
}

export function parseAgentStatus(payload: Uint8Array | string): Parsed<AgentStatus> {
  const d = decode(payload);
  if (!d.ok) return d;
  const m = d.value;
  if (!isStr(m.agent, ID) || typeof m.online !== "boolean" || !isUint(m.since)) return MALFORMED;
  if (!Array.isArray(m.doors) || m.doors.length > 256 || !m.doors.every((x) => isUint(x, 0xffffffff))) return MALFORMED;
  return { ok: true, value: { v: 1, agent: m.agent, online: m.online, since: m.since, doors: m.doors } };
}

/** A decision event as a watcher reads it from an evt topic (its signature is checked by the reader). */
export function parseDoorEvent(payload: Uint8Array | string): Parsed<DoorDecisionEvent> {
  const d = decode(payload);
  if (!d.ok) return d;
  const m = d.value;
  if (m.type !== "decision" || !isStr(m.relayer, HEX20)) return MALFORMED;
  const a = parseDoorAnswer(JSON.stringify({ ...m, type: "open" }));
  if (!a.ok || a.value.type !== "open") return MALFORMED;
  return { ok: true, value: { ...a.value, type: "decision", relayer: m.relayer as Hex } };
}

/** Serialises any message of this protocol, refusing one over the size limit (a bug, not input). */
export function encodeDoorMessage(m: DoorRequest | DoorAnswer | DoorDecisionEvent | DoorStatus | AgentStatus): string {
  const s = JSON.stringify(m);
  if (oversized(s)) throw new RangeError("door message over MAX_DOOR_MESSAGE_BYTES");
  return s;
}
