// The relayer's read API (server/http/routes/read.ts): the read model the dApp lists venues,
// resources, doors, passes and bookings from, instead of scanning the chain's logs. Every answer
// carries `asOfBlock`; after a transaction of this tab mined in block B (`noteMined`), a read waits
// until the relayer's stamp reaches B, so the page never flashes the state from before.
import { getAddress, type Address } from "viem";

/** JSON shapes of the read API (decimal strings for amounts, lower-case addresses). */
export type ApiResource = {
  id: number;
  venueId: number;
  name: string;
  kind: number;
  units: number;
  currency: string;
  pricePerHour: string;
  pricePerDay: string;
  pricePerMonth: string;
  minHours: number;
  maxHours: number;
  horizonHours: number;
  graceSeconds: number;
  policyId: number;
  transferable: boolean;
  followsOpeningHours: boolean;
  metadataURI: string;
};
export type ApiDoor = {
  id: number;
  venueId: number;
  allResources: boolean;
  active: boolean;
  lockKey: string;
  admits: number[];
};
export type ApiVenue = {
  id: number;
  operator: string;
  pendingOperator: string;
  splitId: number;
  paused: boolean;
  name: string;
  metadataURI: string;
  payees: string[];
  /** Who claimTaxes pays (zero address before a tax profile is set). */
  taxPayee: string;
  resources: ApiResource[];
  doors: ApiDoor[];
};
export type ApiBooking = {
  passId: string;
  status: "active" | "cancelled";
  holder: string;
  resourceId: number;
  venueId: number | null;
  unit: number;
  start: number;
  end: number;
  currency: string;
  amount: string;
  gst: string;
  qst: string;
  block: number;
  role?: "holder" | "guest";
  // active
  policyId?: number;
  releaseTime?: number;
  settled?: boolean;
  guest?: string | null;
  guestExpires?: number;
  // cancelled
  byOperator?: boolean;
  refund?: string;
  retained?: string;
  gstRefund?: string;
  qstRefund?: string;
};
/** One tax of a venue in one currency (server/http/routes/read.ts, /api/venues/:id/taxes). */
export type ApiTaxFigures = { collected: string; refunded: string; settled: string; claimed: string };
export type ApiTaxes = {
  currency: string;
  gst: ApiTaxFigures;
  qst: ApiTaxFigures;
  /** Splits whose tax pool holds taxes not claimed yet. */
  splits: { splitId: number; toClaim: string }[];
};
export type ApiSplit = { id: number; venueId: number; payees: string[]; sharesBps: number[] };
export type ApiPolicy = { id: number; tiers: { secondsBeforeStart: number; refundBps: number }[] };

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

/** How long a read waits for the relayer to reach a block this tab's transaction was mined in. */
const CATCH_UP_MS = 15_000;
const CATCH_UP_STEP_MS = 250;

export type ReadApi = ReturnType<typeof makeReadApi>;

export function makeReadApi(baseUrl: string, sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))) {
  /** The newest block a transaction of this tab was mined in: reads must have reached it. */
  let floor = 0;

  async function once<T extends Stamped>(path: string): Promise<T> {
    let res: Response;
    try {
      res = await fetch(`${baseUrl}${path}`, { credentials: "include" });
    } catch {
      throw new ReadApiError("relayer_unreachable", 0, "the relayer did not answer");
    }
    const body = (await res.json().catch(() => null)) as (T & { error?: { code?: string; message?: string } }) | null;
    if (!res.ok || body === null) {
      throw new ReadApiError(
        body?.error?.code ?? `http_${res.status}`,
        res.status,
        body?.error?.message ?? `HTTP ${res.status}`,
      );
    }
    return body;
  }

  /** GET `path`, again until its stamp reaches the floor (or the wait ends: then the last answer). */
  async function get<T extends Stamped>(path: string): Promise<T> {
    const want = floor;
    const until = Date.now() + CATCH_UP_MS;
    for (;;) {
      const body = await once<T>(path);
      if (body.asOfBlock >= want || Date.now() >= until) return body;
      await sleep(CATCH_UP_STEP_MS);
    }
  }

  /** Every page of a paged list. */
  async function all<T, K extends string>(path: string, key: K): Promise<T[]> {
    const out: T[] = [];
    let after: string | null = null;
    const sep = path.includes("?") ? "&" : "?";
    do {
      const q: string = after ? `${sep}after=${after}&limit=1000` : `${sep}limit=1000`;
      const body: Stamped & { next: string | null } & Record<K, T[]> = await get(`${path}${q}`);
      out.push(...body[key]);
      after = body.next;
    } while (after);
    return out;
  }

  return {
    /** A transaction of this tab was mined in `block`: later reads wait for the relayer to reach it. */
    noteMined(block: bigint | number): void {
      floor = Math.max(floor, Number(block));
    },
    floor: () => floor,
    venues: async () => (await get<Stamped & { venues: ApiVenue[] }>("/api/venues")).venues,
    venue: async (id: number) => (await get<Stamped & { venue: ApiVenue }>(`/api/venues/${id}`)).venue,
    resource: async (id: number) => (await get<Stamped & { resource: ApiResource }>(`/api/resources/${id}`)).resource,
    splits: async (venueId: number) =>
      (await get<Stamped & { splits: ApiSplit[] }>(`/api/venues/${venueId}/splits`)).splits,
    relayers: async (venueId: number) =>
      (await get<Stamped & { relayers: string[] }>(`/api/venues/${venueId}/relayers`)).relayers.map((a) =>
        getAddress(a),
      ),
    policies: async () => (await get<Stamped & { policies: ApiPolicy[] }>("/api/policies")).policies,
    currencies: async (): Promise<Address[]> =>
      (await get<Stamped & { currencies: string[] }>("/api/currencies")).currencies.map((a) => getAddress(a)),
    availability: (resourceId: number, from: number, to: number) =>
      get<Stamped & { from: number; to: number; units: number; slotSeconds: number; free: number[] }>(
        `/api/resources/${resourceId}/availability?from=${from}&to=${to}`,
      ),
    /** The signed-in member's passes (standing, lent to it, cancelled): needs a SIWE session. */
    passes: (holder: string) => all<ApiBooking, "passes">(`/api/passes?holder=${holder.toLowerCase()}`, "passes"),
    /** A venue's bookings (its operator's SIWE session). */
    bookings: (venueId: number) => all<ApiBooking, "bookings">(`/api/venues/${venueId}/bookings`, "bookings"),
    /** A venue's GST and QST per currency (its operator's or a payee's session). */
    taxes: async (venueId: number) =>
      (await get<Stamped & { taxes: ApiTaxes[] }>(`/api/venues/${venueId}/taxes`)).taxes,
  };
}
