// A slow lock behind the HTTP lock adapter: what the member is told must agree with what the lock
// may still do. The relayer and the lock simulator share a clock that ticks with real time.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { HOUR, startHarness, unlock, type Harness } from "./fixture.ts";
import { HttpLockAdapter } from "../../server/locks/lockAdapter.ts";
import type { OpenCommand } from "../../protocol/eip712.ts";

type LockBehaviour = { delayMs: number; dropConnection?: boolean };

describe("a slow lock", () => {
  let h: Harness;
  let passId: bigint;
  const member = () => h.chain.accounts[2];
  let behaviour: LockBehaviour = { delayMs: 0 };
  /** When the lock simulator opened a door, per challenge id (wall clock, ms). */
  const openedAt = new Map<string, number>();
  const processed = new Map<string, Promise<void>>();

  // A lock bridge in front of the simulator that takes `delayMs` to act on an open command.
  const lockServer = http.createServer((req, res) => {
    const m = /^\/doors\/(\d+)\/(challenge|open)$/.exec(req.url ?? "");
    if (!m) return void res.writeHead(404).end();
    if (m[2] === "challenge") {
      const c = h.sim.issueChallenge(Number(m[1]));
      return void res.writeHead(c ? 200 : 404, { "content-type": "application/json" }).end(JSON.stringify(c));
    }
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const cmd = JSON.parse(Buffer.concat(chunks).toString("utf8")) as OpenCommand;
      const { delayMs, dropConnection } = behaviour;
      if (dropConnection) req.socket.destroy();
      processed.set(
        cmd.challenge,
        new Promise((resolve) =>
          setTimeout(() => {
            void (async () => {
              const r = await h.sim.submit(Number(m[1]), cmd);
              if (r.result === "opened") openedAt.set(cmd.challenge, Date.now());
              if (!res.destroyed)
                res
                  .writeHead(r.result === "opened" ? 200 : 403, { "content-type": "application/json" })
                  .end(JSON.stringify(r));
              resolve();
            })();
          }, delayMs),
        ),
      );
    });
  });

  before(async () => {
    await new Promise<void>((resolve) => lockServer.listen(0, "127.0.0.1", resolve));
    const lockUrl = `http://127.0.0.1:${(lockServer.address() as AddressInfo).port}`;
    h = await startHarness({ LOCK_TIMEOUT_MS: "2000" }, { lock: new HttpLockAdapter(lockUrl, 2000) });
    const slot0 = Math.floor((await h.p.chainNow()) / HOUR) * HOUR;
    passId = (await h.p.book(member(), h.venue.office, slot0, slot0 + 3 * HOUR)).passId;
    // Real seconds, shifted into the booking: same sub-second phase as the system clock.
    const offset = slot0 + 600 - Math.floor(Date.now() / 1000);
    Object.defineProperty(h.clock, "now", { get: () => Math.floor(Date.now() / 1000) + offset, configurable: true });
  });
  after(async () => {
    lockServer.closeAllConnections();
    lockServer.close();
    await h?.stop();
  });

  async function open(b: LockBehaviour) {
    behaviour = b;
    const asked = Date.now();
    const r = await unlock(h, { key: member().privateKey, passId, door: h.venue.street });
    const toldAt = Date.now();
    assert.equal(r.body.reason, "granted");
    await processed.get(r.challengeId); // the lock has acted on the command
    const entry = h.sim.log(h.venue.street).find((e) => e.challenge === r.challengeId)!;
    return { r, asked, toldAt, entry, openedAt: openedAt.get(r.challengeId) };
  }

  it("never opens the door after the relayer said the lock was unreachable", async () => {
    const { r, asked, toldAt, entry, openedAt } = await open({ delayMs: 2500 });
    assert.deepEqual(r.body.lock, { status: "unreachable", reason: "timeout" });
    assert.ok(toldAt - asked < 2600, "answered when the wait ended");
    assert.equal(openedAt, undefined, "the door did not open");
    assert.equal(entry.result, "refused");
    assert.equal(entry.reason, "command_expired");
    assert.ok(r.body.openCommand!.expires < h.clock.now, "the command the member holds has expired too");
  });

  it("tells the member what the lock did when it answers in time", async () => {
    const { r, entry } = await open({ delayMs: 1500 });
    // At 1.5 s the command may or may not still be valid (whole seconds); either way the answer matches the lock's log.
    if (entry.result === "opened") assert.deepEqual(r.body.lock, { status: "opened" });
    else assert.deepEqual(r.body.lock, { status: "refused", reason: entry.reason });
  });

  it("answers a dropped connection only once the command can no longer open the door", async () => {
    const { r, asked, toldAt, openedAt } = await open({ delayMs: 900, dropConnection: true });
    assert.deepEqual(r.body.lock, { status: "unreachable", reason: "no_answer" });
    assert.ok(toldAt - asked >= 1900, `waited out the command (${toldAt - asked} ms)`);
    if (openedAt !== undefined) assert.ok(openedAt <= toldAt, "any opening happened before the answer");
  });
});
