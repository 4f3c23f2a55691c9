import { afterEach, describe, expect, it, vi } from "vitest";
import { getAddress } from "viem";
import { makeReadApi } from "./readApi.ts";

/** A relayer whose stamp advances one block per answer, from `first`. */
function relayer(first: number, body: (n: number) => object = () => ({ venues: [] })) {
  let block = first;
  const calls: string[] = [];
  vi.stubGlobal(
    "fetch",
    vi.fn((url: string) => {
      calls.push(url);
      return Promise.resolve(new Response(JSON.stringify({ ...body(block), asOfBlock: block++ }), { status: 200 }));
    }),
  );
  return calls;
}

afterEach(() => vi.unstubAllGlobals());

/** A standing pass as the relayer sends it (protocol/api/read.ts, wire form). */
const wirePass = (passId: string) => ({
  passId,
  status: "active",
  role: "holder",
  holder: "0xabc0000000000000000000000000000000000001",
  resourceId: 1,
  venueId: 1,
  unit: 0,
  start: 1_800_000_000,
  end: 1_800_003_600,
  currency: "0x0000000000000000000000000000000000000000",
  amount: "123456789012345678901234567890",
  gst: "5",
  qst: "10",
  serviceFee: "0",
  policyId: 0,
  releaseTime: 1_800_000_000,
  settled: false,
  guest: null,
  guestExpires: 0,
  block: 7,
});

describe("read API client", () => {
  it("after a transaction mined in block B, reads wait until the relayer's stamp reaches B", async () => {
    const calls = relayer(5);
    const api = makeReadApi("http://relayer", () => Promise.resolve());
    await api.venues();
    expect(calls).toHaveLength(1); // no floor yet: the first answer serves
    api.noteMined(9n);
    await api.venues();
    // Answers stamped 6, 7, 8 are older than the transaction: asked again until 9.
    expect(calls).toHaveLength(5);
  });

  it("reads every page of a paged list, following `next`", async () => {
    const pages: Record<string, { holder: string; passes: object[]; next: string | null }> = {
      "": { holder: wirePass("1").holder, passes: [wirePass("1"), wirePass("2")], next: "100.2" },
      "100.2": { holder: wirePass("1").holder, passes: [wirePass("3")], next: null },
    };
    const calls: string[] = [];
    vi.stubGlobal(
      "fetch",
      vi.fn((url: string) => {
        calls.push(url);
        const after = new URL(url).searchParams.get("after") ?? "";
        return Promise.resolve(new Response(JSON.stringify({ ...pages[after], asOfBlock: 1 }), { status: 200 }));
      }),
    );
    const api = makeReadApi("http://relayer");
    const all = await api.passes("0xAbC0000000000000000000000000000000000001");
    expect(all.map((p) => p.passId)).toEqual([1n, 2n, 3n]);
    expect(calls[0]).toContain("holder=0xabc0000000000000000000000000000000000001");
    expect(calls[1]).toContain("after=100.2");
  });

  it("turns the relayer's error shape into a coded error", async () => {
    vi.stubGlobal(
      "fetch",
      vi.fn(() =>
        Promise.resolve(
          new Response(JSON.stringify({ error: { code: "unauthorized", message: "sign in" } }), { status: 401 }),
        ),
      ),
    );
    await expect(makeReadApi("").passes("0x0000000000000000000000000000000000000001")).rejects.toMatchObject({
      code: "unauthorized",
      status: 401,
    });
  });

  it("decodes answers with the relayer's schema: uint256 amounts as bigints, checksummed addresses, no invented fields", async () => {
    const cancelled = {
      ...wirePass("4"),
      status: "cancelled",
      byOperator: true,
      refund: "100",
      retained: "0",
      gstRefund: "5",
      qstRefund: "10",
      refundServiceFee: "0",
    };
    for (const k of ["policyId", "releaseTime", "settled", "guest", "guestExpires"])
      delete (cancelled as Record<string, unknown>)[k];
    vi.stubGlobal(
      "fetch",
      vi.fn(() =>
        Promise.resolve(
          new Response(JSON.stringify({ venueId: 1, bookings: [wirePass("1"), cancelled], next: null, asOfBlock: 3 }), {
            status: 200,
          }),
        ),
      ),
    );
    const [active, gone] = await makeReadApi("").bookings(1);
    expect(active.amount).toBe(123456789012345678901234567890n);
    expect(active.holder).toBe(getAddress("0xabc0000000000000000000000000000000000001"));
    expect(active.status === "active" && active.releaseTime).toBe(1_800_000_000);
    expect(gone.status).toBe("cancelled");
    expect("releaseTime" in gone || "splitId" in gone).toBe(false);
  });

  it("refuses an answer that does not have the documented shape", async () => {
    vi.stubGlobal(
      "fetch",
      vi.fn(() =>
        Promise.resolve(new Response(JSON.stringify({ venues: [{ id: "one" }], asOfBlock: 1 }), { status: 200 })),
      ),
    );
    await expect(makeReadApi("").venues()).rejects.toMatchObject({ code: "bad_answer" });
  });
});
