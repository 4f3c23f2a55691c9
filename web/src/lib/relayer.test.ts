import { afterEach, describe, expect, it, vi } from "vitest";
import { makeRelayer, RelayerRequestError } from "./relayer.ts";

function answer(status: number, body: unknown) {
  vi.stubGlobal(
    "fetch",
    vi.fn(() => Promise.resolve(new Response(JSON.stringify(body), { status }))),
  );
}

/** The RelayerRequestError a call rejects with; the test fails if it resolves or rejects with anything else. */
async function rejection(call: Promise<unknown>): Promise<RelayerRequestError> {
  const err = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(RelayerRequestError);
  return err as RelayerRequestError;
}

describe("relayer client errors", () => {
  afterEach(() => vi.unstubAllGlobals());

  it("reads the code and message of the relayer's { error: { code, message } } bodies", async () => {
    answer(401, { error: { code: "unauthorized", message: "sign in first" } });
    const err = await rejection(makeRelayer("http://relayer").nonce());
    expect(err.code).toBe("unauthorized");
    expect(err.message).toBe("sign in first");
    expect(err.status).toBe(401);
  });

  it("falls back to the HTTP status when the body says nothing", async () => {
    vi.stubGlobal(
      "fetch",
      vi.fn(() => Promise.resolve(new Response("oops", { status: 502 }))),
    );
    const err = await rejection(makeRelayer("http://relayer").nonce());
    expect(err.code).toBe("http_502");
  });

  it("reports an unreachable relayer", async () => {
    vi.stubGlobal(
      "fetch",
      vi.fn(() => Promise.reject(new TypeError("connection refused"))),
    );
    const err = await rejection(makeRelayer("http://relayer").nonce());
    expect(err.code).toBe("relayer_unreachable");
  });
});
