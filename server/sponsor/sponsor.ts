// The sponsor: relays a member's signed ForwardRequest through PassepartoutForwarder and pays its
// gas, charging the fee of its terms (docs/gasless.md). Before it spends anything it simulates the
// exact transaction it would send and refuses, with the contract's own error name, what would
// revert; it limits requests per member, keeps a gas budget per window and says when it is out of
// ETH. Submissions are serialized so its transactions never race for a nonce.
import { BaseError, createWalletClient, decodeFunctionData, encodeFunctionData, http, type PublicClient } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { passepartoutAbi, passepartoutForwarderAbi } from "../../protocol/abis.ts";
import { SPONSORED_FUNCTIONS, type SponsoredFunction } from "../../protocol/gasless.ts";
import type { Hex } from "../../protocol/types.ts";
import type { SponsorTerms } from "../../protocol/api/sponsor.ts";
import type { Clock } from "../clock.ts";
import { RelayerError } from "../errors.ts";
import type { Logger } from "../logger.ts";
import { RateLimiter } from "../rateLimiter.ts";
import { GasBudget } from "./gasBudget.ts";
import { revertReason, type RevertReason } from "./revertReason.ts";

/** `ForwardRequestData` of OpenZeppelin's forwarder, as the contract takes it. */
export type ForwardRequestData = {
  from: Hex;
  to: Hex;
  value: bigint;
  gas: bigint;
  deadline: number;
  data: Hex;
  signature: Hex;
};

export type SponsorOptions = {
  client: PublicClient;
  rpcUrl: string;
  privateKey: Hex;
  passepartout: Hex;
  forwarder: Hex;
  /** The token fees are charged in; calls paying in another currency are relayed only for free. */
  currency: Hex | null;
  fees: { book: bigint; cancel: bigint };
  /** Most gas a member's request may ask the forwarder to pass on. */
  maxCallGas: bigint;
  ratePerHour: number;
  gasBudget: bigint;
  budgetWindowS: number;
  clock: Clock;
  logger: Logger;
};

/** The forwarder's own refusals: the signature, nonce or deadline is wrong (not the member's doing
 * if forged, so they do not count against the member's rate limit). */
const REQUEST_ERRORS = new Set([
  "ERC2771ForwarderInvalidSigner",
  "ERC2771ForwarderExpiredRequest",
  "ERC2771UntrustfulTarget",
  "ERC2771ForwarderMismatchedValue",
]);

function refused(reason: RevertReason | { errorName: string; args?: string[] }, message: string): RelayerError {
  return new RelayerError("sponsor_refused", message, { errorName: reason.errorName, args: reason.args ?? [] });
}

export type Sponsor = ReturnType<typeof createSponsor>;

