// Documentation that shows code is checked against the code (issue 17, item 19), in every Markdown
// file of the repository's docs and its README:
// - a contract call written as `name(arg, …)` must name an ABI function's parameters, in order (a
//   leading `…` stands for the first ones; `Type[] name` and a bare `Type[]` are allowed), so a
//   changed signature fails here at the document's line;
// - every TypeScript snippet must type-check against the repository's code (protocol/, viem, the
//   generated ABIs); names a snippet uses without defining them come from CONTEXT below, and a type
//   or interface a snippet redeclares must be the same as the code's type of that name.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import ts from "typescript";
import * as abis from "../../protocol/abis.ts";
import { ROOT } from "../helpers/localChain.ts";

const DOCS = [
  "README.md",
  ...readdirSync(path.join(ROOT, "docs"))
    .filter((f) => f.endsWith(".md"))
    .map((f) => `docs/${f}`),
];
const read = (doc: string) => readFileSync(path.join(ROOT, doc), "utf8");
const lineOf = (text: string, index: number) => text.slice(0, index).split("\n").length;

/** Every function of the generated ABIs: its overloads' parameter names. */
function abiFunctions(): Map<string, string[][]> {
  const fns = new Map<string, string[][]>();
  for (const abi of Object.values(abis) as unknown[]) {
    if (!Array.isArray(abi)) continue;
    for (const item of abi as { type: string; name?: string; inputs?: { name: string }[] }[]) {
      if (item.type !== "function" || !item.name) continue;
      fns.set(item.name, [...(fns.get(item.name) ?? []), (item.inputs ?? []).map((i) => i.name)]);
    }
  }
  return fns;
}

/** Whether the arguments a document writes name the parameters of `inputs`. */
export function matchesParameters(written: string[], inputs: string[]): boolean {
  const elided = written[0] === "…" || written[0] === "...";
  const args = elided ? written.slice(1) : written;
  if (elided ? args.length > inputs.length : args.length !== inputs.length) return false;
  const tail = inputs.slice(inputs.length - args.length);
  return args.every((a, i) => {
    const words = a.split(/\s+/);
    const name = words[words.length - 1];
    if (words.length === 1 && /^[A-Z][A-Za-z0-9]*(\[\])?$/.test(name)) return true; // a bare type
    return name === tail[i];
  });
}

/** What snippets may use without defining it: one declaration per name, added when used. */
const CONTEXT: Record<string, string> = {
  publicClient: `declare const publicClient: import("viem").PublicClient;`,
  wallet: `declare const wallet: import("viem").WalletClient<import("viem").Transport, import("viem").Chain, import("viem").Account>;`,
  hash: "declare const hash: `0x${string}`;",
  abi: `const abi = (await import("../protocol/abis.ts")).passepartoutAbi;`,
  relayer: `declare const relayer: string;`,
  door: `declare const door: number;`,
  passId: `declare const passId: bigint;`,
  hashTypedData: `import { hashTypedData } from "viem";`,
  Challenge: `import type { Challenge } from "../protocol/eip712.ts";`,
  OpenCommand: `import type { OpenCommand } from "../protocol/eip712.ts";`,
};

/** Where the code's own types live, for the snippets that redeclare one. */
const CODE_TYPES: Record<string, string> = {
  LockAdapter: "../server/locks/lockAdapter.ts",
  Challenge: "../protocol/eip712.ts",
  OpenCommand: "../protocol/eip712.ts",
};

