// Shared deployment fixture, time grid and helpers of the contract behaviour tests.
import { network } from "hardhat";
import { permitTypes } from "../../../protocol/gasless.ts";
import type { BaseContract, ContractTransactionResponse, Signature } from "ethers";

export const connection = await network.getOrCreate();
export const { ethers, networkHelpers } = connection;
export const { time } = networkHelpers;
/** NetworkHelpers binds all its methods in its constructor; its types do not say so, hence the bind. */
export const loadFixture = networkHelpers.loadFixture.bind(networkHelpers);

export const HOUR = 3600n;
export const DAY = 24n * HOUR;
export const MONTH = 720n * HOUR;
export const ANY_UNIT = 65535;
export const ETH = ethers.ZeroAddress;
export const CAD = (n: number | string) => ethers.parseUnits(String(n), 6);

/** Errors raised by Solady / OpenZeppelin internals in assembly or libraries, absent from IPassepartout. */
export const libErrors = new ethers.Interface([
  "error ETHTransferFailed()",
  "error TransferFailed()",
  "error TransferFromFailed()",
  "error NotOwnerNorApproved()",
  "error TokenDoesNotExist()",
  "error TransferFromIncorrectOwner()",
  "error TransferToNonERC721ReceiverImplementer()",
  "error TransferToZeroAddress()",
  "error BalanceQueryForZeroAddress()",
  "error ReentrancyGuardReentrantCall()",
]);
/** An object `revertedWithCustomError` accepts for {libErrors}. */
export const lib = { interface: libErrors };

/**
 * Makes `address` answer every call with the word 18, so it passes for a token with 18 decimals
 * when allow-listed (the registry reads `decimals()` to round taxes to the cent).
 */
export async function fakeToken(address: string): Promise<string> {
  // PUSH1 18 PUSH1 0 MSTORE PUSH1 32 PUSH1 0 RETURN
  await networkHelpers.setCode(address, "0x601260005260206000f3");
  return address;
}

/** UTC seconds of a calendar date on the grid (month is 1-based). */
export function utc(year: number, month: number, day: number, hour = 0): bigint {
  return BigInt(Date.UTC(year, month - 1, day, hour)) / 1000n;
}

export type Params = {
  name: string;
  metadataURI: string;
  kind: number;
  units: number;
  currency: string;
  pricePerHour: bigint;
  pricePerDay: bigint;
  pricePerMonth: bigint;
  minHours: number;
  maxHours: number;
  horizonHours: number;
  graceSeconds: number;
  policyId: number;
  transferable: boolean;
  followsOpeningHours: boolean;
};

export const ROOM_PRICES = {
  hour: ethers.parseEther("0.01"),
  day: ethers.parseEther("0.05"),
  month: ethers.parseEther("1"),
};
export const DESK_PRICES = { hour: CAD(5), day: CAD(25), month: CAD(300) };

export function roomParams(overrides: Partial<Params> = {}): Params {
  return {
    name: "Salle de conférence",
    metadataURI: "ipfs://room",
    kind: 2,
    units: 1,
    currency: ETH,
    pricePerHour: ROOM_PRICES.hour,
    pricePerDay: ROOM_PRICES.day,
    pricePerMonth: ROOM_PRICES.month,
    minHours: 1,
    maxHours: 8784,
    horizonHours: 24 * 500,
    graceSeconds: 900,
    policyId: 1,
    transferable: true,
    followsOpeningHours: false,
    ...overrides,
  };
}

/**
 * The demo-like network every test starts from, with the chain clock at 00:00 UTC on November 1st
 * of next year (so that dates such as December 3rd and January 31st are ahead and within horizon):
 * - policy 1 "flexible": full refund until 24 h before start, 50 % until start (released at start);
 * - policy 2 "strict": full refund until 48 h before, 50 % until 24 h before (released 1 s after that);
 * - venue 1 "Le Lab" run by `operator`, split 1 = operator 70 % / `owner` 30 %, network fee 3 %;
 * - resource 1 "Salle de conférence": 1 unit, ETH, 0.01/h, 0.05/day, 1/month, grace 15 min, policy 1;
 * - resource 2 "Bureaux partagés": 3 desks, TestCAD 5/h, 25/day, 300/month, no grace, policy 2;
 * - resource 3 "Studio photo": soulbound (non-transferable), ETH, policy 0 (never refundable);
 * - door 1 the street door (every resource), door 2 the conference room door (resource 1 only).
 */
