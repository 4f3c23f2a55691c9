import { webcrypto } from "node:crypto";
import type { ReactNode } from "react";
import type { Address } from "viem";
import { render, screen, waitFor } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { decodeDoorCode, deviceSlotMessage, slotOf } from "../../../protocol/doorPass.ts";
import { fakeProtocol, PASSEPARTOUT, withApp } from "../test/fakeApp.tsx";
import { deviceKey, type OfflineStore } from "../lib/offlinePass.ts";
import type { RenewalEnv } from "../lib/renewalScheduler.ts";
import { memoryStore } from "../test/memoryStore.ts";
import { DoorCodeView, OfflineDoorPasses, type ShownDoorPass } from "./OfflineDoorPasses.tsx";
import { DoorPassKeeper, type KeptPass } from "./DoorPassKeeper.tsx";

const subtle = webcrypto.subtle as unknown as SubtleCrypto;
const T = 1_800_000_010; // 10 s into a slot

/** A browser that stays online and visible, with timers that never fire: rounds run on start and on triggers. */
const env: RenewalEnv = { online: () => true, visible: () => true, listen: () => () => undefined };
const timers = { setTimeout: () => 0, clearTimeout: () => undefined };
const keeper = (children: ReactNode, o: { store: OfflineStore; member?: Address; passes?: KeptPass[] }) => (
  <DoorPassKeeper
    member={o.member}
    passes={o.passes}
    store={o.store}
    env={env}
    timers={timers}
    registerSync={() => Promise.resolve()}
  >
    {children}
  </DoorPassKeeper>
);

async function setup() {
  const key = await deviceKey(memoryStore(), subtle);
  const held: ShownDoorPass = {
    pass: {
      passId: 12n,
      venue: 2,
      doors: [3],
      validFrom: T - 600,
      validUntil: T + 3600,
      serial: 7,
      deviceKey: key.publicKey,
    },
    relayerSignature: `0x${"11".repeat(64)}1b`,
    fetchedAt: T - 600,
    label: "Poste — Saint-Germain",
    timeZone: "America/Toronto",
  };
  return { key, held };
}

/** The SVG's path: the QR code as drawn. */
const drawn = () => screen.getByRole("img", { name: "Door code for #12" }).querySelector("path")!.getAttribute("d");

describe("the door code view", () => {
  it("signs the slot with the device key, keeps the code within a slot and changes it with the slot", async () => {
    const { key, held } = await setup();
    const protocol = fakeProtocol({}, {});
    const view = (now: number) =>
      withApp(<DoorCodeView held={held} deviceKey={key} now={now} subtle={subtle} />, { protocol, me: null });
    const { rerender, container } = render(view(T));
    await waitFor(() => expect(screen.getByRole("img", { name: "Door code for #12" })).toBeTruthy());
    expect(container.querySelector("[data-slot]")!.getAttribute("data-slot")).toBe(String(slotOf(T)));
    expect(screen.getByText(/New code in 20 s/)).toBeTruthy();
    const first = drawn();

    rerender(view(T + 15)); // same slot: same code (not signed anew)
    await new Promise((r) => setTimeout(r, 50));
    expect(drawn()).toBe(first);
    expect(screen.getByText(/New code in 5 s/)).toBeTruthy();

    rerender(view(T + 30)); // next slot
    await waitFor(() =>
      expect(container.querySelector("[data-slot]")?.getAttribute("data-slot")).toBe(String(slotOf(T) + 1)),
    );
    expect(drawn()).not.toBe(first);
  });

  it("the code it encodes verifies under the device key for this contract, venue and slot", async () => {
    const { key, held } = await setup();
    const { codeFor } = await import("../lib/offlinePass.ts");
    const c = await codeFor(held, key, 31337, PASSEPARTOUT, T, subtle);
    const code = decodeDoorCode(c.text);
    expect(code.slot).toBe(slotOf(T));
    expect(code.pass.passId).toBe(12n);
    const pub = await subtle.importKey(
      "raw",
      Buffer.from(key.publicKey.slice(2), "hex"),
      { name: "ECDSA", namedCurve: "P-256" },
      false,
      ["verify"],
    );
    const message = deviceSlotMessage(31337, PASSEPARTOUT, 2, 7, slotOf(T));
    const sig = Buffer.from(code.deviceSignature.slice(2), "hex");
    expect(await subtle.verify({ name: "ECDSA", hash: "SHA-256" }, pub, sig, message as BufferSource)).toBe(true);
  });
});

describe("the offline door passes section", () => {
  it("with no network and no session, still lists the kept DoorPass with its exposure and shows its code", async () => {
    const { key, held } = await setup();
    const store = memoryStore({
      "device-key": { ...key, binding: null },
      "door-passes": { "12": { ...held, pass: { ...held.pass, validUntil: 4_000_000_000 } } },
    });
    const protocol = fakeProtocol({}, {});
    render(
      withApp(keeper(<OfflineDoorPasses member={undefined} signedIn={false} />, { store }), {
        protocol,
        me: null,
        lang: "fr",
      }),
    );
    await waitFor(() => expect(screen.getByText("Poste — Saint-Germain")).toBeTruthy());
    expect(screen.getByText(/Un passe annulé pendant que le lieu est hors ligne peut ouvrir jusqu’au/)).toBeTruthy();
    screen.getByRole("button", { name: "Afficher le code de porte" }).click();
    await waitFor(() => expect(screen.getByRole("img", { name: "Code de porte pour #12" })).toBeTruthy());
  });

  it("hides an ended DoorPass", async () => {
    const { key, held } = await setup();
    const store = memoryStore({
      "device-key": key,
      "door-passes": { "12": { ...held, pass: { ...held.pass, validUntil: 1000 } } },
    });
    render(
      withApp(keeper(<OfflineDoorPasses member={undefined} signedIn={false} />, { store }), {
        protocol: fakeProtocol({}, {}),
        me: null,
      }),
    );
    await waitFor(() => expect(screen.getByText(/No door pass on this device yet/)).toBeTruthy());
    expect(screen.queryByText("Poste — Saint-Germain")).toBeNull();
  });
});

