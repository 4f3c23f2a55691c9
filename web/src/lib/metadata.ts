// Venue and resource metadata URIs: a JSON document (data: URI or fetched over HTTP).
/** A text in one language, or per language (`{ fr, en }`). */
export type Localized = string | Record<string, string>;

export type VenueMeta = {
  name?: string;
  description?: Localized;
  address?: string;
  place?: string;
  city?: string;
  region?: string;
  timezone?: string;
  image?: string;
  picture?: string;
  photos?: string[];
  doors?: Record<string, string>;
  [key: string]: unknown;
};

export type ResourceMeta = {
  description?: Localized;
  capacity?: number;
  image?: string;
  [key: string]: unknown;
};

export const DEFAULT_TIME_ZONE = "America/Toronto";

function decodeDataUri(uri: string): string {
  const comma = uri.indexOf(",");
  if (comma < 0) throw new Error("bad data URI");
  const header = uri.slice(5, comma);
  const body = uri.slice(comma + 1);
  if (header.endsWith(";base64")) {
    const bin = atob(body);
    return new TextDecoder().decode(Uint8Array.from(bin, (c) => c.charCodeAt(0)));
  }
  return decodeURIComponent(body);
}

/** Reads a metadata URI; never throws (bad or unreachable metadata gives `{}`). */
export async function readMetadata<T extends object>(uri: string): Promise<T> {
  try {
    if (!uri) return {} as T;
    if (uri.startsWith("data:")) return JSON.parse(decodeDataUri(uri)) as T;
    if (uri.trimStart().startsWith("{")) return JSON.parse(uri) as T;
    if (/^https?:\/\//.test(uri) || uri.startsWith("/")) {
      const res = await fetch(uri);
      if (res.ok) return (await res.json()) as T;
    }
  } catch {
    // fall through: metadata is decoration, never a reason to fail
  }
  return {} as T;
}

/** Encodes metadata as a data: URI (what the operator forms write on chain). */
export function metadataUri(meta: object): string {
  return `data:application/json,${encodeURIComponent(JSON.stringify(meta))}`;
}

export function validTimeZone(tz: unknown): string {
  if (typeof tz !== "string" || !tz) return DEFAULT_TIME_ZONE;
  try {
    new Intl.DateTimeFormat("en", { timeZone: tz });
    return tz;
  } catch {
    return DEFAULT_TIME_ZONE;
  }
}

/** Picks the text in `lang` (or the first available) from a localized value. */
/** `previous` (a string or { fr, en }) with its `lang` text replaced: editing one language keeps the others. */
export function withLocalized(previous: unknown, lang: string, text: string): Record<string, unknown> {
  const base =
    previous && typeof previous === "object"
      ? { ...(previous as Record<string, unknown>) }
      : typeof previous === "string" && previous
        ? { fr: previous }
        : {};
  return { ...base, [lang]: text };
}

export function localized(value: unknown, lang: string): string {
  if (typeof value === "string") return value;
  if (value && typeof value === "object") {
    const v = value as Record<string, unknown>;
    const text = v[lang] ?? Object.values(v).find((x) => typeof x === "string");
    return typeof text === "string" ? text : "";
  }
  return "";
}
