// The README's door walk-through (npm run walkthrough) keeps working: book → unlock → the lock opens
// → the operator cancels → the next unlock is denied.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";

test("the scripted door walk-through opens the door once and keeps it shut after the cancellation", () => {
  const run = spawnSync(process.execPath, ["scripts/walkthrough.ts"], { encoding: "utf8", timeout: 180_000 });
  assert.equal(run.status, 0, run.stdout + run.stderr);
  assert.match(run.stdout, /2\. unlock request for door #4: GRANTED \(granted\); lock delivery: opened/);
  assert.match(run.stdout, /3\. lock log of door #4: opened \(opened\) — log signatures valid/);
  assert.match(run.stdout, /5\. unlock request again: DENIED \(pass_not_found\)/);
});
