// Input schemas at the edge (zod). Nothing from a path, query, body or header goes further in
// without passing one of these.
import { z } from "zod";

export const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, "address").transform((s) => s.toLowerCase() as `0x${string}`);
const hexBytes = (n: number) => z.string().regex(new RegExp(`^0x[0-9a-fA-F]{${2 * n}}$`), `${n}-byte hex`).transform((s) => s.toLowerCase() as `0x${string}`);
const uint32 = z.number().int().min(0).max(0xffffffff);
const uint53 = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const UINT256_MAX = (1n << 256n) - 1n;

export const decimalId = z
  .string()
  .regex(/^\d{1,78}$/, "decimal integer")
  // zod runs refinements even after a failed regex: guard before BigInt().
  .refine((s) => /^\d{1,78}$/.test(s) && BigInt(s) <= UINT256_MAX, "out of range")
  .transform((s) => BigInt(s));

export const challengeSchema = z.object({
  door: uint32,
  nonce: hexBytes(16),
  time: uint53,
  signature: hexBytes(65),
});

export const unlockRequestSchema = z.object({
  chainId: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
  contract: address,
  door: uint32,
  challenge: challengeSchema,
  passId: decimalId,
  deadline: uint53,
  signer: address,
  // 65 bytes for an EOA; contract wallets may use longer signatures (bounded).
  signature: z.string().regex(/^0x([0-9a-fA-F]{2}){1,2048}$/, "hex signature").transform((s) => s.toLowerCase() as `0x${string}`),
});
export type ParsedUnlockRequest = z.infer<typeof unlockRequestSchema>;

export const doorIdParam = z.string().regex(/^\d{1,10}$/).transform(Number).pipe(uint32);
export const resourceIdParam = doorIdParam;
export const venueIdParam = doorIdParam;

/** UNIX seconds, or an ISO-8601 date/time. */
const instant = z.union([
  z.string().regex(/^\d{1,12}$/).transform(Number),
  z.iso.datetime({ offset: true }).transform((s) => Math.floor(Date.parse(s) / 1000)),
  z.iso.date().transform((s) => Math.floor(Date.parse(`${s}T00:00:00Z`) / 1000)),
]);

export const MAX_AVAILABILITY_HOURS = 62 * 24;
export const availabilityQuery = z
  .object({ from: instant, to: instant })
  .refine((q) => q.to > q.from, "to must be after from")
  .refine((q) => Math.ceil(q.to / 3600) - Math.floor(q.from / 3600) <= MAX_AVAILABILITY_HOURS, `at most ${MAX_AVAILABILITY_HOURS} hours`);

export const passesQuery = z.object({ holder: address.optional() });
export const auditQuery = z.object({
  venue: z.string().regex(/^\d{1,10}$/).transform(Number).pipe(uint32).optional(),
  limit: z.string().regex(/^\d{1,4}$/).transform(Number).pipe(z.number().int().min(1).max(1000)).optional(),
});

export const siweVerifyBody = z.object({
  message: z.string().min(1).max(4096),
  signature: z.string().regex(/^0x([0-9a-fA-F]{2}){1,2048}$/).transform((s) => s as `0x${string}`),
});
