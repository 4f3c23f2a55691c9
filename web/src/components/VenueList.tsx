import { useI18n } from "../i18n/i18n.tsx";
import { useResources, useVenues } from "../hooks.ts";
import { href } from "../lib/route.ts";
import type { Venue } from "../lib/protocol.ts";
import { localized } from "../lib/metadata.ts";
import { PriceList, kindLabel } from "./Price.tsx";
import { useTitle } from "../lib/title.ts";
import { ErrorMessage } from "./Feedback.tsx";
import { toUiError } from "../lib/errors.ts";

export function VenuePicture({ venue }: { venue: Venue }) {
  const src = venue.meta.picture ?? venue.meta.image ?? venue.meta.photos?.[0];
  if (src) return <img className="picture" src={src} alt="" loading="lazy" />;
  // No photo: a drawn façade in the venue's own colour, so cards stay recognisable.
  const hue = (venue.id * 67) % 360;
  return (
    <svg className="picture" viewBox="0 0 320 120" role="presentation" aria-hidden="true">
      <rect width="320" height="120" fill={`hsl(${hue} 35% 88%)`} />
      <path d="M60 110 V55 L160 15 L260 55 V110 Z" fill={`hsl(${hue} 30% 70%)`} />
      <rect x="145" y="70" width="30" height="40" rx="15" fill={`hsl(${hue} 35% 35%)`} />
      <rect x="85" y="65" width="25" height="25" fill="#fff" opacity=".7" />
      <rect x="210" y="65" width="25" height="25" fill="#fff" opacity=".7" />
    </svg>
  );
}

export function openingHours(h: Venue["meta"]["openingHours"]): string | null {
  if (!h) return null;
  if (typeof h === "string") return h;
  return Object.entries(h)
    .map(([d, v]) => `${d} ${v}`)
    .join(" · ");
}

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
                    ? t("venues.resourceKinds", { n: rs.length, kinds: [...new Set(rs.map((r) => kindLabel(t, r.kind)))].join(", ") })
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
