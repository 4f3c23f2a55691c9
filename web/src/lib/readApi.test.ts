import { afterEach, describe, expect, it, vi } from "vitest";
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
    const pages: Record<string, { passes: { passId: string }[]; next: string | null }> = {
      "": { passes: [{ passId: "1" }, { passId: "2" }], next: "100.2" },
      "100.2": { passes: [{ passId: "3" }], next: null },
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
    expect(all.map((p) => p.passId)).toEqual(["1", "2", "3"]);
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
});
