// The sponsor's fee a gasless booking or cancellation moved, so that the pass can say "paid 5.75 +
// 0.25 service fee". The fee is not in the protocol's events (it is a token transfer to the sponsor
// in the same transaction), and the page never scans the chain's logs: it is read from the receipt
// of the member's own transaction and kept in this browser, per chain, contract and pass.
import { erc20Abi, parseEventLogs, type Address, type TransactionReceipt } from "viem";
import { sameAddress } from "../../../protocol/address.ts";

type Transfer = { from: Address; to: Address; value: bigint };

/**
 * The fee among a transaction's token transfers: what went from `payer` (the member who booked, or
 * the contract paying a refund) to anyone but the contract and the member — the sponsor.
 */
export function feeAmong(transfers: readonly Transfer[], o: { payer: Address; contract: Address; member: Address }) {
  return transfers
    .filter((t) => sameAddress(t.from, o.payer))
    .filter((t) => !sameAddress(t.to, o.contract) && !sameAddress(t.to, o.member))
    .reduce((sum, t) => sum + t.value, 0n);
}

/** The sponsor's fee in `receipt`: of a booking (`payer` = the member) or a cancellation (`payer` = the contract). */
export function feeInReceipt(
  receipt: Pick<TransactionReceipt, "logs">,
  o: { token: Address; payer: Address; contract: Address; member: Address },
): bigint {
  const logs = receipt.logs.filter((l) => sameAddress(l.address, o.token));
  const transfers = parseEventLogs({ abi: erc20Abi, logs, eventName: "Transfer" }).map((l) => l.args);
  return feeAmong(transfers, o);
}

export type FeeKind = "book" | "cancel";
export type FeeStore = Pick<Storage, "getItem" | "setItem">;

const keyOf = (chainId: number, contract: Address, passId: bigint) =>
  `passepartout:sponsorFee:${chainId}:${contract.toLowerCase()}:${passId}`;

/** Remembers the fee paid for `passId`'s booking or cancellation (0 is not recorded). */
export function rememberSponsorFee(
  store: FeeStore,
  at: { chainId: number; contract: Address },
  passId: bigint,
  kind: FeeKind,
  fee: bigint,
): void {
  if (fee === 0n) return;
  const key = keyOf(at.chainId, at.contract, passId);
  const fees = { ...readFees(store, key), [kind]: fee.toString() };
  try {
    store.setItem(key, JSON.stringify(fees));
  } catch {
    // storage full or disabled: the pass shows the price alone
  }
}

/** The fee recorded for `passId`'s booking or cancellation in this browser, if any. */
export function rememberedSponsorFee(
  store: FeeStore,
  at: { chainId: number; contract: Address },
  passId: bigint,
  kind: FeeKind,
): bigint | undefined {
  const v = readFees(store, keyOf(at.chainId, at.contract, passId))[kind];
  return v && /^\d+$/.test(v) ? BigInt(v) : undefined;
}

function readFees(store: FeeStore, key: string): Partial<Record<FeeKind, string>> {
  try {
    const v = JSON.parse(store.getItem(key) ?? "{}") as unknown;
    return typeof v === "object" && v !== null ? v : {};
  } catch {
    return {};
  }
}
