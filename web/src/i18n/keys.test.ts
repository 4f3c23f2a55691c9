// Typed translation keys. `npm run test:web` type-checks this file (tsc -p web/tsconfig.json)
// before vitest runs it: each `@ts-expect-error` fails the type check if its line stops being an
// error — if "nav.nowhere" became a key, or `t` went back to accepting any string.
import { describe, expect, it } from "vitest";
import { translator } from "./translate.ts";
import type { MessageKey } from "./messages.ts";

describe("translation keys", () => {
  const t = translator("en");

  it("rejects a key that has no message at type-check time (and shows it as itself at run time)", () => {
    // @ts-expect-error "nav.nowhere" is not a message key
    expect(t("nav.nowhere")).toBe("nav.nowhere");
    // @ts-expect-error a key cannot be any string
    const key: MessageKey = "app.typo";
    expect(key).toBe("app.typo");
  });

  it("requires the count of a counted message", () => {
    // @ts-expect-error "op.settled" is counted: it needs { n }
    expect(t("op.settled")).toBe("{n} bookings settled.");
    // @ts-expect-error n is a number
    expect(t("op.settled", { n: "2" })).toBe("2 bookings settled.");
    expect(t("op.settled", { n: 2 })).toBe("2 bookings settled.");
  });
});
