// The sponsor's fee a gasless booking or cancellation moved, read from that transaction's token
// transfers: the pass then says "paid 5.75 + 0.25 service fee". The read model gives the block of
// the pass's booking (or cancellation); two one-block log reads find the transaction and its
// transfers — no scan of the chain.
import { getLogs } from "viem/actions";
import { erc20Abi, getAbiItem, type Address } from "viem";
import { passepartoutAbi } from "../../../protocol/abis.ts";
import { sameAddress } from "../../../protocol/address.ts";
import { isNative } from "./money.ts";
import type { PassInfo } from "./passes.ts";
import type { Protocol } from "./protocol.ts";

type Transfer = { transactionHash: string | null; from: Address; to: Address; value: bigint };

/**
 * The fee in the transaction `tx`: what went from `payer` (the member who booked, or the contract
 * paying a refund) to anyone but the contract and the member — the sponsor.
 */
export function feeInTransaction(
  transfers: readonly Transfer[],
  tx: string,
  o: { payer: Address; contract: Address; member: Address },
): bigint {
  return transfers
    .filter((t) => t.transactionHash === tx && sameAddress(t.from, o.payer))
    .filter((t) => !sameAddress(t.to, o.contract) && !sameAddress(t.to, o.member))
    .reduce((sum, t) => sum + t.value, 0n);
}

const transferEvent = getAbiItem({ abi: erc20Abi, name: "Transfer" });
const bookedEvent = getAbiItem({ abi: passepartoutAbi, name: "Booked" });
const cancelledEvent = getAbiItem({ abi: passepartoutAbi, name: "Cancelled" });

/** The service fee paid with `pass`'s booking, or taken from its refund once cancelled (0 when none). */
export async function sponsorFeeOf(p: Protocol, pass: PassInfo): Promise<bigint> {
  if (isNative(pass.currency) || pass.asGuest) return 0n;
  const block = BigInt(pass.block);
  const range = { fromBlock: block, toBlock: block };
  const cancelled = pass.cancelled !== null;
  const [events, transfers] = await Promise.all([
    cancelled
      ? getLogs(p.client, { address: p.address, event: cancelledEvent, args: { passId: pass.id }, ...range })
      : getLogs(p.client, { address: p.address, event: bookedEvent, args: { passId: pass.id }, ...range }),
    getLogs(p.client, {
      address: pass.currency,
      event: transferEvent,
      args: { from: cancelled ? p.address : pass.holder },
      ...range,
    }),
  ]);
  const tx = events[0]?.transactionHash;
  if (!tx) return 0n;
  return feeInTransaction(
    transfers.map((t) => ({
      transactionHash: t.transactionHash,
      from: t.args.from!,
      to: t.args.to!,
      value: t.args.value!,
    })),
    tx,
    { payer: cancelled ? p.address : pass.holder, contract: p.address, member: pass.holder },
  );
}