describe("documentation that shows code", () => {
  it("writes contract calls with the ABI's parameters", () => {
    const fns = abiFunctions();
    const stale: string[] = [];
    for (const doc of DOCS) {
      const text = read(doc);
      for (const m of text.matchAll(/`([A-Za-z_][A-Za-z0-9_]*)\(([^`()]*)\)`/g)) {
        const overloads = fns.get(m[1]);
        if (!overloads) continue;
        const written = m[2]
          .split(",")
          .map((a) => a.trim())
          .filter(Boolean);
        if (!overloads.some((inputs) => matchesParameters(written, inputs)))
          stale.push(
            `${doc}:${lineOf(text, m.index)}: ${m[0].replace(/\s+/g, " ")} is not ${[
              ...new Set(overloads.map((o) => `${m[1]}(${o.join(", ")})`)),
            ].join(" or ")}`,
          );
      }
    }
    assert.deepEqual(stale, []);
  });

  it("catches a call that lost or gained a parameter", () => {
    const book = ["resourceId", "start", "end", "unit", "maxPrice", "recipient", "policyId", "transferable"];
    assert.equal(matchesParameters(["resourceId", "start", "end", "unit", "maxPrice", "recipient"], book), false);
    assert.equal(matchesParameters(["…", "policyId", "transferable"], book), true);
    assert.equal(matchesParameters(["…", "recipient", "policyId"], book), false);
    assert.equal(matchesParameters(["venueId", "OpeningException[]"], ["venueId", "exceptions"]), true);
    assert.equal(matchesParameters(["venueId", "OpeningInterval[] weekly"], ["venueId", "weekly"]), true);
  });

  it("shows TypeScript that type-checks against the code", () => {
    const snippets = new Map<string, { doc: string; line: number; preludeLines: number }>();
    const files = new Map<string, string>();
    for (const doc of DOCS) {
      const text = read(doc);
      for (const m of text.matchAll(/^( *)```ts\n([\s\S]*?)^\1```$/gm)) {
        const body = m[2]
          .split("\n")
          .map((l) => l.slice(m[1].length))
          .join("\n");
        const imports = body.split("\n").filter((l) => /^import\s/.test(l));
        const rest = body
          .split("\n")
          .map((l) => (/^import\s/.test(l) ? "" : l))
          .join("\n");
        const imported = new Set(imports.flatMap((l) => [...l.matchAll(/\b[A-Za-z_]\w*\b/g)].map((x) => x[0])));
        const used = (name: string) => new RegExp(`\\b${name}\\b`).test(rest) && !imported.has(name);
        const declared = [...rest.matchAll(/^\s*(?:export\s+)?(?:interface|type)\s+([A-Za-z_]\w*)/gm)].map((x) => x[1]);
        const context = Object.entries(CONTEXT)
          .filter(([name]) => used(name) && !declared.includes(name))
          .map(([, d]) => d);
        const sameAsCode = declared
          .filter((name) => CODE_TYPES[name])
          .map(
            (name) =>
              `const _same${name}: [${name}] extends [import("${CODE_TYPES[name]}").${name}] ? ([import("${CODE_TYPES[name]}").${name}] extends [${name}] ? true : false) : false = true;`,
          );
        const prelude = [...imports, ...context.filter((d) => d.startsWith("import")), "export {};"];
        const inner = context.filter((d) => !d.startsWith("import"));
        const source = [...prelude, ...inner, "{", rest, ...sameAsCode, "}"].join("\n");
        // Inside the repository, so that its node_modules and relative imports resolve; never written.
        const file = path.join(ROOT, "docs", `.snippet-${path.basename(doc, ".md")}-${snippets.size}.ts`);
        files.set(file, source);
        snippets.set(file, {
          doc,
          line: lineOf(text, m.index) + 1,
          preludeLines: prelude.length + inner.length + 1,
        });
      }
    }
    assert.ok(files.size >= 3, `found ${files.size} snippets`);
    const config = ts.getParsedCommandLineOfConfigFile(
      path.join(ROOT, "tsconfig.json"),
      {},
      {
        ...ts.sys,
        onUnRecoverableConfigFileDiagnostic: () => undefined,
      },
    )!;
    const host = ts.createCompilerHost(config.options);
    const getSourceFile = host.getSourceFile.bind(host);
    const fileExists = host.fileExists.bind(host);
    const readFile = host.readFile.bind(host);
    host.getSourceFile = (f, lang, ...rest) =>
      files.has(f) ? ts.createSourceFile(f, files.get(f)!, lang) : getSourceFile(f, lang, ...rest);
    host.fileExists = (f) => files.has(f) || fileExists(f);
    host.readFile = (f) => files.get(f) ?? readFile(f);
    const program = ts.createProgram([...files.keys()], { ...config.options, noEmit: true }, host);
    const errors = ts
      .getPreEmitDiagnostics(program)
      .filter((d) => d.file && files.has(d.file.fileName))
      .map((d) => {
        const s = snippets.get(d.file!.fileName)!;
        const { line } = d.file!.getLineAndCharacterOfPosition(d.start ?? 0);
        return `${s.doc}:${s.line + line - s.preludeLines}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`;
      });
    assert.deepEqual(errors, []);
  });
});
