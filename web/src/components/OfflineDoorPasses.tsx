// "Door pass for offline use" on the passes page (docs/door-agent.md, "Offline doors"): the member
// turns it on once (one wallet signature binds this device's key); the DoorPasses are then kept and
// renewed in the background on every page (components/DoorPassKeeper.tsx) and, where the browser
// grants it, by the service worker while the app is closed. They stay in IndexedDB, so with no
// network (the service worker serves the app) the page still lists them, says when each was last
// renewed and until when it opens offline, and shows the code that changes every 30-second slot.
import { useCallback, useEffect, useState } from "react";
import type { Address } from "viem";
import { signTypedData } from "viem/actions";
import { useApp } from "../hooks/useApp.ts";
import { useNow } from "../hooks/useNow.ts";
import { useI18n } from "../i18n/translate.ts";
import { sameAddress } from "../../../protocol/address.ts";
import { DOOR_SLOT_SECONDS, slotOf } from "../../../protocol/doorPass.ts";
import { bindingTypedData, codeFor, deviceKey, saveBinding, type DeviceKey } from "../lib/offlinePass.ts";
import type { ShownDoorPass } from "../lib/doorPassRenewal.ts";
import { qrPath } from "../../../protocol/qrPath.ts";
import { formatDateTime } from "../lib/time.ts";
import { walletFor } from "../lib/wallet.ts";
import { toUiError, UiError } from "../lib/errors.ts";
import { ErrorMessage } from "./Feedback.tsx";
import { useDoorPasses } from "../hooks/useDoorPasses.ts";

export type { ShownDoorPass } from "../lib/doorPassRenewal.ts";

export function OfflineDoorPasses({ member, signedIn }: { member: Address | undefined; signedIn: boolean }) {
  const { t } = useI18n();
  const { protocol, wagmi } = useApp();
  const { key, held, error: renewError, store, bound: onBound } = useDoorPasses();
  const [binding, setBinding] = useState(false);
  const [error, setError] = useState<UiError | null>(null);
  const now = useNow(1000);

  const bound = !!key?.binding && !!member && sameAddress(key.binding.member, member);

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
      onBound({ ...k, binding: { member, signature } });
    } catch (e) {
      setError(toUiError(e));
    } finally {
      setBinding(false);
    }
  }, [member, store, protocol, wagmi, onBound]);

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
      <ErrorMessage error={error ?? renewError} />
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
      <p className="small" data-renewed-at={held.fetchedAt}>
        {t("offline.renewed", { at: formatDateTime(held.fetchedAt, locale, held.timeZone), until })}
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
