// A door and its answers in the member's words: shared by the pass list and the door page.
import { REASONS, type Reason } from "../../../protocol/reasons.ts";
import type { Translate } from "../i18n/translate.ts";
import { MESSAGES, type TextKey } from "../i18n/messages.ts";
import { toUiError, UiError } from "./errors.ts";
import type { Door, Venue } from "./protocol.ts";

const isReason = (code: string): code is Reason => REASONS.some((r) => r === code);

/** A relayer's reason code in words; a code this app does not know yet shows as itself. */
export function reasonText(code: string, t: Translate): string {
  return isReason(code) ? t(`reason.${code}`) : code;
}

/** A door agent's reason in words: the offline refusals have their own, the rest are the shared reasons. */
export function agentReasonText(r: { kind: "online" | "offline"; reason: string }, t: Translate): string {
  const key = `offlineReason.${r.reason}`;
  if (r.kind === "offline" && key in MESSAGES) return t(key as TextKey);
  return reasonText(r.reason, t);
}

/** The door's name in the venue's metadata, else "Street door #7" / "Room door #7". */
export function doorLabel(d: Pick<Door, "id" | "allResources">, venue: Venue | undefined, t: Translate): string {
  const named = venue?.meta.doors?.[String(d.id)];
  if (typeof named === "string" && named) return named;
  return d.allResources ? t("door.street", { id: d.id }) : t("door.room", { id: d.id });
}

/** A failed unlock: the relayer's code when it gave one, else the generic translation. */
export function doorError(e: unknown): UiError {
  const code = (e as { code?: string }).code;
  return typeof code === "string" && code ? new UiError("door.failed", { message: code }) : toUiError(e);
}
