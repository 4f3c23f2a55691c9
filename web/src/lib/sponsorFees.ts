// The sponsor's fee a gasless booking or cancellation moved, as the contract records it
// (SponsorFeePaid, emitted right after the transfer). Passes show it from the read API
// (`serviceFee`, `refundServiceFee`), in any browser; a page that has just sent the transaction reads
// it from that transaction's receipt.
import { parseEventLogs, type Address, type TransactionReceipt } from "viem";
import { passepartoutAbi } from "../../../protocol/abis.ts";
import { sameAddress } from "../../../protocol/address.ts";

/** The fee `contract` recorded in `receipt` for a booking (`onCancel` false) or a cancellation; 0 if none. */
export function sponsorFeeIn(receipt: Pick<TransactionReceipt, "logs">, contract: Address, onCancel: boolean): bigint {
  const logs = receipt.logs.filter((l) => sameAddress(l.address, contract));
  return parseEventLogs({ abi: passepartoutAbi, logs, eventName: "SponsorFeePaid" })
    .filter((l) => l.args.onCancel === onCancel)
    .reduce((sum, l) => sum + l.args.fee, 0n);
}