export async function deployFixture() {
  const [deployer, admin, treasury, operator, owner, member, other, guest, relayer, lockKey] =
    await ethers.getSigners();
  const year = new Date(Number(await time.latest()) * 1000).getUTCFullYear() + 1;
  const t0 = utc(year, 11, 1);
  await time.increaseTo(t0);

  const renderer = await ethers.deployContract("PassRenderer");
  const openingHours = await ethers.deployContract("OpeningHours");
  const registry = await ethers.deployContract("VenueRegistry", [await openingHours.getAddress()]);
  const forwarder = await ethers.deployContract("PassepartoutForwarder");
  const core = await ethers.deployContract("Passepartout", [
    admin.address,
    treasury.address,
    300,
    await renderer.getAddress(),
    await registry.getAddress(),
    await forwarder.getAddress(),
  ]);
  const address = await core.getAddress();
  const pp = await ethers.getContractAt("IPassepartout", address);
  const cad = await ethers.deployContract("TestCAD");
  const cadAddress = await cad.getAddress();
  await pp.connect(admin).setCurrencyAllowed(cadAddress, true);

  await pp.createPolicy([
    { secondsBeforeStart: 86_400, refundBps: 10_000 },
    { secondsBeforeStart: 0, refundBps: 5_000 },
  ]);
  await pp.createPolicy([
    { secondsBeforeStart: 172_800, refundBps: 10_000 },
    { secondsBeforeStart: 86_400, refundBps: 5_000 },
  ]);
  await pp.connect(operator).createVenue("Le Lab", "ipfs://le-lab", [operator.address, owner.address], [7_000, 3_000]);
  await pp.connect(operator).createResource(1, roomParams());
  await pp.connect(operator).createResource(
    1,
    roomParams({
      name: "Bureaux partagés",
      metadataURI: "ipfs://desks",
      kind: 0,
      units: 3,
      currency: cadAddress,
      pricePerHour: DESK_PRICES.hour,
      pricePerDay: DESK_PRICES.day,
      pricePerMonth: DESK_PRICES.month,
      graceSeconds: 0,
      policyId: 2,
    }),
  );
  await pp
    .connect(operator)
    .createResource(
      1,
      roomParams({ name: "Studio photo", metadataURI: "ipfs://studio", kind: 3, policyId: 0, transferable: false }),
    );
  await pp.connect(operator).createDoor(1, true, lockKey.address);
  await pp.connect(operator).createDoor(1, false, lockKey.address);
  await pp.connect(operator).setDoorResource(2, 1, true);
  await pp.connect(operator).setRelayerTrusted(1, relayer.address, true);

  for (const m of [member, other]) {
    await cad.mint(m.address, CAD(100_000));
    await cad.connect(m).approve(address, ethers.MaxUint256);
  }

  /** Timestamp `days` days and `hours` hours after the fixture's start (00:00 UTC, November 1st). */
  const at = (days: number | bigint, hours: number | bigint = 0) => t0 + BigInt(days) * DAY + BigInt(hours) * HOUR;

  return {
    pp,
    core,
    cad,
    renderer,
    registry,
    forwarder,
    address,
    cadAddress,
    year,
    t0,
    at,
    deployer,
    admin,
    treasury,
    operator,
    owner,
    member,
    other,
    guest,
    relayer,
    lockKey,
  };
}

export type Fixture = Awaited<ReturnType<typeof deployFixture>>;

/**
 * The terms a member pins when booking a fixture resource (its policy id and transferability, as
 * the dApp reads them from `resource()`): 1 room, 2 desks, 3 studio (soulbound), 4 the extra
 * resource some tests create with the room's defaults.
 */
export const TERMS: Record<number, readonly [number, boolean]> = {
  1: [1, true],
  2: [2, true],
  3: [0, false],
  4: [1, true],
};

/** Books resource 1 (ETH room) `[start, end)` for `signer` at the quoted price. */
export async function bookRoom(
  f: Fixture,
  start: bigint,
  end: bigint,
  signer = f.member,
  resourceId = 1,
): Promise<bigint> {
  const price = await f.pp.quote(resourceId, start, end);
  const passId = await f.pp.nextPassId();
  const { policyId, transferable } = await f.pp.resource(resourceId); // the terms a dApp shows
  await f.pp
    .connect(signer)
    .book(resourceId, start, end, ANY_UNIT, price, signer.address, policyId, transferable, { value: price });
  return passId;
}

/** Books a desk (resource 2, TestCAD, approved in the fixture). */
export async function bookDesk(
  f: Fixture,
  start: bigint,
  end: bigint,
  signer = f.member,
  unit = ANY_UNIT,
): Promise<bigint> {
  const price = await f.pp.quote(2, start, end);
  const passId = await f.pp.nextPassId();
  const { policyId, transferable } = await f.pp.resource(2);
  await f.pp.connect(signer).book(2, start, end, unit, price, signer.address, policyId, transferable);
  return passId;
}

/** EIP-2612 permit of TestCAD signed by `owner` for `spender`. */
export async function signPermit(
  f: Fixture,
  owner: Awaited<ReturnType<typeof ethers.getSigners>>[number],
  spender: string,
  value: bigint,
  deadline: bigint,
): Promise<Signature> {
  const { chainId } = await ethers.provider.getNetwork();
  const nonce = await f.cad.nonces(owner.address);
  const sig = await owner.signTypedData(
    { name: "Test CAD", version: "1", chainId, verifyingContract: f.cadAddress },
    { Permit: [...permitTypes.Permit] },
    { owner: owner.address, spender, value, nonce, deadline },
  );
  return ethers.Signature.from(sig);
}

/** Gas-inclusive ETH cost of a mined transaction. */
export async function gasCost(tx: ContractTransactionResponse): Promise<bigint> {
  const r = await tx.wait();
  return r!.gasUsed * r!.gasPrice;
}

export async function addressOf(c: BaseContract): Promise<string> {
  return c.getAddress();
}
