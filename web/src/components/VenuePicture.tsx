import type { Venue } from "../lib/protocol.ts";

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
