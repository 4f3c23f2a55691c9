// The wire protocol's shared definition (protocol/doorMqtt.ts): topics, parsing, size limits, and
// the broker ACL rules generated from the door registry (server/broker/acl.ts).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  MAX_DOOR_MESSAGE_BYTES,
  encodeDoorMessage,
  parseDoorAnswer,
  parseDoorRequest,
  parseDoorStatus,
  parseDoorTopic,
  topics,
} from "../../protocol/doorMqtt.ts";
import { AclChecker, brokerAcl, filterCovered, mosquittoAclFile, topicMatches } from "../../server/broker/acl.ts";

const challenge = `0x${"ab".repeat(32)}`;
const command = {
  door: 4,
  challenge,
  expires: 1_800_000_000,
  relayer: `0x${"11".repeat(20)}`,
  signature: `0x${"22".repeat(65)}`,
};
const open = { v: 1, type: "open", id: "ab".repeat(32), replyTo: topics.response("r1"), command };

describe("door MQTT protocol", () => {
  it("names and parses its topics, and nothing else", () => {
    assert.equal(topics.command(2, 4), "pp/v1/venue/2/door/4/cmd");
    assert.deepEqual(parseDoorTopic("pp/v1/venue/2/door/4/cmd"), { kind: "cmd", venue: 2, door: 4 });
    assert.deepEqual(parseDoorTopic("pp/v1/venue/2/status-list"), { kind: "status-list", venue: 2 });
    assert.equal(parseDoorTopic("pp/v1/venue/x/status-list"), null);
    assert.deepEqual(parseDoorTopic("pp/v1/venue/2/door/4/status"), { kind: "status", venue: 2, door: 4 });
    assert.deepEqual(parseDoorTopic("pp/v1/venue/2/agent/a-1/status"), { kind: "agent", venue: 2, agent: "a-1" });
    assert.deepEqual(parseDoorTopic("pp/v1/relayer/r1/res"), { kind: "res", relayer: "r1" });
    for (const t of [
      "pp/v1/venue/2/door/4",
      "pp/v2/venue/2/door/4/cmd",
      "pp/v1/venue/x/door/4/cmd",
      "pp/v1/venue/2/door/99999999999/cmd",
      "pp/v1/relayer/a b/res",
      "other",
    ])
      assert.equal(parseDoorTopic(t), null, t);
  });
  it("reads a well-formed open request; its id must be the command's challenge id", () => {
    const r = parseDoorRequest(JSON.stringify(open));
    assert.ok(r.ok && r.value.type === "open" && r.value.command.door === 4);
    assert.deepEqual(parseDoorRequest(JSON.stringify({ ...open, id: "cd".repeat(32) })), {
      ok: false,
      reason: "malformed",
    });
  });
  it("drops malformed, foreign-version, non-UTF-8 and oversized payloads", () => {
    const bad = [
      "{",
      "[]",
      "null",
      JSON.stringify({ ...open, v: 2 }),
      JSON.stringify({ ...open, replyTo: "elsewhere" }),
      JSON.stringify({ ...open, command: { ...command, signature: "0x12" } }),
      JSON.stringify({ ...open, command: { ...command, door: -1 } }),
      JSON.stringify({ ...open, type: "reboot" }),
    ];
    for (const b of bad) assert.deepEqual(parseDoorRequest(b), { ok: false, reason: "malformed" }, b);
    assert.deepEqual(parseDoorRequest(Buffer.from([0x7b, 0xff, 0x7d])), { ok: false, reason: "malformed" });
    const big = JSON.stringify({ ...open, pad: "x".repeat(MAX_DOOR_MESSAGE_BYTES) });
    assert.deepEqual(parseDoorRequest(big), { ok: false, reason: "oversized" });
    assert.deepEqual(parseDoorRequest(Buffer.from(big)), { ok: false, reason: "oversized" });
    const oversized = { ...open, pad: "x".repeat(MAX_DOOR_MESSAGE_BYTES) } as unknown as Parameters<
      typeof encodeDoorMessage
    >[0];
    assert.throws(() => encodeDoorMessage(oversized), RangeError);
  });
  it("reads answers and statuses, refusing unknown results and states", () => {
    const answer = {
      v: 1,
      type: "open",
      id: "ab".repeat(32),
      door: 4,
      result: "opened",
      reason: "opened",
      time: 5,
      signature: `0x${"33".repeat(65)}`,
    };
    assert.ok(parseDoorAnswer(JSON.stringify(answer)).ok);
    assert.equal(parseDoorAnswer(JSON.stringify({ ...answer, result: "exploded" })).ok, false);
    const status = {
      v: 1,
      door: 4,
      agent: "a",
      online: true,
      since: 1,
      state: "locked",
      contact: null,
      lastOpening: null,
      battery: 80,
      time: 2,
    };
    assert.ok(parseDoorStatus(JSON.stringify(status)).ok);
    assert.equal(parseDoorStatus(JSON.stringify({ ...status, state: "ajar" })).ok, false);
    assert.equal(parseDoorStatus(JSON.stringify({ ...status, battery: 101 })).ok, false);
  });
});

