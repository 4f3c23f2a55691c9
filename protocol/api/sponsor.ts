// Gasless calls (docs/gasless.md): the sponsor's terms (GET /api/sponsor) and the answer of a relay.
import { z } from "zod";

const hexString = z.string().regex(/^0x[0-9a-fA-F]*$/);
const decimalString = z.string().regex(/^\d{1,78}$/);

export const sponsorTerms = z
  .object({
    sponsor: hexString.meta({ description: "the sponsor's address (pays the gas)" }),
    forwarder: hexString.meta({ description: "the PassepartoutForwarder it relays through" }),
    currency: hexString.nullable().meta({ description: "the token fees are charged in; null: only free calls" }),
    fees: z.object({ book: decimalString, cancel: decimalString, lend: decimalString }),
    maxCallGas: decimalString,
    available: z
      .boolean()
      .meta({ description: "false when the sponsor cannot pay for one more request (out of ETH or of gas budget)" }),
    reason: z.enum(["out_of_funds", "budget_exhausted"]).nullable(),
  })
  .meta({ id: "SponsorTerms" });
export type SponsorTerms = z.infer<typeof sponsorTerms>;

const hexBytes = z.string().regex(/^0x([0-9a-fA-F]{2})*$/, "must be 0x-prefixed hex bytes");
const addressIn = z
  .string()
  .regex(/^0x[0-9a-fA-F]{40}$/, "must be an address")
  .transform((s) => s as `0x${string}`);
const uintIn = z
  .string()
  .regex(/^(0|[1-9][0-9]{0,77})$/, "must be a decimal integer")
  .transform((s) => BigInt(s));

/** POST /api/sponsor/relay's body: the member's signed ForwardRequestData. */
export const relayBody = z
  .object({
    request: z.object({
      from: addressIn,
      to: addressIn,
      value: uintIn,
      gas: uintIn,
      deadline: z
        .number()
        .int()
        .min(0)
        .max(2 ** 48 - 1),
      data: hexBytes.transform((s) => s as `0x${string}`),
      signature: hexBytes.transform((s) => s as `0x${string}`),
    }),
  })
  .meta({ id: "RelayBody" });

export const relayed = z
  .object({ hash: hexString, call: z.string(), fee: decimalString })
  .meta({ id: "Relayed", description: "submitted" });
