// The JSON building blocks of the relayer's HTTP contract (protocol/api/*), as zod schemas. A value
// travels as JSON (the *input* side: decimal strings, lower-case hex) and is used as its *output*
// (bigint, checksummed address): the relayer `encode`s what it sends, the dApp `decode`s (parses)
// what it receives, and the OpenAPI document is generated from the input side
// (server/http/openapi.ts).
import { z } from "zod";
import { getAddress, type Address } from "viem";

const UINT256_MAX = (1n << 256n) - 1n;

/** An address: lower-case hex on the wire, EIP-55 checksummed once decoded. */
export const address = z
  .codec(
    z.string().regex(/^0x[0-9a-fA-F]{40}$/, "address"),
    z.custom<Address>((v) => typeof v === "string"),
    {
      decode: (s) => getAddress(s),
      encode: (a) => a.toLowerCase() as Address,
    },
  )
  .meta({ description: "address (20-byte hex, lower case)" });

/** A uint256 as a decimal string on the wire (JSON numbers cannot hold it), a bigint decoded. */
export const decimal = z
  .codec(z.string().regex(/^\d{1,78}$/, "decimal integer"), z.bigint().min(0n).max(UINT256_MAX), {
    decode: (s) => BigInt(s),
    encode: (b) => b.toString(),
  })
  .meta({ description: "decimal integer (uint256 as a string)" });

/** `bytes` bytes of hex, typed `0x…` (the schema is a plain string pattern). */
export const hex = (bytes: number, description?: string) =>
  z
    .string()
    .regex(new RegExp(`^0x[0-9a-fA-F]{${bytes * 2}}$`), `${bytes}-byte hex`)
    .meta(description ? { description } : {}) as unknown as z.ZodType<`0x${string}`, `0x${string}`>;

export const int = z.number().int();
export const uint32 = z.number().int().min(0).max(0xffffffff);
export const unixSeconds = z.number().int().min(0).meta({ description: "UNIX seconds (UTC)" });
export const asOfBlock = z.number().int().meta({ description: "the last block the relayer's event index applied" });
/** `after` of the next page; null on the last page. */
export const nextCursor = z
  .string()
  .nullable()
  .meta({ description: "`after` of the next page; null on the last page" });
