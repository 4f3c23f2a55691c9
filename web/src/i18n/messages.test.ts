import { describe, expect, it } from "vitest";
import { MESSAGES, type Text } from "./messages.ts";
import { REASONS } from "../../../protocol/reasons.ts";
import { translator } from "./translate.ts";

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
const forms = (t: Text): string[] =>
  typeof t === "string" ? [t] : Object.values(t).filter((x): x is string => x !== undefined);

describe("messages", () => {
  it("has every message in English and French with the same placeholders in every plural form", () => {
    for (const [key, [en, fr]] of Object.entries(MESSAGES)) {
      const expected = placeholders(forms(en)[0]);
      for (const text of [...forms(en), ...forms(fr)]) {
        expect(text, key).not.toBe("");
        expect(placeholders(text), key).toEqual(expected);
      }
    }
  });

  it("translates every reason code shared with the contracts and the relayer", () => {
    const fr = translator("fr");
    for (const r of REASONS) expect(fr(`reason.${r}`)).not.toBe(`reason.${r}`);
    expect(fr("reason.too_early")).toBe("Trop tôt : votre réservation n’a pas encore commencé");
  });

  it("fakes no plural with (s), (e), (es) or (x) in either language", () => {
    for (const [key, entry] of Object.entries(MESSAGES)) {
      for (const text of entry.flatMap(forms)) expect(text, key).not.toMatch(/\((s|e|es|x|e\)\(s)\)/);
    }
  });
});
