// The demo seed: the opening hours the venue page shows are the ones the chain enforces (set on chain,
// followed by the rooms), and every venue keeps a resource bookable around the clock, so that the demo
// can book "now" at any hour of the day.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { JsonRpcProvider, Wallet } from "ethers";
import { startLocalChain, type LocalChain } from "../helpers/localChain.ts";
import { protocolOn, HOUR, type Protocol } from "./fixture.ts";
import { seedDemo, type SeedResult } from "../../scripts/lib/seed.ts";
import { DEMO_VENUES } from "../../scripts/lib/demoNetwork.ts";

describe("the demo seed's opening hours", () => {
  let chain: LocalChain | undefined;
  let provider: JsonRpcProvider | undefined;
  let p: Protocol;
  let seeded: SeedResult;
  before(async () => {
    chain = await startLocalChain();
    const c = chain;
    provider = new JsonRpcProvider(c.rpcUrl, undefined, { staticNetwork: true, pollingInterval: 50, cacheTimeout: -1 });
    const rpc = provider;
    seeded = await seedDemo(c.deployments, (i) => Promise.resolve(new Wallet(c.accounts[i].privateKey, rpc)));
    p = protocolOn(c);
  });
  after(async () => {
    provider?.destroy();
    await chain?.stop();
  });

  const isOpen = async (resourceId: number, t: number) =>
    ((await p.read("openHours", [resourceId, BigInt(t), 1n]))[0] & 1n) === 1n;

  it("sets every venue's weekly hours on chain, as the demo data says", async () => {
    for (const [i, v] of DEMO_VENUES.entries()) {
      const [mask] = await p.read("openingHours", [seeded.venues[i].id]);
      const expected = v.hours.reduce(
        (m, w) => m | (((1n << BigInt(w.closes)) - (1n << BigInt(w.opens))) << BigInt(24 * w.day)),
        0n,
      );
      assert.notEqual(expected, 0n);
      assert.equal(mask, expected, v.name);
    }
  });

  it("makes the rooms follow the hours and keeps one resource per venue bookable around the clock", async () => {
    for (const v of seeded.venues) {
      const follows = await Promise.all(
        Object.values(v.resources).map(async (id) => (await p.read("resource", [id])).followsOpeningHours),
      );
      assert.ok(follows.includes(false), `${v.name} keeps a resource bookable around the clock`);
    }
    const [lab, , caisse] = seeded.venues;
    for (const id of [lab.resources.conference, lab.resources.studio, lab.resources.hall, caisse.resources.vault])
      assert.equal((await p.read("resource", [id])).followsOpeningHours, true);
  });

  it("closes Le Lab's conference room at 3:00 on a Sunday, while every venue's desk or office is open then and now", async () => {
    const now = await p.chainNow();
    const slot = now - (now % HOUR);
    // The next Sunday 08:00 UTC: 3:00 or 4:00 in Toronto, closed everywhere in the demo but Saint-Germain.
    const day = Math.floor(now / 86_400) + 1;
    const sunday = (day + ((3 - (day % 7) + 7) % 7)) * 86_400 + 8 * HOUR; // 1970-01-04 was a Sunday (day 3)
    assert.equal(new Date(sunday * 1000).getUTCDay(), 0);
    const [lab, stGermain, caisse] = seeded.venues;
    assert.equal(await isOpen(lab.resources.conference, sunday), false);
    assert.equal(await isOpen(caisse.resources.vault, sunday), false);
    for (const id of [lab.resources.office, stGermain.resources.desk, caisse.resources.desk]) {
      assert.equal(await isOpen(id, sunday), true);
      assert.equal(await isOpen(id, slot), true);
    }
  });
});
