// The member's receipts and credit notes (derived by the relayer from the chain), each downloadable
// as PDF in French or in English.
import { useEffect, useState } from "react";
import { useI18n } from "../i18n/translate.ts";
import { relayerErrorText } from "./relayerErrorText.ts";
import type { BillingDocumentJson, Relayer } from "../lib/relayer.ts";
import { RelayerRequestError } from "../lib/relayer.ts";
import { formatAmount } from "../lib/money.ts";
import { formatDateTime } from "../lib/time.ts";
import { saveFile } from "./saveFile.ts";

type State =
  | { status: "loading" }
  | { status: "signedOut" }
  | { status: "failed"; error: unknown }
  | { status: "ready"; documents: BillingDocumentJson[] };

export function ReceiptLinks({
  relayer,
  refreshKey,
}: {
  relayer: Pick<Relayer, "get" | "file">;
  refreshKey?: unknown;
}) {
  const { t, locale } = useI18n();
  const [state, setState] = useState<State>({ status: "loading" });
  const [failed, setFailed] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    relayer
      .get<{ documents: BillingDocumentJson[] }>("/api/receipts")
      .then((b) => live && setState({ status: "ready", documents: b.documents }))
      .catch((err: unknown) => {
        if (!live) return;
        if (err instanceof RelayerRequestError && err.status === 401) setState({ status: "signedOut" });
        else setState({ status: "failed", error: err });
      });
    return () => {
      live = false;
    };
  }, [relayer, refreshKey]);

  const download = async (doc: BillingDocumentJson, lang: "fr" | "en") => {
    setFailed(null);
    try {
      saveFile(await relayer.file(`/api/receipts/${doc.id}/pdf?lang=${lang}`), `${doc.id}-${lang}.pdf`);
    } catch (err) {
      setFailed(relayerErrorText(err, t));
    }
  };

  return (
    <section aria-labelledby="receipts-title" className="receipts">
      <h2 id="receipts-title">{t("receipts.title")}</h2>
      {state.status === "loading" && <p>{t("app.loading")}</p>}
      {state.status === "signedOut" && <p>{t("receipts.signIn")}</p>}
      {state.status === "failed" && <p role="alert">{relayerErrorText(state.error, t)}</p>}
      {state.status === "ready" && state.documents.length === 0 && <p className="muted">{t("receipts.none")}</p>}
      {state.status === "ready" && state.documents.length > 0 && (
        <ul>
          {[...state.documents].reverse().map((d) => (
            <li key={d.id} data-document-id={d.id}>
              <strong>{t(d.kind === "receipt" ? "receipts.receipt" : "receipts.creditNote", { id: d.id })}</strong>
              {" · "}
              {d.resourceName}
              {d.time !== null && ` · ${formatDateTime(d.time, locale, d.timeZone)}`}
              {" · "}
              <span className="total">
                {t("receipts.total", { amount: formatAmount(BigInt(d.total), d.currency, locale) })}
              </span>
              {/* The gasless call's sponsor fee: paid on top of a receipt, taken from a credit note's refund. */}
              {BigInt(d.serviceFee) > 0n && (
                <span className="service-fee">
                  {" "}
                  {t(d.kind === "receipt" ? "receipts.feePaid" : "receipts.feeTaken", {
                    fee: formatAmount(BigInt(d.serviceFee), d.currency, locale),
                  })}
                </span>
              )}{" "}
              <button type="button" onClick={() => void download(d, "fr")}>
                {t("receipts.pdfFr")}
              </button>{" "}
              <button type="button" onClick={() => void download(d, "en")}>
                {t("receipts.pdfEn")}
              </button>
            </li>
          ))}
        </ul>
      )}
      {failed && <p role="alert">{failed}</p>}
    </section>
  );
}
