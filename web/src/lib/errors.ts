// Turns wallet and contract failures into messages a member understands. Custom errors are decoded
// with the contract's ABI (viem does it when the ABI is given to simulate/write).
import {
  BaseError,
  ContractFunctionRevertedError,
  UserRejectedRequestError,
  InsufficientFundsError,
  type ContractErrorName,
} from "viem";
import type { testCadAbi } from "../../../protocol/abis.ts";
import { ReadApiError } from "./readApi.ts";
import { RelayerRequestError } from "./relayer.ts";
import type { PassepartoutAbi } from "../../../protocol/types.ts";

import type { TextKey } from "../i18n/messages.ts";

/** What the app shows for a failure: a message key (and its placeholders), plus the technical detail. */
export type UiMessage = { key: TextKey; vars?: Record<string, string | number>; detail?: string };

/**
 * The one error type the UI understands: thrown by the dApp's own checks and flows (payAndBook,
 * gasless relays…) with the message to show; `toUiError` turns any other failure into one.
 */
export class UiError extends Error implements UiMessage {
  readonly key: TextKey;
  readonly vars?: Record<string, string | number>;
  readonly detail?: string;
  constructor(key: TextKey, vars?: Record<string, string | number>, detail?: string) {
    super(detail ?? key);
    this.name = "UiError";
    this.key = key;
    this.vars = vars;
    this.detail = detail;
  }
}

/** Passepartout's errors and an OpenZeppelin token's (IERC20Errors, bubbled up by a transfer). */
type ContractError = ContractErrorName<PassepartoutAbi> | ContractErrorName<typeof testCadAbi>;

/** Keyed by the ABI's error names: an error the contract renames or drops fails the type check. */
const CONTRACT_ERROR_KEYS: Partial<Record<ContractError, TextKey>> = {
  BookingSlotTaken: "err.slotTaken",
  BookingNoFreeUnit: "err.slotTaken",
  BookingPriceAboveMax: "err.priceChanged",
  BookingTermsChanged: "err.termsChanged",
  BookingWrongPayment: "err.wrongPayment",
  BookingInPast: "err.inPast",
  BookingBeyondHorizon: "err.beyondHorizon",
  BookingDurationOutOfRange: "err.duration",
  BookingNotOnGrid: "err.notOnGrid",
  BookingOutsideOpeningHours: "err.closedHours",
  OpeningClosureHasBookings: "err.closureHasBookings",
  VenueIsPaused: "err.venuePaused",
  NetworkPaused: "err.networkPaused",
  CurrencyNotAllowed: "err.currencyNotAllowed",
  PassAlreadyStarted: "err.alreadyStarted",
  PassAlreadyEnded: "err.alreadyEnded",
  PassAlreadySettled: "err.alreadySettled",
  PassNotHolder: "err.notHolder",
  PassNotFound: "err.passNotFound",
  PassNotReleasable: "err.notReleasable",
  PassGuestInvalid: "err.guestInvalid",
  NothingToClaim: "err.nothingToClaim",
  VenueNotOperator: "err.notOperator",
  SplitNotPayee: "err.notPayee",
  ERC20InsufficientBalance: "err.insufficientFunds",
  ERC20InsufficientAllowance: "err.allowance",
  SplitSharesNotWhole: "err.sharesNotWhole",
  NameInvalid: "err.nameInvalid",
  SponsorFeeAboveCap: "err.sponsorFeeAboveCap",
  SponsorFeeAboveRefund: "err.sponsorFeeAboveRefund",
  SponsorPermitInvalid: "err.sponsorPermit",
  SponsorRefundBelowMin: "err.sponsorRefundBelowMin",
  SponsorNotNamed: "err.sponsorNotNamed",
  TaxCurrencyWithoutCent: "err.taxCurrency",
};

const messageKeyOf = (errorName: string) => Object.entries(CONTRACT_ERROR_KEYS).find(([n]) => n === errorName)?.[1];

export function contractErrorName(err: unknown): string | null {
  if (!(err instanceof BaseError)) return null;
  const reverted = err.walk((e) => e instanceof ContractFunctionRevertedError);
  if (reverted instanceof ContractFunctionRevertedError) return reverted.data?.errorName ?? null;
  return null;
}

/** The contract says the venue or resource read does not exist (a stale or mistyped link). */
/** A venue or resource that does not exist: the read model's 404, or the contract's own error. */
export function isNotFound(err: unknown): boolean {
  if (err instanceof ReadApiError) return err.status === 404;
  const name = contractErrorName(err);
  return name === "VenueNotFound" || name === "ResourceNotFound";
}

/** A contract error known by name only (e.g. decoded by the relayer's sponsor), as the app shows it. */
export function contractErrorUi(name: string): UiError {
  return new UiError(messageKeyOf(name) ?? "err.contract", { name }, name);
}

/** The relayer (or the dApp origin's proxy in front of it) is down or not ready: worth retrying. */
export function isRelayerUnavailable(err: unknown): boolean {
  if (!(err instanceof ReadApiError) && !(err instanceof RelayerRequestError)) return false;
  return err.status === 0 || err.status === 502 || err.status === 503 || err.status === 504;
}

export function toUiError(err: unknown): UiError {
  if (err instanceof UiError) return err;
  if (isRelayerUnavailable(err)) return new UiError("relayer.down", undefined, (err as Error).message);
  if (err instanceof ReadApiError) {
    if (err.status === 401) return new UiError("receipts.err.unauthorized");
    return new UiError("err.generic", { message: err.message }, err.code);
  }
  if (err instanceof BaseError) {
    if (err.walk((e) => e instanceof UserRejectedRequestError) || /user rejected|denied/i.test(err.message)) {
      return new UiError("err.rejected");
    }
    if (err.walk((e) => e instanceof InsufficientFundsError) || /insufficient funds/i.test(err.message)) {
      return new UiError("err.insufficientFunds");
    }
    const name = contractErrorName(err);
    if (name) return contractErrorUi(name);
    return new UiError("err.generic", { message: err.shortMessage }, err.shortMessage);
  }
  const code = (err as { code?: number })?.code;
  if (code === 4001) return new UiError("err.rejected");
  return new UiError("err.generic", { message: err instanceof Error ? err.message : String(err) });
}
