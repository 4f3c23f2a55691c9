// The HTTP lock adapter against a lock simulator served over https (and plain http), no chain.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import http from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import { HttpLockAdapter } from "../../server/locks/lockAdapter.ts";
import { LockSimulator } from "../../server/locks/lockSimulator.ts";
import { createLockApp } from "../../server/locks/lockSimulatorServer.ts";
import { createDoorHasher, signDigest, toHex, type Hex } from "../../server/door/doorCrypto.ts";
import { demoLockKey, DEMO_RELAYER_ADDRESS, DEMO_RELAYER_PRIVATE_KEY } from "../../server/demoKeys.ts";
import type { Challenge } from "../../protocol/eip712.ts";

const CONTRACT: Hex = "0x5fbdb2315678afecb367f032d93f642f64180aa3";
const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url));
const TLS = { key: fixture("lock-tls.key"), cert: fixture("lock-tls.crt") };

const sim = new LockSimulator({
  chainId: 31337,
  contract: CONTRACT,
  doorKeys: new Map([[1, demoLockKey(1)]]),
  trust: {
    doorVenue: () => Promise.resolve(1),
    isRelayerTrusted: (_venue, relayer) =>
      Promise.resolve(relayer.toLowerCase() === DEMO_RELAYER_ADDRESS.toLowerCase()),
  },
  trustCacheMs: 0,
});
const hasher = createDoorHasher(31337, CONTRACT);

function openCommand(c: Challenge) {
  const challenge = toHex(hasher.challengeDigest(c));
  const expires = Math.floor(Date.now() / 1000) + 5;
  return {
    door: c.door,
    challenge,
    expires,
    relayer: DEMO_RELAYER_ADDRESS,
    signature: signDigest(hasher.openCommandDigest({ door: c.door, challenge, expires }), DEMO_RELAYER_PRIVATE_KEY),
  };
}

function listen(server: http.Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port)));
}

describe("HttpLockAdapter", () => {
  const tlsServer = https.createServer(TLS, createLockApp(sim));
  const plainServer = http.createServer(createLockApp(sim));
  let tlsUrl = "";
  let plainUrl = "";
  before(async () => {
    tlsUrl = `https://127.0.0.1:${await listen(tlsServer)}`;
    plainUrl = `http://127.0.0.1:${await listen(plainServer)}`;
  });
  after(() => {
    for (const s of [tlsServer, plainServer]) {
      s.closeAllConnections();
      s.close();
    }
  });

  it("fetches a challenge and delivers an open command to an https lock", async () => {
    const adapter = new HttpLockAdapter(tlsUrl, 2000, { ca: TLS.cert });
    const challenge = await adapter.getChallenge(1);
    assert.ok(challenge);
    assert.equal(challenge.door, 1);
    assert.deepEqual(await adapter.deliver(openCommand(challenge)), { status: "opened" });
    assert.equal(await adapter.getChallenge(99), null, "unknown door");
  });

  it("batches concurrent commands over https as over http", async () => {
    for (const [url, tls] of [
      [tlsUrl, { ca: TLS.cert }],
      [plainUrl, {}],
    ] as const) {
      const adapter = new HttpLockAdapter(url, 2000, tls);
      const commands = await Promise.all(
        [1, 2, 3, 4, 5].map(async () => openCommand((await adapter.getChallenge(1))!)),
      );
      const results = await Promise.all(commands.map((c) => adapter.deliver(c)));
      assert.deepEqual(
        results,
        commands.map(() => ({ status: "opened" })),
        url,
      );
    }
  });

  it("does not talk to an https lock whose certificate it cannot verify", async () => {
    const adapter = new HttpLockAdapter(tlsUrl, 2000);
    await assert.rejects(adapter.getChallenge(1));
    const c = sim.issueChallenge(1)!;
    assert.deepEqual(await adapter.deliver(openCommand(c)), { status: "unreachable", reason: "connection_failed" });
    assert.equal(sim.log().at(-1)?.challenge === toHex(hasher.challengeDigest(c)), false, "the lock never saw it");
  });

  it("answers at once when nothing listens at the lock URL (the lock never got the command)", async () => {
    const closed = http.createServer();
    const port = await listen(closed);
    closed.close();
    const adapter = new HttpLockAdapter(`http://127.0.0.1:${port}`, 2000);
    const started = Date.now();
    assert.deepEqual(await adapter.deliver(openCommand(sim.issueChallenge(1)!)), {
      status: "unreachable",
      reason: "connection_failed",
    });
    assert.ok(Date.now() - started < 1000);
  });

  it("refuses a lock URL that is neither http nor https", () => {
    assert.throws(() => new HttpLockAdapter("ftp://127.0.0.1:21"), /http or https/);
  });
});
