// Short labels the pages share: an abbreviated address, a resource kind, a venue's opening hours.
import type { Translate } from "../i18n/translate.ts";
import type { Venue } from "./protocol.ts";

export function shortAddress(a: string): string {
  return `${a.slice(0, 6)}…${a.slice(-4)}`;
}

const KINDS = ["kind.0", "kind.1", "kind.2", "kind.3", "kind.4"] as const;

export function kindLabel(t: Translate, kind: number): string {
  return t(KINDS[kind] ?? "kind.other");
}

export function openingHours(h: Venue["meta"]["openingHours"]): string | null {
  if (!h) return null;
  if (typeof h === "string") return h;
  return Object.entries(h)
    .map(([d, v]) => `${d} ${v}`)
    .join(" · ");
}
