import { useI18n } from "../i18n/translate.ts";
import { useResources, useVenues } from "../hooks/queries.ts";
import { href } from "../lib/route.ts";
import { localized } from "../lib/metadata.ts";
import { PriceList } from "../components/Price.tsx";
import { kindLabel } from "../lib/labels.ts";
import { VenuePicture } from "../components/VenuePicture.tsx";
import { useTitle } from "../hooks/useTitle.ts";
import { ErrorMessage } from "../components/Feedback.tsx";
import { toUiError } from "../lib/errors.ts";

export function VenueList() {
  const { t, lang } = useI18n();
  const venues = useVenues();
  const resources = useResources();
  useTitle(t("venues.title"));
  return (
    <section aria-labelledby="venues-title">
      <h1 id="venues-title">{t("venues.title")}</h1>
      {venues.isPending && <p>{t("app.loading")}</p>}
      <ErrorMessage error={venues.error ? toUiError(venues.error) : null} />
      {venues.data?.length === 0 && <p>{t("venues.empty")}</p>}
      <ul className="cards">
        {venues.data?.map((v) => {
          const rs = resources.data?.filter((r) => r.venueId === v.id) ?? [];
          const place = v.meta.address ?? [v.meta.place, v.meta.city].filter(Boolean).join(", ");
          const cheapest = [...rs].sort((a, b) => (a.pricePerHour < b.pricePerHour ? -1 : 1))[0];
          return (
            <li key={v.id} className="card">
              <VenuePicture venue={v} />
              <div className="card-body">
                <h2>
                  <a href={href("venue", v.id)}>{v.name}</a>
                </h2>
                {place && <p className="muted">{place}</p>}
                {v.paused && <p className="badge warn">{t("venues.paused")}</p>}
                {v.meta.description && <p>{localized(v.meta.description, lang)}</p>}
                <p>
                  {rs.length > 0
                    ? t("venues.resourceKinds", {
                        n: rs.length,
                        kinds: [...new Set(rs.map((r) => kindLabel(t, r.kind)))].join(", "),
                      })
                    : t("venues.resources", { n: 0 })}
                </p>
                {cheapest && <PriceList r={cheapest} />}
              </div>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
