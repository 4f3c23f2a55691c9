// `npm run lint:deps`: fails, naming them, when package.json lists packages nothing uses
// (see scripts/lib/checkDeps.ts for what counts as a use; `--why` prints the reason for each), and
// when an import points up or sideways between the project's layers (scripts/lib/checkLayers.ts).
import { execFileSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { dependencyUsage, repositoryInput } from "./lib/checkDeps.ts";
import { layerViolations } from "./lib/checkLayers.ts";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const files = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard"], {
  cwd: root,
  encoding: "utf8",
})
  .split("\n")
  .filter(Boolean);
// The checker and its test name packages in prose and fixtures: they use none of them.
const own = ["scripts/checkDeps.ts", "scripts/lib/checkDeps.ts", "test/server/dependencies.test.ts"];
const input = repositoryInput(root, files, own);
const usage = dependencyUsage(input);
const layers = layerViolations(input.files);
for (const v of layers) process.stderr.write(`${v.file} → ${v.target}: ${v.why}\n`);
if (process.argv.includes("--why")) for (const u of usage) process.stdout.write(`${u.name}: ${u.why ?? "UNUSED"}\n`);
const unused = usage.filter((u) => u.why === null).map((u) => u.name);
if (unused.length > 0) {
  process.stderr.write(
    `unused packages in package.json (nothing that ships or tests imports or runs them): ${unused.join(", ")}\n`,
  );
  process.exit(1);
}
if (layers.length > 0) process.exit(1);
