// The sponsor: relays a member's signed ForwardRequest through PassepartoutForwarder and pays its
// gas, charging the fee of its terms (docs/gasless.md). Before it spends anything it simulates the
// exact transaction it would send and refuses, with the contract's own error name, what would
// revert; it limits requests per member (an operator's lending counts against the pass's holder),
// caps free calls per pass and per member, keeps a gas budget per window charged on the gas used,
// with a fair share per member, and says when it is out of ETH. Relayers sharing the key send one at
// a time through a lease in the shared store (sponsorStore.ts), which also keeps the budget, limits
// and submitted requests, so the same request sent to two relayers is one transaction.
import { createHash, randomUUID } from "node:crypto";
import { BaseError, createWalletClient, decodeFunctionData, encodeFunctionData, http, type PublicClient } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { passepartoutAbi, passepartoutForwarderAbi } from "../../protocol/abis.ts";
import { SPONSORED_FUNCTIONS, type SponsoredFunction } from "../../protocol/gasless.ts";
import type { Hex } from "../../protocol/types.ts";
import type { SponsorTerms } from "../../protocol/api/sponsor.ts";
import type { Clock } from "../clock.ts";
import { RelayerError } from "../errors.ts";
import type { Logger } from "../logger.ts";
import { GasBudget, type Reservation } from "./gasBudget.ts";
import type { PendingRequest, SponsorStore } from "./sponsorStore.ts";
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
  /** Sponsored requests per member per hour (counted once the signature verified). */
  ratePerHour: number;
  /** Gas paid for per window, and the share of it one member may use (basis points). */
  gasBudget: bigint;
  memberShareBps?: number;
  budgetWindowS: number;
  /** Free calls (no fee: lending, or everything when the network sponsors) per pass and per member
   * per budget window; an operator's calls count against the pass's holder. */
  freeCallsPerPass?: number;
  freeCallsPerMember?: number;
  /** Where the lease, budget, limits and submitted requests live (shared by the relayers using the key). */
  store: SponsorStore;
  /** How long one relayer may hold the sender lease, and how long a request waits for it. */
  leaseTtlMs?: number;
  leaseWaitMs?: number;
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

/** What a sponsored call is, what it costs the member, and whom it is counted against. */
type Classified = { call: SponsoredFunction; fee: bigint; member: Hex; passId: bigint | null };

