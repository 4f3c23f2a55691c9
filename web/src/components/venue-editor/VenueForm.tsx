// The venue's own details (name on chain, metadata), its creation and its pause switch.
import { useState } from "react";
import type { Address } from "viem";
import { useTx } from "../../hooks/useTx.ts";
import { useI18n } from "../../i18n/translate.ts";
import { payeesArgs, type PayeeRow } from "../../lib/editorInput.ts";
import { localized, metadataUri, withLocalized } from "../../lib/metadata.ts";
import type { Venue } from "../../lib/protocol.ts";
import { Labelled, TxCheckbox, TxFeedback } from "./fields.tsx";
import { PayeesFields } from "./PayeesForm.tsx";

type VenueFields = {
  name: string;
  address: string;
  city: string;
  timezone: string;
  openingHours: string;
  description: string;
};

function VenueDetails({ value, onChange }: { value: VenueFields; onChange: (v: VenueFields) => void }) {
  const { t } = useI18n();
  const f = (k: keyof VenueFields, label: string, extra?: object) => (
    <Labelled label={label}>
      <input value={value[k]} onChange={(e) => onChange({ ...value, [k]: e.target.value })} {...extra} />
    </Labelled>
  );
  return (
    <>
      {f("name", t("form.name"), { required: true, maxLength: 32 })}
      {f("address", t("form.address"))}
      {f("city", t("form.city"))}
      {f("timezone", t("form.timezone"), { placeholder: "America/Toronto" })}
      {f("openingHours", t("form.hours"))}
      {f("description", t("form.description"))}
    </>
  );
}

function venueMeta(v: VenueFields, lang: string, base: { description?: unknown } = {}) {
  return metadataUri({
    ...base,
    name: v.name,
    address: v.address,
    city: v.city,
    timezone: v.timezone || "America/Toronto",
    openingHours: v.openingHours,
    description: withLocalized(base.description, lang, v.description),
  });
}

export function CreateVenue({ account }: { account: Address }) {
  const { t, lang } = useI18n();
  const tx = useTx();
  const [open, setOpen] = useState(false);
  const [v, setV] = useState<VenueFields>({
    name: "",
    address: "",
    city: "",
    timezone: "America/Toronto",
    openingHours: "",
    description: "",
  });
  const [rows, setRows] = useState<PayeeRow[]>([{ address: account, percent: "100" }]);
  if (!open)
    return (
      <button type="button" onClick={() => setOpen(true)}>
        {t("op.newVenue")}
      </button>
    );
  return (
    <form
      className="editor"
      aria-label={t("op.newVenue")}
      onSubmit={(e) => {
        e.preventDefault();
        const p = payeesArgs(rows);
        if (!p || !v.name) return tx.setError({ key: "form.invalid" });
        void tx
          .run({ functionName: "createVenue", args: [v.name, venueMeta(v, lang), p[0], p[1]] }, t("common.saved"))
          .then((r) => r && setOpen(false));
      }}
    >
      <h2>{t("op.newVenue")}</h2>
      <VenueDetails value={v} onChange={setV} />
      <PayeesFields rows={rows} setRows={setRows} />
      <button type="submit" className="primary" disabled={tx.busy}>
        {tx.busy ? t("common.working") : t("common.create")}
      </button>
      <TxFeedback tx={tx} />
    </form>
  );
}

export function VenueForm({ venue }: { venue: Venue }) {
  const { t, lang } = useI18n();
  const tx = useTx();
  const [v, setV] = useState<VenueFields>({
    name: venue.name,
    address: String(venue.meta.address ?? ""),
    city: String(venue.meta.city ?? ""),
    timezone: venue.timeZone,
    openingHours: typeof venue.meta.openingHours === "string" ? venue.meta.openingHours : "",
    description: localized(venue.meta.description, lang),
  });
  return (
    <form
      aria-label={t("form.venue")}
      onSubmit={(e) => {
        e.preventDefault();
        void tx.run(
          { functionName: "updateVenue", args: [venue.id, v.name, venueMeta(v, lang, venue.meta)] },
          t("common.saved"),
        );
      }}
    >
      <h3>{t("form.venue")}</h3>
      <VenueDetails value={v} onChange={setV} />
      <button type="submit" className="primary" disabled={tx.busy}>
        {t("common.save")}
      </button>
      <TxFeedback tx={tx} />
    </form>
  );
}

export function PauseToggle({ venue }: { venue: Venue }) {
  const { t } = useI18n();
  const tx = useTx();
  return (
    <>
      <TxCheckbox
        checked={venue.paused}
        disabled={tx.busy}
        label={t("form.paused")}
        onToggle={(paused) => tx.run({ functionName: "setVenuePaused", args: [venue.id, paused] }, t("common.saved"))}
      />
      <TxFeedback tx={tx} />
    </>
  );
}
