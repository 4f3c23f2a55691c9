import { afterEach, describe, expect, it, vi } from "vitest";
import { makeRelayer, RelayerError } from "./relayer.ts";

function answer(status: number, body: unknown) {
  vi.stubGlobal(
    "fetch",
    vi.fn(async () => new Response(JSON.stringify(body), { status })),
  );
}

describe("relayer client errors", () => {
  afterEach(() => vi.unstubAllGlobals());

  it("reads the code and message of the relayer's { error: { code, message } } bodies", async () => {
    answer(401, { error: { code: "unauthorized", message: "sign in first" } });
    const err = await makeRelayer("http://relayer")
      .nonce()
      .catch((e) => e);
    expect(err).toBeInstanceOf(RelayerError);
    expect(err.code).toBe("unauthorized");
    expect(err.message).toBe("sign in first");
    expect(err.status).toBe(401);
  });

  it("falls back to the HTTP status when the body says nothing", async () => {
    vi.stubGlobal(
      "fetch",
      vi.fn(async () => new Response("oops", { status: 502 })),
    );
    const err = await makeRelayer("http://relayer")
      .nonce()
      .catch((e) => e);
    expect(err.code).toBe("http_502");
  });

  it("reports an unreachable relayer", async () => {
    vi.stubGlobal(
      "fetch",
      vi.fn(async () => {
        throw new TypeError("connection refused");
      }),
    );
    const err = await makeRelayer("http://relayer")
      .nonce()
      .catch((e) => e);
    expect(err.code).toBe("relayer_unreachable");
  });
});
