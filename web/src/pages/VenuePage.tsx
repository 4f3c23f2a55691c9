import { useI18n } from "../i18n/translate.ts";
import { useResources, useVenue } from "../hooks/queries.ts";
import { href } from "../lib/route.ts";
import { zoneName } from "../lib/time.ts";
import { localized } from "../lib/metadata.ts";
import { useNow } from "../hooks/useNow.ts";
import { PriceList } from "../components/Price.tsx";
import { VenuePicture } from "../components/VenuePicture.tsx";
import { kindLabel } from "../lib/labels.ts";
import { weekSummary } from "../lib/openingHours.ts";
import { useVenueOpeningHours } from "../hooks/useOpeningHours.ts";
import { NotFound } from "./NotFound.tsx";
import { ErrorMessage } from "../components/Feedback.tsx";
import { isNotFound, toUiError } from "../lib/errors.ts";
import { useTitle } from "../hooks/useTitle.ts";

export function VenuePage({ venueId }: { venueId: number }) {
  const { t, locale, lang } = useI18n();
  const now = useNow(60_000);
  const venue = useVenue(venueId);
  const resources = useResources(venueId);
  const stored = useVenueOpeningHours(venueId);
  useTitle(venue.data?.name);
  if (venue.isPending) return <p>{t("app.loading")}</p>;
  if (!venue.data)
    return isNotFound(venue.error) ? <NotFound what="venue" /> : <ErrorMessage error={toUiError(venue.error)} />;
  const v = venue.data;
  // The hours the chain enforces (for the resources that follow them), not a text of the metadata.
  const week = stored.data ? weekSummary(stored.data[0], locale) : [];
  const anyFollows = resources.data?.some((r) => r.followsOpeningHours) ?? false;
  return (
    <section aria-labelledby="venue-title">
      <p>
        <a href={href()}>← {t("venues.back")}</a>
      </p>
      <h1 id="venue-title">{v.name}</h1>
      <VenuePicture venue={v} />
      <p className="muted">{v.meta.address ?? [v.meta.place, v.meta.city, v.meta.region].filter(Boolean).join(", ")}</p>
      {v.meta.description && <p>{localized(v.meta.description, lang)}</p>}
      {week.length > 0 && (
        <section aria-labelledby="venue-hours">
          <h2 id="venue-hours">{t("venues.openingHours")}</h2>
          <dl className="hours">
            {week.map((row) => (
              <div key={row.days}>
                <dt>{row.days}</dt>
                <dd>{row.hours ?? t("hours.closedOn")}</dd>
              </div>
            ))}
          </dl>
        </section>
      )}
      {week.length === 0 && stored.data && anyFollows && <p className="muted">{t("hours.notSet")}</p>}
      <p className="muted">{t("venues.timeZone", { zone: `${v.timeZone} (${zoneName(now, locale, v.timeZone)})` })}</p>
      {v.paused && <p className="badge warn">{t("venues.paused")}</p>}
      <ul className="cards">
        {resources.data?.map((r) => (
          <li key={r.id} className="card">
            <div className="card-body">
              <h2>
                <a href={href("resource", r.id)}>{r.name}</a>
              </h2>
              <p className="muted">
                {kindLabel(t, r.kind)} · {t("resource.units", { n: r.units })}
              </p>
              {r.meta.description && <p>{localized(r.meta.description, lang)}</p>}
              <p className="muted small">{r.followsOpeningHours ? t("hours.follows") : t("hours.aroundTheClock")}</p>
              <PriceList r={r} />
              <a
                className="button primary"
                href={href("resource", r.id)}
                aria-label={`${t("resource.book")} — ${r.name}`}
              >
                {t("resource.book")}
              </a>
            </div>
          </li>
        ))}
      </ul>
    </section>
  );
}
