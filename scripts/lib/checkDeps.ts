// Which packages of package.json nothing uses. A package counts as used when a tracked file names
// it as a module (`from "x"`, `import("x/…")`, `require("x")`, `import.meta.resolve("x/…")`, a
// Solidity import, a remapping to `node_modules/x/`, a config string such as `environment: "jsdom"`),
// when a command of package.json's scripts or a CI script runs one of its binaries (`tsc`, `vite`),
// when it types a used package (`@types/x` for `x`; `@types/node` for `node:` imports), or when a
// used package requires it as a non-optional peer (hardhat-mocha runs on mocha).
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";

export type PackageJson = {
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
};

export type Manifest = {
  bin?: string | Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
};

export type DepsInput = {
  pkg: PackageJson;
  /** Tracked files to search, with their text (package.json, the lock file and prose excluded by the caller). */
  files: { path: string; text: string }[];
  /** Shell commands run by CI or by hand-written scripts, beside package.json's scripts. */
  commands: string[];
  /** A dependency's own package.json, or undefined when it is not installed. */
  manifest(name: string): Manifest | undefined;
};

export type Usage = { name: string; why: string | null };

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

function binsOf(name: string, m: Manifest | undefined): string[] {
  if (!m?.bin) return [];
  return typeof m.bin === "string" ? [name.replace(/^@[^/]+\//, "")] : Object.keys(m.bin);
}

/** `@types/a__b` types `@a/b`; `@types/x` types `x`. */
function typedPackage(name: string): string | null {
  if (!name.startsWith("@types/")) return null;
  const bare = name.slice("@types/".length);
  return bare.includes("__") ? `@${bare.replace("__", "/")}` : bare;
}

/** Every dependency with the first reason found for it, or `why: null` when nothing uses it. */
export function dependencyUsage(input: DepsInput): Usage[] {
  const names = [...Object.keys(input.pkg.dependencies ?? {}), ...Object.keys(input.pkg.devDependencies ?? {})];
  const why = new Map<string, string>();
  const words = new Set(
    [...Object.values(input.pkg.scripts ?? {}), ...input.commands]
      .flatMap((c) => c.split(/[\s;&|()"'`]+/))
      .filter(Boolean),
  );
  for (const name of names) {
    const asModule = new RegExp(`(["'\`]|node_modules/)${escape(name)}(["'\`/])`);
    const file = input.files.find((f) => asModule.test(f.text));
    if (file) {
      why.set(name, `named in ${file.path}`);
      continue;
    }
    const bin = binsOf(name, input.manifest(name)).find((b) => words.has(b));
    if (bin) why.set(name, `its binary \`${bin}\` runs in a script`);
  }
  if (names.includes("@types/node")) {
    const file = input.files.find((f) => /["']node:[a-z_/]+["']/.test(f.text));
    if (file && !why.has("@types/node")) why.set("@types/node", `node: modules imported in ${file.path}`);
  }
  // Types and peers of used packages, until nothing changes.
  for (let changed = true; changed;) {
    changed = false;
    for (const name of names) {
      if (why.has(name)) continue;
      const typed = typedPackage(name);
      if (typed && why.has(typed)) {
        why.set(name, `types ${typed}`);
        changed = true;
        continue;
      }
      const user = names.find((u) => {
        const m = why.has(u) ? input.manifest(u) : undefined;
        return m?.peerDependencies?.[name] !== undefined && !m.peerDependenciesMeta?.[name]?.optional;
      });
      if (user) {
        why.set(name, `required peer of ${user}`);
        changed = true;
      }
    }
  }
  return names.map((name) => ({ name, why: why.get(name) ?? null }));
}

/** Reads a repository: its text `files` (relative paths) but `ignore`d ones, and installed manifests. */
export function repositoryInput(root: string, files: string[], ignore: string[] = []): DepsInput {
  const pkg = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as PackageJson;
  const searched = files.filter(
    (f) =>
      !ignore.includes(f) &&
      !/(^|\/)(package\.json|package-lock\.json)$|\.(md|png|jpe?g|svg|ico|crt|key|sqlite)$/.test(f),
  );
  const texts = searched
    .filter((f) => existsSync(path.join(root, f)))
    .map((f) => ({ path: f, text: readFileSync(path.join(root, f), "utf8") }));
  // Shell scripts (a shebang) are commands too: `.ci/run` runs `npx -p node@… npm ci`.
  const commands = texts.filter((f) => f.text.startsWith("#!")).map((f) => f.text);
  return {
    pkg,
    files: texts,
    commands,
    manifest(name) {
      const file = path.join(root, "node_modules", name, "package.json");
      return existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as Manifest) : undefined;
    },
  };
}
