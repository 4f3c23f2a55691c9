// The relayer's read API (server/http/routes/read.ts): the read model the dApp lists venues,
// resources, doors, passes and bookings from, instead of scanning the chain's logs. Every answer is
// parsed with its schema from protocol/api/read.ts, the one the relayer serialises through (amounts
// come out as bigints, addresses checksummed). Every answer carries `asOfBlock`; after a
// transaction of this tab mined in block B (`noteMined`), a read waits until the relayer's stamp
// reaches B, so the page never flashes the state from before.
import type { z } from "zod";
import { errorAnswer } from "../../../protocol/api/errors.ts";
import {
  availability,
  bookingsAnswer,
  currenciesAnswer,
  passesAnswer,
  policiesAnswer,
  relayersAnswer,
  resourceAnswer,
  revenue,
  splitsAnswer,
  taxesAnswer,
  venueAnswer,
  venuesAnswer,
} from "../../../protocol/api/read.ts";

export type ApiVenue = z.output<typeof venueAnswer>["venue"];
export type ApiResource = z.output<typeof resourceAnswer>["resource"];
export type ApiDoor = ApiVenue["doors"][number];
export type Revenue = z.output<typeof revenue>;

export class ReadApiError extends Error {
  readonly code: string;
  readonly status: number;
  constructor(code: string, status: number, message: string) {
    super(message);
    this.code = code;
    this.status = status;
  }
}

type Stamped = { asOfBlock: number };
type Schema<T> = z.ZodType<T>;

/** How long a read waits for the relayer to reach a block this tab's transaction was mined in. */
const CATCH_UP_MS = 15_000;
const CATCH_UP_STEP_MS = 250;

export type ReadApi = ReturnType<typeof makeReadApi>;

export function makeReadApi(baseUrl: string, sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))) {
  /** The newest block a transaction of this tab was mined in: reads must have reached it. */
  let floor = 0;

  async function once<T extends Stamped>(path: string, schema: Schema<T>): Promise<T> {
    let res: Response;
    try {
      res = await fetch(`${baseUrl}${path}`, { credentials: "include" });
    } catch {
      throw new ReadApiError("relayer_unreachable", 0, "the relayer did not answer");
    }
    const body: unknown = await res.json().catch(() => null);
    if (!res.ok || body === null) {
      const e = errorAnswer.safeParse(body);
      throw e.success
        ? new ReadApiError(e.data.error.code, res.status, e.data.error.message)
        : new ReadApiError(`http_${res.status}`, res.status, `HTTP ${res.status}`);
    }
    const parsed = schema.safeParse(body);
    if (!parsed.success) throw new ReadApiError("bad_answer", res.status, `unexpected answer from ${path}`);
    return parsed.data;
  }

  /** GET `path`, again until its stamp reaches the floor (or the wait ends: then the last answer). */
  async function get<T extends Stamped>(path: string, schema: Schema<T>): Promise<T> {
    const want = floor;
    const until = Date.now() + CATCH_UP_MS;
    for (;;) {
      const body = await once(path, schema);
      if (body.asOfBlock >= want || Date.now() >= until) return body;
      await sleep(CATCH_UP_STEP_MS);
    }
  }

  /** Every page of a paged list. */
  async function all<T extends Stamped & { next: string | null }, I>(
    path: string,
    schema: Schema<T>,
    items: (page: T) => I[],
  ): Promise<I[]> {
    const out: I[] = [];
    let after: string | null = null;
    const sep = path.includes("?") ? "&" : "?";
    do {
      const q: string = after ? `${sep}after=${after}&limit=1000` : `${sep}limit=1000`;
      const page: T = await get(`${path}${q}`, schema);
      out.push(...items(page));
      after = page.next;
    } while (after);
    return out;
  }

  return {
    /** A transaction of this tab was mined in `block`: later reads wait for the relayer to reach it. */
    noteMined(block: bigint | number): void {
      floor = Math.max(floor, Number(block));
    },
    floor: () => floor,
    venues: async () => (await get("/api/venues", venuesAnswer)).venues,
    venue: async (id: number) => (await get(`/api/venues/${id}`, venueAnswer)).venue,
    resource: async (id: number) => (await get(`/api/resources/${id}`, resourceAnswer)).resource,
    splits: async (venueId: number) => (await get(`/api/venues/${venueId}/splits`, splitsAnswer)).splits,
    relayers: async (venueId: number) => (await get(`/api/venues/${venueId}/relayers`, relayersAnswer)).relayers,
    policies: async () => (await get("/api/policies", policiesAnswer)).policies,
    currencies: async () => (await get("/api/currencies", currenciesAnswer)).currencies,
    availability: (resourceId: number, from: number, to: number) =>
      get(`/api/resources/${resourceId}/availability?from=${from}&to=${to}`, availability),
    /** The signed-in member's passes (standing, lent to it, cancelled): needs a SIWE session. */
    passes: (holder: string) => all(`/api/passes?holder=${holder.toLowerCase()}`, passesAnswer, (p) => p.passes),
    /** A venue's bookings (its operator's SIWE session). */
    bookings: (venueId: number) => all(`/api/venues/${venueId}/bookings`, bookingsAnswer, (p) => p.bookings),
    /** A venue's revenue per currency and per local day (its operator's or a payee's SIWE session). */
    revenue: (venueId: number) => get(`/api/venues/${venueId}/revenue`, revenue),
    /** A venue's GST and QST per currency (its operator's, a payee's or its tax payee's session). */
    taxes: async (venueId: number) => (await get(`/api/venues/${venueId}/taxes`, taxesAnswer)).taxes,
  };
}
