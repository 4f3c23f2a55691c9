// Two relayer processes behind a round-robin balancer, sharing one audit trail: the SQLite file
// (relayers on one host) and PostgreSQL (a fleet on several hosts). A sign-in on one is valid on the
// other; a challenge granted by one is refused by the other; kill -9 of one under a burst of
// requests sent to both at once loses no audit record and grants no challenge twice.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { createServer, request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { privateKeyToAccount } from "viem/accounts";
import { createSiweMessage } from "viem/siwe";
import { freePort, killGroup, startLocalChain, type LocalChain } from "../helpers/localChain.ts";
import { run, waitHttp } from "../helpers/processes.ts";
import { startPostgres, type PgCluster } from "../helpers/postgres.ts";
import { HOUR, protocolOn, seedVenue, tempFile } from "./fixture.ts";
import { DEMO_RELAYER_ADDRESS } from "../../server/demoKeys.ts";
import { startDemoDoors, type DemoDoors } from "../../scripts/lib/demoDoors.ts";
import {
  asDecision,
  fetchChallenge,
  signUnlockRequest,
  type ErrorAnswer,
  type UnlockAnswer,
} from "../../scripts/lib/doorClient.ts";
import { openAudit } from "../../server/audit/openAudit.ts";
import type { UnlockRequest } from "../../protocol/eip712.ts";

