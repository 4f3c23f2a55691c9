// The venue's longest offline door pass (on chain, setDoorPassMaxHours): how long a pass cancelled
// while the venue's internet is down can still open its doors. Shows the current setting, or the
// relayer's default while the operator has set none.
import { useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { useApp } from "../../hooks/useApp.ts";
import { useTx } from "../../hooks/useTx.ts";
import { useI18n } from "../../i18n/translate.ts";
import type { Venue } from "../../lib/protocol.ts";
import { parseDoorPassHours } from "../../lib/editorInput.ts";
import { Labelled, TxFeedback } from "./fields.tsx";

export function DoorPassHoursForm({ venue }: { venue: Venue }) {
  const { t } = useI18n();
  const { relayer } = useApp();
  const tx = useTx();
  const network = useQuery({
    queryKey: ["network"],
    queryFn: () => relayer.get<{ limits?: { doorPassDefaultHours?: number } }>("/api/network"),
    staleTime: Infinity,
  });
  const defaultHours = network.data?.limits?.doorPassDefaultHours;
  const current = venue.doorPassMaxHours;
  const [raw, setRaw] = useState(current === null ? "" : String(current));
  // The bound a pass cancelled during an outage keeps: the setting, else the relayer's default.
  const bound = current ?? defaultHours ?? null;
  return (
    <section>
      <h3>{t("form.doorPassHours")}</h3>
      <p className="muted small" data-testid="door-pass-hours-current">
        {current !== null
          ? t("form.doorPassHours.current", { n: current })
          : defaultHours !== undefined
            ? t("form.doorPassHours.unset", { n: defaultHours })
            : t("form.doorPassHours.unsetUnknown")}
      </p>
      {bound !== null && <p className="small">{t("form.doorPassHours.exposure", { n: bound })}</p>}
      <form
        aria-label={t("form.doorPassHours")}
        onSubmit={(e) => {
          e.preventDefault();
          const hours = parseDoorPassHours(raw);
          if (hours === null) return tx.setError({ key: "form.err.doorPassHours" });
          void tx.run({ functionName: "setDoorPassMaxHours", args: [venue.id, hours] }, t("common.saved"));
        }}
      >
        <Labelled label={t("form.doorPassHours.field")}>
          <input
            value={raw}
            onChange={(e) => setRaw(e.target.value)}
            inputMode="numeric"
            placeholder={defaultHours === undefined ? "1–24" : String(defaultHours)}
          />
        </Labelled>
        <button type="submit" className="primary" disabled={tx.busy}>
          {t("common.save")}
        </button>
      </form>
      <TxFeedback tx={tx} />
    </section>
  );
}
