// kill -9 of a door agent process mid-burst: every decision it acknowledged (printed after its record
// was durable) is in the log after the restart, and the chain verifies; the next process goes on
// from the last durable record. (A torn write after power loss: test/agent/doorLog.test.ts.)
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, it } from "node:test";
import { DoorLog } from "../../agent/src/doorLog.ts";
import { lockCrypto } from "../../agent/src/lockCrypto.ts";
import { CHAIN_ID, CONTRACT, lockKey } from "./brokerHarness.ts";
import { tempDir } from "../helpers/tempDirs.ts";

const burst = fileURLToPath(new URL("./fixtures/doorLogBurst.ts", import.meta.url));

/** Runs the burst until `acks` decisions were acknowledged plus a random extra wait, then SIGKILL. */
async function runAndKill(file: string, acks: number): Promise<{ start: number; acked: number[] }> {
  const child = spawn(process.execPath, [burst, file, "crash-agent"], { stdio: ["ignore", "pipe", "inherit"] });
  const acked: number[] = [];
  let start = -1;
  let buffer = "";
  const exited = new Promise<NodeJS.Signals | null>((resolve) =>
    child.once("exit", (_code, signal) => resolve(signal)),
  );
  await new Promise<void>((resolve, reject) => {
    child.once("error", reject);
    child.stdout.on("data", (chunk: Buffer) => {
      buffer += chunk.toString();
      const lines = buffer.split("\n");
      buffer = lines.pop()!;
      for (const line of lines) {
        if (line.startsWith("ready ")) start = Number(line.slice(6));
        else acked.push(Number(line));
      }
      if (acked.length >= acks) resolve();
    });
    void exited.then(() => reject(new Error("the agent exited before the burst")));
  });
  // Kill at a moment not chosen by the burst: most likely inside a write.
  await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 30)));
  child.kill("SIGKILL");
  assert.equal(await exited, "SIGKILL");
  return { start, acked };
}

describe("kill -9 of the agent mid-burst", () => {
  it("keeps every acknowledged record, the chain verifies, and the next run continues it", async () => {
    const file = path.join(tempDir("pp-doorlog-crash-"), "log.sqlite");
    let previousHead = 0;
    for (let run = 0; run < 3; run++) {
      const { start, acked } = await runAndKill(file, 150);
      assert.equal(start, previousHead, "the restarted agent starts from the last durable record");
      assert.deepEqual(
        acked,
        Array.from({ length: acked.length }, (_, i) => start + i + 1),
        "gap-free 1, 2, 3…",
      );
      const log = new DoorLog({
        file,
        agentId: "crash-agent",
        crypto: lockCrypto(CHAIN_ID, CONTRACT),
        keys: new Map([[1, lockKey(1)]]),
        clock: () => Math.floor(Date.now() / 1000),
      });
      const check = log.verify();
      assert.ok(check.ok, JSON.stringify(check));
      const last = acked[acked.length - 1];
      assert.ok(log.head.seq >= last, `acknowledged ${last}, durable ${log.head.seq}`);
      // At most the record being written when the kill came is there unacknowledged.
      assert.ok(log.head.seq <= last + 1);
      assert.equal(log.records(1, 1)[0].seq, 1);
      previousHead = log.head.seq;
      log.close();
    }
  });
});
