// The doors' live status as this relayer hears it on the broker: the agents' retained door and
// agent statuses (protocol/doorMqtt.ts), fed by the lock adapter's one connection
// (mqttLockAdapter.ts subscribes to both topic filters), kept in memory, bounded in size. Only
// messages that parse are kept, and only under the venue of their topic (the broker's ACL lets a
// venue's agent write its own venue's topics only). An empty retained payload clears an entry.
//
// What an operator is shown never claims more than was heard (`view`): no status → unknown; a door
// is online only when its own status and its agent's both say so and this relayer is connected to
// the broker; an offline agent's lock state is not shown (it may have changed since).
import { parseAgentStatus, parseDoorStatus, parseDoorTopic, type DoorStatus } from "../../protocol/doorMqtt.ts";
import type { DoorLiveStatus } from "../../protocol/api/doorOps.ts";

/** Default bounds: a network of hundreds of venues has thousands of doors. */
export const DEFAULT_MAX_DOORS = 20_000;
export const DEFAULT_MAX_AGENTS = 10_000;

type AgentEntry = {
  online: boolean;
  since: number;
  /** When this relayer heard the agent go offline (its Last Will carries the time it connected). */
  offlineHeardAt: number | null;
};

export class DoorStatusBoard {
  private readonly doors = new Map<string, DoorStatus>();
  private readonly agents = new Map<string, AgentEntry>();
  private readonly maxDoors: number;
  private readonly maxAgents: number;
  private readonly clock: () => number;
  /** Whether the broker connection is up (statuses heard before a disconnection may be stale). */
  connected = false;
  /** Messages refused (unreadable, or over the bounds): a metric for the operator. */
  readonly stats = { dropped: 0, full: 0 };

  constructor(o: { clock: () => number; maxDoors?: number; maxAgents?: number }) {
    this.clock = o.clock;
    this.maxDoors = o.maxDoors ?? DEFAULT_MAX_DOORS;
    this.maxAgents = o.maxAgents ?? DEFAULT_MAX_AGENTS;
  }

  /** Takes one message of a status topic; false when it was not kept (not a status, unreadable, full). */
  receive(topic: string, payload: Uint8Array): boolean {
    const t = parseDoorTopic(topic);
    if (t?.kind === "status") return this.doorMessage(`${t.venue}/${t.door}`, t.door, payload);
    if (t?.kind === "agent") return this.agentMessage(`${t.venue}/${t.agent}`, t.agent, payload);
    this.stats.dropped++;
    return false;
  }

  private doorMessage(key: string, door: number, payload: Uint8Array): boolean {
    if (payload.byteLength === 0) return this.doors.delete(key);
    const p = parseDoorStatus(payload);
    if (!p.ok || p.value.door !== door) {
      this.stats.dropped++;
      return false;
    }
    if (!this.doors.has(key) && this.doors.size >= this.maxDoors) {
      this.stats.full++;
      return false;
    }
    this.doors.set(key, p.value);
    return true;
  }

  private agentMessage(key: string, agent: string, payload: Uint8Array): boolean {
    if (payload.byteLength === 0) return this.agents.delete(key);
    const p = parseAgentStatus(payload);
    if (!p.ok || p.value.agent !== agent) {
      this.stats.dropped++;
      return false;
    }
    const prev = this.agents.get(key);
    if (!prev && this.agents.size >= this.maxAgents) {
      this.stats.full++;
      return false;
    }
    const { online, since } = p.value;
    const offlineHeardAt = online ? null : prev && !prev.online ? prev.offlineHeardAt : prev ? this.clock() : null;
    this.agents.set(key, { online, since, offlineHeardAt });
    return true;
  }

  /** What the operator is shown of a door of `venue`. */
  view(venue: number, door: number): DoorLiveStatus {
    const unknown: DoorLiveStatus = {
      door,
      connection: "unknown",
      since: null,
      state: "unknown",
      contact: null,
      battery: null,
      lastOpening: null,
      agent: null,
      reportedAt: null,
    };
    const s = this.doors.get(`${venue}/${door}`);
    if (!s) return unknown;
    const heard = { ...unknown, agent: s.agent, lastOpening: s.lastOpening, reportedAt: s.time };
    if (!this.connected) return heard;
    const a = this.agents.get(`${venue}/${s.agent}`);
    if (!s.online) return { ...heard, connection: "offline", since: s.since };
    if (a && !a.online) return { ...heard, connection: "offline", since: a.offlineHeardAt };
    // The door says online but its agent's status was never heard: not enough to say online.
    if (!a) return heard;
    return {
      ...heard,
      connection: "online",
      since: s.since,
      state: s.state,
      contact: s.contact,
      battery: s.battery,
    };
  }

  get size(): { doors: number; agents: number } {
    return { doors: this.doors.size, agents: this.agents.size };
  }
}
