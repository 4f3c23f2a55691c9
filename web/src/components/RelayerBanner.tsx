import { useSyncExternalStore } from "react";
import { useI18n } from "../i18n/translate.ts";
import type { RelayerHealthStore } from "../lib/relayerHealth.ts";

/** While the relayer does not answer: one localised banner, retrying by itself, with a button to retry now. */
export function RelayerBanner({ health }: { health: RelayerHealthStore }) {
  const { t } = useI18n();
  const state = useSyncExternalStore(health.subscribe, health.get);
  // The live region stays in the page so that the message is announced when it appears.
  return (
    <div className="relayer-banner-slot" role="status" aria-live="polite">
      {state.down && (
        <div className="banner warn" data-testid="relayer-down">
          <p>
            <strong>{t("relayer.down")}</strong> {t("relayer.downDetail")}
          </p>
          <button type="button" onClick={() => void health.retry()}>
            {t("relayer.retry")}
          </button>
        </div>
      )}
    </div>
  );
}
