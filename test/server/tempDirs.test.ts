// Tests leave nothing in the temporary folder (issue 17, item 20): every folder a test makes comes
// from test/helpers/tempDirs.ts, which removes it when the test process exits, also after a failure.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { ROOT } from "../helpers/localChain.ts";

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === "node_modules" ? [] : sources(p);
    return /\.tsx?$/.test(e.name) ? [p] : [];
  });
}

describe("temporary folders of the tests", () => {
  it("are made only through test/helpers/tempDirs.ts", () => {
    const helper = path.join(ROOT, "test", "helpers", "tempDirs.ts");
    const offenders = sources(path.join(ROOT, "test")).filter(
      (f) =>
        f !== helper &&
        f !== path.join(ROOT, "test", "server", "tempDirs.test.ts") &&
        /\bmkdtemp(Sync)?\(/.test(readFileSync(f, "utf8")),
    );
    assert.deepEqual(
      offenders.map((f) => path.relative(ROOT, f)),
      [],
    );
  });

  it("are removed when the test process exits, also after a failing test", () => {
    const script = `
      import { writeFileSync } from "node:fs";
      import { tempFile } from "./test/server/fixture.ts";
      const file = tempFile("audit.sqlite");
      writeFileSync(file, "x");
      console.log(file);
      throw new Error("a failing test");
    `;
    const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], { cwd: ROOT, encoding: "utf8" });
    assert.notEqual(r.status, 0, "the child failed");
    const file = r.stdout.trim();
    assert.match(file, /pp-relayer-/);
    assert.equal(existsSync(path.dirname(file)), false, `${path.dirname(file)} was left behind`);
  });
});
