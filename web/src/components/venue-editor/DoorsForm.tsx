// The venue's doors: which resources each admits, whether it is active, its door agent (pairing:
// the lock key's address, checked by its pairing code), its live status and a remote pulse, and new doors.
import { useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { isAddress } from "viem";
import { useApp } from "../../hooks/useApp.ts";
import { useSession } from "../../hooks/useSession.ts";
import { useTx } from "../../hooks/useTx.ts";
import { useI18n } from "../../i18n/translate.ts";
import { loadDoors, type Resource, type Venue } from "../../lib/protocol.ts";
import { shortAddress } from "../../lib/labels.ts";
import { pairingCode } from "../../../../protocol/pairing.ts";
import { sameAddress } from "../../../../protocol/address.ts";
import { Labelled, TxCheckbox, TxFeedback } from "./fields.tsx";
import { DoorLiveView, PulseButton } from "./DoorLive.tsx";
import { useDoorsStatus } from "../../hooks/useDoorsStatus.ts";

/**
 * The lock key address field with its pairing code: shown as soon as the address is one (checksum
 * included), for the operator to compare with the code the door agent shows.
 */
export function LockKeyField({ value, onChange }: { value: string; onChange: (v: string) => void }) {
  const { t } = useI18n();
  const code = isAddress(value) ? pairingCode(value) : null;
  return (
    <>
      <Labelled label={t("form.lockKey")}>
        <input value={value} onChange={(e) => onChange(e.target.value.trim())} placeholder="0x…" spellCheck={false} />
      </Labelled>
      {code && (
        <p className="pairing" role="status">
          <strong>{t("pair.code", { code })}</strong> — {t("pair.check")}
        </p>
      )}
      {value !== "" && !code && <p className="hint">{t("form.err.lockKey")}</p>}
    </>
  );
}

/** Registers another agent's lock key for an existing door (updateDoor keeps the rest as it is). */
function RepairDoor({
  door,
  tx,
}: {
  door: { id: number; allResources: boolean; active: boolean };
  tx: ReturnType<typeof useTx>;
}) {
  const { t } = useI18n();
  const [lockKey, setLockKey] = useState("");
  return (
    <details>
      <summary>{t("pair.change")}</summary>
      <form
        aria-label={`${t("pair.change")} #${door.id}`}
        onSubmit={(e) => {
          e.preventDefault();
          if (!isAddress(lockKey)) return tx.setError({ key: "form.err.lockKey" });
          void tx.run(
            { functionName: "updateDoor", args: [door.id, door.allResources, door.active, lockKey] },
            t("common.saved"),
          );
        }}
      >
        <LockKeyField value={lockKey} onChange={setLockKey} />
        <button type="submit" className="primary" disabled={tx.busy}>
          {t("pair.save")}
        </button>
      </form>
    </details>
  );
}

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
  const session = useSession();
  const operatorSignedIn = !!session.data && sameAddress(session.data, venue.operator);
  const live = useDoorsStatus(venue.id, operatorSignedIn);
  return (
    <section>
      <h3>{t("form.doors")}</h3>
      {!operatorSignedIn && <p className="hint">{t("doors.live.signIn")}</p>}
      {operatorSignedIn && live.isError && <p className="hint">{t("doors.live.unavailable")}</p>}
      <ul className="plain">
        {doors.data?.map((d) => (
          <li key={d.id} className="door-row">
            <strong>#{d.id}</strong> {d.allResources ? t("door.street", { id: d.id }) : t("door.room", { id: d.id })} ·{" "}
            <span title={d.lockKey}>{shortAddress(d.lockKey)}</span> ·{" "}
            <span className="pairing-code">{pairingCode(d.lockKey)}</span>
            {operatorSignedIn && live.data && d.active && (
              <>
                <DoorLiveView status={live.data.doors.find((s) => s.door === d.id)} timeZone={venue.timeZone} />
                <PulseButton door={d.id} onDone={() => void live.refetch()} />
              </>
            )}
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
            <RepairDoor door={d} tx={tx} />
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
        <LockKeyField value={lockKey} onChange={setLockKey} />
        <button type="submit" className="primary" disabled={tx.busy}>
          {t("common.create")}
        </button>
      </form>
      <TxFeedback tx={tx} />
    </section>
  );
}
