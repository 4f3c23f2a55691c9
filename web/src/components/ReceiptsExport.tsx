// The operator's accounting export: a month of a venue's receipts and credit notes as CSV, with the
// totals of taxable sales, GST and QST collected and refunded.
import { useState } from "react";
import { useI18n } from "../i18n/translate.ts";
import { relayerErrorText } from "./relayerErrorText.ts";
import type { Relayer } from "../lib/relayer.ts";
import { saveFile } from "./saveFile.ts";
import { monthPeriod } from "../lib/monthPeriod.ts";

export function ReceiptsExport({
  relayer,
  venueId,
  initialMonth,
}: {
  relayer: Pick<Relayer, "file">;
  venueId: number;
  /** YYYY-MM shown first (the current month). */
  initialMonth: string;
}) {
  const { t } = useI18n();
  const [month, setMonth] = useState(initialMonth);
  const [error, setError] = useState<string | null>(null);
  const exportCsv = async () => {
    setError(null);
    const [from, to] = monthPeriod(month);
    try {
      saveFile(
        await relayer.file(`/api/venues/${venueId}/receipts.csv?from=${from}&to=${to}`),
        `receipts-venue-${venueId}-${month}.csv`,
      );
    } catch (err) {
      setError(relayerErrorText(err, t));
    }
  };
  return (
    <section aria-labelledby={`export-${venueId}`}>
      <h3 id={`export-${venueId}`}>{t("receipts.exportTitle")}</h3>
      <label>
        {t("receipts.month")}{" "}
        <input
          type="month"
          value={month}
          required
          pattern="\d{4}-\d{2}"
          onChange={(e) => e.currentTarget.value && setMonth(e.currentTarget.value)}
        />
      </label>{" "}
      <button type="button" onClick={() => void exportCsv()}>
        {t("receipts.export")}
      </button>
      {error && <p role="alert">{error}</p>}
    </section>
  );
}
