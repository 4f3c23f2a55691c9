// A relayer refusal of the receipts and calendar routes in the reader's language (its code decides;
// an unknown code shows the relayer's own message).
import type { Translate } from "../i18n/translate.ts";
import { RelayerRequestError } from "../lib/relayer.ts";

export function relayerErrorText(err: unknown, t: Translate): string {
  if (err instanceof RelayerRequestError) {
    switch (err.code) {
      case "unauthorized":
        return t("receipts.err.unauthorized");
      case "forbidden":
        return t("receipts.err.forbidden");
      case "chain_unavailable":
      case "audit_unavailable":
        return t("receipts.err.unavailable");
      case "relayer_unreachable":
        return t("receipts.err.unreachable");
    }
  }
  return t("err.generic", { message: err instanceof Error ? err.message : String(err) });
}
