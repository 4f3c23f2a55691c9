import { describe, expect, it } from "vitest";
import { codeExpired, passForDoor, scannedChallengeToUse } from "./doorPass.ts";
import type { PassInfo } from "./passes.ts";

const HOUR = 3600;
const T0 = 1_764_600_000 - (1_764_600_000 % HOUR);
const ME = "0x00000000000000000000000000000000000000aa" as const;

type Active = Extract<PassInfo, { status: "active" }>;
function pass(id: number, resourceId: number, start: number, end: number, over: Partial<Active> = {}): PassInfo {
  return {
    passId: BigInt(id),
    status: "active",
    role: "holder",
    holder: ME,
    resourceId,
    venueId: 1,
    unit: 0,
    start,
    end,
    currency: ME,
    amount: 1n,
    gst: 0n,
    qst: 0n,
    policyId: 1,
    releaseTime: start,
    settled: false,
    guest: null,
    guestExpires: 0,
    block: 1,
    serviceFee: 0n,
    ...over,
  };
}
const street = { id: 1, active: true, admits: [1, 2] };
const room = { id: 2, active: true, admits: [2] };
const grace = (r: number) => (r === 2 ? 900 : 0);

describe("passForDoor", () => {
  it("picks a pass that covers now and whose resource the door admits, grace included", () => {
    const desk = pass(1, 1, T0, T0 + HOUR);
    expect(passForDoor([desk], street, grace, T0 + 10)).toBe(desk);
    expect(passForDoor([desk], room, grace, T0 + 10)).toBeNull();
    const later = pass(2, 2, T0 + 2 * HOUR, T0 + 3 * HOUR);
    expect(passForDoor([later], room, grace, T0 + 2 * HOUR - 900)).toBe(later);
    expect(passForDoor([later], room, grace, T0 + 2 * HOUR - 901)).toBeNull();
    expect(passForDoor([desk], street, grace, T0 + HOUR)).toBeNull();
  });

  it("ignores cancelled passes, expired loans and inactive doors", () => {
    const cancelled = { ...pass(1, 1, T0, T0 + HOUR), status: "cancelled" } as unknown as PassInfo;
    expect(passForDoor([cancelled], street, grace, T0 + 10)).toBeNull();
    const lent = pass(2, 1, T0, T0 + HOUR, { role: "guest", guestExpires: T0 + 60 });
    expect(passForDoor([lent], street, grace, T0 + 10)).toBe(lent);
    expect(passForDoor([lent], street, grace, T0 + 60)).toBeNull();
    expect(passForDoor([pass(3, 1, T0, T0 + HOUR)], { ...street, active: false }, grace, T0)).toBeNull();
  });

  it("prefers the member's own pass, then the one ending last, then the lowest id", () => {
    const lent = pass(1, 1, T0, T0 + 5 * HOUR, { role: "guest", guestExpires: T0 + 5 * HOUR });
    const short = pass(9, 1, T0, T0 + HOUR);
    const long = pass(8, 2, T0, T0 + 3 * HOUR);
    const twin = pass(4, 1, T0, T0 + 3 * HOUR);
    expect(passForDoor([lent, short], street, grace, T0)).toBe(short);
    expect(passForDoor([lent, short, long], street, grace, T0)).toBe(long);
    expect(passForDoor([lent, short, long, twin], street, grace, T0)).toBe(twin);
  });
});

describe("codeExpired", () => {
  it("is true once the challenge is older than the relayer accepts", () => {
    expect(codeExpired({ time: 1000 }, 1060, 60)).toBe(false);
    expect(codeExpired({ time: 1000 }, 1061, 60)).toBe(true);
  });
});

describe("scannedChallengeToUse", () => {
  const c = { door: 1, nonce: `0x${"ab".repeat(16)}` as const, time: 1000, signature: `0x${"cd".repeat(65)}` as const };
  it("sends the scanned challenge once, while fresh; otherwise the relayer is asked for a new one", () => {
    expect(scannedChallengeToUse(c, false, 1030, 60)).toBe(c);
    expect(scannedChallengeToUse(c, true, 1030, 60)).toBeUndefined();
    expect(scannedChallengeToUse(c, false, 1061, 60)).toBeUndefined();
    expect(scannedChallengeToUse(null, false, 1030, 60)).toBeUndefined();
  });
});
