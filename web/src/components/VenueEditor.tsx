import { useState, type ReactNode } from "react";
import { useQuery } from "@tanstack/react-query";
import { isAddress, parseEventLogs, parseUnits, formatUnits, zeroAddress, type Address } from "viem";
import { useApp } from "../hooks/useApp.ts";
import { useCurrencies } from "../hooks/queries.ts";
import { useI18n } from "../i18n/i18n.tsx";
import { loadDoors, loadPolicies, loadRelayers, loadSplits, read, type Resource, type Venue } from "../lib/protocol.ts";
import { localized, metadataUri, withLocalized } from "../lib/metadata.ts";
import { formatBps, type Currency } from "../lib/money.ts";
import type { RefundTier } from "../lib/policy.ts";
import { ErrorMessage, shortAddress } from "./Feedback.tsx";
import { kindLabel } from "./Price.tsx";
import { useTx } from "../hooks/useTx.ts";

type Field = { label: string; children: ReactNode };
let uid = 0;
function Labelled({ label, children }: Field) {
  return (
    <label className="field">
      <span>{label}</span>
      {children}
    </label>
  );
}

/** A checkbox bound to chain state: shows the user's choice while its transaction is pending. */
function TxCheckbox({ checked, disabled, label, onToggle }: { checked: boolean; disabled: boolean; label: ReactNode; onToggle: (v: boolean) => Promise<unknown> }) {
  const [pending, setPending] = useState<boolean | null>(null);
  return (
    <label className="check">
      <input
        type="checkbox"
        checked={pending ?? checked}
        disabled={disabled || pending !== null}
        onChange={(e) => {
          const v = e.target.checked;
          setPending(v);
          void onToggle(v).finally(() => setPending(null));
        }}
      />
      {label}
    </label>
  );
}

function TxFeedback({ tx }: { tx: ReturnType<typeof useTx> }) {
  return (
    <>
      {tx.done && (
        <p className="status ok" role="status">
          {tx.done}
        </p>
      )}
      <ErrorMessage error={tx.error} />
    </>
  );
}

type PayeeRow = { address: string; percent: string };

