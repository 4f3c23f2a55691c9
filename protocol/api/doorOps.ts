// The operator's door routes (server/http/routes/doorOps.ts): the doors' live status as the relayer
// hears it on the broker, and a remote pulse. docs/door-protocol.md §8 is the prose.
import { z } from "zod";
import type { LockState } from "../doorMqtt.ts";
import { asOfBlock, int, uint32, unixSeconds } from "./json.ts";

/** Audit reasons of an operator's remote pulse: the intent (recorded before the command leaves),
 * then its outcome, under the same request id; a refused attempt by someone else is recorded too. */
export const OPERATOR_PULSE_REASONS = [
  "operator_pulse",
  "operator_pulse_opened",
  "operator_pulse_refused",
  "operator_pulse_unreachable",
  "operator_pulse_forbidden",
] as const;
export type OperatorPulseReason = (typeof OPERATOR_PULSE_REASONS)[number];

const nullableSeconds = unixSeconds.nullable();

export const doorLiveStatus = z
  .object({
    door: uint32,
    connection: z.enum(["online", "offline", "unknown"]).meta({
      description:
        "online: the door's retained status and its agent's both say online, and the relayer is connected to the broker; offline: one of them says offline; unknown: nothing heard (never paired, never connected), the agent's status missing, or the relayer not connected to the broker",
    }),
    since: nullableSeconds.meta({
      description:
        "online since / offline since (UNIX seconds); null when not known (an agent found offline when the relayer started)",
    }),
    state: z
      .enum(["locked", "unlocked", "open", "jammed", "unknown"] satisfies readonly LockState[])
      .meta({ description: "the lock's state as its driver reads it; unknown unless online" }),
    contact: z.enum(["open", "closed"]).nullable().meta({ description: "door contact, when wired and online" }),
    battery: int.min(0).max(100).nullable().meta({ description: "battery percentage, when the lock reports one" }),
    lastOpening: nullableSeconds.meta({ description: "the agent's time of the door's last opening" }),
    agent: z.string().nullable().meta({ description: "the agent serving the door (its agentId)" }),
    reportedAt: nullableSeconds.meta({ description: "the agent's time of the door's last status" }),
  })
  .meta({ id: "DoorLiveStatus" });
export type DoorLiveStatus = z.output<typeof doorLiveStatus>;

export const doorsStatusAnswer = z
  .object({
    venueId: uint32,
    broker: z.enum(["connected", "disconnected"]).meta({
      description: "the relayer's broker connection; disconnected: every door is unknown or offline",
    }),
    doors: z.array(doorLiveStatus).meta({ description: "the venue's active doors, by id" }),
    asOfBlock,
  })
  .meta({ id: "DoorsStatusAnswer" });

export const pulseAnswer = z
  .object({
    door: uint32,
    result: z.enum(["opened", "refused", "unreachable"]).meta({
      description:
        "opened: the agent pulsed the lock; refused: the agent refused or the lock failed (reason); unreachable: no answer within LOCK_TIMEOUT_MS (the command has expired: the door will not open with it)",
    }),
    reason: z.string().optional(),
    requestId: z.string(),
    auditId: int.meta({ description: "the audit record of the pulse, committed before the command left" }),
  })
  .meta({ id: "PulseAnswer" });