describe("the background renewal", () => {
  const ME = "0x1111111111111111111111111111111111111111" as const;
  const now = () => Math.floor(Date.now() / 1000);
  const view = (id: number, over: Record<string, unknown> = {}) =>
    ({
      passId: BigInt(id),
      holder: ME,
      resourceId: 5,
      venueId: 2,
      unit: 1,
      start: now() - 600,
      end: now() + 3600,
      currency: ME,
      amount: 0n,
      gst: 0n,
      qst: 0n,
      serviceFee: 0n,
      status: "active",
      policyId: 1,
      releaseTime: now(),
      settled: false,
      guest: null,
      guestExpires: 0,
      block: 1,
      role: "holder",
      label: "Poste — Saint-Germain",
      timeZone: "America/Toronto",
      graceSeconds: 0,
      ...over,
    }) as KeptPass;

  const relayerAnswering = () =>
    vi.fn((path: string, body: { passId: string; deviceKey: string }) =>
      Promise.resolve({
        pass: {
          passId: body.passId,
          venue: 2,
          doors: [3],
          validFrom: now(),
          validUntil: now() + 3600,
          serial: 9,
          deviceKey: body.deviceKey,
        },
        relayer: `0x${"33".repeat(20)}`,
        signature: `0x${"11".repeat(64)}1b`,
        statusListTopic: "pp/v1/venue/2/status",
      }),
    );

  async function boundStore() {
    const { key } = await setup();
    const bound = { ...key, binding: { member: ME, signature: `0x${"22".repeat(65)}` } };
    return { key, store: memoryStore({ "device-key": bound }) };
  }

  it("fetches a DoorPass for a pass usable now, shows when it was renewed, and drops it once the pass is cancelled", async () => {
    const { key, store } = await boundStore();
    const post = relayerAnswering();
    const protocol = fakeProtocol({}, {});
    const ui = (passes: KeptPass[]) =>
      withApp(keeper(<OfflineDoorPasses member={ME} signedIn />, { store, member: ME, passes }), {
        protocol,
        me: ME,
        relayer: { post } as never,
      });
    const { rerender } = render(
      ui([view(12), view(13, { start: now() + 3 * 86_400, end: now() + 3 * 86_400 + 3600 })]),
    );
    await waitFor(() => expect(screen.getByText("Poste — Saint-Germain")).toBeTruthy());
    expect(post).toHaveBeenCalledTimes(1); // the pass three days ahead waits
    expect(post.mock.calls[0][0]).toBe("/api/door-passes");
    expect(post.mock.calls[0][1]).toMatchObject({ passId: "12", deviceKey: key.publicKey });
    expect(screen.getByText("Offline door pass is on for this device.")).toBeTruthy();
    expect(screen.getByText(/^Renewed .+ · opens offline until .+/)).toBeTruthy();
    const kept = await store.get<Record<string, ShownDoorPass>>("door-passes");
    expect(Object.keys(kept ?? {})).toEqual(["12"]);
    expect(Math.abs(kept!["12"].fetchedAt - now())).toBeLessThan(5);

    rerender(ui([view(12, { status: "cancelled" })]));
    await waitFor(() => expect(screen.queryByText("Poste — Saint-Germain")).toBeNull());
    expect(await store.get("door-passes")).toEqual({});
    expect(post).toHaveBeenCalledTimes(1);
  });

  it("renews on any page, with no passes section open and no wallet prompt", async () => {
    const { store } = await boundStore();
    const post = relayerAnswering();
    render(
      withApp(keeper(<p>Venues</p>, { store, member: ME, passes: [view(12)] }), {
        protocol: fakeProtocol({}, {}),
        me: ME,
        relayer: { post } as never,
      }),
    );
    await waitFor(async () =>
      expect(Object.keys((await store.get<Record<string, unknown>>("door-passes")) ?? {})).toEqual(["12"]),
    );
    expect(post).toHaveBeenCalledTimes(1);
  });

  it("signed out: asks the relayer for nothing", async () => {
    const { store } = await boundStore();
    const post = relayerAnswering();
    render(
      withApp(
        keeper(<OfflineDoorPasses member={ME} signedIn={false} />, { store, member: undefined, passes: [view(12)] }),
        {
          protocol: fakeProtocol({}, {}),
          me: null,
          relayer: { post } as never,
        },
      ),
    );
    await new Promise((r) => setTimeout(r, 100));
    expect(post).not.toHaveBeenCalled();
    expect(await store.get("door-passes")).toBeUndefined();
  });

  it("says in French when the DoorPass was renewed and until when it opens offline", async () => {
    const { held } = await setup();
    const store = memoryStore({
      "door-passes": { "12": { ...held, fetchedAt: 1_800_000_000, pass: { ...held.pass, validUntil: 4_000_000_000 } } },
    });
    render(
      withApp(keeper(<OfflineDoorPasses member={undefined} signedIn={false} />, { store }), {
        protocol: fakeProtocol({}, {}),
        me: null,
        lang: "fr",
      }),
    );
    await waitFor(() => expect(screen.getByText(/^Renouvelé le .+ · ouvre hors ligne jusqu’au .+/)).toBeTruthy());
    expect(document.querySelector("[data-renewed-at]")!.getAttribute("data-renewed-at")).toBe("1800000000");
  });
});
