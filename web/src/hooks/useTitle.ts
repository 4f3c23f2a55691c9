import { useEffect } from "react";

/** Each route names itself in the tab and for screen readers (WCAG 2.4.2): "My passes — Passepartout". */
export function useTitle(title: string | null | undefined): void {
  useEffect(() => {
    document.title = title ? `${title} — Passepartout` : "Passepartout";
  }, [title]);
}
