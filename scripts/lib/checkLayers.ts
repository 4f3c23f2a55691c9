// Dependencies point down (`npm run lint:deps`): protocol/ is the bottom layer shared by the relayer
// and the dApp; server/ uses protocol/ and never scripts/ (the scripts use the server); only
// server/http/ speaks HTTP, so the door decision, the sponsor, the index, the audit log, receipts
// and locks import nothing from it; routers receive the services built once at the relayer's
// start-up (server/relayer.ts) and never build one.
import path from "node:path";

export type LayerRule = {
  /** Files the rule applies to (repository-relative paths). */
  files: RegExp;
  /** Repository-relative paths those files must not import. */
  forbid?: RegExp;
  /** Code those files must not contain. */
  forbidCode?: RegExp;
  why: string;
};

export const LAYER_RULES: LayerRule[] = [
  {
    files: /^protocol\//,
    forbid: /^(server|scripts|web|test|bench)\//,
    why: "protocol/ is the bottom layer, shared by the relayer and the dApp",
  },
  { files: /^server\//, forbid: /^scripts\//, why: "server/ imports nothing from scripts/ (scripts use the server)" },
  {
    files: /^server\/(door|sponsor|index|audit|receipts|locks)\//,
    forbid: /^server\/http\//,
    why: "only server/http/ speaks HTTP: the services under it import nothing from it",
  },
  { files: /^web\//, forbid: /^(server|scripts|test|bench)\//, why: "the dApp shares only protocol/ with the relayer" },
  {
    files: /^server\/http\/routes\//,
    forbidCode: /\b(createSponsor|createChainClient|createChainReader)\s*\(|\bnew\s+ReceiptsService\b/,
    why: "routers use the services wired once at start-up (server/relayer.ts), they build none",
  },
];

export type Violation = { file: string; target: string; why: string };

const IMPORT = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)["'`](\.{1,2}\/[^"'`]+)["'`]/g;

/** The relative imports of `file`, as repository-relative paths. */
export function importsOf(file: string, text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(IMPORT))
    out.push(path.posix.normalize(path.posix.join(path.posix.dirname(file), m[1])));
  return out;
}

/** Every import or construct that breaks a rule. */
export function layerViolations(files: { path: string; text: string }[], rules = LAYER_RULES): Violation[] {
  const out: Violation[] = [];
  for (const f of files) {
    if (!/\.(ts|tsx)$/.test(f.path)) continue;
    for (const rule of rules) {
      if (!rule.files.test(f.path)) continue;
      if (rule.forbid)
        for (const target of importsOf(f.path, f.text))
          if (rule.forbid.test(target)) out.push({ file: f.path, target, why: rule.why });
      const code = rule.forbidCode && rule.forbidCode.exec(f.text);
      if (code) out.push({ file: f.path, target: code[0].trim(), why: rule.why });
    }
  }
  return out;
}
