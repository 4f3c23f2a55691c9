import { useId, useMemo, useState } from "react";
import { isAddress, parseEventLogs, zeroAddress, type Address } from "viem";
import { useQuery } from "@tanstack/react-query";
import { useApp } from "../hooks/useApp.ts";
import { useNow } from "../hooks/useNow.ts";
import {
  useAccount,
  useCurrencies,
  useDoorsFor,
  usePasses,
  useRefreshChain,
  useResources,
  useVenues,
} from "../hooks/queries.ts";
import { useI18n } from "../i18n/translate.ts";
import { sameAddress } from "../../../protocol/address.ts";
import { refundAt, type Door, type Resource, type Venue } from "../lib/protocol.ts";
import { unlockDoor } from "../lib/unlock.ts";
import { sendTx } from "../lib/wallet.ts";
import { toUiError, UiError } from "../lib/errors.ts";
import { formatDateTime, nowSeconds } from "../lib/time.ts";
import type { PassPhase } from "../lib/passes.ts";
import { PassList, type PassView } from "../components/PassList.tsx";
import { DoorResultText, type DoorResult } from "../components/DoorResult.tsx";
import { doorError, doorLabel } from "../lib/doorText.ts";
import { ErrorMessage, Status } from "../components/Feedback.tsx";
import { shortAddress } from "../lib/labels.ts";
import { useFlow } from "../hooks/useFlow.ts";
import { gaslessFor, relaySponsored, sponsorFee } from "../lib/gasless.ts";
import { CancelDialog } from "../components/CancelDialog.tsx";
import { sponsorFeeIn } from "../lib/sponsorFees.ts";
import { useTitle } from "../hooks/useTitle.ts";
import { useSignedIn } from "../hooks/useSession.ts";
import { passesCalendar } from "../../../protocol/ics.ts";
import { ReceiptLinks } from "../components/ReceiptLinks.tsx";
import { CalendarFeed } from "../components/CalendarFeed.tsx";
import { ScanDoor } from "../components/ScanDoor.tsx";
import { OfflineDoorPasses } from "../components/OfflineDoorPasses.tsx";
import { DoorHistory } from "../components/DoorHistory.tsx";

export function MyPasses() {
  const { t } = useI18n();
  const now = useNow(15_000);
  // Passes are location history: the relayer shows them to the member's own SIWE session only.
  const { address, signedIn, session } = useSignedIn();
  const passes = usePasses(address, signedIn);
  const resources = useResources();
  const venues = useVenues();
  const currencies = useCurrencies();
  const { relayer } = useApp();
  useTitle(t("passes.title"));

  const views = useMemo<PassView[]>(() => {
    if (!passes.data || !resources.data || !venues.data) return [];
    return passes.data.map((p) => {
      const r = resources.data.find((x) => x.id === p.resourceId);
      const v = venues.data.find((x) => x.id === r?.venueId);
      return {
        ...p,
        resourceName: r?.name ?? `#${p.resourceId}`,
        venueName: v?.name ?? "",
        timeZone: v?.timeZone ?? "UTC",
        graceSeconds: r?.graceSeconds ?? 0,
        currencyInfo: currencies.data?.find((c) => sameAddress(c.address, p.currency)),
      };
    });
  }, [passes.data, resources.data, venues.data, currencies.data]);

  return (
    <section aria-labelledby="passes-title">
      <h1 id="passes-title">{t("passes.title")}</h1>
      <ScanDoor />
      <OfflineDoorPasses member={address} signedIn={signedIn} />
      {!address ? (
        <p>{t("passes.signIn")}</p>
      ) : !signedIn ? (
        <p>{session.isPending ? t("app.loading") : t("passes.signInToSee")}</p>
      ) : passes.isError ? (
        <ErrorMessage error={toUiError(passes.error)} />
      ) : passes.isPending || resources.isPending || venues.isPending ? (
        <p>{t("app.loading")}</p>
      ) : (
        <PassList
          passes={views}
          now={now}
          actions={(p, phase) => (
            <PassActions
              pass={p}
              phase={phase}
              resource={resources.data?.find((r) => r.id === p.resourceId)}
              venue={venues.data?.find((v) => v.id === resources.data?.find((r) => r.id === p.resourceId)?.venueId)}
            />
          )}
        />
      )}
      {signedIn && <DoorHistory />}
      {signedIn && <ReceiptLinks relayer={relayer} refreshKey={passes.data} />}
      {signedIn && <CalendarFeed relayer={relayer} />}
    </section>
  );
}

