// Input schemas at the edge (zod). Nothing from a path, query, body or header goes further in
// without passing one of these.
import { z } from "zod";

export const address = z
  .string()
  .regex(/^0x[0-9a-fA-F]{40}$/, "address")
  .transform((s) => s.toLowerCase() as `0x${string}`);
const hexBytes = (n: number) =>
  z
    .string()
    .regex(new RegExp(`^0x[0-9a-fA-F]{${2 * n}}$`), `${n}-byte hex`)
    .transform((s) => s.toLowerCase() as `0x${string}`);
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
  signature: z
    .string()
    .regex(/^0x([0-9a-fA-F]{2}){1,2048}$/, "hex signature")
    .transform((s) => s.toLowerCase() as `0x${string}`),
});
export type ParsedUnlockRequest = z.infer<typeof unlockRequestSchema>;

export const doorIdParam = z
  .string()
  .regex(/^\d{1,10}$/)
  .transform(Number)
  .pipe(uint32);
export const resourceIdParam = doorIdParam;
export const venueIdParam = doorIdParam;

/** UNIX seconds, or an ISO-8601 date/time. */
const instant = z.union([
  z
    .string()
    .regex(/^\d{1,12}$/)
    .transform(Number),
  z.iso.datetime({ offset: true }).transform((s) => Math.floor(Date.parse(s) / 1000)),
  z.iso.date().transform((s) => Math.floor(Date.parse(`${s}T00:00:00Z`) / 1000)),
]);

export const MAX_AVAILABILITY_HOURS = 62 * 24;
/** Items per page of a list answer (default DEFAULT_PAGE). */
export const MAX_PAGE = 1000;
export const DEFAULT_PAGE = 200;
export const availabilityQuery = z
  .object({ from: instant, to: instant })
  .refine((q) => q.to > q.from, "to must be after from")
  .refine(
    (q) => Math.ceil(q.to / 3600) - Math.floor(q.from / 3600) <= MAX_AVAILABILITY_HOURS,
    `at most ${MAX_AVAILABILITY_HOURS} hours`,
  );

/** A page of a list: `after` is the `next` cursor of the previous page (start.id of its last item). */
const pageFields = {
  after: z
    .string()
    .regex(/^\d{1,15}\.\d{1,78}$/, "cursor")
    .transform((s) => {
      const [start, id] = s.split(".");
      return { start: Number(start), id: BigInt(id) };
    })
    .optional(),
  limit: z
    .string()
    .regex(/^\d{1,4}$/)
    .transform(Number)
    .pipe(z.number().int().min(1).max(MAX_PAGE))
    .optional(),
};
export const passesQuery = z.object({ holder: address.optional(), ...pageFields });
export const pageQuery = z.object(pageFields);
export const auditQuery = z.object({
  venue: z
    .string()
    .regex(/^\d{1,10}$/)
    .transform(Number)
    .pipe(uint32)
    .optional(),
  limit: z
    .string()
    .regex(/^\d{1,4}$/)
    .transform(Number)
    .pipe(z.number().int().min(1).max(1000))
    .optional(),
});

export const siweVerifyBody = z.object({
  message: z.string().min(1).max(4096),
  signature: z
    .string()
    .regex(/^0x([0-9a-fA-F]{2}){1,2048}$/)
    .transform((s) => s as `0x${string}`),
});

const ADDRESS_RE = /^0x[0-9a-fA-F]{40}$/;
const NONCE_RE = /^0x[0-9a-fA-F]{32}$/;
const SIG65_RE = /^0x[0-9a-fA-F]{130}$/;
const DECIMAL_RE = /^\d{1,78}$/;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && Object.getPrototypeOf(v) === Object.prototype;
}
function isUint(v: unknown, max: number): v is number {
  return typeof v === "number" && Number.isSafeInteger(v) && v >= 0 && v <= max;
}

/**
 * `unlockRequestSchema.safeParse`, with a hand-written fast path for the common shape (JSON object,
 * 65-byte signatures). The fast path only accepts inputs the schema accepts and returns the same
 * output; anything it does not accept goes to the schema, which decides. So the accepted set and the
 * parsed values are exactly the schema's (a test compares both on generated inputs).
 */
export function parseUnlockRequest(raw: unknown): ParsedUnlockRequest | null {
  const fast = fastUnlockRequest(raw);
  if (fast) return fast;
  const r = unlockRequestSchema.safeParse(raw);
  return r.success ? r.data : null;
}

export function fastUnlockRequest(raw: unknown): ParsedUnlockRequest | null {
  if (!isPlainObject(raw)) return null;
  const { chainId, contract, door, challenge: c, passId, deadline, signer, signature } = raw;
  if (typeof chainId !== "number" || !Number.isSafeInteger(chainId) || chainId <= 0) return null;
  if (typeof contract !== "string" || !ADDRESS_RE.test(contract)) return null;
  if (!isUint(door, 0xffffffff)) return null;
  if (!isPlainObject(c)) return null;
  if (!isUint(c.door, 0xffffffff) || !isUint(c.time, Number.MAX_SAFE_INTEGER)) return null;
  if (typeof c.nonce !== "string" || !NONCE_RE.test(c.nonce)) return null;
  if (typeof c.signature !== "string" || !SIG65_RE.test(c.signature)) return null;
  if (typeof passId !== "string" || !DECIMAL_RE.test(passId)) return null;
  const pass = BigInt(passId);
  if (pass > UINT256_MAX) return null;
  if (!isUint(deadline, Number.MAX_SAFE_INTEGER)) return null;
  if (typeof signer !== "string" || !ADDRESS_RE.test(signer)) return null;
  if (typeof signature !== "string" || !SIG65_RE.test(signature)) return null;
  return {
    chainId,
    contract: contract.toLowerCase() as `0x${string}`,
    door,
    challenge: {
      door: c.door,
      nonce: c.nonce.toLowerCase() as `0x${string}`,
      time: c.time,
      signature: c.signature.toLowerCase() as `0x${string}`,
    },
    passId: pass,
    deadline,
    signer: signer.toLowerCase() as `0x${string}`,
    signature: signature.toLowerCase() as `0x${string}`,
  };
}
