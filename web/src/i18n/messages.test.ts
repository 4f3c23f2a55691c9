import { describe, expect, it } from "vitest";
import { MESSAGES } from "./messages.ts";
import { REASONS } from "../../../protocol/reasons.ts";
import { translator } from "./i18n.tsx";

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe("messages", () => {
  it("has every message in English and French with the same placeholders", () => {
    for (const [key, [en, fr]] of Object.entries(MESSAGES)) {
      expect(en, key).not.toBe("");
      expect(fr, key).not.toBe("");
      expect(placeholders(fr), key).toEqual(placeholders(en));
    }
  });

  it("translates every reason code shared with the contracts and the relayer", () => {
    const fr = translator("fr");
    for (const r of REASONS) expect(fr(`reason.${r}`)).not.toBe(`reason.${r}`);
    expect(fr("reason.too_early")).toBe("Trop tôt : votre réservation n’a pas encore commencé");
  });
});
