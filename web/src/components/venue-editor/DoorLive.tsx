// A door's live status and its remote pulse, in the doors form (operator's session only). The
// status is polled every few seconds while the page is visible, never in a hidden tab.
import { useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { useApp } from "../../hooks/useApp.ts";
import { useI18n } from "../../i18n/translate.ts";
import { describeDoor } from "../../lib/doorStatus.ts";
import { formatDateTime } from "../../lib/time.ts";
import type { DoorLiveStatus } from "../../../../protocol/api/doorOps.ts";
import type { PulseResult } from "../../lib/relayer.ts";
import { toUiError } from "../../lib/errors.ts";

export const DOOR_STATUS_POLL_MS = 5000;

const visible = () => typeof document === "undefined" || document.visibilityState === "visible";

/** The venue's doors' live status, polled while the page is visible; off without the operator's session. */
export function useDoorsStatus(venueId: number, enabled: boolean) {
  const { relayer } = useApp();
  return useQuery({
    queryKey: ["relayer", "doors-status", venueId],
    queryFn: () => relayer.doorsStatus(venueId),
    enabled,
    refetchInterval: () => (visible() ? DOOR_STATUS_POLL_MS : false),
    refetchIntervalInBackground: false,
  });
}

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
