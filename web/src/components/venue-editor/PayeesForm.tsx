// The venue's payees and their shares. A change creates a new split for future bookings; money
// already earned keeps the split it had.
import { useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { isAddress } from "viem";
import { useApp } from "../../hooks/useApp.ts";
import { useTx } from "../../hooks/useTx.ts";
import { useI18n } from "../../i18n/translate.ts";
import { payeesInput, type FieldError, type PayeeRow } from "../../lib/editorInput.ts";
import { loadSplits, type Venue } from "../../lib/protocol.ts";
import { FieldErrors, TxFeedback } from "./fields.tsx";

export function PayeesFields({ rows, setRows }: { rows: PayeeRow[]; setRows: (r: PayeeRow[]) => void }) {
  const { t } = useI18n();
  const total = rows.reduce((s, r) => s + (Number(r.percent) || 0), 0);
  return (
    <fieldset>
      <legend>{t("form.payees")}</legend>
      {rows.map((r, i) => (
        <div className="row" key={i}>
          <input
            aria-label={t("form.payeeAddress", { n: i + 1 })}
            value={r.address}
            placeholder="0x…"
            spellCheck={false}
            aria-invalid={r.address !== "" && !isAddress(r.address)}
            onChange={(e) => setRows(rows.map((x, j) => (j === i ? { ...x, address: e.target.value.trim() } : x)))}
          />
          <input
            aria-label={t("form.payeeShare", { n: i + 1 })}
            inputMode="decimal"
            className="short"
            value={r.percent}
            onChange={(e) => setRows(rows.map((x, j) => (j === i ? { ...x, percent: e.target.value } : x)))}
          />
          {rows.length > 1 && (
            <button type="button" onClick={() => setRows(rows.filter((_, j) => j !== i))}>
              {t("common.remove")}
            </button>
          )}
        </div>
      ))}
      <button type="button" onClick={() => setRows([...rows, { address: "", percent: "" }])}>
        {t("form.addPayee")}
      </button>
      <p className={Math.abs(total - 100) < 1e-9 ? "muted small" : "error small"}>{t("form.sharesTotal", { total })}</p>
    </fieldset>
  );
}

export function PayeesForm({ venue }: { venue: Venue }) {
  const { t } = useI18n();
  const { protocol } = useApp();
  const tx = useTx();
  const split = useQuery({
    queryKey: ["chain", "split", venue.splitId],
    queryFn: async () => (await loadSplits(protocol, venue.id)).find((s) => s.id === venue.splitId),
  });
  const [rows, setRows] = useState<PayeeRow[] | null>(null);
  const [invalid, setInvalid] = useState<FieldError[]>([]);
  const current = split.data;
  const payeeRows =
    rows ?? current?.payees.map((a, i) => ({ address: a, percent: String(current.sharesBps[i] / 100) })) ?? [];
  return (
    <form
      aria-label={t("form.payees")}
      onSubmit={(e) => {
        e.preventDefault();
        const p = payeesInput(payeeRows);
        setInvalid(p.ok ? [] : p.errors);
        if (!p.ok) return;
        void tx.run({ functionName: "setVenuePayees", args: [venue.id, p.value[0], p.value[1]] }, t("common.saved"));
      }}
    >
      <PayeesFields rows={payeeRows} setRows={setRows} />
      <button type="submit" className="primary" disabled={tx.busy}>
        {t("form.savePayees")}
      </button>
      <FieldErrors errors={invalid} />
      <TxFeedback tx={tx} />
    </form>
  );
}
