// The relayer keys the venue's locks trust (on chain).
import { useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { isAddress } from "viem";
import { useApp } from "../../hooks/useApp.ts";
import { useTx } from "../../hooks/useTx.ts";
import { useI18n } from "../../i18n/translate.ts";
import { loadRelayers, type Venue } from "../../lib/protocol.ts";
import { Labelled, TxFeedback } from "./fields.tsx";

export function RelayersForm({ venue }: { venue: Venue }) {
  const { t } = useI18n();
  const { protocol } = useApp();
  const tx = useTx();
  const relayers = useQuery({
    queryKey: ["chain", "relayers", venue.id],
    queryFn: () => loadRelayers(protocol, venue.id),
  });
  const [addr, setAddr] = useState("");
  return (
    <section>
      <h3>{t("form.relayers")}</h3>
      <ul className="plain">
        {relayers.data?.map((r) => (
          <li key={r}>
            <code>{r}</code>{" "}
            <button
              type="button"
              disabled={tx.busy}
              onClick={() =>
                void tx.run({ functionName: "setRelayerTrusted", args: [venue.id, r, false] }, t("common.saved"))
              }
            >
              {t("form.untrust")}
            </button>
          </li>
        ))}
      </ul>
      <form
        aria-label={t("form.relayers")}
        onSubmit={(e) => {
          e.preventDefault();
          if (!isAddress(addr)) return tx.setError({ key: "form.err.relayer" });
          void tx.run({ functionName: "setRelayerTrusted", args: [venue.id, addr, true] }, t("common.saved"));
        }}
      >
        <Labelled label={t("form.relayerAddress")}>
          <input value={addr} onChange={(e) => setAddr(e.target.value.trim())} placeholder="0x…" spellCheck={false} />
        </Labelled>
        <button type="submit" className="primary" disabled={tx.busy}>
          {t("form.trust")}
        </button>
      </form>
      <TxFeedback tx={tx} />
    </section>
  );
}
