import { useEffect, useState } from "react";

/** Hash routes ("#/venue/2"), so the static build works from any path and port. */
export function useRoute(): string[] {
  const parse = () => window.location.hash.replace(/^#\/?/, "").split("/").filter(Boolean);
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
