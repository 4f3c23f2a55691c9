// Balances are read while a booking is being composed, not polled on an idle page or in a hidden tab.
import { describe, expect, it } from "vitest";
import { zeroAddress } from "viem";
import { balanceQuery, BALANCE_POLL_MS } from "./queries.ts";
import type { Protocol } from "../lib/protocol.ts";

const ME = "0x00000000000000000000000000000000000000aa" as const;

describe("balanceQuery", () => {
  it("does not poll while no booking is being composed", () => {
    expect(balanceQuery({} as Protocol, ME, zeroAddress, false).refetchInterval).toBe(false);
  });

  it("polls while a booking is composed, and never in a hidden tab", () => {
    const q = balanceQuery({} as Protocol, ME, zeroAddress, true);
    expect(q.refetchInterval).toBe(BALANCE_POLL_MS);
    expect(q.refetchIntervalInBackground).toBe(false);
  });
});