type RelayAnswer = { hash: Hex; call: SponsoredFunction; fee: string };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function createSponsor(o: SponsorOptions) {
  const account = privateKeyToAccount(o.privateKey);
  const wallet = createWalletClient({ account, transport: http(o.rpcUrl, { retryCount: 0 }) });
  const store = o.store;
  /** Everything in the store is filed under this key's address (other keys may share the store). */
  const self = account.address.toLowerCase();
  const budget = new GasBudget(
    store,
    {
      perWindow: Number(o.gasBudget),
      memberShareBps: o.memberShareBps ?? 10_000,
      windowS: o.budgetWindowS,
      scope: self,
    },
    o.clock,
  );
  const freePerPass = o.freeCallsPerPass ?? Number.MAX_SAFE_INTEGER;
  const freePerMember = o.freeCallsPerMember ?? Number.MAX_SAFE_INTEGER;
  const leaseTtlMs = o.leaseTtlMs ?? 30_000;
  const leaseWaitMs = o.leaseWaitMs ?? 10_000;
  /** This sender's name in the lease. */
  const holder = randomUUID();
  const settling = new Set<Promise<void>>();

  // One send at a time in this process, and, through the store's lease, across the relayers
  // sharing the key: its nonce is never raced for.
  let queue: Promise<unknown> = Promise.resolve();
  const serialized = <T>(task: () => Promise<T>): Promise<T> => {
    const run = queue.then(task, task);
    queue = run.catch(() => undefined);
    return run;
  };
  const underLease = <T>(task: (nonce: number) => Promise<{ value: T; sent: boolean }>): Promise<T> =>
    serialized(async () => {
      for (let waited = 0; !(await store.acquireLease(self, holder, o.clock() * 1000, leaseTtlMs)); waited += 25) {
        if (waited >= leaseWaitMs)
          throw new RelayerError("sponsor_unavailable", "the sponsor is busy sending for another relayer; retry", {
            retryAfterS: 1,
          });
        await sleep(25);
      }
      let nonce: number | null = null;
      let sent = false;
      try {
        // The chain's count of the key's transactions, pending included; or the nonce the previous
        // sender left, when its node has not seen the last transaction yet (a minute at most).
        const onChain = await o.client.getTransactionCount({ address: account.address, blockTag: "pending" });
        const left = await store.nextNonce(self);
        nonce = left && left.nonce > onChain && o.clock() * 1000 - left.atMs < 60_000 ? left.nonce : onChain;
        const r = await task(nonce);
        sent = r.sent;
        return r.value;
      } finally {
        await store.releaseLease(self, holder, sent && nonce !== null ? nonce + 1 : null, o.clock() * 1000);
      }
    });

  /** The ETH one request may cost at today's fees (gas cap × max fee per gas). */
  async function worstCaseCost(): Promise<bigint> {
    const { maxFeePerGas } = await o.client.estimateFeesPerGas();
    return o.maxCallGas * maxFeePerGas;
  }

  async function terms(): Promise<SponsorTerms> {
    const [balance, cost, left] = await Promise.all([
      o.client.getBalance({ address: account.address }),
      worstCaseCost(),
      budget.remaining(),
    ]).catch((err: unknown) => {
      o.logger.warn({ err: (err as Error).message }, "sponsor terms unreadable");
      throw new RelayerError("chain_unavailable", "the sponsor's balance or budget cannot be read now; retry");
    });
    const reason = balance < cost ? "out_of_funds" : left < o.maxCallGas ? "budget_exhausted" : null;
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

  /** Reads the chain for `classify`; a revert is the contract's own error, as the simulation gives it. */
  async function read<T>(f: () => Promise<T>): Promise<T> {
    try {
      return await f();
    } catch (err) {
      const reason = revertReason(err);
      if (reason) throw refused(reason, `the call would revert: ${reason.errorName}`);
      throw err;
    }
  }

  /** The sponsored function, the fee this sponsor asks for it and the member it counts against;
   * refuses anything else. Lending counts against the pass's holder, whoever of its operators asks. */
  async function classify(request: ForwardRequestData): Promise<Classified> {
    let decoded;
    try {
      decoded = decodeFunctionData({ abi: passepartoutAbi, data: request.data });
    } catch {
      throw refused({ errorName: "call_not_sponsored" }, "the request's calldata is not a Passepartout call");
    }
    const call = SPONSORED_FUNCTIONS.find((f) => f === decoded.functionName);
    if (!call) throw refused({ errorName: "call_not_sponsored" }, `${decoded.functionName} is not sponsored`);
    const args = decoded.args as readonly unknown[];
    const from = request.from.toLowerCase() as Hex;
    if (call === "setUser") {
      // Lending moves no money: the network sponsors it, counted against the holder.
      const passId = args[0] as bigint;
      const holderOf = await read(() =>
        o.client.readContract({
          address: o.passepartout,
          abi: passepartoutAbi,
          functionName: "ownerOf",
          args: [passId],
        }),
      );
      return { call, fee: 0n, member: holderOf.toLowerCase() as Hex, passId };
    }
    const passId = call === "cancelSponsored" ? (args[0] as bigint) : null;
    const fee = call === "bookSponsored" ? o.fees.book : o.fees.cancel;
    if (fee === 0n) return { call, fee, member: from, passId };
    // The fee is charged in the call's currency: only the sponsor's token is accepted.
    const currency = await read(async () =>
      passId === null
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
              args: [passId],
            })
          ).currency,
    );
    if (o.currency === null || currency.toLowerCase() !== o.currency.toLowerCase())
      throw refused({ errorName: "currency_not_sponsored" }, "this sponsor is paid in another currency");
    return { call, fee, member: from, passId };
  }

  /** Identifies a signed request: the same request sent twice (to two relayers) is one. */
  const digestOf = (r: ForwardRequestData) =>
    createHash("sha256")
      .update([r.from, r.to, r.value, r.gas, r.deadline, r.data, r.signature].join(":").toLowerCase())
      .digest("hex");

  /** Simulates, checks the limits and submits; answers the transaction hash (logged to `log`: the
   * request's). Every refusal is a RelayerError (4xx, or 503 when the sponsor or the chain cannot
   * serve now), never a 500. */
  async function relay(request: ForwardRequestData, log: Logger = o.logger): Promise<RelayAnswer> {
    try {
      return await relayChecked(request, log);
    } catch (err) {
      if (err instanceof RelayerError) throw err;
      log.warn({ err: (err as Error).message, from: request.from }, "sponsored request failed");
      throw new RelayerError("sponsor_unavailable", "the sponsor cannot send this request now; retry", {
        retryAfterS: 1,
      });
    }
  }

  async function relayChecked(request: ForwardRequestData, log: Logger): Promise<RelayAnswer> {
    if (request.to.toLowerCase() !== o.passepartout.toLowerCase())
      throw refused({ errorName: "wrong_target" }, "the request must call the Passepartout contract");
    if (request.value !== 0n) throw refused({ errorName: "ForwarderValueNotSupported" }, "requests carry no ETH");
    if (request.gas > o.maxCallGas)
      throw refused({ errorName: "gas_too_high" }, `the request asks more than ${o.maxCallGas} gas`);
    const from = request.from.toLowerCase();
    /** The member's last submitted request, filed under this key. */
    const pendingKey = `${self}:${from}`;
    const digest = digestOf(request);
    // Already submitted (by this relayer or another sharing the key): the same answer, no second send.
    const prior = await store.pending(pendingKey);
    if (prior?.digest === digest) return answerOf(prior);
    const { call, fee, member, passId } = await classify(request);
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
    if (reason && REQUEST_ERRORS.has(reason.errorName)) {
      // Sent meanwhile by another relayer (the nonce moved on): its answer.
      const sent = await store.pending(pendingKey);
      if (sent?.digest === digest) return answerOf(sent);
      throw refused(reason, `the forwarder refuses this request: ${reason.errorName}`);
    }
    const hour = Math.floor(o.clock() / 3600) * 3600;
    if (!(await store.take(hour, `${self}:rate:${member}`, 1, o.ratePerHour)))
      throw new RelayerError("rate_limited", "too many sponsored requests for this member; retry later", {
        retryAfterS: Math.max(1, hour + 3600 - o.clock()),
      });
    if (reason) throw refused(reason, `the call would revert: ${reason.errorName}`);

    return underLease(async (nonce) => {
      const p = await store.pending(pendingKey);
      if (p?.digest === digest) return { value: answerOf(p), sent: false };
      if (p && !p.mined && !(await isMined(pendingKey, p)))
        throw new RelayerError(
          "sponsor_request_pending",
          "this member's previous sponsored request is not mined yet; retry once it is",
          { hash: p.hash, retryAfterS: 2 },
        );
      const [balance, fees] = await Promise.all([
        o.client.getBalance({ address: account.address }),
        o.client.estimateFeesPerGas(),
      ]);
      let gas: bigint;
      try {
        gas = await o.client.estimateGas({ ...tx, maxFeePerGas: fees.maxFeePerGas });
      } catch (err) {
        if (err instanceof BaseError && /insufficient funds|enough funds/i.test(err.message)) throw outOfFunds(log);
        const r = revertReason(err);
        throw refused(r ?? { errorName: "unknown" }, "the call would revert");
      }
      // Margin for the state to move between estimate and inclusion.
      const gasLimit = (gas * 12n) / 10n;
      if (balance < gasLimit * fees.maxFeePerGas) throw outOfFunds(log);
      const window = budget.window();
      const free = fee === 0n;
      if (free) await checkFreeCalls(window, member, passId);
      const reserved = await budget.reserve(member, Number(gasLimit));
      if (reserved === "budget_exhausted")
        throw new RelayerError("sponsor_budget_exhausted", "the sponsor's gas budget is spent; retry later", {
          retryAfterS: budget.resetInS(),
        });
      if (reserved === "share_exhausted")
        throw new RelayerError(
          "sponsor_share_exhausted",
          "this member has used its share of the sponsor's gas budget for today; retry later or pay the gas yourself",
          { retryAfterS: budget.resetInS() },
        );
      let hash: Hex;
      try {
        hash = await wallet.sendTransaction({
          to: o.forwarder,
          data,
          gas: gasLimit,
          nonce,
          maxFeePerGas: fees.maxFeePerGas,
          maxPriorityFeePerGas: fees.maxPriorityFeePerGas,
          chain: null,
        });
      } catch (err) {
        await budget.settle(reserved, 0); // nothing sent, nothing spent
        if (err instanceof BaseError && /insufficient funds|enough funds/i.test(err.message)) throw outOfFunds(log);
        log.warn({ err: (err as Error).message, from, nonce }, "sponsored transaction not sent");
        throw new RelayerError("sponsor_unavailable", "the sponsor could not send this transaction; retry", {
          retryAfterS: 1,
        });
      }
      if (free) {
        await store.add(window, `${self}:free:${member}`, 1);
        if (passId !== null) await store.add(window, `${self}:free:pass:${passId}`, 1);
      }
      const answer: RelayAnswer = { hash, call, fee: fee.toString() };
      await store.setPending(pendingKey, { digest, ...answer, mined: false });
      track(pendingKey, digest, answer, reserved);
      log.info({ from, member, call, fee: answer.fee, hash, nonce }, "sponsored request submitted");
      return { value: answer, sent: true };
    });
  }

  const answerOf = (p: PendingRequest): RelayAnswer => ({
    hash: p.hash,
    call: p.call as SponsoredFunction,
    fee: p.fee,
  });

  /** Whether a member's last submitted transaction is mined (then it no longer blocks the next). */
  async function isMined(pendingKey: string, p: PendingRequest): Promise<boolean> {
    const receipt = await o.client.getTransactionReceipt({ hash: p.hash }).catch(() => null);
    // A transaction the node no longer knows was dropped: it blocks nothing either.
    const done = receipt !== null || (await o.client.getTransaction({ hash: p.hash }).catch(() => null)) === null;
    if (done) await store.setPending(pendingKey, { ...p, mined: true });
    return done;
  }

  /** Refuses a free call beyond the pass's or the member's free calls of the window. */
  async function checkFreeCalls(window: number, member: string, passId: bigint | null): Promise<void> {
    const over = async (key: string, cap: number) => (await store.used(window, key)) >= cap;
    if (
      (passId !== null && (await over(`${self}:free:pass:${passId}`, freePerPass))) ||
      (await over(`${self}:free:${member}`, freePerMember))
    )
      throw new RelayerError(
        "sponsor_free_calls_exhausted",
        "this pass or member has used its free sponsored calls for today; retry later or pay the gas yourself",
        { retryAfterS: budget.resetInS() },
      );
  }

  /** Once mined, the budget is charged the gas the receipt says was used instead of the gas limit. */
  function track(pendingKey: string, digest: string, answer: RelayAnswer, reserved: Reservation): void {
    const done = (async () => {
      try {
        const receipt = await o.client.waitForTransactionReceipt({
          hash: answer.hash,
          pollingInterval: 250,
          timeout: 180_000,
        });
        await budget.settle(reserved, Number(receipt.gasUsed));
        await store.setPending(pendingKey, { digest, ...answer, mined: true });
        if (receipt.status !== "success")
          o.logger.warn({ hash: answer.hash, gasUsed: String(receipt.gasUsed) }, "sponsored transaction reverted");
      } catch (err) {
        // The reservation stays charged: the budget errs on the side of the sponsor's ETH.
        o.logger.warn({ hash: answer.hash, err: (err as Error).message }, "sponsored transaction not settled");
      }
    })();
    settling.add(done);
    void done.finally(() => settling.delete(done));
  }

  function outOfFunds(log: Logger): RelayerError {
    log.warn({ sponsor: account.address }, "sponsor out of ETH");
    return new RelayerError(
      "sponsor_out_of_funds",
      "the sponsor is out of ETH and cannot pay for this transaction; pay the gas yourself or retry later",
    );
  }

  return {
    address: account.address,
    terms,
    relay,
    /** The current window's gas: the budget, what is used (mined: gas used; pending: reserved). */
    async budget(member?: string) {
      return {
        limit: budget.limits.perWindow,
        memberCap: budget.memberCap(),
        used: await budget.used(member),
        remaining: await budget.remaining(),
        resetInS: budget.resetInS(),
      };
    },
    /** Resolves once every submitted transaction's receipt has been accounted for. */
    async settled(): Promise<void> {
      while (settling.size) await Promise.allSettled([...settling]);
    },
  };
}
