// The relayer and the door agents as real processes: start-up refusal with one clear line,
// and a SIGKILL during a burst — every request that got an answer has its audit record after restart.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { privateKeyToAccount } from "viem/accounts";
import { freePort, killGroup, startLocalChain, type LocalChain } from "../helpers/localChain.ts";
import { exitOf, run, waitHttp } from "../helpers/processes.ts";
import { HOUR, protocolOn, seedVenue, tempFile } from "./fixture.ts";
import { DEMO_RELAYER_ADDRESS } from "../../server/demoKeys.ts";
import { AuditLog } from "../../server/audit/auditLog.ts";
import { SqliteDoorLogStore } from "../../server/audit/doorLogStore.ts";
import { createDoorHasher, toHex } from "../../server/door/doorCrypto.ts";
import { protocolDomain, unlockRequestTypes, type Challenge } from "../../protocol/eip712.ts";
import { passepartoutAbi } from "../../protocol/abis.ts";
import type { UnlockAnswer } from "../../scripts/lib/doorClient.ts";
import type { DoorDecisionEvent } from "../../protocol/doorMqtt.ts";
import { startDemoDoors, type DemoDoors } from "../../scripts/lib/demoDoors.ts";

describe("relayer processes", () => {
  it("refuses to start with one clear line on a bad configuration", async () => {
    const r = await exitOf(run("server/main.ts", { PORT: "not-a-port" }));
    assert.equal(r.code, 1);
    assert.equal(r.stderr.trim().split("\n").length, 1);
    assert.match(r.stderr, /invalid configuration: PORT/);
  });

  it("refuses to start with one clear line when the chain is unreachable", async () => {
    const port = await freePort();
    const dir = path.dirname(tempFile("x"));
    writeFileSync(
      path.join(dir, "31337.json"),
      JSON.stringify({
        chainId: 31337,
        deployBlock: 1,
        contracts: { Passepartout: { address: "0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0", abi: passepartoutAbi } },
      }),
    );
    const r = await exitOf(
      run("server/main.ts", { RPC_URL: `http://127.0.0.1:${port}`, DEPLOYMENTS_DIR: dir, PORT: "0" }),
    );
    assert.equal(r.code, 1);
    assert.equal(r.stderr.trim().split("\n").length, 1);
    assert.match(r.stderr, /chain unreachable at RPC_URL/);
  });

  describe("when killed with SIGKILL during a burst", () => {
    let chain: LocalChain;
    const children: ChildProcess[] = [];
    let deploymentsDir: string;
    before(async () => {
      chain = await startLocalChain();
      deploymentsDir = path.join(path.dirname(tempFile("x")), "deployments");
      mkdirSync(deploymentsDir, { recursive: true });
      writeFileSync(path.join(deploymentsDir, "31337.json"), JSON.stringify(chain.deployments));
    });
    let doors: DemoDoors | undefined;
    after(async () => {
      for (const c of children) await killGroup(c);
      await doors?.stop();
      await chain?.stop();
    });

    it("has an audit record for every answered request after restart", async () => {
      const p = protocolOn(chain);
      const venue = await seedVenue(p, DEMO_RELAYER_ADDRESS);
      const member = chain.accounts[2];
      const slot0 = Math.floor((await p.chainNow()) / HOUR) * HOUR;
      const { passId } = await p.book(member, venue.office, slot0, slot0 + 2 * HOUR);

      // The embedded broker and a door agent process per venue, simulated locks.
      doors = await startDemoDoors({
        rpcUrl: chain.rpcUrl,
        chainId: 31337,
        runDir: path.dirname(tempFile("x")),
        deployments: chain.deployments,
        log: () => undefined,
        children,
      });

      const auditDb = tempFile("audit.sqlite");
      const relayerPort = await freePort();
      const relayerEnv = {
        PORT: String(relayerPort),
        RPC_URL: chain.rpcUrl,
        DEPLOYMENTS_DIR: deploymentsDir,
        AUDIT_DB: auditDb,
        INDEX_DB: tempFile("index.sqlite"),
        BROKER_URL: doors.brokerUrl,
        BROKER_PASSWORD: doors.relayerPassword,
        RATE_LIMIT_IP_PER_MIN: "1000000",
        RATE_LIMIT_ADDRESS_PER_MIN: "1000000",
        LOG_LEVEL: "warn",
      };
      const base = `http://127.0.0.1:${relayerPort}`;
      let relayer = run("server/main.ts", relayerEnv);
      children.push(relayer);
      await waitHttp(`${base}/readyz`, relayer);

      // Pre-sign a burst: two thirds by the holder (granted), one third by a stranger (denied).
      const hasher = createDoorHasher(31337, p.address);
      const now = Math.floor(Date.now() / 1000);
      // Eight at a time (each challenge is a round trip to the door agent through the broker),
      // every body at its index: the same 300 requests as one after another.
      const bodies = new Array<string>(300);
      let toSign = 0;
      const signBodies = async () => {
        for (let i = toSign++; i < bodies.length; i = toSign++) {
          const key = i % 3 === 2 ? chain.accounts[3].privateKey : member.privateKey;
          const challenge = (await (await fetch(`${base}/api/doors/${venue.street}/challenge`)).json()) as Challenge;
          const account = privateKeyToAccount(key);
          const deadline = now + 300;
          const signature = await account.signTypedData({
            domain: protocolDomain(31337, p.address),
            types: unlockRequestTypes,
            primaryType: "UnlockRequest",
            message: {
              door: venue.street,
              challenge: toHex(hasher.challengeDigest(challenge)),
              passId,
              deadline: BigInt(deadline),
            },
          });
          bodies[i] = JSON.stringify({
            chainId: 31337,
            contract: p.address,
            door: venue.street,
            challenge,
            passId: String(passId),
            deadline,
            signer: account.address,
            signature,
          });
        }
      };
      await Promise.all(Array.from({ length: 8 }, signBodies));

      const answered: {
        requestId: string;
        reason: string;
        granted: boolean;
        auditId: number;
        lock?: { status: string };
        challenge?: string;
      }[] = [];
      let failed = 0;
      let next = 0;
      let killed = false;
      const worker = async () => {
        while (next < bodies.length) {
          const body = bodies[next++];
          try {
            const res = await fetch(`${base}/api/unlock`, {
              method: "POST",
              headers: { "content-type": "application/json" },
              body,
            });
            const json = (await res.json()) as UnlockAnswer;
            answered.push({ ...json, challenge: json.openCommand?.challenge });
            if (answered.length === 120 && !killed) {
              killed = true;
              process.kill(-relayer.pid!, "SIGKILL");
            }
          } catch {
            failed++;
          }
        }
      };
      await Promise.all(Array.from({ length: 16 }, worker));
      assert.ok(killed, "killed mid-burst");
      assert.ok(failed > 0, "some requests were cut off by the kill");
      assert.ok(answered.length >= 120);

      relayer = run("server/main.ts", relayerEnv);
      children.push(relayer);
      await waitHttp(`${base}/readyz`, relayer);
      const audit = new AuditLog(auditDb);
      try {
        const rows = await audit.query({ requestIds: answered.map((a) => a.requestId) });
        const byId = new Map(rows.map((r) => [r.requestId, r]));
        for (const a of answered) {
          const row = byId.get(a.requestId);
          assert.ok(row, `audit record for answered request ${a.requestId}`);
          assert.equal(row.reason, a.reason);
          assert.equal(row.id, a.auditId);
          assert.equal(row.decision, a.granted ? "granted" : "denied");
        }
      } finally {
        await audit.close();
      }
      const grants = answered.filter((a) => a.granted);
      assert.ok(grants.length > 50);
      assert.ok(answered.some((a) => a.reason === "not_holder_or_guest"));
      // Doors opened per the agents' own (lock-signed) decisions.
      const log = (await (await fetch(`${doors.doorLogUrl}/log`)).json()) as DoorDecisionEvent[];
      const opened = new Set<string | null | undefined>(
        log.filter((e) => e.result === "opened").map((e) => `0x${e.id}`),
      );
      for (const g of grants) if (g.lock?.status === "opened") assert.ok(opened.has(g.challenge));
      // The agents' door logs reached the restarted relayer over the broker (uploads cut by the kill
      // resumed): a granted record for every opening, each agent's history gap-free.
      const doorLog = new SqliteDoorLogStore(auditDb);
      try {
        const openings = grants.filter((g) => g.lock?.status === "opened").map((g) => g.challenge!);
        let held: Awaited<ReturnType<SqliteDoorLogStore["query"]>> = [];
        for (
          const deadline = Date.now() + 30_000;
          Date.now() < deadline;
          await new Promise((r) => setTimeout(r, 200))
        ) {
          held = await doorLog.query({ venues: [venue.venueId], limit: 1000 });
          const granted = new Set(held.filter((r) => r.result === "granted" && r.kind === "online").map((r) => r.ref));
          if (openings.every((c) => granted.has(c))) break;
        }
        const granted = new Set(held.filter((r) => r.result === "granted").map((r) => r.ref));
        assert.deepEqual(
          openings.filter((c) => !granted.has(c)),
          [],
          "every opening is in the uploaded door log",
        );
        for (const agent of new Set(held.map((r) => r.agent))) {
          const seqs = held.filter((r) => r.agent === agent).map((r) => r.seq);
          assert.equal(Math.max(...seqs), seqs.length, `agent ${agent}: 1…n without a gap`);
        }
      } finally {
        await doorLog.close();
      }
      // The restarted relayer still decides.
      const again = await fetch(`${base}/healthz`);
      assert.equal(again.status, 200);
    });
  });
});
