import { useI18n } from "../i18n/translate.ts";
import { useResources, useVenue } from "../hooks/queries.ts";
import { href } from "../lib/route.ts";
import { zoneName } from "../lib/time.ts";
import { localized } from "../lib/metadata.ts";
import { useNow } from "../hooks/useNow.ts";
import { PriceList } from "../components/Price.tsx";
import { VenuePicture } from "../components/VenuePicture.tsx";
import { kindLabel, openingHours } from "../lib/labels.ts";
import { NotFound } from "./NotFound.tsx";
import { ErrorMessage } from "../components/Feedback.tsx";
import { isNotFound, toUiError } from "../lib/errors.ts";
import { useTitle } from "../hooks/useTitle.ts";

export function VenuePage({ venueId }: { venueId: number }) {
  const { t, locale, lang } = useI18n();
  const now = useNow(60_000);
  const venue = useVenue(venueId);
  const resources = useResources(venueId);
  useTitle(venue.data?.name);
  if (venue.isPending) return <p>{t("app.loading")}</p>;
  if (!venue.data)
    return isNotFound(venue.error) ? <NotFound what="venue" /> : <ErrorMessage error={toUiError(venue.error)} />;
  const v = venue.data;
  const hours = openingHours(v.meta.openingHours);
  return (
    <section aria-labelledby="venue-title">
      <p>
        <a href={href()}>← {t("venues.back")}</a>
      </p>
      <h1 id="venue-title">{v.name}</h1>
      <VenuePicture venue={v} />
      <p className="muted">{v.meta.address ?? [v.meta.place, v.meta.city, v.meta.region].filter(Boolean).join(", ")}</p>
      {v.meta.description && <p>{localized(v.meta.description, lang)}</p>}
      {hours && (
        <p>
          <strong>{t("venues.openingHours")}</strong> {hours}
        </p>
      )}
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
