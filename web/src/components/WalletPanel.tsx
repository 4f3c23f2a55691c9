import { useEffect, useRef, useState } from "react";
import { useConnect, useConnectors, useDisconnect, useSwitchChain } from "wagmi";
import { useQueryClient } from "@tanstack/react-query";
import { useApp } from "../hooks/useApp.ts";
import { useAccount, useBalances } from "../hooks/queries.ts";
import { rememberSession, useSession } from "../hooks/useSession.ts";
import { useI18n } from "../i18n/translate.ts";
import { siweMessage } from "../lib/relayer.ts";
import { signText } from "../lib/wallet.ts";
import { toUiError, type UiMessage } from "../lib/errors.ts";
import { formatAmount } from "../lib/money.ts";
import { ErrorMessage } from "./Feedback.tsx";
import { shortAddress } from "../lib/labels.ts";
import { useFlow } from "../hooks/useFlow.ts";

export function WalletPanel() {
  const { t, locale } = useI18n();
  const { protocol, relayer, wagmi } = useApp();
  const { address, chainId, connected } = useAccount();
  const connectors = useConnectors();
  const connect = useConnect();
  const disconnect = useDisconnect();
  const switchChain = useSwitchChain();
  const session = useSession();
  const balances = useBalances(connected ? address : undefined);
  const qc = useQueryClient();
  const [error, setError] = useState<UiMessage | null>(null);
  const { busy: signing, run: runFlow } = useFlow();
  // Connect and Sign in remove their own button: focus goes to the next step, not to <body>.
  const nextFocus = useRef<"afterConnect" | "afterSignIn" | null>(null);
  const signInButton = useRef<HTMLButtonElement>(null);
  const account = useRef<HTMLDivElement>(null);
  const signedIn = !!address && session.data?.toLowerCase() === address.toLowerCase();
  useEffect(() => {
    if (nextFocus.current === "afterConnect" && connected) {
      (signInButton.current ?? account.current)?.focus();
      nextFocus.current = null;
    } else if (nextFocus.current === "afterSignIn" && signedIn) {
      account.current?.focus();
      nextFocus.current = null;
    }
  });
  // A failure belongs to the page it happened on: leaving the page clears it.
  useEffect(() => {
    const clear = () => setError(null);
    window.addEventListener("hashchange", clear);
    return () => window.removeEventListener("hashchange", clear);
  }, []);
  const errorView = <ErrorMessage error={error} onDismiss={() => setError(null)} />;

  // EIP-6963 wallets announce themselves; the generic injected connector is a fallback.
  const announced = connectors.filter((c) => c.type === "injected" && c.id !== "injected");
  const choices =
    announced.length > 0
      ? announced
      : connectors.filter((c) => c.id === "injected" && typeof window !== "undefined" && "ethereum" in window);

  if (!connected || !address) {
    return (
      <div className="wallet">
        {choices.length === 0 && <p className="hint">{t("wallet.none")}</p>}
        {choices.map((c) => (
          <button
            key={c.uid}
            type="button"
            className="primary"
            disabled={connect.isPending}
            onClick={() => {
              setError(null);
              nextFocus.current = "afterConnect";
              connect.mutate({ connector: c, chainId: protocol.chain.id }, { onError: (e) => setError(toUiError(e)) });
            }}
          >
            {connect.isPending
              ? t("wallet.connecting")
              : choices.length > 1
                ? t("wallet.connectWith", { name: c.name })
                : t("wallet.connect")}
          </button>
        ))}
        {errorView}
      </div>
    );
  }

  const wrongChain = chainId !== protocol.chain.id;

  const signIn = () => runFlow(signInNow);
  async function signInNow() {
    setError(null);
    try {
      const nonce = await relayer.nonce();
      const message = siweMessage({
        address: address!,
        chainId: protocol.chain.id,
        nonce,
        statement: t("wallet.statement"),
      });
      const signature = await signText(protocol, wagmi, address!, message);
      const who = await relayer.verify(message, signature);
      rememberSession(who.address);
      nextFocus.current = "afterSignIn";
      await qc.invalidateQueries({ queryKey: ["session"] });
    } catch (e) {
      const ui = toUiError(e);
      setError(ui.key === "err.generic" ? { key: "wallet.signInFailed", vars: ui.vars } : ui);
    }
  }

  async function signOut() {
    await relayer.logout();
    rememberSession(null);
    await qc.invalidateQueries({ queryKey: ["session"] });
    disconnect.mutate({});
  }

  return (
    <div className="wallet">
      <div className="account" role="group" aria-label={t("wallet.account")} ref={account} tabIndex={-1}>
        <span className="address" title={address}>
          {shortAddress(address)}
        </span>
        {signedIn && <span className="badge ok">{t("wallet.signedIn")}</span>}
        {balances.data && (
          <span className="balances" role="group" aria-label={t("wallet.balances")} data-testid="balances">
            {balances.data.map((b) => (
              <span key={b.currency.address} data-currency={b.currency.symbol}>
                {formatAmount(b.amount, b.currency, locale)}
              </span>
            ))}
          </span>
        )}
      </div>
      {wrongChain ? (
        <div className="warn" role="alert">
          {t("wallet.wrongChain")}{" "}
          <button
            type="button"
            onClick={() =>
              switchChain.mutate({ chainId: protocol.chain.id }, { onError: (e) => setError(toUiError(e)) })
            }
          >
            {t("wallet.switch", { chain: protocol.chain.name })}
          </button>
        </div>
      ) : (
        !signedIn && (
          <button type="button" className="primary" onClick={() => void signIn()} disabled={signing} ref={signInButton}>
            {signing ? t("wallet.signingIn") : t("wallet.signIn")}
          </button>
        )
      )}
      <button type="button" className="link" onClick={() => void signOut()}>
        {signedIn ? t("wallet.signOut") : t("wallet.disconnect")}
      </button>
      {errorView}
    </div>
  );
}
