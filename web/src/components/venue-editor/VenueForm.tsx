// The venue's own details (name on chain, metadata), its creation and its pause switch.
import { useId, useState } from "react";
import type { Address } from "viem";
import { useTx } from "../../hooks/useTx.ts";
import { useI18n } from "../../i18n/translate.ts";
import { platformTimeZones, venueInput, type FieldError, type PayeeRow } from "../../lib/editorInput.ts";
import { localized, metadataUri, withLocalized } from "../../lib/metadata.ts";
import type { Venue } from "../../lib/protocol.ts";
import { FieldErrors, Labelled, TxCheckbox, TxFeedback } from "./fields.tsx";
import { PayeesFields } from "./PayeesForm.tsx";

type VenueFields = {
  name: string;
  address: string;
  city: string;
  timezone: string;
  description: string;
};

function VenueDetails({ value, onChange }: { value: VenueFields; onChange: (v: VenueFields) => void }) {
  const { t } = useI18n();
  const zonesId = useId();
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
      {f("timezone", t("form.timezone"), { placeholder: "America/Toronto", list: zonesId })}
      <datalist id={zonesId}>
        {[...platformTimeZones()].map((z) => (
          <option key={z} value={z} />
        ))}
      </datalist>
      {f("description", t("form.description"))}
    </>
  );
}

/** The venue's metadata; opening hours are not in it (they are on chain, set in their own form), and
 * the free text earlier versions kept there is dropped. */
function venueMeta(v: VenueFields, timezone: string, lang: string, base: { description?: unknown } = {}) {
  return metadataUri({
    ...base,
    name: v.name,
    address: v.address,
    city: v.city,
    timezone,
    openingHours: undefined,
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
    description: "",
  });
  const [rows, setRows] = useState<PayeeRow[]>([{ address: account, percent: "100" }]);
  const [invalid, setInvalid] = useState<FieldError[]>([]);
  if (!open)
    return (
      <button type="button" onClick={() => setOpen(true)}>
        {t("op.newVenue")}
      </button>
    );
  return (
    <form
      noValidate // our check lists every invalid field; the browser's would stop at the first
      className="editor"
      aria-label={t("op.newVenue")}
      onSubmit={(e) => {
        e.preventDefault();
        const input = venueInput(v, rows);
        setInvalid(input.ok ? [] : input.errors);
        if (!input.ok || !input.value.payees) return;
        const [payees, shares] = input.value.payees;
        void tx
          .run(
            { functionName: "createVenue", args: [v.name, venueMeta(v, input.value.timezone, lang), payees, shares] },
            t("common.saved"),
          )
          .then((r) => r && setOpen(false));
      }}
    >
      <h2>{t("op.newVenue")}</h2>
      <VenueDetails value={v} onChange={setV} />
      <PayeesFields rows={rows} setRows={setRows} />
      <button type="submit" className="primary" disabled={tx.busy}>
        {tx.busy ? t("common.working") : t("common.create")}
      </button>
      <FieldErrors errors={invalid} />
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
    description: localized(venue.meta.description, lang),
  });
  const [invalid, setInvalid] = useState<FieldError[]>([]);
  return (
    <form
      noValidate // our check lists every invalid field; the browser's would stop at the first
      aria-label={t("form.venue")}
      onSubmit={(e) => {
        e.preventDefault();
        const input = venueInput(v, null);
        setInvalid(input.ok ? [] : input.errors);
        if (!input.ok) return;
        void tx.run(
          {
            functionName: "updateVenue",
            args: [venue.id, v.name, venueMeta(v, input.value.timezone, lang, venue.meta)],
          },
          t("common.saved"),
        );
      }}
    >
      <h3>{t("form.venue")}</h3>
      <VenueDetails value={v} onChange={setV} />
      <button type="submit" className="primary" disabled={tx.busy}>
        {t("common.save")}
      </button>
      <FieldErrors errors={invalid} />
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