function PassActions({
  pass,
  phase,
  resource,
  venue,
}: {
  pass: PassView;
  phase: PassPhase;
  resource?: Resource;
  venue?: Venue;
}) {
  const { t, locale } = useI18n();
  const doors = useDoorsFor(resource);
  if (phase === "past" || phase === "cancelled") return null;
  return (
    <div className="actions">
      {phase === "current" && (
        <div className="doors">
          <h4>{t("passes.doors")}</h4>
          {doors.data?.length === 0 && <p className="muted">{t("passes.noDoor")}</p>}
          {doors.data?.map((d) => (
            <OpenDoor key={d.id} pass={pass} door={d} label={doorLabel(d, venue, t)} />
          ))}
        </div>
      )}
      {phase === "upcoming" && (
        <p className="muted small">
          {t("door.opensAt", { time: formatDateTime(pass.start - pass.graceSeconds, locale, pass.timeZone) })}
        </p>
      )}
      <AddToCalendar pass={pass} venue={venue} doors={(doors.data ?? []).map((d) => doorLabel(d, venue, t))} />
      {pass.role === "holder" && phase === "upcoming" && <CancelPass pass={pass} />}
      {pass.role === "holder" && pass.status === "active" && <LendPass pass={pass} />}
    </div>
  );
}

/** Downloads the pass as an RFC 5545 .ics in the venue's time zone, with its address and doors. */
function AddToCalendar({ pass, venue, doors }: { pass: PassView; venue?: Venue; doors: string[] }) {
  const { t } = useI18n();
  const { protocol } = useApp();
  const download = () => {
    const ics = passesCalendar(
      [
        {
          passId: pass.passId,
          chainId: protocol.chain.id,
          start: pass.start,
          end: pass.end,
          title: [pass.resourceName, pass.venueName].filter(Boolean).join(" — "),
          venueAddress: venue?.meta.address,
          doors,
          url: `${window.location.origin}${window.location.pathname}#/passes`,
        },
      ],
      pass.timeZone,
      nowSeconds(),
    );
    const url = URL.createObjectURL(new Blob([ics], { type: "text/calendar;charset=utf-8" }));
    const a = document.createElement("a");
    a.href = url;
    a.download = `pass-${pass.passId}.ics`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  };
  return (
    <button type="button" onClick={download}>
      {t("passes.addToCalendar")}
    </button>
  );
}

function OpenDoor({ pass, door, label }: { pass: PassView; door: Door; label: string }) {
  const { t } = useI18n();
  const { protocol, relayer, wagmi } = useApp();
  const { address } = useAccount();
  const [state, setState] = useState<"idle" | "asking" | "signing">("idle");
  const [result, setResult] = useState<DoorResult>(null);
  const [error, setError] = useState<UiError | null>(null);
  const flow = useFlow();
  const open = () => flow.run(openNow);

  async function openNow() {
    if (!address) return;
    setResult(null);
    setError(null);
    try {
      setResult(
        await unlockDoor({
          protocol,
          relayer,
          wagmi,
          account: address,
          door: door.id,
          passId: pass.passId,
          onStep: setState,
        }),
      );
    } catch (e) {
      setError(doorError(e));
    } finally {
      setState("idle");
    }
  }

  return (
    <div className="door">
      <button type="button" className="primary big" onClick={() => void open()} disabled={flow.busy}>
        {t("door.open", { door: label })}
      </button>
      <Status busy message={state === "asking" ? t("door.opening") : state === "signing" ? t("door.signing") : null} />
      <DoorResultText result={result} />
      <ErrorMessage error={error} />
    </div>
  );
}

