import { useEffect, useRef } from "react";
import type { UiMessage } from "../lib/errors.ts";
import { useI18n } from "../i18n/translate.ts";

/** A polite live region for progress, an assertive one for failures. */
export function Status({ busy, message }: { busy?: boolean; message?: string | null }) {
  if (!message) return null;
  return (
    <p className={busy ? "status busy" : "status ok"} role="status" aria-live="polite">
      {busy && <span className="spinner" aria-hidden="true" />}
      {message}
    </p>
  );
}

/**
 * A failure, announced. `focus` moves the keyboard focus to it when it appears (the control that
 * started the flow may have been disabled or removed); `onDismiss` adds a button that closes it.
 */
export function ErrorMessage({
  error,
  focus,
  onDismiss,
}: {
  error: UiMessage | null;
  focus?: boolean;
  onDismiss?: () => void;
}) {
  const { t } = useI18n();
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (error && focus) ref.current?.focus();
  }, [error, focus]);
  if (!error) return null;
  return (
    <div className="error" role="alert" ref={ref} tabIndex={focus ? -1 : undefined}>
      <span>{t(error.key, error.vars)}</span>
      {onDismiss && (
        <button type="button" className="link dismiss" onClick={onDismiss}>
          {t("common.dismiss")}
        </button>
      )}
    </div>
  );
}
