import { useEffect, useState } from "react";

/** The path segments of a hash route, without its query: "#/door/7?c=…" → ["door", "7"]. */
export function routeParts(hash: string): string[] {
  return hash.replace(/^#\/?/, "").replace(/\?.*$/, "").split("/").filter(Boolean);
}

/** A parameter of the hash route's query ("#/door/7?c=…"), or null. */
export function routeParam(hash: string, name: string): string | null {
  const q = hash.indexOf("?");
  return q < 0 ? null : new URLSearchParams(hash.slice(q + 1)).get(name);
}

/** Hash routes ("#/venue/2"), so the static build works from any path and port. */
export function useRoute(): string[] {
  const parse = () => routeParts(window.location.hash);
  const [route, setRoute] = useState(parse);
  useEffect(() => {
    const on = () => {
      setRoute(parse());
      document.getElementById("main")?.focus();
    };
    window.addEventListener("hashchange", on);
    return () => window.removeEventListener("hashchange", on);
  }, []);
  return route;
}

/** A venue or resource id from the URL: a uint32 above 0, else null (→ not found). */
export function routeId(part: string | undefined): number | null {
  if (!part || !/^[1-9][0-9]{0,9}$/.test(part)) return null;
  const n = Number(part);
  return n <= 0xffff_ffff ? n : null;
}

export const href = (...parts: (string | number)[]): string => `#/${parts.join("/")}`;
