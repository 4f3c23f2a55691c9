// The member's door history: the records door agents uploaded for the member's passes (GET
// /api/audit, `agentRecords`), those decided offline marked so, each refusal with its reason in words.
import { useQuery } from "@tanstack/react-query";
import { useApp } from "../hooks/useApp.ts";
import { useI18n } from "../i18n/translate.ts";
import { auditAnswer } from "../../../protocol/api/read.ts";
import { agentReasonText } from "../lib/doorText.ts";
import { formatDateTime } from "../lib/time.ts";
import { toUiError } from "../lib/errors.ts";
import { ErrorMessage } from "./Feedback.tsx";

export function DoorHistory({ timeZone }: { timeZone?: string }) {
  const { t, locale } = useI18n();
  const { relayer } = useApp();
  const history = useQuery({
    queryKey: ["doorHistory"],
    queryFn: async () => auditAnswer.decode((await relayer.get<unknown>("/api/audit?limit=50")) as never).agentRecords,
    refetchInterval: 60_000,
    retry: false,
  });
  const zone = timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
  return (
    <section aria-labelledby="door-history-title" className="door-history">
      <h2 id="door-history-title">{t("history.title")}</h2>
      {history.isError ? (
        <ErrorMessage error={toUiError(history.error)} />
      ) : history.isPending ? (
        <p>{t("app.loading")}</p>
      ) : history.data.length === 0 ? (
        <p className="muted">{t("history.empty")}</p>
      ) : (
        <ul className="door-log">
          {history.data.map((r) => (
            <li key={`${r.agent}-${r.seq}`} data-kind={r.kind} data-result={r.result}>
              <time dateTime={new Date(r.time * 1000).toISOString()}>{formatDateTime(r.time, locale, zone)}</time>
              {" · "}
              {t("history.door", { id: r.door })}
              {" · "}
              <strong>
                {r.result === "granted"
                  ? t("history.opened")
                  : r.result === "lock_failed"
                    ? t("history.lockFailed")
                    : t("history.refused")}
              </strong>
              {r.result !== "granted" && ` — ${agentReasonText(r, t)}`}
              {r.pass && ` · ${t("history.pass", { id: r.pass })}`}
              {r.kind === "offline" && <span className="badge"> {t("history.offline")}</span>}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
