// A resource's terms: kind, units, prices, durations, horizon, early access, cancellation policy
// (an existing one, or a new one created in the same user action), transferability and whether
// bookings must fall in the venue's opening hours.
import { useId, useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { formatUnits, parseEventLogs, zeroAddress } from "viem";
import { sameAddress } from "../../../../protocol/address.ts";
import { useApp } from "../../hooks/useApp.ts";
import { useCurrencies } from "../../hooks/queries.ts";
import { useTx } from "../../hooks/useTx.ts";
import { useI18n } from "../../i18n/translate.ts";
import { describeTiers, followWarnings, resourceInput, type FieldError } from "../../lib/editorInput.ts";
import { localized, metadataUri, withLocalized } from "../../lib/metadata.ts";
import type { Currency } from "../../lib/money.ts";
import { loadPolicies, type Resource, type Venue } from "../../lib/protocol.ts";
import { kindLabel } from "../../lib/labels.ts";
import { useVenueOpeningHours } from "../../hooks/useOpeningHours.ts";
import { FieldErrors, Labelled, TxFeedback } from "./fields.tsx";

/** The resource form needs the currencies (decimals) before it can show a stored price. */
export function ResourceForm({ venue, resource }: { venue: Venue; resource?: Resource }) {
  const { t } = useI18n();
  const currencies = useCurrencies();
  if (!currencies.data) return <p className="muted">{t("app.loading")}</p>;
  return <ResourceFormFields venue={venue} resource={resource} currencies={currencies.data} />;
}

function ResourceFormFields({
  venue,
  resource,
  currencies,
}: {
  venue: Venue;
  resource?: Resource;
  currencies: Currency[];
}) {
  const { t, locale, lang } = useI18n();
  const { protocol } = useApp();
  const policies = useQuery({ queryKey: ["chain", "policies"], queryFn: () => loadPolicies(protocol) });
  const tx = useTx();
  const id = useId();
  const cur = currencies.find((c) => sameAddress(c.address, resource?.currency ?? zeroAddress)) ?? currencies[0];
  const dec = cur.decimals;
  const initial = () => ({
    name: resource?.name ?? "",
    description: localized(resource?.meta.description, lang),
    kind: String(resource?.kind ?? 0),
    units: String(resource?.units ?? 1),
    currency: cur.address as string,
    hour: resource ? formatUnits(resource.pricePerHour, dec) : "",
    day: resource ? formatUnits(resource.pricePerDay, dec) : "",
    month: resource ? formatUnits(resource.pricePerMonth, dec) : "",
    minHours: String(resource?.minHours ?? 1),
    maxHours: String(resource?.maxHours ?? 720),
    horizonHours: String(resource?.horizonHours ?? 24 * 60),
    grace: String((resource?.graceSeconds ?? 900) / 60),
    policy: String(resource?.policyId ?? 0),
    tiers: "24=100, 0=50",
    transferable: resource?.transferable ?? true,
    followsOpeningHours: resource?.followsOpeningHours ?? false,
  });
  const [f, setF] = useState(initial);
  const set = (k: keyof typeof f) => (e: { target: { value: string } }) => setF({ ...f, [k]: e.target.value });

  const [invalid, setInvalid] = useState<FieldError[]>([]);
  const weekly = useVenueOpeningHours(venue.id).data?.[0];
  const warnings =
    f.followsOpeningHours && weekly !== undefined ? followWarnings(weekly, Number(f.minHours), Number(f.maxHours)) : [];

  async function submit() {
    const c = currencies.find((x) => sameAddress(x.address, f.currency)) ?? cur;
    const input = resourceInput({ ...f, tiers: f.policy === "new" ? f.tiers : null }, c.decimals);
    setInvalid(input.ok ? [] : input.errors);
    if (!input.ok) return;
    const { tiers, ...terms } = input.value;
    const params = {
      name: f.name,
      metadataURI: metadataUri({
        ...(resource?.meta ?? {}),
        description: withLocalized(resource?.meta.description, lang, f.description),
      }),
      kind: Number(f.kind),
      currency: c.address,
      ...terms,
      policyId: Number(f.policy === "new" ? 0 : f.policy),
      transferable: f.transferable,
      followsOpeningHours: f.followsOpeningHours,
    };
    // A new policy is created first (its id comes from the receipt), in the same user action.
    const receipt = await tx.sequence(async (send) => {
      if (tiers) {
        const receipt = await send({ functionName: "createPolicy", args: [tiers] });
        const [ev] = parseEventLogs({ abi: protocol.contract.abi, logs: receipt.logs, eventName: "PolicyCreated" });
        params.policyId = ev.args.policyId;
        setF((x) => ({ ...x, policy: String(params.policyId) }));
      }
      return send(
        resource
          ? { functionName: "updateResource", args: [resource.id, params] }
          : { functionName: "createResource", args: [venue.id, params] },
      );
    }, t("common.saved"));
    if (receipt && !resource) setF(initial()); // ready for the next resource
  }

  const num = (k: keyof typeof f, label: string) => (
    <Labelled label={label}>
      <input inputMode="decimal" value={String(f[k])} onChange={set(k)} />
    </Labelled>
  );
  return (
    <form
      noValidate // our check lists every invalid field; the browser's would stop at the first
      aria-label={resource ? `${t("common.edit")} ${resource.name}` : t("form.newResource")}
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
      id={id}
    >
      <Labelled label={t("form.name")}>
        <input value={f.name} onChange={set("name")} required maxLength={32} />
      </Labelled>
      <Labelled label={t("form.description")}>
        <input value={f.description} onChange={set("description")} />
      </Labelled>
      <Labelled label={t("form.kind")}>
        <select value={f.kind} onChange={set("kind")}>
          {[0, 1, 2, 3, 4].map((k) => (
            <option key={k} value={k}>
              {kindLabel(t, k)}
            </option>
          ))}
        </select>
      </Labelled>
      {num("units", t("form.units"))}
      <Labelled label={t("form.currency")}>
        <select value={f.currency} onChange={set("currency")} disabled={!!resource}>
          {currencies.map((c) => (
            <option key={c.address} value={c.address}>
              {c.symbol}
            </option>
          ))}
        </select>
      </Labelled>
      {num("hour", t("form.pricePerHour"))}
      {num("day", t("form.pricePerDay"))}
      {num("month", t("form.pricePerMonth"))}
      {num("minHours", t("form.minHours"))}
      {num("maxHours", t("form.maxHours"))}
      {num("horizonHours", t("form.horizonHours"))}
      {num("grace", t("form.graceMinutes"))}
      <Labelled label={t("form.policy")}>
        <select value={f.policy} onChange={set("policy")}>
          <option value="0">0 %</option>
          {policies.data?.map((p) => (
            <option key={p.id} value={p.id}>
              #{p.id}: {describeTiers(p.tiers, locale)}
            </option>
          ))}
          <option value="new">{t("common.create")}…</option>
        </select>
      </Labelled>
      {f.policy === "new" && (
        <Labelled label={t("form.policyTiers")}>
          <input value={f.tiers} onChange={set("tiers")} />
        </Labelled>
      )}
      <label className="check">
        <input
          type="checkbox"
          checked={f.transferable}
          onChange={(e) => setF({ ...f, transferable: e.target.checked })}
        />
        {t("form.transferable")}
      </label>
      <label className="check">
        <input
          type="checkbox"
          checked={f.followsOpeningHours}
          onChange={(e) => setF({ ...f, followsOpeningHours: e.target.checked })}
        />
        {t("form.followsOpeningHours")}
      </label>
      {f.followsOpeningHours && (
        <div role="status">
          <p className="muted small">{t("form.followsRule")}</p>
          {warnings.map((w) => (
            <p key={w.key} className="badge warn">
              {t(w.key, w.vars)}
            </p>
          ))}
        </div>
      )}
      <button type="submit" className="primary" disabled={tx.busy}>
        {tx.busy ? t("common.working") : resource ? t("common.save") : t("common.create")}
      </button>
      <FieldErrors errors={invalid} />
      <TxFeedback tx={tx} />
    </form>
  );
}
