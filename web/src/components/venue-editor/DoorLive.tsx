// A door's live status (hooks/useDoorsStatus.ts) and its remote pulse, in the doors form (the
// operator's session only).
import { useState } from "react";
import { useApp } from "../../hooks/useApp.ts";
import { useI18n } from "../../i18n/translate.ts";
import { describeDoor } from "../../lib/doorStatus.ts";
import { formatDateTime } from "../../lib/time.ts";
import type { DoorLiveStatus } from "../../../../protocol/api/doorOps.ts";
import type { PulseResult } from "../../lib/relayer.ts";
import { toUiError } from "../../lib/errors.ts";

export function DoorLiveView({ status, timeZone }: { status: DoorLiveStatus | undefined; timeZone: string }) {
  const { t, locale } = useI18n();
  const summary = describeDoor(status, (s) => formatDateTime(s, locale, timeZone));
  return (
    <p className={`door-live ${summary.tone}`} aria-label={t("doors.live.title")}>
      {summary.lines.map((l, i) => (
        <span key={l.key}>
          {i > 0 && " · "}
          {t(l.key, l.vars)}
        </span>
      ))}
    </p>
  );
}

/** "Pulse open", confirmed in place before anything is sent. */
export function PulseButton({ door, onDone }: { door: number; onDone?: () => void }) {
  const { t } = useI18n();
  const { relayer } = useApp();
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ text: string; failed: boolean } | null>(null);
  const outcome = (r: PulseResult) =>
    r.result === "opened"
      ? { text: t("doors.pulse.opened", { id: door }), failed: false }
      : r.result === "refused"
        ? { text: t("doors.pulse.refused", { id: door, reason: r.reason ?? "" }), failed: true }
        : { text: t("doors.pulse.unreachable", { id: door }), failed: true };
  const send = async () => {
    setConfirming(false);
    setBusy(true);
    setMessage(null);
    try {
      setMessage(outcome(await relayer.pulse(door)));
      onDone?.();
    } catch (err) {
      const e = toUiError(err);
      setMessage({ text: t("doors.pulse.failed", { message: t(e.key, e.vars) }), failed: true });
    } finally {
      setBusy(false);
    }
  };
  return (
    <span className="pulse">
      {confirming ? (
        <span role="group" aria-label={t("doors.pulse")}>
          {t("doors.pulse.confirm", { id: door })}{" "}
          <button type="button" className="primary" onClick={() => void send()}>
            {t("doors.pulse.yes")}
          </button>{" "}
          <button type="button" onClick={() => setConfirming(false)}>
            {t("doors.pulse.no")}
          </button>
        </span>
      ) : (
        <button type="button" disabled={busy} onClick={() => setConfirming(true)}>
          {t("doors.pulse")}
        </button>
      )}
      {message && (
        <span role={message.failed ? "alert" : "status"} className={message.failed ? "error" : "status ok"}>
          {" "}
          {message.text}
        </span>
      )}
    </span>
  );
}
