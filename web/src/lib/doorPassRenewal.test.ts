import { describe, expect, it, vi } from "vitest";
import type { Address, Hex } from "viem";
import { RelayerRequestError } from "./relayer.ts";
import type { DeviceKey, OfflineStore } from "./offlinePass.ts";
import { memoryStore } from "../test/memoryStore.ts";
import {
  DEVICE_KEY,
  HELD_KEY,
  PLAN_KEY,
  nextPlan,
  renewDoorPasses,
  type PlannedPass,
  type RenewalPlan,
  type ShownDoorPass,
} from "./doorPassRenewal.ts";

const ME: Address = "0x1111111111111111111111111111111111111111";
const OTHER: Address = "0x2222222222222222222222222222222222222222";
const KEY: Hex = `0x02${"ab".repeat(32)}`;
const NOW = 1_800_000_000;
const H = 3600;

const device = (member: Address | null = ME): DeviceKey => ({
  privateKey: {} as CryptoKey,
  publicKey: KEY,
  binding: member ? { member, signature: `0x${"22".repeat(65)}` } : null,
});

const planned = (id: number, start: number, end: number): PlannedPass => ({
  passId: String(id),
  start,
  end,
  label: `Poste ${id}`,
  timeZone: "America/Toronto",
});

const plan = (passes: PlannedPass[], over: Partial<RenewalPlan> = {}): RenewalPlan => ({
  member: ME,
  relayerUrl: "",
  passes,
  refused: [],
  ...over,
});

const kept = (id: number, validFrom: number, validUntil: number): ShownDoorPass => ({
  pass: { passId: BigInt(id), venue: 2, doors: [3], validFrom, validUntil, serial: id, deviceKey: KEY },
  relayerSignature: `0x${"11".repeat(64)}1b`,
  fetchedAt: validFrom,
  label: `Poste ${id}`,
  timeZone: "America/Toronto",
});

/** The relayer's answer for a DoorPass valid `hours` from now. */
const answer = (passId: string, hours = 4) => ({
  pass: {
    passId,
    venue: 2,
    doors: [3],
    validFrom: NOW,
    validUntil: NOW + hours * H,
    serial: 9,
    deviceKey: KEY,
  },
  relayer: `0x${"33".repeat(20)}`,
  signature: `0x${"11".repeat(64)}1b`,
  statusListTopic: "pp/v1/venue/2/status",
});

/** A relayer whose POST /api/door-passes answers per pass id: an answer, or an HTTP refusal. */
function relayer(answers: Record<string, number | "offline" | undefined> = {}) {
  const post = vi.fn((_path: string, body: { passId: string }) => {
    const a = answers[body.passId];
    if (a === "offline") return Promise.reject(new RelayerRequestError("relayer_unreachable", 0));
    if (typeof a === "number") return Promise.reject(new RelayerRequestError(`code_${a}`, a));
    return Promise.resolve(answer(body.passId));
  });
  return { post: post as never as <T>(path: string, body: unknown) => Promise<T>, calls: post };
}

const round = (store: OfflineStore, r: ReturnType<typeof relayer>, now = NOW) =>
  renewDoorPasses({ store, relayer: r, now: () => now });

