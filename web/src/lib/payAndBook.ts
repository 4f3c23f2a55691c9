// How a booking is paid, decided in one place: the sponsor relays it (no ETH in the wallet), ETH is
// sent with the call, an ERC-20 allowance already covers it, an EIP-2612 permit is signed in the same
// transaction, or the token is approved first. The page hands over what it already shows (the quote,
// the balance, the sponsor's terms): what the member sees before signing is what is signed and what
// moves. Wallet and chain calls go through a {BookingWallet}, faked in the tests.
import { parseEventLogs, type Address, type Hex, type TransactionReceipt } from "viem";
import type { Config } from "wagmi";
import { passepartoutAbi } from "../../../protocol/abis.ts";
import { UiError } from "./errors.ts";
import { relaySponsored, sponsorFee, type Gasless } from "./gasless.ts";
import { isNative } from "./money.ts";
import { ANY_UNIT, type Protocol } from "./protocol.ts";
import type { Relayer } from "./relayer.ts";
import { firstClosedHour } from "./openingHours.ts";
import { sponsorFeeIn } from "./sponsorFees.ts";
import { allowance, approve, sendTx, signPermit, type WriteCall } from "./wallet.ts";

export type PaymentPath = "sponsored" | "native" | "allowance" | "permit" | "approve";

/** What the page shows while the booking goes through (the step text). */
export type BookingStep = "sponsor" | "permit" | "approve" | "confirm" | "pending";

export type Permit = { v: number; r: Hex; s: Hex };

/** The wallet and chain calls a booking may need (the real ones: {bookingWallet}). */
export type BookingWallet = {
  /** The Passepartout contract paid into. */
  contract: Address;
  allowance(token: Address): Promise<bigint>;
  signPermit(token: Address, value: bigint, deadline: bigint): Promise<Permit | null>;
  approve(token: Address, value: bigint): Promise<unknown>;
  send(call: WriteCall, onSent: () => void): Promise<TransactionReceipt>;
  relay(
    g: Gasless,
    call: Extract<WriteCall, { functionName: "bookSponsored" }>,
    onSent: () => void,
  ): Promise<TransactionReceipt>;
  /** Wall-clock seconds (permit deadlines). */
  now(): number;
};

/** A booking as the page composed it, with what the page already knows. */
export type BookingOrder = {
  resourceId: number;
  start: number;
  end: number;
  policyId: number;
  transferable: boolean;
  currency: Address;
  member: Address;
  /** The quoted total, taxes included: the member's maximum price. */
  price: bigint;
  /** The member's balance in `currency`. */
  balance: bigint;
  /** The sponsor's terms when the booking goes gasless, else null. */
  gasless: Gasless | null;
  /** Hours the resource is closed (a window running into one would revert). */
  closed?: ReadonlySet<number>;
};

/** What leaves the wallet: the price (taxes included) and, gasless, the sponsor's fee. */
export type BookingCost = { price: bigint; fee: bigint; total: bigint };

export function bookingCost(price: bigint, gasless: Gasless | null): BookingCost {
  const fee = sponsorFee(gasless, "book");
  return { price, fee, total: price + fee };
}

/** Why the booking cannot go through, said before anything is signed; null when it can. */
export function bookingProblem(
  o: Pick<BookingOrder, "start" | "end" | "price" | "balance" | "gasless" | "closed">,
): UiError | null {
  // The contract's rule: every hour of a window under a day, the first hour of a day or month pass.
  if (o.closed && firstClosedHour(o.start, o.end, o.closed) !== null) return new UiError("err.closedHours");
  if (o.balance < bookingCost(o.price, o.gasless).total) return new UiError("err.insufficientFunds");
  return null;
}

/** Permits and sponsored requests stay valid this long. */
const DEADLINE_SECONDS = 1800;

/** The booking made: its pass, the path taken, what was shown and the sponsor's fee actually paid. */
export type Booked = { passId: bigint; path: PaymentPath; cost: BookingCost; feePaid: bigint };

/** Pays and books `order` by the one path that fits, reporting each step; throws a {UiError} or the wallet's error. */
export async function payAndBook(
  wallet: BookingWallet,
  order: BookingOrder,
  onStep: (step: BookingStep) => void = () => {},
): Promise<Booked> {
  const problem = bookingProblem(order);
  if (problem) throw problem;
  const cost = bookingCost(order.price, order.gasless);
  const { price } = cost;
  // The member pins the price, cancellation policy and transferability shown on the page.
  const args = [
    order.resourceId,
    BigInt(order.start),
    BigInt(order.end),
    ANY_UNIT,
    price,
    order.member,
    order.policyId,
    order.transferable,
  ] as const;
  const pending = () => onStep("pending");
  const deadline = () => BigInt(wallet.now() + DEADLINE_SECONDS);
  let path: PaymentPath;
  let receipt: TransactionReceipt;

  if (order.gasless) {
    // One permit for the price and the sponsor's fee, whose cap the member signs in the request.
    path = "sponsored";
    onStep("sponsor");
    const until = deadline();
    const permit = await wallet.signPermit(order.currency, cost.total, until);
    if (!permit) throw new UiError("err.sponsorPermit");
    receipt = await wallet.relay(
      order.gasless,
      // The request names its sponsor: no one else can relay it and take the fee.
      {
        functionName: "bookSponsored",
        args: [...args, order.gasless.sponsor, cost.fee, until, permit.v, permit.r, permit.s],
      },
      pending,
    );
  } else if (isNative(order.currency)) {
    path = "native";
    onStep("confirm");
    receipt = await wallet.send({ functionName: "book", args, value: price }, pending);
  } else if ((await wallet.allowance(order.currency)) >= price) {
    path = "allowance";
    onStep("confirm");
    receipt = await wallet.send({ functionName: "book", args }, pending);
  } else {
    onStep("permit");
    const until = deadline();
    const permit = await wallet.signPermit(order.currency, price, until);
    if (permit) {
      path = "permit";
      onStep("confirm");
      receipt = await wallet.send(
        { functionName: "bookWithPermit", args: [...args, until, permit.v, permit.r, permit.s] },
        pending,
      );
    } else {
      path = "approve";
      onStep("approve");
      await wallet.approve(order.currency, price);
      onStep("confirm");
      receipt = await wallet.send({ functionName: "book", args }, pending);
    }
  }
  const [booked] = parseEventLogs({ abi: passepartoutAbi, logs: receipt.logs, eventName: "Booked" });
  if (!booked) throw new UiError("err.generic", { message: "no Booked event in the receipt" });
  const feePaid = sponsorFeeIn(receipt, wallet.contract, false);
  return { passId: booked.args.passId, path, cost, feePaid };
}

/** The real wallet and chain calls for `member`'s connected wallet. */
export function bookingWallet(p: Protocol, wagmi: Config, relayer: Relayer, member: Address): BookingWallet {
  return {
    contract: p.address,
    allowance: (token) => allowance(p, token, member),
    signPermit: (token, value, deadline) => signPermit(p, wagmi, token, member, p.address, value, deadline),
    approve: (token, value) => approve(p, wagmi, member, token, p.address, value),
    send: (call, onSent) => sendTx(p, wagmi, member, call, onSent),
    relay: (g, call, onSent) => relaySponsored(p, wagmi, relayer, member, g, call, onSent),
    now: () => Math.floor(Date.now() / 1000),
  };
}
