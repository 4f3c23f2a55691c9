// Writes the demo network (lib/demoNetwork.ts) on a freshly deployed chain. Refuses a chain that
// already has venues: seeding twice would duplicate the network.
import { Contract, type ContractTransactionResponse, type Signer } from "ethers";
import { passepartoutAbi, testCadAbi } from "../../protocol/abis.ts";
import type { Deployments } from "../../protocol/deployments.ts";
import { zoneRule } from "../../protocol/timeZone.ts";
import type { IPassepartout, TestCAD as TestCADContract } from "../../typechain-types/index.ts";
import { DEMO_RELAYER_ADDRESS, demoLockAddress } from "../../server/demoKeys.ts";
import {
  DEMO_MEMBERS,
  DEMO_VENUES,
  MEMBER_CAD,
  POLICIES,
  TAX_RATES,
  jsonDataUri,
  type DemoPolicy,
} from "./demoNetwork.ts";

export class AlreadySeededError extends Error {
  constructor(venues: number) {
    super(`this chain is already seeded (${venues} venues exist); nothing was changed`);
  }
}

export type SeedResult = {
  venues: { id: number; name: string; resources: Record<string, number>; doors: { id: number; name: string }[] }[];
  members: string[];
};

/** `signer(i)` returns Hardhat account #i. */
export async function seedDemo(
  deployments: Deployments,
  signer: (index: number) => Promise<Signer>,
  log: (line: string) => void = () => {},
): Promise<SeedResult> {
  const { Passepartout, TestCAD } = deployments.contracts;
  if (!TestCAD) throw new Error("the deployment has no TestCAD: deploy with TEST_STABLECOIN=1");
  const admin = await signer(0);
  // Typed by typechain (the same ABI, from the same artifacts); only the types are imported.
  const pp = new Contract(Passepartout.address, passepartoutAbi, admin) as unknown as IPassepartout;
  const existing = Number(await pp.venueCount());
  if (existing > 0) throw new AlreadySeededError(existing);

  const chainNow = (await admin.provider!.getBlock("latest"))!.timestamp;
  const mined = async (tx: Promise<ContractTransactionResponse>) => (await (await tx).wait())!;

  log(`tax rates: GST ${TAX_RATES.gst / 1000} %, QST ${TAX_RATES.qst / 1000} %`);
  await mined(pp.setTaxRates(TAX_RATES.gst, TAX_RATES.qst));

  log("cancellation policies");
  const policyIds = {} as Record<DemoPolicy, number>;
  for (const key of Object.keys(POLICIES) as DemoPolicy[]) {
    policyIds[key] = Number(await pp.createPolicy.staticCall(POLICIES[key]));
    await mined(pp.createPolicy(POLICIES[key]));
  }

  const result: SeedResult = { venues: [], members: [] };
  for (const v of DEMO_VENUES) {
    log(`venue ${v.name} (${v.metadata.place})`);
    const operator = await signer(v.operator);
    const op = pp.connect(operator);
    const payees = await Promise.all(v.payees.map(async (p) => (await signer(p.account)).getAddress()));
    // Door ids are sequential: name them in the venue's metadata before creating them.
    const firstDoorId = Number(await pp.doorCount()) + 1;
    const doorNames = Object.fromEntries(v.doors.map((d, i) => [String(firstDoorId + i), d.name]));
    const uri = jsonDataUri({
      name: v.name,
      ...v.metadata,
      doors: doorNames,
      payees: v.payees.map((p, i) => ({ address: payees[i], role: p.role })),
    });
    const venueId = Number(
      await op.createVenue.staticCall(
        v.name,
        uri,
        payees,
        v.payees.map((p) => p.shareBps),
      ),
    );
    await mined(
      op.createVenue(
        v.name,
        uri,
        payees,
        v.payees.map((p) => p.shareBps),
      ),
    );

    await mined(op.setVenueTaxProfile(venueId, { ...v.tax, taxPayee: await operator.getAddress(), taxable: true }));

    // The hours the venue page shows are the ones the chain enforces for the resources following them.
    const zone = zoneRule(v.metadata.timezone, new Date(chainNow * 1000).getUTCFullYear());
    if (!zone) throw new Error(`time zone ${v.metadata.timezone} follows no yearly rule`);
    await mined(op.setOpeningHours(venueId, v.hours, zone));

    const resources: Record<string, number> = {};
    for (const r of v.resources) {
      const params = {
        name: r.name,
        metadataURI: jsonDataUri({ name: r.name, description: r.description, kind: r.kind }),
        kind: r.kind,
        units: r.units,
        currency: r.currency === "ETH" ? "0x0000000000000000000000000000000000000000" : TestCAD.address,
        pricePerHour: r.prices.hour,
        pricePerDay: r.prices.day,
        pricePerMonth: r.prices.month,
        minHours: r.minHours,
        maxHours: r.maxHours,
        horizonHours: r.horizonDays * 24,
        graceSeconds: r.graceMinutes * 60,
        policyId: policyIds[r.policy],
        transferable: r.transferable,
        followsOpeningHours: r.followsOpeningHours,
      };
      resources[r.key] = Number(await op.createResource.staticCall(venueId, params));
      await mined(op.createResource(venueId, params));
    }

    const doors: { id: number; name: string }[] = [];
    for (const d of v.doors) {
      const doorId = Number(await pp.doorCount()) + 1;
      await mined(op.createDoor(venueId, d.resources === "all", demoLockAddress(doorId)));
      if (d.resources !== "all") {
        for (const key of d.resources) await mined(op.setDoorResource(doorId, resources[key], true));
      }
      doors.push({ id: doorId, name: d.name });
    }
    await mined(op.setRelayerTrusted(venueId, DEMO_RELAYER_ADDRESS, true));
    if (v.doorPassMaxHours !== undefined) await mined(op.setDoorPassMaxHours(venueId, v.doorPassMaxHours));
    result.venues.push({ id: venueId, name: v.name, resources, doors });
  }

  log(`funding ${DEMO_MEMBERS.length} demo members with TestCAD`);
  const cad = new Contract(TestCAD.address, testCadAbi, admin) as unknown as TestCADContract;
  for (const i of DEMO_MEMBERS) {
    const member = await (await signer(i)).getAddress();
    await mined(cad.mint(member, MEMBER_CAD));
    result.members.push(member);
  }
  return result;
}
