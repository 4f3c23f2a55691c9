// Input schemas at the edge (zod) for paths and queries; request bodies are protocol/api/ schemas.
// Nothing from a path, query, body or header goes further in
// without passing one of these.
import { z } from "zod";

const address = z
  .string()
  .regex(/^0x[0-9a-fA-F]{40}$/, "address")
  .transform((s) => s.toLowerCase() as `0x${string}`);
const uint32 = z.number().int().min(0).max(0xffffffff);

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