describe("a DoorPass renewal round", () => {
  it("asks for a pass with no DoorPass yet and keeps the answer with when it was renewed", async () => {
    const store = memoryStore({ [DEVICE_KEY]: device(), [PLAN_KEY]: plan([planned(12, NOW - H, NOW + 8 * H)]) });
    const r = relayer();
    const out = await round(store, r);
    expect(out).toMatchObject({ stopped: null, renewed: ["12"], dropped: [], refused: [] });
    expect(r.calls).toHaveBeenCalledWith("/api/door-passes", {
      passId: "12",
      deviceKey: KEY,
      deviceKeySignature: `0x${"22".repeat(65)}`,
    });
    const held = store.data.get(HELD_KEY) as Record<string, ShownDoorPass>;
    expect(held["12"]).toMatchObject({ fetchedAt: NOW, label: "Poste 12", timeZone: "America/Toronto" });
    expect(held["12"].pass.validUntil).toBe(NOW + 4 * H);
  });

  it("renews a DoorPass with less than half its validity left, not one with more", async () => {
    const passes = [planned(1, NOW - H, NOW + 48 * H), planned(2, NOW - H, NOW + 48 * H)];
    const store = memoryStore({
      [DEVICE_KEY]: device(),
      [PLAN_KEY]: plan(passes),
      // 4 h DoorPasses: 1 h 50 left (due) and 2 h 10 left (not due).
      [HELD_KEY]: { "1": kept(1, NOW - 130 * 60, NOW + 110 * 60), "2": kept(2, NOW - 110 * 60, NOW + 130 * 60) },
    });
    const r = relayer();
    const out = await round(store, r);
    expect(out.renewed).toEqual(["1"]);
    expect(r.calls).toHaveBeenCalledTimes(1);
    const held = store.data.get(HELD_KEY) as Record<string, ShownDoorPass>;
    expect(held["1"].fetchedAt).toBe(NOW);
    expect(held["2"].fetchedAt).toBe(NOW - 110 * 60);
  });

  it("asks nothing when nothing is due: a fresh DoorPass, one covering the booking, a pass starting in over 24 h", async () => {
    const store = memoryStore({
      [DEVICE_KEY]: device(),
      [PLAN_KEY]: plan([
        planned(1, NOW - H, NOW + 48 * H),
        planned(2, NOW - H, NOW + 20 * 60),
        planned(3, NOW + 25 * H, NOW + 26 * H),
      ]),
      [HELD_KEY]: { "1": kept(1, NOW - H, NOW + 3 * H), "2": kept(2, NOW - 4 * H, NOW + 20 * 60) },
    });
    const before = structuredClone(store.data.get(HELD_KEY));
    const r = relayer();
    expect(await round(store, r)).toMatchObject({ stopped: null, renewed: [], dropped: [] });
    expect(r.calls).not.toHaveBeenCalled();
    expect(store.data.get(HELD_KEY)).toEqual(before);
  });

  it("offline: the round stops at the first unanswered call and keeps every DoorPass", async () => {
    const store = memoryStore({
      [DEVICE_KEY]: device(),
      [PLAN_KEY]: plan([planned(1, NOW - H, NOW + 8 * H), planned(2, NOW - H, NOW + 8 * H)]),
      [HELD_KEY]: { "1": kept(1, NOW - 4 * H, NOW + 60) },
    });
    const r = relayer({ "1": "offline", "2": "offline" });
    expect(await round(store, r)).toMatchObject({ stopped: "offline", renewed: [], dropped: [] });
    expect(r.calls).toHaveBeenCalledTimes(1);
    expect(Object.keys(store.data.get(HELD_KEY) as object)).toEqual(["1"]);
  });

  it("429 or 503: the round stops as busy and asks no further pass", async () => {
    for (const status of [429, 503]) {
      const store = memoryStore({
        [DEVICE_KEY]: device(),
        [PLAN_KEY]: plan([planned(1, NOW - H, NOW + 8 * H), planned(2, NOW - H, NOW + 8 * H)]),
      });
      const r = relayer({ "1": status });
      expect(await round(store, r)).toMatchObject({ stopped: "busy", renewed: [] });
      expect(r.calls).toHaveBeenCalledTimes(1);
      expect(store.data.get(HELD_KEY)).toBeUndefined();
    }
  });

  it("410 (pass ended) and 403 (not the holder): drops the DoorPass and never asks for that pass again", async () => {
    const store = memoryStore({
      [DEVICE_KEY]: device(),
      [PLAN_KEY]: plan([
        planned(1, NOW - H, NOW + 8 * H),
        planned(2, NOW - H, NOW + 8 * H),
        planned(3, NOW, NOW + 8 * H),
      ]),
      [HELD_KEY]: { "1": kept(1, NOW - 4 * H, NOW + 60), "2": kept(2, NOW - 4 * H, NOW + 60) },
    });
    const r = relayer({ "1": 410, "2": 403 });
    const out = await round(store, r);
    expect(out).toMatchObject({ stopped: null, renewed: ["3"], refused: ["1", "2"] });
    expect(out.dropped.sort()).toEqual(["1", "2"]);
    expect(Object.keys(store.data.get(HELD_KEY) as object)).toEqual(["3"]);
    expect((store.data.get(PLAN_KEY) as RenewalPlan).refused.sort()).toEqual(["1", "2"]);

    r.calls.mockClear();
    await round(store, r, NOW + 4 * H - 60); // pass 3's DoorPass is due again; 1 and 2 are not asked
    expect(r.calls.mock.calls.map((c) => c[1].passId)).toEqual(["3"]);
  });

  it("another failure fails that pass only and the round goes on", async () => {
    const store = memoryStore({
      [DEVICE_KEY]: device(),
      [PLAN_KEY]: plan([planned(1, NOW - H, NOW + 8 * H), planned(2, NOW - H, NOW + 8 * H)]),
    });
    const out = await round(store, relayer({ "1": 409 }));
    expect(out).toMatchObject({ stopped: null, renewed: ["2"], refused: [] });
    expect(out.failed.map((f) => [f.passId, f.code])).toEqual([["1", "code_409"]]);
  });

  it("signed out (401): stops, drops nothing, refuses nothing", async () => {
    const store = memoryStore({
      [DEVICE_KEY]: device(),
      [PLAN_KEY]: plan([planned(1, NOW - H, NOW + 8 * H)]),
      [HELD_KEY]: { "1": kept(1, NOW - 4 * H, NOW + 60) },
    });
    expect(await round(store, relayer({ "1": 401 }))).toMatchObject({
      stopped: "signed_out",
      dropped: [],
      refused: [],
    });
    expect(Object.keys(store.data.get(HELD_KEY) as object)).toEqual(["1"]);
    expect((store.data.get(PLAN_KEY) as RenewalPlan).refused).toEqual([]);
  });

  it("asks nothing without a bound device key, a plan, or when the plan is another member's than the binding", async () => {
    const passes = [planned(1, NOW - H, NOW + 8 * H)];
    for (const init of [
      { [PLAN_KEY]: plan(passes) },
      { [DEVICE_KEY]: device(null), [PLAN_KEY]: plan(passes) },
      { [DEVICE_KEY]: device() },
      { [DEVICE_KEY]: device(OTHER), [PLAN_KEY]: plan(passes) },
    ]) {
      const r = relayer();
      expect((await round(memoryStore(init), r)).stopped).toBe("not_bound");
      expect(r.calls).not.toHaveBeenCalled();
    }
  });

  it("drops the DoorPasses of passes no longer planned", async () => {
    const store = memoryStore({
      [DEVICE_KEY]: device(),
      [PLAN_KEY]: plan([planned(1, NOW - H, NOW + 8 * H)]),
      [HELD_KEY]: { "1": kept(1, NOW - H, NOW + 3 * H), "9": kept(9, NOW - H, NOW + 3 * H) },
    });
    expect((await round(store, relayer())).dropped).toEqual(["9"]);
    expect(Object.keys(store.data.get(HELD_KEY) as object)).toEqual(["1"]);
  });
});

describe("the plan the app writes", () => {
  it("keeps the member's refusals for passes still listed, and none for another member", () => {
    const prev = plan([planned(1, 0, 1), planned(2, 0, 1)], { refused: ["1", "2"] });
    expect(nextPlan(prev, ME, "https://r", [planned(1, 0, 1)])).toEqual({
      member: ME,
      relayerUrl: "https://r",
      passes: [planned(1, 0, 1)],
      refused: ["1"],
    });
    expect(nextPlan(prev, OTHER, "", [planned(1, 0, 1)]).refused).toEqual([]);
  });
});
