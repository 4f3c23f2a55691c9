// Amounts of receipts as exact decimal text: bigints in the currency's smallest unit, never floats.
import type { Hex } from "../../protocol/types.ts";

export type CurrencyInfo = { address: Hex; symbol: string; decimals: number };

export const ETH_INFO: CurrencyInfo = {
  address: "0x0000000000000000000000000000000000000000",
  symbol: "ETH",
  decimals: 18,
};

/** `amount` units as a decimal with at least two fraction digits and no trailing zero beyond: 12.5 → "12.50". */
export function decimalText(amount: bigint, decimals: number): string {
  const negative = amount < 0n;
  const abs = (negative ? -amount : amount).toString().padStart(decimals + 1, "0");
  const whole = abs.slice(0, abs.length - decimals);
  let frac = abs.slice(abs.length - decimals).replace(/0+$/, "");
  while (frac.length < 2) frac += "0";
  return `${negative ? "-" : ""}${whole}.${frac}`;
}

/** A decimal in a locale's notation (French: "1 234,50"), the currency's symbol after it. */
export function localAmount(amount: bigint, currency: CurrencyInfo, lang: "fr" | "en"): string {
  const [whole, frac] = decimalText(amount, currency.decimals).split(".");
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, lang === "fr" ? "\u202f" : ",");
  return lang === "fr" ? `${grouped},${frac} ${currency.symbol}` : `${grouped}.${frac} ${currency.symbol}`;
}
