// Amounts are bigints in the currency's smallest unit; they are shown in the user's locale.
import { formatUnits, zeroAddress, type Address } from "viem";

export type Currency = { address: Address; symbol: string; decimals: number };

export const ETH: Currency = { address: zeroAddress, symbol: "ETH", decimals: 18 };

export const isNative = (c: Address): boolean => c.toLowerCase() === zeroAddress;

/** Formats `amount` in the locale: ETH with up to 6 decimals, tokens (CAD) with 2 to 4. */
export function formatAmount(amount: bigint, currency: Currency, locale: string): string {
  const fiat = !isNative(currency.address);
  const maxFraction = Math.min(fiat ? 4 : 6, currency.decimals);
  const minFraction = Math.min(fiat ? 2 : 0, maxFraction);
  const negative = amount < 0n;
  const abs = negative ? -amount : amount;
  const text = formatUnits(abs, currency.decimals);
  const [whole, frac = ""] = text.split(".");
  let cut = frac.slice(0, maxFraction).replace(/0+$/, "");
  while (cut.length < minFraction) cut += "0";
  const wholeFmt = new Intl.NumberFormat(locale).format(BigInt(whole));
  const decimal = new Intl.NumberFormat(locale).formatToParts(1.5).find((p) => p.type === "decimal")?.value ?? ".";
  const body =
    abs !== 0n && BigInt(whole) === 0n && /^0*$/.test(cut)
      ? `< 0${decimal}${"0".repeat(maxFraction - 1)}1`
      : `${wholeFmt}${cut ? decimal + cut : ""}`;
  return `${negative ? "−" : ""}${body}\u00a0${currency.symbol}`;
}

/** Basis points as a locale percentage: 5000 → "50 %" (fr) / "50%" (en). */
export function formatBps(bps: number, locale: string): string {
  return new Intl.NumberFormat(locale, { style: "percent", maximumFractionDigits: 2 }).format(bps / 10_000);
}
