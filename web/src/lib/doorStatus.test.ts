import { describe, expect, it } from "vitest";
import { describeDoor } from "./doorStatus.ts";
import type { DoorLiveStatus } from "../../../protocol/api/doorOps.ts";

const time = (t: number) => `t${t}`;
const base: DoorLiveStatus = {
  door: 3,
  connection: "online",
  since: 100,
  state: "locked",
  contact: "closed",
  battery: 64,
  lastOpening: 90,
  agent: "le-lab",
  reportedAt: 120,
};

describe("describeDoor", () => {
  it("says unknown when nothing was heard, never online or locked", () => {
    expect(describeDoor(undefined, time)).toEqual({ tone: "unknown", lines: [{ key: "doors.live.unknown" }] });
    const unknown = describeDoor(
      { ...base, connection: "unknown", since: null, state: "unknown", contact: null },
      time,
    );
    expect(unknown.tone).toBe("unknown");
    expect(unknown.lines.map((l) => l.key)).toEqual(["doors.live.unknown", "doors.live.lastOpening"]);
  });

  it("tells an online door's state, contact, battery and last opening", () => {
    const d = describeDoor(base, time);
    expect(d.tone).toBe("ok");
    expect(d.lines).toEqual([
      { key: "doors.live.onlineSince", vars: { time: "t100" } },
      { key: "doors.live.locked" },
      { key: "doors.live.contactClosed" },
      { key: "doors.live.battery", vars: { n: 64 } },
      { key: "doors.live.lastOpening", vars: { time: "t90" } },
    ]);
  });

  it("shows no lock state for an offline door, and its offline time only when known", () => {
    const off = describeDoor({ ...base, connection: "offline", since: 200, state: "locked", contact: "closed" }, time);
    expect(off.tone).toBe("warn");
    expect(off.lines.map((l) => l.key)).toEqual(["doors.live.offlineSince", "doors.live.lastOpening"]);
    const undated = describeDoor({ ...base, connection: "offline", since: null, lastOpening: null }, time);
    expect(undated.lines).toEqual([{ key: "doors.live.offline" }]);
  });

  it("warns of a jammed lock", () => {
    const j = describeDoor({ ...base, state: "jammed" }, time);
    expect(j.tone).toBe("warn");
    expect(j.lines.map((l) => l.key)).toContain("doors.live.jammed");
  });
});
