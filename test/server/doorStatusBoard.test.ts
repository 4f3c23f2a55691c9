// The relayer's memory of the doors' retained statuses (server/locks/doorStatusBoard.ts): it keeps
// only what parses, under its topic's venue and door, within its bounds, and never shows a door
// online or locked on less than its own status and its agent's saying so.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { DoorStatusBoard } from "../../server/locks/doorStatusBoard.ts";
import { topics, type DoorStatus } from "../../protocol/doorMqtt.ts";

const enc = (m: object) => new TextEncoder().encode(JSON.stringify(m));
const door = (over: Partial<DoorStatus> = {}): DoorStatus => ({
  v: 1,
  door: 4,
  agent: "a1",
  online: true,
  since: 1000,
  state: "locked",
  contact: "closed",
  lastOpening: 900,
  battery: 80,
  time: 1010,
  ...over,
});
const agentOnline = { v: 1, agent: "a1", online: true, since: 1000, doors: [4] };

function board(now = { t: 2000 }) {
  const b = new DoorStatusBoard({ clock: () => now.t, maxDoors: 2, maxAgents: 2 });
  b.connected = true;
  return b;
}

describe("door status board", () => {
  it("is unknown until both the door's status and its agent's were heard", () => {
    const b = board();
    assert.equal(b.view(1, 4).connection, "unknown");
    assert.ok(b.receive(topics.doorStatus(1, 4), enc(door())));
    const half = b.view(1, 4);
    assert.equal(half.connection, "unknown");
    assert.equal(half.state, "unknown", "no lock state without the agent's word");
    assert.ok(b.receive(topics.agentStatus(1, "a1"), enc(agentOnline)));
    assert.deepEqual(b.view(1, 4), {
      door: 4,
      connection: "online",
      since: 1000,
      state: "locked",
      contact: "closed",
      battery: 80,
      lastOpening: 900,
      agent: "a1",
      reportedAt: 1010,
    });
  });

  it("goes offline by the agent's Last Will, since the moment it was heard, and shows no lock state then", () => {
    const now = { t: 2000 };
    const b = board(now);
    b.receive(topics.doorStatus(1, 4), enc(door()));
    b.receive(topics.agentStatus(1, "a1"), enc(agentOnline));
    now.t = 2500;
    // The will was written when the agent connected: its `since` is not the time it went offline.
    b.receive(topics.agentStatus(1, "a1"), enc({ ...agentOnline, online: false }));
    const v = b.view(1, 4);
    assert.equal(v.connection, "offline");
    assert.equal(v.since, 2500);
    assert.equal(v.state, "unknown");
    assert.equal(v.contact, null);
    assert.equal(v.lastOpening, 900, "history stays");
  });

  it("does not date an offline agent it only found retained", () => {
    const b = board();
    b.receive(topics.doorStatus(1, 4), enc(door()));
    b.receive(topics.agentStatus(1, "a1"), enc({ ...agentOnline, online: false }));
    assert.deepEqual([b.view(1, 4).connection, b.view(1, 4).since], ["offline", null]);
  });

  it("says nothing live while the relayer is not connected to the broker", () => {
    const b = board();
    b.receive(topics.doorStatus(1, 4), enc(door()));
    b.receive(topics.agentStatus(1, "a1"), enc(agentOnline));
    b.connected = false;
    assert.equal(b.view(1, 4).connection, "unknown");
    assert.equal(b.view(1, 4).state, "unknown");
  });

  it("files a status under its topic's venue only, and refuses a door or agent the topic does not name", () => {
    const b = board();
    b.receive(topics.agentStatus(2, "a1"), enc(agentOnline));
    b.receive(topics.doorStatus(2, 4), enc(door()));
    assert.equal(b.view(1, 4).connection, "unknown", "venue 2's agent says nothing of venue 1's door 4");
    assert.equal(b.receive(topics.doorStatus(1, 5), enc(door())), false, "door 4's status on door 5's topic");
    assert.equal(b.receive(topics.agentStatus(1, "a2"), enc(agentOnline)), false, "a1's status on a2's topic");
    assert.equal(b.view(1, 5).connection, "unknown");
  });

  it("drops unreadable, oversized and off-protocol messages, and keeps running", () => {
    const b = board();
    const bad: [string, Uint8Array][] = [
      [topics.doorStatus(1, 4), new TextEncoder().encode("{not json")],
      [topics.doorStatus(1, 4), enc({ ...door(), state: "wide-open" })],
      [topics.doorStatus(1, 4), enc({ ...door(), battery: 101 })],
      [topics.doorStatus(1, 4), new Uint8Array(5000).fill(32)],
      [topics.doorStatus(1, 4), new Uint8Array([0xff, 0xfe])],
      [topics.command(1, 4), enc(door())],
      ["pp/v1/venue/x/door/4/status", enc(door())],
    ];
    for (const [t, p] of bad) assert.equal(b.receive(t, p), false, t);
    assert.equal(b.stats.dropped, bad.length);
    assert.deepEqual(b.size, { doors: 0, agents: 0 });
  });

  it("is bounded, and an empty retained message clears an entry", () => {
    const b = board();
    assert.ok(b.receive(topics.doorStatus(1, 1), enc(door({ door: 1 }))));
    assert.ok(b.receive(topics.doorStatus(1, 2), enc(door({ door: 2 }))));
    assert.equal(b.receive(topics.doorStatus(1, 3), enc(door({ door: 3 }))), false, "full");
    assert.ok(b.receive(topics.doorStatus(1, 2), enc(door({ door: 2, state: "open" }))), "an update still fits");
    assert.equal(b.stats.full, 1);
    b.receive(topics.doorStatus(1, 1), new Uint8Array());
    assert.ok(b.receive(topics.doorStatus(1, 3), enc(door({ door: 3 }))));
    assert.equal(b.size.doors, 2);
  });
});
