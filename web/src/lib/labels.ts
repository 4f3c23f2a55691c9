// Short labels the pages share: an abbreviated address, a resource kind.
import type { Translate } from "../i18n/translate.ts";

export function shortAddress(a: string): string {
  return `${a.slice(0, 6)}…${a.slice(-4)}`;
}

const KINDS = ["kind.0", "kind.1", "kind.2", "kind.3", "kind.4"] as const;

export function kindLabel(t: Translate, kind: number): string {
  return t(KINDS[kind] ?? "kind.other");
}
