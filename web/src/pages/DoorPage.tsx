// A door, reached without looking for it: the door screen's QR code (`#/door/<id>?c=<code>`, a fresh
// lock-signed challenge) or an NFC tag's static link (`#/door/<id>`, the relayer then fetches the
// challenge). A signed-in member with a pass for this door now gets one Open button: one signature,
// the same unlock as the pass list's (lib/unlock.ts).
import { useMemo, useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { decodeDoorCode } from "../../../protocol/doorCode.ts";
import type { Challenge } from "../../../protocol/eip712.ts";
import { sameAddress } from "../../../protocol/address.ts";
import { useApp } from "../hooks/useApp.ts";
import { useAccount, usePasses, useResources, useVenues } from "../hooks/queries.ts";
import { useSession } from "../hooks/useSession.ts";
import { useFlow } from "../hooks/useFlow.ts";
import { useNow } from "../hooks/useNow.ts";
import { useTitle } from "../hooks/useTitle.ts";
import { useI18n } from "../i18n/translate.ts";
import { loadDoors } from "../lib/protocol.ts";
import { codeExpired, passForDoor, scannedChallengeToUse } from "../lib/doorPass.ts";
import { unlockDoor, type UnlockStep } from "../lib/unlock.ts";
import { toUiError, type UiError } from "../lib/errors.ts";
import { nowSeconds } from "../lib/time.ts";
import { href } from "../lib/route.ts";
import { DoorResultText, type DoorResult } from "../components/DoorResult.tsx";
import { doorError, doorLabel } from "../lib/doorText.ts";
import { ErrorMessage, Status } from "../components/Feedback.tsx";
import { ScanDoor } from "../components/ScanDoor.tsx";
import { NotFound } from "./NotFound.tsx";

/** The relayer's default `challengeMaxAgeSeconds`, until /api/network says otherwise. */
const DEFAULT_CHALLENGE_MAX_AGE_S = 60;

export function DoorPage({ doorId, code }: { doorId: number; code: string | null }) {
  const { t } = useI18n();
  const { protocol, relayer } = useApp();
  const now = useNow(5_000);
  const { address } = useAccount();
  const session = useSession();
  const signedIn = !!address && !!session.data && sameAddress(session.data, address);
  const doors = useQuery({ queryKey: ["chain", "doors"], queryFn: () => loadDoors(protocol) });
  const venues = useVenues();
  const resources = useResources();
  const passes = usePasses(address, signedIn);
  const network = useQuery({
    queryKey: ["network"],
    queryFn: () => relayer.get<{ limits?: { challengeMaxAgeSeconds?: number } }>("/api/network"),
    staleTime: Infinity,
  });
  const maxAge = network.data?.limits?.challengeMaxAgeSeconds ?? DEFAULT_CHALLENGE_MAX_AGE_S;

  // The scanned challenge, or why it cannot serve (the relayer is then asked for a fresh one).
  const scanned = useMemo<{ challenge: Challenge | null; bad: boolean }>(() => {
    if (code === null) return { challenge: null, bad: false };
    try {
      return { challenge: decodeDoorCode(doorId, code), bad: false };
    } catch {
      return { challenge: null, bad: true };
    }
  }, [doorId, code]);
  // A challenge opens once: after the first attempt, every other one asks the relayer.
  const [spent, setSpent] = useState(false);
  const expired = scanned.challenge !== null && codeExpired(scanned.challenge, now, maxAge);

  const door = doors.data?.find((d) => d.id === doorId);
  const venue = venues.data?.find((v) => v.id === door?.venueId);
  const label = door ? doorLabel(door, venue, t) : "";
  useTitle(label || t("app.loading"));
  const grace = (resourceId: number) => resources.data?.find((r) => r.id === resourceId)?.graceSeconds ?? 0;
  const pass = door && passes.data ? passForDoor(passes.data, door, grace, now) : null;
  const resource = resources.data?.find((r) => r.id === pass?.resourceId);

  const [step, setStep] = useState<UnlockStep | "idle">("idle");
  const [result, setResult] = useState<DoorResult>(null);
  const [error, setError] = useState<UiError | null>(null);
  const flow = useFlow();
  const { wagmi } = useApp();

  async function openNow() {
    if (!address || !pass || !door) return;
    setResult(null);
    setError(null);
    const challenge = scannedChallengeToUse(scanned.challenge, spent, nowSeconds(), maxAge);
    setSpent(true);
    try {
      setResult(
        await unlockDoor({
          protocol,
          relayer,
          wagmi,
          account: address,
          door: door.id,
          passId: pass.passId,
          challenge,
          onStep: setStep,
        }),
      );
    } catch (e) {
      setError(doorError(e));
    } finally {
      setStep("idle");
    }
  }

  if (doors.isError) return <ErrorMessage error={toUiError(doors.error)} />;
  if (doors.isPending) return <p>{t("app.loading")}</p>;
  if (!door || !door.active) return <NotFound what="door" />;

  return (
    <section aria-labelledby="door-title" className="door-page" data-door={door.id}>
      <h1 id="door-title">{label}</h1>
      {venue && <p className="muted">{venue.name}</p>}
      {scanned.bad && (
        <p className="error" role="alert">
          {t("doorPage.badCode")}
        </p>
      )}
      {expired && !spent && (
        <p className="warn" role="alert" data-testid="code-expired">
          {t("doorPage.expired")}
        </p>
      )}
      {!address || !signedIn ? (
        <p>{address && session.isPending ? t("app.loading") : t("doorPage.signIn")}</p>
      ) : passes.isError ? (
        <ErrorMessage error={toUiError(passes.error)} />
      ) : passes.isPending || resources.isPending ? (
        <p>{t("app.loading")}</p>
      ) : !pass ? (
        <>
          <p data-testid="no-pass">{t("doorPage.noPass")}</p>
          <p>
            <a href={href("venue", door.venueId)}>{t("doorPage.book", { venue: venue?.name ?? `#${door.venueId}` })}</a>
          </p>
        </>
      ) : (
        <div className="door">
          <p className="muted small">
            {t("doorPage.with", { id: pass.passId.toString(), resource: resource?.name ?? `#${pass.resourceId}` })}
          </p>
          <button type="button" className="primary big" onClick={() => void flow.run(openNow)} disabled={flow.busy}>
            {t("door.open", { door: label })}
          </button>
          <Status
            busy
            message={step === "asking" ? t("door.opening") : step === "signing" ? t("door.signing") : null}
          />
          <DoorResultText result={result} />
          <ErrorMessage error={error} />
        </div>
      )}
      <ScanDoor />
    </section>
  );
}
