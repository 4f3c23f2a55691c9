import { describe, expect, it } from "vitest";
import { localized, withLocalized } from "./metadata.ts";

describe("localized metadata", () => {
  it("editing one language keeps the other", () => {
    const edited = withLocalized({ fr: "Poste partagé", en: "Shared desk" }, "en", "Hot desk");
    expect(edited).toEqual({ fr: "Poste partagé", en: "Hot desk" });
    expect(localized(edited, "fr")).toBe("Poste partagé");
  });

  it("treats a plain string as the French text and adds the edited language beside it", () => {
    expect(withLocalized("Salle", "en", "Room")).toEqual({ fr: "Salle", en: "Room" });
    expect(withLocalized(undefined, "fr", "Studio")).toEqual({ fr: "Studio" });
  });
});
