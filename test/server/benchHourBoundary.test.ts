// The relayer benchmark across an hour boundary: its clock (chain, relayer, lock simulator, load
// generator) starts 2 s before a full hour when the passes are booked, in batches of 50, so the
// seeding crosses the boundary whatever the machine's speed. Every pass must be booked and every
// decision must be one of the mix's (no too_early / expired from a clock that disagrees).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { ROOT } from "../helpers/localChain.ts";
import { tempFile } from "./fixture.ts";
import { offsetToBeforeHour } from "../../bench/shiftClock.ts";

describe("bench:relayer", () => {
  it("offsetToBeforeHour lands the clock the asked seconds before the next full hour", () => {
    const wall = Date.UTC(2026, 11, 2, 5, 20, 0);
    assert.equal(wall + offsetToBeforeHour(10, wall), Date.UTC(2026, 11, 2, 5, 59, 50));
    // Already inside the last 10 s: the next hour's.
    const late = Date.UTC(2026, 11, 2, 5, 59, 55);
    assert.equal(late + offsetToBeforeHour(10, late), Date.UTC(2026, 11, 2, 6, 59, 50));
    assert.throws(() => offsetToBeforeHour(0), /1\.\.3599/);
  });

  it("passes when its seeding crosses an hour boundary (clock started 2 s before the hour)", async () => {
    const output = tempFile("relayer.json");
    const env = {
      ...process.env,
      BENCH_START_BEFORE_HOUR_S: "2",
      BENCH_VENUES: "2",
      BENCH_PASSES: "200",
      BENCH_BATCH: "50",
      BENCH_REQUESTS: "400",
      BENCH_WARMUP: "100",
      BENCH_CRYPTO_ITERATIONS: "200",
      BENCH_ENTRANCE_REQUESTS: "100",
      BENCH_OUTPUT: output,
    };
    const child = spawn(process.execPath, [path.join(ROOT, "bench", "relayer.ts")], {
      cwd: ROOT,
      env,
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    const timer = setTimeout(() => process.kill(-child.pid!, "SIGKILL"), 240_000);
    const code = await new Promise<number | null>((resolve) => child.once("exit", (c) => resolve(c)));
    clearTimeout(timer);
    assert.equal(code, 0, out);
    assert.match(
      out,
      /seeding crossed an hour boundary: passes booked from the (\d\d):00:00 slot to the (\d\d):00:00 slot, all 200 found/,
    );
    const result = JSON.parse(readFileSync(output, "utf8")) as {
      passes: number;
      hourSlotsBooked: number;
      reasons: Record<string, number>;
    };
    assert.equal(result.passes, 200);
    assert.equal(result.hourSlotsBooked, 2);
    // The fixed mix, judged at the relayer's (shifted) clock: 16 of 20 granted.
    assert.deepEqual(result.reasons, { granted: 320, not_holder_or_guest: 40, wrong_door: 20, bad_signature: 20 });
  });
});
