import { webcrypto } from "node:crypto";
import { render, screen, waitFor } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import type { PassView } from "./PassList.tsx";
import { decodeDoorCode, deviceSlotMessage, slotOf } from "../../../protocol/doorPass.ts";
import { fakeProtocol, PASSEPARTOUT, withApp } from "../test/fakeApp.tsx";
import { deviceKey, type OfflineStore } from "../lib/offlinePass.ts";
import { DoorCodeView, OfflineDoorPasses, type ShownDoorPass } from "./OfflineDoorPasses.tsx";

const subtle = webcrypto.subtle as unknown as SubtleCrypto;
const T = 1_800_000_010; // 10 s into a slot

function memoryStore(init: Record<string, unknown> = {}): OfflineStore {
  const data = new Map(Object.entries(init));
  return {
    get: <V,>(k: string) => Promise.resolve(data.get(k) as V | undefined),
    put: (k, v) => {
      data.set(k, v);
      return Promise.resolve();
    },
  };
}

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
      withApp(<OfflineDoorPasses member={undefined} signedIn={false} passes={undefined} store={store} />, {
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
      withApp(<OfflineDoorPasses member={undefined} signedIn={false} passes={undefined} store={store} />, {
        protocol: fakeProtocol({}, {}),
        me: null,
      }),
    );
    await waitFor(() => expect(screen.getByText(/No door pass on this device yet/)).toBeTruthy());
    expect(screen.queryByText("Poste — Saint-Germain")).toBeNull();
  });
});

describe("the background refresh", () => {
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
      resourceName: "Poste",
      venueName: "Saint-Germain",
      timeZone: "America/Toronto",
      graceSeconds: 0,
      currencyInfo: undefined,
      ...over,
    }) as PassView;

  it("fetches a DoorPass for a pass usable now, keeps it, and drops it once the pass is cancelled", async () => {
    const { key } = await setup();
    const bound = { ...key, binding: { member: ME, signature: `0x${"22".repeat(65)}` } };
    const store = memoryStore({ "device-key": bound });
    const post = vi.fn((path: string, body: { passId: string; deviceKey: string }) =>
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
    const protocol = fakeProtocol({}, {});
    const ui = (passes: PassView[]) =>
      withApp(<OfflineDoorPasses member={ME} signedIn passes={passes} store={store} />, {
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
    const kept = await store.get<Record<string, ShownDoorPass>>("door-passes");
    expect(Object.keys(kept ?? {})).toEqual(["12"]);

    rerender(ui([view(12, { status: "cancelled" })]));
    await waitFor(() => expect(screen.queryByText("Poste — Saint-Germain")).toBeNull());
    expect(await store.get("door-passes")).toEqual({});
    expect(post).toHaveBeenCalledTimes(1);
  });
});