/** Forwards each request to the next upstream in turn, like a load balancer without stickiness. */
async function roundRobin(upstreams: () => string[]): Promise<{ url: string; close(): void }> {
  let next = 0;
  const server: Server = createServer((req, res) => {
    const targets = upstreams();
    const target = new URL(targets[next++ % targets.length]);
    const up = httpRequest(
      { host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers },
      (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      },
    );
    up.on("error", () => res.writeHead(502).end());
    req.pipe(up);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}

async function post(base: string, body: string): Promise<UnlockAnswer> {
  const res = await fetch(`${base}/api/unlock`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body,
  });
  return asDecision((await res.json()) as UnlockAnswer | ErrorAnswer);
}

for (const store of ["sqlite", "postgres"] as const) {
  describe(`a fleet of two relayers sharing a ${store === "sqlite" ? "SQLite" : "PostgreSQL"} audit trail`, () => {
    let chain: LocalChain;
    let pg: PgCluster | undefined;
    let auditDb: string;
    const children: ChildProcess[] = [];
    const relayers: { url: string; env: Record<string, string>; child: ChildProcess }[] = [];
    let balancer: { url: string; close(): void };
    let passId: bigint;
    let door: number;
    let contract: `0x${string}`;
    const member = () => chain.accounts[2];

    async function startRelayerProcess(env: Record<string, string>) {
      const child = run("server/main.ts", env);
      children.push(child);
      await waitHttp(`http://127.0.0.1:${env.PORT}/readyz`, child);
      return child;
    }

    before(async () => {
      chain = await startLocalChain();
      const p = protocolOn(chain);
      contract = p.address;
      const venue = await seedVenue(p, DEMO_RELAYER_ADDRESS);
      door = venue.street;
      const slot0 = Math.floor((await p.chainNow()) / HOUR) * HOUR;
      passId = (await p.book(member(), venue.office, slot0, slot0 + 2 * HOUR)).passId;
      const deploymentsDir = path.join(path.dirname(tempFile("x")), "deployments");
      mkdirSync(deploymentsDir, { recursive: true });
      writeFileSync(path.join(deploymentsDir, "31337.json"), JSON.stringify(chain.deployments));
      if (store === "postgres") {
        pg = await startPostgres();
        auditDb = pg.url;
      } else auditDb = tempFile("fleet-audit.sqlite");

      // One broker for the whole fleet, a door agent process per venue.
      doors = await startDemoDoors({
        rpcUrl: chain.rpcUrl,
        chainId: 31337,
        runDir: path.dirname(tempFile("x")),
        deployments: chain.deployments,
        log: () => undefined,
        children,
      });
      for (let i = 0; i < 2; i++) {
        const port = await freePort();
        const env = {
          PORT: String(port),
          RPC_URL: chain.rpcUrl,
          DEPLOYMENTS_DIR: deploymentsDir,
          AUDIT_DB: auditDb,
          INDEX_DB: tempFile(`index-${i}.sqlite`), // each relayer keeps its own index file
          BROKER_URL: doors.brokerUrl,
          BROKER_PASSWORD: doors.relayerPassword,
          SESSION_SECRET: "one-secret-shared-by-the-whole-fleet-0123",
          RATE_LIMIT_IP_PER_MIN: "1000000",
          RATE_LIMIT_ADDRESS_PER_MIN: "1000000",
          LOG_LEVEL: "warn",
        };
        relayers.push({ url: `http://127.0.0.1:${port}`, env, child: await startRelayerProcess(env) });
      }
      balancer = await roundRobin(() => relayers.map((r) => r.url));
    });
    let doors: DemoDoors;
    after(async () => {
      balancer?.close();
      for (const c of children) await killGroup(c);
      await doors?.stop();
      await chain?.stop();
      pg?.stop();
    });

    it("a sign-in through the balancer holds on both relayers (nonce from one, verified by the other)", async () => {
      const account = privateKeyToAccount(member().privateKey);
      const { nonce } = (await (await fetch(`${balancer.url}/api/siwe/nonce`)).json()) as { nonce: string };
      const now = Date.now();
      const message = createSiweMessage({
        address: account.address,
        domain: "localhost:5173",
        uri: "http://localhost:5173",
        chainId: 31337,
        nonce,
        version: "1",
        issuedAt: new Date(now),
        expirationTime: new Date(now + 3_600_000),
      });
      const verified = await fetch(`${balancer.url}/api/siwe/verify`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ message, signature: await account.signMessage({ message }) }),
      });
      assert.equal(verified.status, 200);
      const cookie = verified.headers
        .getSetCookie()
        .find((c) => c.startsWith("pp_session="))!
        .split(";")[0];
      for (const r of relayers) {
        const me = await fetch(`${r.url}/api/me`, { headers: { cookie } });
        assert.equal(me.status, 200, `session valid on ${r.url}`);
        assert.equal(((await me.json()) as { address: string }).address.toLowerCase(), account.address.toLowerCase());
        const passes = await fetch(`${r.url}/api/passes?holder=${account.address}`, { headers: { cookie } });
        assert.equal(passes.status, 200);
      }
    });

    async function signedBody(): Promise<string> {
      const request: UnlockRequest = await signUnlockRequest({
        account: member().privateKey,
        chainId: 31337,
        contract,
        door,
        challenge: await fetchChallenge(relayers[0].url, door),
        passId,
        deadline: Math.floor(Date.now() / 1000) + 300,
      });
      return JSON.stringify(request);
    }

    it("a challenge granted by one relayer is refused by the other", async () => {
      const body = await signedBody();
      const first = await post(relayers[0].url, body);
      assert.equal(first.reason, "granted");
      const replay = await post(relayers[1].url, body);
      assert.equal(replay.granted, false);
      assert.equal(replay.reason, "challenge_used");
      assert.equal(replay.openCommand, undefined, "no open command for a replay");
    });

    it("kill -9 of one relayer under a burst sent to both loses no audit record and grants no challenge twice", async () => {
      // Signed eight at a time: each challenge is a round trip to the door agent through the broker.
      const bodies = new Array<string>(120);
      let toSign = 0;
      await Promise.all(
        Array.from({ length: 8 }, async () => {
          for (let i = toSign++; i < bodies.length; i = toSign++) bodies[i] = await signedBody();
        }),
      );
      const answered: (UnlockAnswer & { body: number })[] = [];
      let cut = 0;
      let killed = false;
      let next = 0;
      const victim = relayers[0];
      // Each request goes to both relayers at the same moment: the race a replay through a
      // balancer would make.
      const worker = async () => {
        while (next < bodies.length) {
          const i = next++;
          await Promise.all(
            relayers.map(async (r) => {
              try {
                answered.push({ ...(await post(r.url, bodies[i])), body: i });
              } catch {
                cut++;
              }
            }),
          );
          if (answered.length >= 80 && !killed) {
            killed = true;
            process.kill(-victim.child.pid!, "SIGKILL");
          }
        }
      };
      await Promise.all(Array.from({ length: 8 }, worker));
      assert.ok(killed, "killed mid-burst");
      assert.ok(cut > 0, "the kill cut requests off");

      const grantsPerBody = new Map<number, number>();
      for (const a of answered) if (a.granted) grantsPerBody.set(a.body, (grantsPerBody.get(a.body) ?? 0) + 1);
      assert.ok(grantsPerBody.size > 60, `most challenges granted once (${grantsPerBody.size})`);
      for (const [i, n] of grantsPerBody) assert.equal(n, 1, `challenge of request ${i} granted ${n} times`);

      // Restart the killed relayer: it still refuses what the fleet granted before the kill.
      victim.child = await startRelayerProcess(victim.env);
      const granted = [...grantsPerBody.keys()][0];
      assert.equal((await post(victim.url, bodies[granted])).reason, "challenge_used");

      const audit = await openAudit(auditDb);
      try {
        const rows = await audit.query({ requestIds: answered.map((a) => a.requestId) });
        const byId = new Map(rows.map((r) => [r.requestId, r]));
        for (const a of answered) {
          const row = byId.get(a.requestId);
          assert.ok(row, `audit record for answered request ${a.requestId}`);
          assert.equal(row.id, a.auditId);
          assert.equal(row.reason, a.reason);
          assert.equal(row.decision, a.granted ? "granted" : "denied");
        }
        const all = await audit.query({ limit: 1000 });
        const grantedChallenges = all.filter((r) => r.decision === "granted").map((r) => r.challenge);
        assert.equal(new Set(grantedChallenges).size, grantedChallenges.length, "one granted record per challenge");
      } finally {
        await audit.close();
      }
    });
  });
}
