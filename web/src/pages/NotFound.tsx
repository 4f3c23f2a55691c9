import { useI18n } from "../i18n/translate.ts";
import { href } from "../lib/route.ts";
import { useTitle } from "../hooks/useTitle.ts";

export type Missing = "venue" | "resource" | "door" | "page";

/** What a member sees for a link to a venue, resource or page that does not exist. */
export function NotFound({ what }: { what: Missing }) {
  const { t } = useI18n();
  useTitle(t("notFound.title"));
  return (
    <section aria-labelledby="notfound-title" data-testid="not-found">
      <h1 id="notfound-title">{t("notFound.title")}</h1>
      <p>{t(`notFound.${what}`)}</p>
      <p>
        <a href={href()}>{t("venues.back")}</a>
      </p>
    </section>
  );
}