export function createSponsor(o: SponsorOptions) {
  const account = privateKeyToAccount(o.privateKey);
  const wallet = createWalletClient({ account, transport: http(o.rpcUrl, { retryCount: 0 }) });
  const limiter = new RateLimiter(o.ratePerHour, 3_600_000, () => o.clock() * 1000);
  const budget = new GasBudget(o.gasBudget, o.budgetWindowS, o.clock);
  let queue: Promise<unknown> = Promise.resolve();
  const serialized = <T>(task: () => Promise<T>): Promise<T> => {
    const run = queue.then(task, task);
    queue = run.catch(() => undefined);
    return run;
  };

  /** The ETH one request may cost at today's fees (gas cap × max fee per gas). */
  async function worstCaseCost(): Promise<bigint> {
    const { maxFeePerGas } = await o.client.estimateFeesPerGas();
    return o.maxCallGas * maxFeePerGas;
  }

  async function terms(): Promise<SponsorTerms> {
    const [balance, cost] = await Promise.all([o.client.getBalance({ address: account.address }), worstCaseCost()]);
    const reason = balance < cost ? "out_of_funds" : budget.remaining() < o.maxCallGas ? "budget_exhausted" : null;
    return {
      sponsor: account.address,
      forwarder: o.forwarder,
      currency: o.currency,
      fees: { book: o.fees.book.toString(), cancel: o.fees.cancel.toString(), lend: "0" },
      maxCallGas: o.maxCallGas.toString(),
      available: reason === null,
      reason,
    };
  }

  /** The sponsored function and the fee this sponsor asks for it; refuses anything else. */
  async function feeFor(data: Hex): Promise<{ call: SponsoredFunction; fee: bigint }> {
    let decoded;
    try {
      decoded = decodeFunctionData({ abi: passepartoutAbi, data });
    } catch {
      throw refused({ errorName: "call_not_sponsored" }, "the request's calldata is not a Passepartout call");
    }
    const call = SPONSORED_FUNCTIONS.find((f) => f === decoded.functionName);
    if (!call) throw refused({ errorName: "call_not_sponsored" }, `${decoded.functionName} is not sponsored`);
    if (call === "setUser") return { call, fee: 0n }; // lending moves no money: the network sponsors it
    const fee = call === "bookSponsored" ? o.fees.book : o.fees.cancel;
    if (fee === 0n) return { call, fee };
    // The fee is charged in the call's currency: only the sponsor's token is accepted.
    const args = decoded.args as readonly unknown[];
    let currency: Hex;
    try {
      currency =
        call === "bookSponsored"
          ? (
              await o.client.readContract({
                address: o.passepartout,
                abi: passepartoutAbi,
                functionName: "resource",
                args: [Number(args[0])],
              })
            ).currency
          : (
              await o.client.readContract({
                address: o.passepartout,
                abi: passepartoutAbi,
                functionName: "pass",
                args: [args[0] as bigint],
              })
            ).currency;
    } catch (err) {
      // No such resource or pass: the contract's own error, as the simulation would give it.
      const reason = revertReason(err);
      if (reason) throw refused(reason, `the call would revert: ${reason.errorName}`);
      throw err;
    }
    if (o.currency === null || currency.toLowerCase() !== o.currency.toLowerCase())
      throw refused({ errorName: "currency_not_sponsored" }, "this sponsor is paid in another currency");
    return { call, fee };
  }

  /** Simulates, checks the limits and submits; answers the transaction hash. */
  async function relay(request: ForwardRequestData): Promise<{ hash: Hex; call: SponsoredFunction; fee: string }> {
    if (request.to.toLowerCase() !== o.passepartout.toLowerCase())
      throw refused({ errorName: "wrong_target" }, "the request must call the Passepartout contract");
    if (request.value !== 0n) throw refused({ errorName: "ForwarderValueNotSupported" }, "requests carry no ETH");
    if (request.gas > o.maxCallGas)
      throw refused({ errorName: "gas_too_high" }, `the request asks more than ${o.maxCallGas} gas`);
    const { call, fee } = await feeFor(request.data);
    const data = encodeFunctionData({
      abi: passepartoutForwarderAbi,
      functionName: "executeSponsored",
      args: [request, fee],
    });
    const tx = { account: account.address, to: o.forwarder, data } as const;

    // The exact transaction, simulated: a revert is refused with the contract's own error.
    let reason: RevertReason | null = null;
    try {
      await o.client.call(tx);
    } catch (err) {
      reason = revertReason(err) ?? { errorName: "unknown", args: [] };
    }
    if (reason && REQUEST_ERRORS.has(reason.errorName))
      throw refused(reason, `the forwarder refuses this request: ${reason.errorName}`);
    const limit = limiter.hit(request.from.toLowerCase());
    if (limit.limited)
      throw new RelayerError("rate_limited", "too many sponsored requests for this member; retry later", {
        retryAfterS: limit.retryAfterS,
      });
    if (reason) throw refused(reason, `the call would revert: ${reason.errorName}`);

    return serialized(async () => {
      const [balance, fees] = await Promise.all([
        o.client.getBalance({ address: account.address }),
        o.client.estimateFeesPerGas(),
      ]);
      let gas: bigint;
      try {
        gas = await o.client.estimateGas({ ...tx, maxFeePerGas: fees.maxFeePerGas });
      } catch (err) {
        if (err instanceof BaseError && /insufficient funds|enough funds/i.test(err.message)) throw outOfFunds();
        const r = revertReason(err);
        throw refused(r ?? { errorName: "unknown" }, "the call would revert");
      }
      // Margin for the state to move between estimate and inclusion.
      const gasLimit = (gas * 12n) / 10n;
      if (balance < gasLimit * fees.maxFeePerGas) throw outOfFunds();
      if (!budget.reserve(gasLimit))
        throw new RelayerError("sponsor_budget_exhausted", "the sponsor's gas budget is spent; retry later", {
          retryAfterS: budget.resetInS(),
        });
      const hash = await wallet.sendTransaction({
        to: o.forwarder,
        data,
        gas: gasLimit,
        maxFeePerGas: fees.maxFeePerGas,
        maxPriorityFeePerGas: fees.maxPriorityFeePerGas,
        chain: null,
      });
      o.logger.info({ from: request.from, call, fee: fee.toString(), hash }, "sponsored request submitted");
      return { hash, call, fee: fee.toString() };
    });
  }

  function outOfFunds(): RelayerError {
    o.logger.warn({ sponsor: account.address }, "sponsor out of ETH");
    return new RelayerError(
      "sponsor_out_of_funds",
      "the sponsor is out of ETH and cannot pay for this transaction; pay the gas yourself or retry later",
    );
  }

  return { address: account.address, terms, relay };
}
