// The member's private calendar subscription link: asked for, shown to copy into a calendar app,
// and revocable (every link issued so far stops working, on every relayer).
import { useState } from "react";
import { useI18n } from "../i18n/translate.ts";
import { relayerErrorText } from "./relayerErrorText.ts";
import type { Relayer } from "../lib/relayer.ts";

type Feed = { url: string; expiresAt: number };

export function CalendarFeed({ relayer }: { relayer: Pick<Relayer, "send"> }) {
  const { t, locale } = useI18n();
  const [feed, setFeed] = useState<Feed | null>(null);
  const [revoked, setRevoked] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const run = async (action: () => Promise<void>) => {
    setError(null);
    try {
      await action();
    } catch (err) {
      setError(relayerErrorText(err, t));
    }
  };
  const getLink = () =>
    run(async () => {
      setFeed(await relayer.send<Feed>("/api/calendar/feed", "POST"));
      setRevoked(false);
    });
  const revoke = () =>
    run(async () => {
      await relayer.send("/api/calendar/feed", "DELETE");
      setFeed(null);
      setRevoked(true);
    });

  return (
    <section aria-labelledby="calendar-feed-title" className="calendar-feed">
      <h2 id="calendar-feed-title">{t("calendar.title")}</h2>
      <button type="button" onClick={() => void getLink()}>
        {t("calendar.get")}
      </button>{" "}
      <button type="button" onClick={() => void revoke()}>
        {t("calendar.revoke")}
      </button>
      {feed && (
        <p>
          <label>
            {t("calendar.link")} <input readOnly value={feed.url} onFocus={(e) => e.currentTarget.select()} />
          </label>
          <br />
          <span className="muted small">
            {t("calendar.hint")}{" "}
            {t("calendar.expires", {
              date: new Intl.DateTimeFormat(locale, { dateStyle: "long" }).format(new Date(feed.expiresAt * 1000)),
            })}
          </span>
        </p>
      )}
      {revoked && <p role="status">{t("calendar.revoked")}</p>}
      {error && <p role="alert">{error}</p>}
    </section>
  );
}
