// Building blocks shared by the venue editor's forms.
import { useState, type ReactNode } from "react";
import { ErrorMessage } from "../Feedback.tsx";
import type { useTx } from "../../hooks/useTx.ts";
import { useI18n } from "../../i18n/translate.ts";
import type { FieldError } from "../../lib/editorInput.ts";

export function Labelled({ label, children }: { label: string; children: ReactNode }) {
  return (
    <label className="field">
      <span>{label}</span>
      {children}
    </label>
  );
}

/** A checkbox bound to chain state: shows the user's choice while its transaction is pending. */
export function TxCheckbox({
  checked,
  disabled,
  label,
  onToggle,
}: {
  checked: boolean;
  disabled: boolean;
  label: ReactNode;
  onToggle: (v: boolean) => Promise<unknown>;
}) {
  const [pending, setPending] = useState<boolean | null>(null);
  return (
    <label className="check">
      <input
        type="checkbox"
        checked={pending ?? checked}
        disabled={disabled || pending !== null}
        onChange={(e) => {
          const v = e.target.checked;
          setPending(v);
          void onToggle(v).finally(() => setPending(null));
        }}
      />
      {label}
    </label>
  );
}

/** The outcome of a form's last transaction: its success message or its error. */
export function TxFeedback({ tx }: { tx: ReturnType<typeof useTx> }) {
  return (
    <>
      {tx.done && (
        <p className="status ok" role="status">
          {tx.done}
        </p>
      )}
      <ErrorMessage error={tx.error} />
    </>
  );
}

/** Every invalid field of a form, listed together before anything is signed. */
export function FieldErrors({ errors }: { errors: readonly FieldError[] }) {
  const { t } = useI18n();
  if (errors.length === 0) return null;
  return (
    <div className="error" role="alert">
      <span>{t("form.invalidFields", { n: errors.length })}</span>
      <ul>
        {errors.map((e, i) => (
          <li key={i}>{t(e.key, e.vars)}</li>
        ))}
      </ul>
    </div>
  );
}