function PayeesFields({ rows, setRows }: { rows: PayeeRow[]; setRows: (r: PayeeRow[]) => void }) {
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

function payeesArgs(rows: PayeeRow[]): [Address[], number[]] | null {
  if (rows.some((r) => !isAddress(r.address))) return null;
  const shares = rows.map((r) => Math.round(Number(r.percent) * 100));
  if (shares.some((s) => !(s > 0)) || shares.reduce((a, b) => a + b, 0) !== 10_000) return null;
  return [rows.map((r) => r.address as Address), shares];
}

type VenueFields = { name: string; address: string; city: string; timezone: string; openingHours: string; description: string };

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
  const [v, setV] = useState<VenueFields>({ name: "", address: "", city: "", timezone: "America/Toronto", openingHours: "", description: "" });
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
        void tx.run({ functionName: "createVenue", args: [v.name, venueMeta(v, lang), p[0], p[1]] }, t("common.saved")).then((r) => r && setOpen(false));
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

export function VenueEditor({ venue, resources, account }: { venue: Venue; resources: Resource[]; account: Address }) {
  const { t, lang } = useI18n();
  const { protocol } = useApp();
  const details = useTx();
  const payees = useTx();
  const pause = useTx();
  const [v, setV] = useState<VenueFields>({
    name: venue.name,
    address: String(venue.meta.address ?? ""),
    city: String(venue.meta.city ?? ""),
    timezone: venue.timeZone,
    openingHours: typeof venue.meta.openingHours === "string" ? venue.meta.openingHours : "",
    description: localized(venue.meta.description, lang),
  });
  const split = useQuery({
    queryKey: ["chain", "split", venue.splitId],
    queryFn: async () => (await loadSplits(protocol, venue.id)).find((s) => s.id === venue.splitId),
  });
  const [rows, setRows] = useState<PayeeRow[] | null>(null);
  const payeeRows = rows ?? split.data?.payees.map((a, i) => ({ address: a, percent: String(split.data!.sharesBps[i] / 100) })) ?? [];
  void account;
  return (
    <div className="editor">
      <form
        aria-label={t("form.venue")}
        onSubmit={(e) => {
          e.preventDefault();
          void details.run({ functionName: "updateVenue", args: [venue.id, v.name, venueMeta(v, lang, venue.meta)] }, t("common.saved"));
        }}
      >
        <h3>{t("form.venue")}</h3>
        <VenueDetails value={v} onChange={setV} />
        <button type="submit" className="primary" disabled={details.busy}>
          {t("common.save")}
        </button>
        <TxFeedback tx={details} />
      </form>
      <TxCheckbox
        checked={venue.paused}
        disabled={pause.busy}
        label={t("form.paused")}
        onToggle={(v) => pause.run({ functionName: "setVenuePaused", args: [venue.id, v] }, t("common.saved"))}
      />
      <TxFeedback tx={pause} />
      <form
        aria-label={t("form.payees")}
        onSubmit={(e) => {
          e.preventDefault();
          const p = payeesArgs(payeeRows);
          if (!p) return payees.setError({ key: "form.invalid" });
          void payees.run({ functionName: "setVenuePayees", args: [venue.id, p[0], p[1]] }, t("common.saved"));
        }}
      >
        <PayeesFields rows={payeeRows} setRows={setRows} />
        <button type="submit" className="primary" disabled={payees.busy}>
          {t("form.savePayees")}
        </button>
        <TxFeedback tx={payees} />
      </form>
      <h3>{t("form.resources")}</h3>
      {resources.map((r) => (
        <details key={r.id}>
          <summary>
            {r.name} · {kindLabel(t, r.kind)}
          </summary>
          <ResourceForm venue={venue} resource={r} />
        </details>
      ))}
      <details>
        <summary>{t("form.newResource")}</summary>
        <ResourceForm venue={venue} />
      </details>
      <Doors venue={venue} resources={resources} />
      <Relayers venue={venue} />
    </div>
  );
}

function describeTiers(tiers: RefundTier[], locale: string): string {
  if (tiers.length === 0) return "0 %";
  return tiers.map((x) => `${x.secondsBeforeStart / 3600} h → ${formatBps(x.refundBps, locale)}`).join(", ");
}

/** A decimal amount typed in either locale ("12.5" or "12,5") in the currency's units; null if invalid. */
function decimal(text: string, decimals: number): bigint | null {
  const s = text.trim().replace(/[\s\u00a0\u202f]/g, "").replace(",", ".");
  if (!/^\d+(\.\d+)?$/.test(s)) return null;
  try {
    return parseUnits(s, decimals);
  } catch {
    return null;
  }
}

function parseTiers(text: string): RefundTier[] | null {
  const parts = text.split(",").map((s) => s.trim()).filter(Boolean);
  const tiers = parts.map((p) => {
    const [h, pct] = p.split("=").map((x) => Number(x.trim().replace(",", ".")));
    return { secondsBeforeStart: Math.round(h * 3600), refundBps: Math.round(pct * 100) };
  });
  if (tiers.some((x) => !Number.isFinite(x.secondsBeforeStart) || !(x.refundBps >= 0) || x.refundBps > 10_000)) return null;
  return tiers;
}

const sameAddress = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** The resource form needs the currencies (decimals) before it can show a stored price. */
function ResourceForm({ venue, resource }: { venue: Venue; resource?: Resource }) {
  const { t } = useI18n();
  const currencies = useCurrencies();
  if (!currencies.data) return <p className="muted">{t("app.loading")}</p>;
  return <ResourceFormFields venue={venue} resource={resource} currencies={currencies.data} />;
}

function ResourceFormFields({ venue, resource, currencies }: { venue: Venue; resource?: Resource; currencies: Currency[] }) {
  const { t, locale, lang } = useI18n();
  const { protocol } = useApp();
  const policies = useQuery({ queryKey: ["chain", "policies"], queryFn: () => loadPolicies(protocol) });
  const tx = useTx();
  const [id] = useState(() => `res-${++uid}`);
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
  });
  const [f, setF] = useState(initial);
  const set = (k: keyof typeof f) => (e: { target: { value: string } }) => setF({ ...f, [k]: e.target.value });

  async function submit() {
    const c = currencies.find((x) => sameAddress(x.address, f.currency));
    const [hour, day, month] = [f.hour, f.day, f.month].map((x) => decimal(x, c?.decimals ?? 18));
    if (!c || !f.name || hour === null || day === null || month === null) return tx.setError({ key: "form.invalid" });
    let tiers: RefundTier[] | null = null;
    if (f.policy === "new") {
      tiers = parseTiers(f.tiers);
      if (!tiers) return tx.setError({ key: "form.invalid" });
    }
    const params = {
      name: f.name,
      metadataURI: metadataUri({ ...(resource?.meta ?? {}), description: withLocalized(resource?.meta.description, lang, f.description) }),
      kind: Number(f.kind),
      units: Number(f.units),
      currency: c.address,
      pricePerHour: hour,
      pricePerDay: day,
      pricePerMonth: month,
      minHours: Number(f.minHours),
      maxHours: Number(f.maxHours),
      horizonHours: Number(f.horizonHours),
      graceSeconds: Math.round(Number(f.grace) * 60),
      policyId: Number(f.policy === "new" ? 0 : f.policy),
      transferable: f.transferable,
    };
    // A new policy is created first (its id comes from the receipt), in the same user action.
    const receipt = await tx.sequence(async (send) => {
      if (tiers) {
        const receipt = await send({ functionName: "createPolicy", args: [tiers] });
        const [ev] = parseEventLogs({ abi: protocol.abi, logs: receipt.logs, eventName: "PolicyCreated" as never }) as unknown as { args: { policyId: number } }[];
        params.policyId = Number(ev.args.policyId);
        setF((x) => ({ ...x, policy: String(params.policyId) }));
      }
      return send(resource ? { functionName: "updateResource", args: [resource.id, params] } : { functionName: "createResource", args: [venue.id, params] });
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
        <input type="checkbox" checked={f.transferable} onChange={(e) => setF({ ...f, transferable: e.target.checked })} />
        {t("form.transferable")}
      </label>
      <button type="submit" className="primary" disabled={tx.busy}>
        {tx.busy ? t("common.working") : resource ? t("common.save") : t("common.create")}
      </button>
      <TxFeedback tx={tx} />
    </form>
  );
}

function Doors({ venue, resources }: { venue: Venue; resources: Resource[] }) {
  const { t } = useI18n();
  const { protocol } = useApp();
  const tx = useTx();
  const doors = useQuery({
    queryKey: ["chain", "doors", venue.id, resources.map((r) => r.id)],
    queryFn: async () => {
      const ds = await loadDoors(protocol, venue.id);
      return Promise.all(
        ds.map(async (d) => ({ ...d, admits: await Promise.all(resources.map((r) => read<boolean>(protocol, "doorAdmits", [d.id, r.id]))) })),
      );
    },
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
              onToggle={(v) => tx.run({ functionName: "updateDoor", args: [d.id, d.allResources, v, d.lockKey] }, t("common.saved"))}
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
                    onToggle={(v) => tx.run({ functionName: "setDoorResource", args: [d.id, r.id, v] }, t("common.saved"))}
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
          if (!isAddress(lockKey)) return tx.setError({ key: "form.invalid" });
          void tx.run({ functionName: "createDoor", args: [venue.id, street, lockKey] }, t("common.saved"));
        }}
      >
        <h4>{t("form.newDoor")}</h4>
        <label className="check">
          <input type="checkbox" checked={street} onChange={(e) => setStreet(e.target.checked)} />
          {t("form.allResources")}
        </label>
        <Labelled label={t("form.lockKey")}>
          <input value={lockKey} onChange={(e) => setLockKey(e.target.value.trim())} placeholder="0x…" spellCheck={false} />
        </Labelled>
        <button type="submit" className="primary" disabled={tx.busy}>
          {t("common.create")}
        </button>
      </form>
      <TxFeedback tx={tx} />
    </section>
  );
}

function Relayers({ venue }: { venue: Venue }) {
  const { t } = useI18n();
  const { protocol } = useApp();
  const tx = useTx();
  const relayers = useQuery({ queryKey: ["chain", "relayers", venue.id], queryFn: () => loadRelayers(protocol, venue.id) });
  const [addr, setAddr] = useState("");
  return (
    <section>
      <h3>{t("form.relayers")}</h3>
      <ul className="plain">
        {relayers.data?.map((r) => (
          <li key={r}>
            <code>{r}</code>{" "}
            <button type="button" disabled={tx.busy} onClick={() => void tx.run({ functionName: "setRelayerTrusted", args: [venue.id, r, false] }, t("common.saved"))}>
              {t("form.untrust")}
            </button>
          </li>
        ))}
      </ul>
      <form
        aria-label={t("form.relayers")}
        onSubmit={(e) => {
          e.preventDefault();
          if (!isAddress(addr)) return tx.setError({ key: "form.invalid" });
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
