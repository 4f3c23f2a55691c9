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

  it("me(): signed out on 401, but with no network the session is unknown (rejects, hint kept)", async () => {
    answer(401, { error: { code: "unauthorized" } });
    expect(await makeRelayer("http://relayer").me()).toBeNull();
    vi.stubGlobal(
      "fetch",
      vi.fn(() => Promise.reject(new TypeError("Failed to fetch"))),
    );
    const err = await rejection(makeRelayer("http://relayer").me());
    expect(err.code).toBe("relayer_unreachable");
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

describe("unlock answers", () => {
  afterEach(() => vi.unstubAllGlobals());
  const request = {
    chainId: 31337,
    contract: "0x0000000000000000000000000000000000000001",
    door: 1,
    challenge: { door: 1, nonce: "0x00", time: 1, signature: "0x00" },
    passId: "1",
    deadline: 2,
    signer: "0x0000000000000000000000000000000000000002",
    signature: "0x00",
  } as const;

  it("tells the member the door did not answer when the lock was unreachable, though the relayer granted", async () => {
    answer(200, { granted: true, reason: "granted", lock: { status: "unreachable", reason: "lock_unreachable" } });
    expect(await makeRelayer("http://relayer").unlock(request)).toEqual({ granted: false, reason: "lock_unreachable" });
  });

  it("names a jammed or refusing lock, and a door that opened as granted", async () => {
    answer(200, { granted: true, reason: "granted", lock: { status: "refused", reason: "lock_jammed" } });
    expect(await makeRelayer("http://relayer").unlock(request)).toEqual({ granted: false, reason: "lock_jammed" });
    answer(200, { granted: true, reason: "granted", lock: { status: "refused", reason: "challenge_used" } });
    expect(await makeRelayer("http://relayer").unlock(request)).toEqual({ granted: false, reason: "lock_refused" });
    answer(200, { granted: true, reason: "granted", lock: { status: "opened" } });
    expect(await makeRelayer("http://relayer").unlock(request)).toEqual({ granted: true, reason: "granted" });
  });
});
