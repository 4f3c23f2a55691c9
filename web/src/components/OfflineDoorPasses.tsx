// "Door pass for offline use" on the passes page (docs/door-agent.md, "Offline doors"): the member
// turns it on once (one wallet signature binds this device's key), then, while online, the page
// keeps a DoorPass for every pass usable now or within 24 h and renews it in the background. The
// DoorPasses stay in IndexedDB, so with no network (the service worker serves the app) the page
// still lists them and shows the code that changes every 30-second slot.
import { useCallback, useEffect, useState } from "react";
import type { Address } from "viem";
import { signTypedData } from "viem/actions";
import { useApp } from "../hooks/useApp.ts";
import { useNow } from "../hooks/useNow.ts";
import { useI18n } from "../i18n/translate.ts";
import { sameAddress } from "../../../protocol/address.ts";
import { DOOR_SLOT_SECONDS, slotOf } from "../../../protocol/doorPass.ts";
import {
  bindingTypedData,
  codeFor,
  deviceKey,
  fetchDoorPass,
  indexedDbStore,
  saveBinding,
  type DeviceKey,
  type HeldDoorPass,
  type OfflineStore,
} from "../lib/offlinePass.ts";
import { planRefresh } from "../lib/offlineRefresh.ts";
import { qrPath } from "../../../protocol/qrPath.ts";
import { formatDateTime, nowSeconds } from "../lib/time.ts";
import { walletFor } from "../lib/wallet.ts";
import { toUiError, UiError } from "../lib/errors.ts";
import { ErrorMessage } from "./Feedback.tsx";
import type { PassView } from "./PassList.tsx";

/** A kept DoorPass and what the page shows of its pass with no network. */
export type ShownDoorPass = HeldDoorPass & { label: string; timeZone: string };

const HELD = "door-passes";
const DEVICE = "device-key";
/** How often the page looks again while online (a DoorPass is renewed an hour before it ends). */
const REFRESH_EVERY_MS = 60_000;

let sharedStore: OfflineStore | null = null;
const defaultStore = () => (sharedStore ??= indexedDbStore());

