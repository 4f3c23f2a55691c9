import { describe, expect, it } from "vitest";
import { routeId, routeParam, routeParts } from "./route.ts";

describe("routeId", () => {
  it("accepts the ids the contract can hold (uint32 above 0)", () => {
    expect(routeId("1")).toBe(1);
    expect(routeId("4294967295")).toBe(4294967295);
  });

  it("turns anything else into null, so the app shows not found instead of a failed contract read", () => {
    for (const bad of [undefined, "", "0", "01", "-1", "1.5", "abc", "1e3", "4294967296", "99999999999", " 2"])
      expect(routeId(bad), String(bad)).toBeNull();
  });
});

describe("routeParts and routeParam", () => {
  it("split a hash route from its query, as a door link carries it", () => {
    expect(routeParts("#/door/7?c=AbC-_")).toEqual(["door", "7"]);
    expect(routeParam("#/door/7?c=AbC-_", "c")).toBe("AbC-_");
    expect(routeParts("#/venue/2")).toEqual(["venue", "2"]);
    expect(routeParam("#/venue/2", "c")).toBeNull();
    expect(routeParts("")).toEqual([]);
  });
});
