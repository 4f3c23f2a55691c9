// What the operator is told of a door's live status (the relayer's GET /api/venues/:id/doors/status,
// protocol/api/doorOps.ts): never more than the relayer heard — "unknown" when nothing was, no lock
// state when the door is not online — as message keys for the doors form.
import type { DoorLiveStatus } from "../../../protocol/api/doorOps.ts";
import type { TextKey } from "../i18n/messages.ts";

export type DoorLine = { key: TextKey; vars?: Record<string, string | number> };
export type DoorSummary = {
  /** ok: online; warn: offline or jammed; unknown: nothing heard. */
  tone: "ok" | "warn" | "unknown";
  lines: DoorLine[];
};

/** The lines of a door's status, `time` formatting an instant in the venue's time zone. */
export function describeDoor(s: DoorLiveStatus | undefined, time: (t: number) => string): DoorSummary {
  if (!s || s.connection === "unknown") {
    const lines: DoorLine[] = [{ key: "doors.live.unknown" }];
    if (s?.lastOpening) lines.push({ key: "doors.live.lastOpening", vars: { time: time(s.lastOpening) } });
    return { tone: "unknown", lines };
  }
  const lines: DoorLine[] = [];
  if (s.connection === "offline") {
    lines.push(
      s.since === null
        ? { key: "doors.live.offline" }
        : { key: "doors.live.offlineSince", vars: { time: time(s.since) } },
    );
  } else {
    if (s.since !== null) lines.push({ key: "doors.live.onlineSince", vars: { time: time(s.since) } });
    if (s.state !== "unknown") lines.push({ key: `doors.live.${s.state}` });
    if (s.contact) lines.push({ key: s.contact === "open" ? "doors.live.contactOpen" : "doors.live.contactClosed" });
    if (s.battery !== null) lines.push({ key: "doors.live.battery", vars: { n: s.battery } });
  }
  if (s.lastOpening !== null) lines.push({ key: "doors.live.lastOpening", vars: { time: time(s.lastOpening) } });
  const tone = s.connection === "online" && s.state !== "jammed" ? "ok" : "warn";
  return { tone, lines };
}
