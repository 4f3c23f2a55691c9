// The venue's doors: which resources each admits, whether it is active, and new doors.
import { useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { isAddress } from "viem";
import { useApp } from "../../hooks/useApp.ts";
import { useTx } from "../../hooks/useTx.ts";
import { useI18n } from "../../i18n/translate.ts";
import { loadDoors, type Resource, type Venue } from "../../lib/protocol.ts";
import { shortAddress } from "../../lib/labels.ts";
import { Labelled, TxCheckbox, TxFeedback } from "./fields.tsx";

export function DoorsForm({ venue, resources }: { venue: Venue; resources: Resource[] }) {
  const { t } = useI18n();
  const { protocol } = useApp();
  const tx = useTx();
  const doors = useQuery({
    queryKey: ["chain", "doors", venue.id, resources.map((r) => r.id)],
    queryFn: async () =>
      (await loadDoors(protocol, venue.id)).map((d) => ({
        ...d,
        admits: resources.map((r) => d.admits.includes(r.id)),
      })),
  });
  const [lockKey, setLockKey] = useState("");
  const [street, setStreet] = useState(true);
  return (
    <section>
      <h3>{t("form.doors")}</h3>
      <ul className="plain">
        {doors.data?.map((d) => (
          <li key={d.id} className="door-row">
            <strong>#{d.id}</strong> {d.allResources ? t("door.street", { id: d.id }) : t("door.room", { id: d.id })} ·{" "}
            <span title={d.lockKey}>{shortAddress(d.lockKey)}</span>
            <TxCheckbox
              checked={d.active}
              disabled={tx.busy}
              label={t("form.active")}
              onToggle={(v) =>
                tx.run({ functionName: "updateDoor", args: [d.id, d.allResources, v, d.lockKey] }, t("common.saved"))
              }
            />
            {!d.allResources && (
              <fieldset>
                <legend>{t("form.admits")}</legend>
                {resources.map((r, i) => (
                  <TxCheckbox
                    key={r.id}
                    checked={d.admits[i] ?? false}
                    disabled={tx.busy}
                    label={r.name}
                    onToggle={(v) =>
                      tx.run({ functionName: "setDoorResource", args: [d.id, r.id, v] }, t("common.saved"))
                    }
                  />
                ))}
              </fieldset>
            )}
          </li>
        ))}
      </ul>
      <form
        aria-label={t("form.newDoor")}
        onSubmit={(e) => {
          e.preventDefault();
          if (!isAddress(lockKey)) return tx.setError({ key: "form.err.lockKey" });
          void tx.run({ functionName: "createDoor", args: [venue.id, street, lockKey] }, t("common.saved"));
        }}
      >
        <h4>{t("form.newDoor")}</h4>
        <label className="check">
          <input type="checkbox" checked={street} onChange={(e) => setStreet(e.target.checked)} />
          {t("form.allResources")}
        </label>
        <Labelled label={t("form.lockKey")}>
          <input
            value={lockKey}
            onChange={(e) => setLockKey(e.target.value.trim())}
            placeholder="0x…"
            spellCheck={false}
          />
        </Labelled>
        <button type="submit" className="primary" disabled={tx.busy}>
          {t("common.create")}
        </button>
      </form>
      <TxFeedback tx={tx} />
    </section>
  );
}
