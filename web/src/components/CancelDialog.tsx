import { useEffect, useRef } from "react";
import { useI18n } from "../i18n/translate.ts";
import { formatAmount, type Currency } from "../lib/money.ts";
import type { UiMessage } from "../lib/errors.ts";
import { ErrorMessage } from "./Feedback.tsx";

/** What cancelling now gives back: the policy's refund (taxes included) less the sponsor's fee. */
export type CancelPreview = { refund: bigint; fee: bigint };

/**
 * "Cancel booking", then the confirmation with the refund it announces (a live region), then the
 * result. Keyboard focus follows: onto the confirmation when it opens, onto the result when done,
 * back onto "Cancel booking" when the member keeps the booking — never onto the page's body.
 */
export function CancelDialog({
  asking,
  onAsk,
  onKeep,
  onConfirm,
  preview,
  currency,
  busy,
  error,
  done,
}: {
  asking: boolean;
  onAsk: () => void;
  onKeep: () => void;
  onConfirm: () => void;
  /** Undefined while it loads. */
  preview: CancelPreview | undefined;
  currency: Currency | undefined;
  busy: boolean;
  error: UiMessage | null;
  /** What came back, once cancelled. */
  done: bigint | null;
}) {
  const { t, locale } = useI18n();
  const fmt = (v: bigint) => (currency ? formatAmount(v, currency, locale) : v.toString());
  const group = useRef<HTMLDivElement>(null);
  const result = useRef<HTMLParagraphElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const wasAsking = useRef(asking);
  useEffect(() => {
    if (done !== null) result.current?.focus();
    else if (asking && !wasAsking.current) group.current?.focus();
    else if (!asking && wasAsking.current) button.current?.focus();
    wasAsking.current = asking;
  }, [asking, done]);

  if (done !== null)
    return (
      <p className="status ok" role="status" data-testid="cancel-done" ref={result} tabIndex={-1}>
        {t("cancel.done", { amount: fmt(done) })}
      </p>
    );
  if (!asking)
    return (
      <button type="button" ref={button} onClick={onAsk}>
        {t("cancel.button")}
      </button>
    );
  const net = preview ? preview.refund - preview.fee : undefined;
  const feeTooHigh = preview !== undefined && preview.fee > 0n && preview.refund <= preview.fee;
  return (
    <div className="confirm" role="group" aria-label={t("cancel.button")} ref={group} tabIndex={-1}>
      <p data-testid="refund-preview" aria-live="polite" aria-atomic="true">
        {preview === undefined || net === undefined
          ? t("app.loading")
          : feeTooHigh
            ? t("err.sponsorFeeAboveRefund")
            : preview.fee > 0n
              ? t("cancel.previewWithFee", { amount: fmt(net), refund: fmt(preview.refund), fee: fmt(preview.fee) })
              : preview.refund > 0n
                ? t("cancel.preview", { amount: fmt(preview.refund) })
                : t("cancel.previewNone")}
      </p>
      <button
        type="button"
        className="danger"
        onClick={() => {
          group.current?.focus(); // the button disables itself while working: keep focus in the dialog
          onConfirm();
        }}
        disabled={busy || preview === undefined || feeTooHigh}
      >
        {busy ? t("common.working") : t("cancel.confirm")}
      </button>
      <button type="button" onClick={onKeep} disabled={busy}>
        {t("cancel.keep")}
      </button>
      <ErrorMessage error={error} focus />
    </div>
  );
}
