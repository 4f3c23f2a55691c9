import { useState } from "react";
import { useFlow } from "./useFlow.ts";
import type { Address, TransactionReceipt } from "viem";
import { useApp } from "./useApp.ts";
import { useAccount, useRefreshChain } from "./queries.ts";
import { toUiError, type UiMessage } from "../lib/errors.ts";
import { sendTx, type WriteCall } from "../lib/wallet.ts";

/** One transaction at a time with its busy flag, error and success message. */
export function useTx() {
  const { protocol, wagmi } = useApp();
  const { address } = useAccount();
  const refresh = useRefreshChain();
  const flow = useFlow();
  const [error, setError] = useState<UiMessage | null>(null);
  const [done, setDone] = useState<string | null>(null);
  /** Runs one or more transactions as one user action: busy throughout, one message at the end. */
  async function sequence(
    steps: (send: (call: WriteCall) => Promise<TransactionReceipt>) => Promise<TransactionReceipt | null>,
    message: string,
  ): Promise<TransactionReceipt | null> {
    if (!address) return null;
    const result = await flow.run(async () => {
      setError(null);
      setDone(null);
      try {
        const receipt = await steps((call) => sendTx(protocol, wagmi, address, call));
        if (receipt) setDone(message);
        await refresh();
        return receipt;
      } catch (e) {
        setError(toUiError(e));
        await refresh().catch(() => undefined);
        return null;
      }
    });
    return result ?? null;
  }
  function run(call: WriteCall, message: string): Promise<TransactionReceipt | null> {
    return sequence((send) => send(call), message);
  }
  return { run, sequence, busy: flow.busy, error, done, setError };
}

/**
 * A table of buttons that each send one transaction from `account` (claims): one at a time across
 * the table, `row` says which row's button shows the progress; the error or the message after it.
 */
export function useRowTx(account: Address) {
  const { protocol, wagmi } = useApp();
  const refresh = useRefreshChain();
  const flow = useFlow();
  const [row, setRow] = useState<string | null>(null);
  const [error, setError] = useState<UiMessage | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const run = (key: string, call: WriteCall, message: string) =>
    flow.run(async () => {
      setRow(key);
      setError(null);
      setDone(null);
      try {
        await sendTx(protocol, wagmi, account, call);
        setDone(message);
        await refresh();
      } catch (e) {
        setError(toUiError(e));
      } finally {
        setRow(null);
      }
    });
  return { run, row, error, done };
}
