// What the door said after Open: shared by the pass list and the door page.
import { useI18n } from "../i18n/translate.ts";
import { reasonText } from "../lib/doorText.ts";

export type DoorResult = { granted: boolean; reason: string } | null;

export function DoorResultText({ result }: { result: DoorResult }) {
  const { t } = useI18n();
  if (!result) return null;
  return (
    <p className={result.granted ? "status ok granted" : "error denied"} role="status" data-testid="door-result">
      {result.granted ? t("door.granted") : t("door.denied", { reason: reasonText(result.reason, t) })}
    </p>
  );
}