function CancelPass({ pass }: { pass: PassView }) {
  const { protocol, wagmi, relayer } = useApp();
  const { address } = useAccount();
  const refresh = useRefreshChain();
  const [asking, setAsking] = useState(false);
  const { busy, run } = useFlow();
  const [error, setError] = useState<UiError | null>(null);
  const [done, setDone] = useState<bigint | null>(null);
  // The refund the policy gives now and, without ETH, the sponsor's fee taken out of it: the amount
  // announced is the amount that arrives. Read while the confirmation is open.
  const preview = useQuery({
    queryKey: ["chain", "cancelPreview", pass.passId.toString(), address],
    queryFn: async () => {
      const [refund, gasless] = await Promise.all([
        refundAt(protocol, pass.passId, nowSeconds()),
        gaslessFor(protocol, relayer, address!, pass.currency),
      ]);
      return { refund, fee: sponsorFee(gasless, "cancel"), gasless };
    },
    enabled: asking && address !== undefined,
    refetchInterval: 15_000,
    retry: false,
  });

  const cancel = () => run(cancelNow);
  async function cancelNow() {
    if (!address || !preview.data) return;
    setError(null);
    try {
      // Without ETH, the sponsor relays the cancellation and takes its fee out of the refund.
      const { gasless, fee, refund } = preview.data;
      // The member signs the refund it was shown (less the fee): held past a refund deadline, the
      // request reverts (SponsorRefundBelowMin) instead of paying less.
      const minRefund = refund > fee ? refund - fee : 0n;
      const receipt = gasless
        ? await relaySponsored(protocol, wagmi, relayer, address, gasless, {
            functionName: "cancelSponsored",
            args: [pass.passId, gasless.sponsor, fee, minRefund],
          })
        : await sendTx(protocol, wagmi, address, { functionName: "cancel", args: [pass.passId] });
      const [ev] = parseEventLogs({ abi: protocol.contract.abi, logs: receipt.logs, eventName: "Cancelled" });
      // What came back: the pre-tax refund and its GST and QST, less the fee the sponsor took.
      const taken = sponsorFeeIn(receipt, protocol.address, true);
      setDone((ev ? ev.args.refund + ev.args.gstRefund + ev.args.qstRefund : preview.data.refund) - taken);
      setAsking(false);
      setTimeout(() => void refresh(), 4000);
    } catch (e) {
      setError(toUiError(e));
    }
  }

  return (
    <CancelDialog
      asking={asking}
      onAsk={() => setAsking(true)}
      onKeep={() => {
        setAsking(false);
        setError(null);
      }}
      onConfirm={() => void cancel()}
      preview={preview.data}
      currency={pass.currencyInfo}
      busy={busy}
      error={error ?? (preview.error ? toUiError(preview.error) : null)}
      done={done}
    />
  );
}

function LendPass({ pass }: { pass: Extract<PassView, { status: "active" }> }) {
  const { t } = useI18n();
  const { protocol, wagmi, relayer } = useApp();
  const { address } = useAccount();
  const refresh = useRefreshChain();
  const [open, setOpen] = useState(false);
  const [guest, setGuest] = useState("");
  const { busy, run } = useFlow();
  const [error, setError] = useState<UiError | null>(null);
  const [message, setMessage] = useState<string | null>(null);

  const setUser = (user: Address, expires: number) => run(() => setUserNow(user, expires));
  async function setUserNow(user: Address, expires: number) {
    if (!address) return;
    setError(null);
    try {
      const call = { functionName: "setUser", args: [pass.passId, user, BigInt(expires)] } as const;
      // Lending moves no money: without ETH, the sponsor relays it for free.
      const g = await gaslessFor(protocol, relayer, address, null);
      if (g) await relaySponsored(protocol, wagmi, relayer, address, g, call);
      else await sendTx(protocol, wagmi, address, call);
      setMessage(user === zeroAddress ? t("lend.revoked") : t("lend.done", { address: shortAddress(user) }));
      setOpen(false);
      await refresh();
    } catch (e) {
      setError(toUiError(e));
    }
  }

  const id = useId();
  return (
    <div className="lend">
      {pass.guest ? (
        <button type="button" onClick={() => void setUser(zeroAddress, 0)} disabled={busy}>
          {t("lend.revoke")}
        </button>
      ) : !open ? (
        <button type="button" onClick={() => setOpen(true)}>
          {t("lend.button")}
        </button>
      ) : (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (!isAddress(guest)) return setError(new UiError("lend.invalid"));
            void setUser(guest, pass.end);
          }}
        >
          <label htmlFor={id}>{t("lend.address")}</label>
          <input
            id={id}
            value={guest}
            onChange={(e) => setGuest(e.target.value.trim())}
            placeholder="0x…"
            spellCheck={false}
            autoComplete="off"
            required
          />
          <button type="submit" className="primary" disabled={busy}>
            {busy ? t("common.working") : t("lend.confirm")}
          </button>
          <button type="button" onClick={() => setOpen(false)}>
            {t("common.cancel")}
          </button>
        </form>
      )}
      {message && (
        <p className="status ok" role="status">
          {message}
        </p>
      )}
      <ErrorMessage error={error} />
    </div>
  );
}
