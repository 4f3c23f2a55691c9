import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { AuditLog, type AuditRecord } from "../../server/audit/auditLog.ts";
import { tempFile } from "./fixture.ts";

const rec = (over: Partial<AuditRecord> = {}): AuditRecord => ({
  time: 1_800_000_000,
  door: 1,
  venue: 1,
  signer: "0xaaaa000000000000000000000000000000000001",
  pass: "7",
  decision: "denied",
  reason: "too_early",
  block: 12,
  challenge: null,
  requestId: "r",
  ...over,
});

describe("audit log", () => {
  it("commits concurrent records and keeps them across a reopen", async () => {
    const file = tempFile("audit.sqlite");
    const a = new AuditLog(file);
    const ids = await Promise.all(Array.from({ length: 200 }, (_, i) => a.record(rec({ requestId: `r${i}` }))));
    assert.equal(new Set(ids).size, 200);
    await a.close();
    const b = new AuditLog(file);
    assert.equal(b.count(), 200);
    assert.equal((await b.query({ requestIds: ["r0", "r199"] })).length, 2);
    await b.close();
  });

  it("scopes queries to a member's own records or an operator's venues", async () => {
    const a = new AuditLog(tempFile("audit.sqlite"));
    await a.record(rec({ signer: "0xaaaa000000000000000000000000000000000001", venue: 1 }));
    await a.record(rec({ signer: "0xbbbb000000000000000000000000000000000002", venue: 2 }));
    await a.record(rec({ signer: "0xcccc000000000000000000000000000000000003", venue: 1 }));
    assert.equal((await a.query({ signer: "0xAAAA000000000000000000000000000000000001" })).length, 1);
    assert.equal((await a.query({ venues: [1] })).length, 2);
    assert.equal((await a.query({ signer: "0xbbbb000000000000000000000000000000000002", venues: [1] })).length, 3);
    assert.equal((await a.query({ signer: "0xdddd000000000000000000000000000000000004", venues: [] })).length, 0);
    await a.close();
  });

  it("applies retention by decision time", async () => {
    const a = new AuditLog(tempFile("audit.sqlite"));
    const now = 1_800_000_000;
    await a.record(rec({ time: now - 100 * 86_400 }));
    await a.record(rec({ time: now - 10 * 86_400 }));
    assert.equal(await a.applyRetention(30, now), 1);
    assert.equal(a.count(), 1);
    await a.close();
  });
});
