import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
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

  it("bounds a record's wait for a locked store by its timeout, for every queued record", async () => {
    const file = tempFile("audit.sqlite");
    const log = new AuditLog(file, { timeoutMs: 600 });
    await log.record(rec({ requestId: "before" }));
    // Another process holds the write lock for 4 s (longer than the timeout, shorter than 5 s).
    const locker = new DatabaseSync(file);
    locker.exec("BEGIN IMMEDIATE; DELETE FROM audit WHERE request_id = 'nothing'");
    const release = setTimeout(() => locker.exec("COMMIT"), 4_000);
    try {
      const t0 = performance.now();
      const settledAt = (p: Promise<unknown>) =>
        p.then(
          () => ({ ok: true, ms: performance.now() - t0 }),
          () => ({ ok: false, ms: performance.now() - t0 }),
        );
      const first = settledAt(log.record(rec({ requestId: "a" })));
      await new Promise((r) => setTimeout(r, 300));
      // Queued behind the first, still answered within its own timeout of its arrival.
      const second = settledAt(log.record(rec({ requestId: "b" })));
      const [a, b] = await Promise.all([first, second]);
      assert.equal(a.ok, false, "not recorded: refused");
      assert.equal(b.ok, false);
      // Well before the lock is gone (a loaded machine adds some scheduling delay to the 600 ms).
      assert.ok(a.ms < 2_000, `first answered after ${Math.round(a.ms)} ms`);
      assert.ok(b.ms < 300 + 2_000, `second answered after ${Math.round(b.ms)} ms`);
    } finally {
      await new Promise((r) => setTimeout(r, 4_100));
      clearTimeout(release);
      locker.close();
    }
    // A refused record was not written; the store works again once the lock is gone.
    assert.equal((await log.query({ requestIds: ["a", "b"] })).length, 0);
    assert.ok((await log.record(rec({ requestId: "after" }))) > 0);
    await log.close();
  });
});