export function OfflineDoorPasses({
  member,
  signedIn,
  passes,
  store: injected,
}: {
  member: Address | undefined;
  signedIn: boolean;
  /** The member's passes as read online; undefined while unknown (offline): nothing is dropped then. */
  passes: PassView[] | undefined;
  store?: OfflineStore;
}) {
  const { t } = useI18n();
  const { protocol, relayer, wagmi } = useApp();
  const store = injected ?? defaultStore();
  const [key, setKey] = useState<DeviceKey | null>(null);
  const [held, setHeld] = useState<Map<string, ShownDoorPass>>(new Map());
  const [binding, setBinding] = useState(false);
  const [error, setError] = useState<UiError | null>(null);
  const [tick, setTick] = useState(0);
  const now = useNow(1000);

  useEffect(() => {
    let live = true;
    void Promise.all([store.get<DeviceKey>(DEVICE), store.get<Record<string, ShownDoorPass>>(HELD)]).then(([k, h]) => {
      if (!live) return;
      setKey(k ?? null);
      setHeld(new Map(Object.entries(h ?? {})));
    });
    return () => {
      live = false;
    };
  }, [store]);

  useEffect(() => {
    const id = setInterval(() => setTick((n) => n + 1), REFRESH_EVERY_MS);
    return () => clearInterval(id);
  }, []);

  const bound = !!key?.binding && !!member && sameAddress(key.binding.member, member);

  // While online and bound: fetch what the plan asks, drop what it drops, keep the rest.
  useEffect(() => {
    if (!signedIn || !bound || !key || !member || !passes) return;
    let live = true;
    const byId = new Map(passes.map((p) => [p.passId.toString(), p]));
    const plan = planRefresh(
      passes,
      held,
      member,
      key.publicKey,
      nowSeconds(),
      (p) => byId.get(p.passId.toString())?.graceSeconds ?? 0,
    );
    if (plan.fetch.length === 0 && plan.drop.length === 0) return;
    void (async () => {
      const next = new Map(held);
      for (const id of plan.drop) next.delete(id);
      let failure: UiError | null = null;
      for (const passId of plan.fetch) {
        const p = byId.get(passId.toString())!;
        try {
          const got = await fetchDoorPass(relayer, passId, key, nowSeconds());
          const label = [p.resourceName, p.venueName].filter(Boolean).join(" — ");
          next.set(passId.toString(), { ...got, label, timeZone: p.timeZone });
        } catch (e) {
          // A space with no door has nothing to open offline: not a failure worth showing.
          if ((e as { code?: string }).code !== "pass_without_door")
            failure = new UiError("offline.refreshFailed", { message: toUiError(e).message });
        }
      }
      await store.put(HELD, Object.fromEntries(next));
      if (!live) return;
      setHeld(next);
      setError(failure);
    })();
    return () => {
      live = false;
    };
    // `held` is read, not watched: a fetch's own result must not start another round.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [signedIn, bound, key, member, passes, tick, relayer, store]);

  const turnOn = useCallback(async () => {
    if (!member) return;
    setBinding(true);
    setError(null);
    try {
      const k = await deviceKey(store);
      const wallet = await walletFor(protocol, wagmi);
      const typed = bindingTypedData(protocol.chain.id, protocol.address, member, k.publicKey);
      const signature = await signTypedData(wallet, { account: member, ...typed });
      await saveBinding(store, k, member, signature);
      setKey({ ...k, binding: { member, signature } });
    } catch (e) {
      setError(toUiError(e));
    } finally {
      setBinding(false);
    }
  }, [member, store, protocol, wagmi]);

  const shown = [...held.entries()].filter(([, h]) => h.pass.validUntil > now);
  return (
    <section aria-labelledby="offline-title" className="offline-passes">
      <h2 id="offline-title">{t("offline.title")}</h2>
      {!bound && signedIn && (
        <>
          <p className="muted small">{t("offline.intro")}</p>
          <button type="button" onClick={() => void turnOn()} disabled={binding}>
            {binding ? t("offline.binding") : t("offline.turnOn")}
          </button>
        </>
      )}
      {bound && <p className="status ok">{t("offline.on")}</p>}
      {shown.length === 0 ? (
        (bound || !signedIn) && <p className="muted">{t("offline.none")}</p>
      ) : (
        <ul className="passes">
          {shown.map(([id, h]) => (
            <HeldPass key={id} held={h} deviceKey={key} now={now} />
          ))}
        </ul>
      )}
      <ErrorMessage error={error} />
    </section>
  );
}

function HeldPass({ held, deviceKey: key, now }: { held: ShownDoorPass; deviceKey: DeviceKey | null; now: number }) {
  const { t, locale } = useI18n();
  const [open, setOpen] = useState(false);
  const until = formatDateTime(held.pass.validUntil, locale, held.timeZone);
  return (
    <li className="pass" data-door-pass={held.pass.passId.toString()}>
      <h3>{held.label || `#${held.pass.passId}`}</h3>
      <p className="small">
        {t("offline.valid", { from: formatDateTime(held.pass.validFrom, locale, held.timeZone), until })}
      </p>
      <p className="small">{t("offline.exposure", { until })}</p>
      {key && (
        <button type="button" className="primary" onClick={() => setOpen((o) => !o)} aria-expanded={open}>
          {open ? t("offline.hide") : t("offline.show")}
        </button>
      )}
      {open && key && <DoorCodeView held={held} deviceKey={key} now={now} />}
    </li>
  );
}

/** Whole pixels per module (a cheap scanner reads crisp modules best), the code within ~300 px. */
const modulePx = (size: number) => Math.max(2, Math.floor(300 / size));

/** The QR code for `now`'s 30-second slot: signed once per slot, drawn again when the slot changes. */
export function DoorCodeView({
  held,
  deviceKey: key,
  now,
  subtle,
}: {
  held: ShownDoorPass;
  deviceKey: DeviceKey;
  now: number;
  subtle?: SubtleCrypto;
}) {
  const { t } = useI18n();
  const { protocol } = useApp();
  const slot = slotOf(now);
  const [code, setCode] = useState<{ text: string; slot: number; ends: number } | null>(null);
  useEffect(() => {
    let live = true;
    void codeFor(held, key, protocol.chain.id, protocol.address, slot * DOOR_SLOT_SECONDS, subtle).then((c) => {
      if (live) setCode({ text: c.text, slot: c.slot, ends: (c.slot + 1) * DOOR_SLOT_SECONDS });
    });
    return () => {
      live = false;
    };
  }, [held, key, protocol, slot, subtle]);
  if (!code || code.slot !== slot) return null;
  const qr = qrPath(code.text);
  return (
    <figure className="door-code" data-slot={code.slot}>
      <svg
        role="img"
        aria-label={t("offline.codeLabel", { pass: `#${held.pass.passId}` })}
        viewBox={`0 0 ${qr.size} ${qr.size}`}
        width={qr.size * modulePx(qr.size)}
        height={qr.size * modulePx(qr.size)}
        shapeRendering="crispEdges"
      >
        <rect width={qr.size} height={qr.size} fill="#fff" />
        <path d={qr.d} fill="#000" />
      </svg>
      <figcaption className="small" aria-live="off">
        {t("offline.changesIn", { n: Math.max(1, code.ends - now) })}
      </figcaption>
    </figure>
  );
}
