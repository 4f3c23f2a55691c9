import type { UiError } from "../lib/errors.ts";
import { useI18n } from "../i18n/i18n.tsx";

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

export function ErrorMessage({ error }: { error: UiError | null }) {
  const { t } = useI18n();
  if (!error) return null;
  return (
    <p className="error" role="alert">
      {t(error.key, error.vars)}
    </p>
  );
}

export function shortAddress(a: string): string {
  return `${a.slice(0, 6)}…${a.slice(-4)}`;
}