describe("broker ACL from the door registry", () => {
  const users = brokerAcl([
    { id: 1, venueId: 1 },
    { id: 2, venueId: 1 },
    { id: 3, venueId: 2 },
  ]);
  const acl = new AclChecker(users);
  it("lets a venue read only its doors' commands and write only their status, events and answers", () => {
    assert.equal(acl.canSubscribe("venue-1", "pp/v1/venue/1/door/1/cmd"), true);
    assert.equal(acl.canSubscribe("venue-1", "pp/v1/venue/2/door/3/cmd"), false);
    assert.equal(acl.canSubscribe("venue-1", "pp/v1/venue/1/door/+/cmd"), false, "a wildcard reaching past its doors");
    assert.equal(acl.canSubscribe("venue-1", "pp/v1/#"), false);
    assert.equal(acl.canPublish("venue-1", "pp/v1/venue/1/door/1/status"), true);
    assert.equal(acl.canPublish("venue-1", "pp/v1/venue/1/door/1/cmd"), false, "only relayers command");
    assert.equal(acl.canPublish("venue-1", "pp/v1/venue/2/door/3/status"), false);
    assert.equal(acl.canPublish("venue-1", "pp/v1/relayer/r1/res"), true);
    assert.equal(acl.canPublish("relayer", "pp/v1/venue/2/door/3/cmd"), true);
    assert.equal(acl.canPublish(undefined, "pp/v1/venue/2/door/3/cmd"), false);
    assert.equal(acl.canSubscribe("relayer", "pp/v1/relayer/r1/res"), true);
  });
  it("lets agents read only their venue's status list, and only relayers write one", () => {
    assert.equal(acl.canSubscribe("venue-1", "pp/v1/venue/1/status-list"), true);
    assert.equal(acl.canSubscribe("venue-1", "pp/v1/venue/2/status-list"), false);
    assert.equal(acl.canSubscribe("venue-1", "pp/v1/venue/+/status-list"), false);
    assert.equal(acl.canPublish("venue-1", "pp/v1/venue/1/status-list"), false, "an agent cannot forge its list");
    assert.equal(acl.canPublish("relayer", "pp/v1/venue/2/status-list"), true);
    assert.equal(acl.canPublish(undefined, "pp/v1/venue/1/status-list"), false);
  });
  it("matches MQTT wildcards as brokers do", () => {
    assert.equal(topicMatches("a/+/c", "a/b/c"), true);
    assert.equal(topicMatches("a/+/c", "a/b/c/d"), false);
    assert.equal(topicMatches("a/#", "a/b/c"), true);
    assert.equal(filterCovered("a/+/c", "a/+/c"), true);
    assert.equal(filterCovered("a/b/c", "a/+/c"), false);
    assert.equal(filterCovered("a/#", "a/b/#"), true);
  });
  it("renders Mosquitto's acl_file", () => {
    const text = mosquittoAclFile(users);
    assert.match(text, /\nuser relayer\ntopic write pp\/v1\/venue\/\+\/door\/\+\/cmd\n/);
    assert.match(
      text,
      /\nuser venue-2\ntopic read pp\/v1\/venue\/2\/door\/3\/cmd\ntopic write pp\/v1\/venue\/2\/door\/3\/status\n/,
    );
    assert.doesNotMatch(text.split("user venue-2")[1], /venue\/1\//);
  });
});
