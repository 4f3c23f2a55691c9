// When the dApp takes the gasless path, and how the sponsor's refusals reach the member.
import { beforeEach, describe, expect, it, vi } from "vitest";
import { getBalance, signTypedData, waitForTransactionReceipt, readContract } from "viem/actions";
import { passepartoutAbi } from "../../../protocol/abis.ts";
import { gaslessFor, relaySponsored, type SponsorTerms } from "./gasless.ts";
import { RelayerRequestError, type Relayer } from "./relayer.ts";
import type { Protocol } from "./protocol.ts";

vi.mock("viem/actions", async (original) => ({
  ...(await original<typeof import("viem/actions")>()),
  getBalance: vi.fn(),
  readContract: vi.fn(),
  signTypedData: vi.fn(),
  waitForTransactionReceipt: vi.fn(),
}));
vi.mock("./wallet.ts", () => ({ walletFor: vi.fn(() => Promise.resolve({})) }));

const FORWARDER = "0x00000000000000000000000000000000000000f0";
const CAD = "0x00000000000000000000000000000000000000ca";
const MEMBER = "0x00000000000000000000000000000000000000aa";

const noteMined = vi.fn();
const protocol = {
  config: { deployments: { contracts: { PassepartoutForwarder: { address: FORWARDER } } } },
  client: {},
  api: { noteMined },
  chain: { id: 31337 },
  address: "0x0000000000000000000000000000000000000001",
  contract: { address: "0x0000000000000000000000000000000000000001", abi: passepartoutAbi },
} as unknown as Protocol;

const terms = (over: Partial<SponsorTerms> = {}): SponsorTerms => ({
  sponsor: "0x00000000000000000000000000000000000000bb",
  forwarder: FORWARDER,
  currency: CAD,
  fees: { book: "250000", cancel: "250000", lend: "0" },
  maxCallGas: "400000",
  available: true,
  reason: null,
  ...over,
});

function relayerWith(t: SponsorTerms, post: () => Promise<unknown> = () => Promise.resolve({ hash: "0x01" })) {
  const posted = vi.fn(post);
  return { relayer: { get: vi.fn(() => Promise.resolve(t)), post: posted } as unknown as Relayer, posted };
}

beforeEach(() => {
  vi.mocked(getBalance).mockResolvedValue(0n);
  vi.mocked(readContract).mockResolvedValue(0n);
  vi.mocked(signTypedData).mockResolvedValue(`0x${"11".repeat(65)}`);
  vi.mocked(waitForTransactionReceipt).mockResolvedValue({ status: "success", logs: [], blockNumber: 42n } as never);
});

describe("gaslessFor", () => {
  it("keeps the normal path when the wallet holds ETH", async () => {
    vi.mocked(getBalance).mockResolvedValue(1n);
    expect(await gaslessFor(protocol, relayerWith(terms()).relayer, MEMBER, CAD)).toBeNull();
  });

  it("takes the sponsor when the wallet holds no ETH and the sponsor is paid in the booking's currency", async () => {
    expect((await gaslessFor(protocol, relayerWith(terms()).relayer, MEMBER, CAD))?.terms.fees.book).toBe("250000");
  });

  it("keeps the normal path for another currency or another deployment's forwarder", async () => {
    const other = "0x00000000000000000000000000000000000000cb";
    expect(await gaslessFor(protocol, relayerWith(terms()).relayer, MEMBER, other)).toBeNull();
    expect(await gaslessFor(protocol, relayerWith(terms({ forwarder: other })).relayer, MEMBER, CAD)).toBeNull();
  });

  it("tells the member when the sponsor is out of ETH or of budget", async () => {
    await expect(
      gaslessFor(protocol, relayerWith(terms({ available: false, reason: "out_of_funds" })).relayer, MEMBER, CAD),
    ).rejects.toMatchObject({ name: "UiError", key: "err.sponsorOutOfFunds" });
    await expect(
      gaslessFor(protocol, relayerWith(terms({ available: false, reason: "budget_exhausted" })).relayer, MEMBER, CAD),
    ).rejects.toMatchObject({ name: "UiError", key: "err.sponsorBusy" });
  });
});

describe("relaySponsored", () => {
  const call = {
    functionName: "cancelSponsored",
    args: [1n, "0x00000000000000000000000000000000000000bb", 250_000n, 0n],
  } as const;

  it("signs a ForwardRequest for the forwarder and posts it to the sponsor", async () => {
    const { relayer, posted } = relayerWith(terms());
    const g = (await gaslessFor(protocol, relayer, MEMBER, CAD))!;
    await relaySponsored(protocol, {} as never, relayer, MEMBER, g, call);
    const typed = vi.mocked(signTypedData).mock.calls[0][1] as { domain: { verifyingContract: string } };
    expect(typed.domain.verifyingContract).toBe(FORWARDER);
    const [path, body] = posted.mock.calls[0] as unknown as [string, { request: { from: string } }];
    expect([path, body.request.from]).toEqual(["/api/sponsor/relay", MEMBER]);
    // The next reads of the read model wait for the block the sponsored transaction landed in.
    expect(noteMined).toHaveBeenCalledWith(42n);
  });

  it("shows the contract's own error when the sponsor refuses a call that would revert", async () => {
    const refusal = new RelayerRequestError("sponsor_refused", 422, "would revert", {
      errorName: "SponsorFeeAboveCap",
      args: ["250001", "250000"],
    });
    const { relayer } = relayerWith(terms(), () => Promise.reject(refusal));
    const g = (await gaslessFor(protocol, relayer, MEMBER, CAD))!;
    await expect(relaySponsored(protocol, {} as never, relayer, MEMBER, g, call)).rejects.toMatchObject({
      key: "err.sponsorFeeAboveCap",
    });
  });

  it("says so when the sponsor runs out of ETH while relaying", async () => {
    const { relayer } = relayerWith(terms(), () =>
      Promise.reject(new RelayerRequestError("sponsor_out_of_funds", 503)),
    );
    const g = (await gaslessFor(protocol, relayer, MEMBER, CAD))!;
    await expect(relaySponsored(protocol, {} as never, relayer, MEMBER, g, call)).rejects.toMatchObject({
      key: "err.sponsorOutOfFunds",
    });
  });
});
