// Temporary folders of the tests: every one is made here and removed when the test process exits,
// also when a test failed or threw before its own clean-up (node --test runs each file in a process
// of its own). test/server/tempDirs.test.ts checks that no test makes one any other way.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

const made = new Set<string>();

process.once("exit", () => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

/** A fresh folder `<tmp>/<prefix>XXXXXX`, removed at exit at the latest (`remove` frees it earlier). */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  made.add(dir);
  return dir;
}

/** Removes a folder made by tempDir now. */
export function removeTempDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  made.delete(dir);
}
