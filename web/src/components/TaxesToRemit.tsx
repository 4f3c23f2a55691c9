// "Taxes to remit": a venue's GST and QST per currency — collected on bookings, refunded with
// cancellations, in escrow, claimed by the tax payee and left to claim — from the relayer's read
// model, and per split a button that calls claimTaxes for the amount the contract's taxPool holds.
import { useQuery } from "@tanstack/react-query";
import { zeroAddress, type Address } from "viem";
import { useApp } from "../hooks/useApp.ts";
import { useRowTx } from "../hooks/useTx.ts";
import { useI18n } from "../i18n/translate.ts";
import { claimableTaxes, loadTaxes, type Venue } from "../lib/protocol.ts";
import { taxLines } from "../lib/operatorFigures.ts";
import { formatAmount, type Currency } from "../lib/money.ts";
import { toUiError } from "../lib/errors.ts";
import { shortAddress } from "../lib/labels.ts";
import { sameAddress } from "../../../protocol/address.ts";
import { ErrorMessage } from "./Feedback.tsx";

export function TaxesToRemit({
  venue,
  account,
  currencies,
  signedIn,
}: {
  venue: Venue;
  account: Address;
  currencies: readonly Currency[];
  signedIn: boolean;
}) {
  const { t, locale } = useI18n();
  const { protocol } = useApp();
  const tx = useRowTx(account);
  const taxes = useQuery({
    queryKey: ["chain", "taxes", venue.id],
    enabled: signedIn,
    refetchInterval: 15_000,
    queryFn: async () =>
      Promise.all(
        (await loadTaxes(protocol, venue.id)).map(async (x) => ({
          ...x,
          // What claimTaxes pays now: the contract's own figure, not the read model's.
          claims: await Promise.all(
            x.splits.map(async (s) => ({
              splitId: s.splitId,
              amount: await claimableTaxes(protocol, s.splitId, x.currency),
            })),
          ),
        })),
      ),
  });
  const title = `taxes-${venue.id}`;
  const isTaxPayee = sameAddress(venue.taxPayee, account);

  const claim = (key: string, splitId: number, currency: Address, amount: string) =>
    tx.run(key, { functionName: "claimTaxes", args: [splitId, currency] }, t("op.tax.claimedDone", { amount }));

  let body;
  if (!signedIn) body = <p className="muted">{t("op.taxes.signIn")}</p>;
  else if (taxes.isError) body = <ErrorMessage error={toUiError(taxes.error)} />;
  else if (!taxes.data) body = <p className="muted">{t("app.loading")}</p>;
  else if (taxes.data.length === 0) body = <p className="muted">{t("op.taxes.none")}</p>;
  else
    body = taxes.data.map((x) => {
      const currency = currencies.find((c) => sameAddress(c.address, x.currency));
      if (!currency) return null;
      const fmt = (v: bigint) => formatAmount(v, currency, locale);
      const lines = taxLines(x);
      const rows = [
        { label: t("op.tax.gst"), l: lines.gst },
        { label: t("op.tax.qst"), l: lines.qst },
        { label: t("op.tax.total"), l: lines.total },
      ];
      return (
        <div key={x.currency} data-testid={`taxes-${currency.symbol}`}>
          <div
            className="table-scroll"
            tabIndex={0}
            role="region"
            aria-label={t("op.table", { name: `${t("op.taxes")} — ${venue.name} — ${currency.symbol}` })}
          >
            <table className="taxes">
              <caption>{t("op.taxes.caption", { currency: currency.symbol })}</caption>
              <thead>
                <tr>
                  <td />
                  <th scope="col">{t("op.tax.collected")}</th>
                  <th scope="col">{t("op.tax.refunded")}</th>
                  <th scope="col">{t("op.tax.inEscrow")}</th>
                  <th scope="col">{t("op.tax.claimed")}</th>
                  <th scope="col">{t("op.tax.toClaim")}</th>
                </tr>
              </thead>
              <tbody>
                {rows.map(({ label, l }) => (
                  <tr key={label}>
                    <th scope="row">{label}</th>
                    <td data-label={t("op.tax.collected")}>{fmt(l.collected)}</td>
                    <td data-label={t("op.tax.refunded")}>{fmt(l.refunded)}</td>
                    <td data-label={t("op.tax.inEscrow")}>{fmt(l.inEscrow)}</td>
                    <td data-label={t("op.tax.claimed")}>{fmt(l.claimed)}</td>
                    <td data-label={t("op.tax.toClaim")}>{fmt(l.toClaim)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {x.claims
            .filter((c) => c.amount > 0n)
            .map((c) => {
              const key = `${c.splitId}-${x.currency}`;
              const amount = fmt(c.amount);
              return (
                <p key={key}>
                  <button
                    type="button"
                    className={isTaxPayee ? "primary" : undefined}
                    disabled={tx.row !== null}
                    onClick={() => void claim(key, c.splitId, x.currency, amount)}
                  >
                    {tx.row === key ? t("common.working") : t(isTaxPayee ? "op.tax.claim" : "op.tax.send", { amount })}
                  </button>{" "}
                  <span className="muted small">{t("op.split", { id: c.splitId })}</span>
                </p>
              );
            })}
        </div>
      );
    });

  return (
    <section aria-labelledby={title}>
      <h3 id={title}>{t("op.taxes")}</h3>
      {signedIn && !sameAddress(venue.taxPayee, zeroAddress) && (
        <p className="muted small" title={venue.taxPayee}>
          {t("op.taxes.payee", { payee: shortAddress(venue.taxPayee) })}
        </p>
      )}
      {body}
      {tx.done && (
        <p className="status ok" role="status">
          {tx.done}
        </p>
      )}
      <ErrorMessage error={tx.error} />
    </section>
  );
}
