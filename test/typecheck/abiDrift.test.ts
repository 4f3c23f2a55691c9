// The generated ABIs are the contract surface of server/ and protocol/: when a contract event loses
// a field that the relayer reads, the type check must fail and name that field. And the committed
// protocol/abis.ts must match the compiled contracts (`npm run lint` runs the same check).
//
// The drift case copies server/ and protocol/ into a temporary folder (node_modules linked), swaps
// in an ABI with a field removed, and runs `tsc --noEmit` on it with the project's compiler options.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { cpSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tempDir } from "../helpers/tempDirs.ts";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { z } from "zod";

const run = promisify(execFile);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const TSC = path.join(ROOT, "node_modules", "typescript", "bin", "tsc");
const ABIS = readFileSync(path.join(ROOT, "protocol", "abis.ts"), "utf8");

/** protocol/abis.ts with one input removed from one event of `passepartoutAbi` (one item per line). */
function withoutEventField(source: string, eventName: string, field: string): string {
  const start = source.indexOf("export const passepartoutAbi = [");
  const end = source.indexOf("] as const;", start);
  const lines = source.slice(start, end).split("\n");
  const at = lines.findIndex((l) => l.includes(`"name":"${eventName}"`) && l.includes(`"type":"event"`));
  assert.ok(at > 0, `event ${eventName} not found in passepartoutAbi`);
  const item = JSON.parse(lines[at].trim().replace(/,$/, "")) as { inputs: { name: string }[] };
  const before = item.inputs.length;
  item.inputs = item.inputs.filter((i) => i.name !== field);
  assert.equal(item.inputs.length, before - 1, `event ${eventName} has no field ${field}`);
  lines[at] = `  ${JSON.stringify(item)},`;
  return source.slice(0, start) + lines.join("\n") + source.slice(end);
}

/** Runs `tsc --noEmit` on a project folder; resolves its exit code and output. */
async function tsc(dir: string): Promise<{ code: number; output: string }> {
  try {
    const { stdout } = await run(process.execPath, [TSC, "-p", path.join(dir, "tsconfig.json")], { cwd: dir });
    return { code: 0, output: stdout };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === "number" ? e.code : 1, output: `${e.stdout ?? ""}${e.stderr ?? ""}` };
  }
}

describe("the generated ABIs type the relayer's event index", () => {
  // One tsc program (viem's types load once) checks server/index/handlers.ts (through chainIndex.ts) twice: in ok/ against the
  // committed ABI, in drift/ against an ABI whose Booked lost `amount` and DoorSet lost `lockKey`.
  let dir: string;
  let result: { code: number; output: string };
  const errorsIn = (tree: string) => result.output.split("\n").filter((l) => l.startsWith(`${tree}/`));

  before(async () => {
    dir = tempDir("pp-abi-drift-");
    for (const tree of ["ok", "drift"]) {
      for (const d of ["server", "protocol"]) cpSync(path.join(ROOT, d), path.join(dir, tree, d), { recursive: true });
    }
    writeFileSync(
      path.join(dir, "drift", "protocol", "abis.ts"),
      withoutEventField(withoutEventField(ABIS, "Booked", "amount"), "DoorSet", "lockKey"),
    );
    symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"), "dir");
    writeFileSync(path.join(dir, "package.json"), JSON.stringify({ type: "module" }));
    const { compilerOptions } = z
      .object({ compilerOptions: z.record(z.string(), z.unknown()) })
      .parse(JSON.parse(readFileSync(path.join(ROOT, "tsconfig.json"), "utf8")));
    const files = ["ok/server/index/chainIndex.ts", "drift/server/index/chainIndex.ts"];
    writeFileSync(
      path.join(dir, "tsconfig.json"),
      JSON.stringify({ compilerOptions: { ...compilerOptions, types: ["node"] }, files }),
    );
    result = await tsc(dir);
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  it("type-checks against the committed ABI", () => {
    assert.deepEqual(errorsIn("ok"), []);
    assert.ok(result.output.includes("drift/"), `the drifted copy should fail: ${result.output}`);
  });

  it("fails, naming the field, when Booked loses the amount the index reads", () => {
    assert.ok(
      errorsIn("drift").some((l) =>
        /^drift\/server\/index\/handlers\.ts\(\d+,\d+\): error TS\d+: Property 'amount' does not exist/.test(l),
      ),
      result.output,
    );
  });

  it("fails, naming the field, when DoorSet loses the lock key the index reads", () => {
    assert.ok(
      errorsIn("drift").some((l) =>
        /^drift\/server\/index\/handlers\.ts\(\d+,\d+\): error TS\d+: Property 'lockKey' does not exist/.test(l),
      ),
      result.output,
    );
  });

  it("reports nothing but the two lost fields", () => {
    const other = errorsIn("drift").filter(
      (l) => /error TS/.test(l) && !/Property '(amount|lockKey)' does not exist/.test(l),
    );
    assert.deepEqual(other, []);
    assert.notEqual(result.code, 0);
  });
});

describe("generateAbis --check", () => {
  const check = async (file: string) => {
    try {
      await run(process.execPath, [path.join(ROOT, "scripts", "generateAbis.ts"), "--check", "--file", file]);
      return { code: 0, stderr: "" };
    } catch (err) {
      const e = err as { code: number; stderr: string };
      return { code: e.code, stderr: e.stderr };
    }
  };

  it("passes on the committed protocol/abis.ts", async () => {
    assert.deepEqual(await check(path.join(ROOT, "protocol", "abis.ts")), { code: 0, stderr: "" });
  });

  it("fails with one line naming the file when it is stale", async () => {
    const dir = tempDir("pp-abi-stale-");
    try {
      const stale = path.join(dir, "abis.ts");
      writeFileSync(stale, withoutEventField(ABIS, "Booked", "amount"));
      const { code, stderr } = await check(stale);
      assert.equal(code, 1);
      assert.equal(stderr.trim().split("\n").length, 1, stderr);
      assert.match(stderr, /abis\.ts is stale .*run `npm run compile`/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
