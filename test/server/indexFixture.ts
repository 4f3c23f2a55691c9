// Shared set-up of the index tests: a chain with history spread over many blocks (bookings,
// cancels, transfers, guests, door and trust changes, empty stretches), a relayer started against
// it at any RPC URL with its own index file, and the check that the relayer's index equals the
// chain read directly, pass by pass.
import assert from "node:assert/strict";
import { rpcCall, type LocalChain } from "../helpers/localChain.ts";
import { HOUR, ZERO_ADDRESS, protocolOn, seedVenue, tempFile, type Protocol } from "./fixture.ts";
import { loadConfig } from "../../server/config.ts";
import { startRelayer, type RelayerOptions, type RunningRelayer } from "../../server/relayer.ts";
import type { ChainIndex } from "../../server/index/chainIndex.ts";
import { DEMO_RELAYER_ADDRESS, demoLockAddress } from "../../server/demoKeys.ts";
import type { Hex } from "../../protocol/types.ts";

export type Seeded = {
  p: Protocol;
  venue: Awaited<ReturnType<typeof seedVenue>>;
  slot0: number;
  passes: bigint[];
};

/** Mines `n` empty blocks at once. */
export async function mine(chain: LocalChain, n: number): Promise<void> {
  await rpcCall(chain.rpcUrl, "hardhat_mine", [`0x${n.toString(16)}`]);
}

/**
 * The venue of fixture.ts, then `bookings` passes: a dense burst (consecutive blocks), then one
 * every `gap` empty blocks; some cancelled, some transferred, some with a guest; a door
 * deactivated and a relayer trusted then distrusted.
 */
export async function seedHistory(chain: LocalChain, bookings = 24, gap = 60): Promise<Seeded> {
  const p = protocolOn(chain);
  const venue = await seedVenue(p, DEMO_RELAYER_ADDRESS);
  const slot0 = Math.floor((await p.chainNow()) / HOUR) * HOUR + 2 * HOUR;
  const members = chain.accounts.slice(2, 6);
  const passes: bigint[] = [];
  for (let i = 0; i < bookings; i++) {
    const start = slot0 + (i % 8) * HOUR;
    const resource = i % 2 ? venue.room : venue.office;
    passes.push((await p.book(members[i % members.length], resource, start, start + HOUR)).passId);
    if (i >= bookings / 3) await mine(chain, gap);
  }
  await p.write(members[0], { functionName: "cancel", args: [passes[0]] });
  await p.write(members[1 % members.length], {
    functionName: "transferFrom",
    args: [members[1].address, chain.accounts[7].address, passes[1]],
  });
  await p.write(members[2], {
    functionName: "setUser",
    args: [passes[2], chain.accounts[8].address, BigInt(slot0 + 30 * 24 * HOUR)],
  });
  await mine(chain, gap);
  await p.write(venue.operator, {
    functionName: "updateDoor",
    args: [venue.roomDoor, false, false, demoLockAddress(venue.roomDoor)],
  });
  await p.write(venue.operator, {
    functionName: "setRelayerTrusted",
    args: [venue.venueId, chain.accounts[9].address, true],
  });
  await p.write(venue.operator, {
    functionName: "setRelayerTrusted",
    args: [venue.venueId, chain.accounts[9].address, false],
  });
  await p.write(venue.operator, { functionName: "updateVenue", args: [venue.venueId, "Le Lab (renamed)", "ipfs://x"] });
  await mine(chain, gap);
  return { p, venue, slot0, passes };
}

export function indexedRelayerEnv(rpcUrl: string, env: Record<string, string> = {}): Record<string, string> {
  return {
    PORT: "0",
    RPC_URL: rpcUrl,
    AUDIT_DB: tempFile("audit.sqlite"),
    INDEX_DB: tempFile("index.sqlite"),
    LOG_LEVEL: "silent",
    INDEX_POLL_MS: "100",
    RPC_TIMEOUT_MS: "1500",
    BROKER_URL: "mqtt://127.0.0.1:9", // no broker: these relayers never open a door
    RATE_LIMIT_IP_PER_MIN: "1000000",
    RATE_LIMIT_ADDRESS_PER_MIN: "1000000",
    ...env,
  };
}

export async function startIndexedRelayer(
  chain: LocalChain,
  env: Record<string, string>,
  opts: RelayerOptions = {},
): Promise<RunningRelayer> {
  return startRelayer(loadConfig(env), { deployments: chain.deployments, defaultMetrics: false, ...opts });
}

/** Asserts that the index holds exactly what the contract holds: every pass, door, venue and trust. */
export async function assertIndexEqualsChain(p: Protocol, index: ChainIndex, relayers: Hex[] = []): Promise<void> {
  const lower = (a: string) => a.toLowerCase();
  const next = Number(await p.read("nextPassId", []));
  assert.ok(next > 1, "the chain has passes");
  let live = 0;
  for (let id = 1n; id < BigInt(next); id++) {
    const indexed = index.passes.get(id);
    const onChain = await p.read("pass", [id]).catch(() => null); // null: cancelled (burned)
    if (!onChain) {
      assert.equal(indexed, undefined, `pass ${id} is gone on chain but indexed`);
      continue;
    }
    live++;
    assert.ok(indexed, `pass ${id} exists on chain but is not indexed`);
    assert.equal(indexed.holder, lower(onChain.holder), `holder of pass ${id}`);
    assert.equal(indexed.resourceId, onChain.resourceId, `resource of pass ${id}`);
    assert.equal(indexed.unit, onChain.unit, `unit of pass ${id}`);
    assert.equal(indexed.start, Number(onChain.start), `start of pass ${id}`);
    assert.equal(indexed.end, Number(onChain.end), `end of pass ${id}`);
    assert.equal(indexed.currency, lower(onChain.currency), `currency of pass ${id}`);
    assert.equal(indexed.amount, BigInt(onChain.amount), `amount of pass ${id}`);
    assert.equal(indexed.settled, onChain.settled, `settled of pass ${id}`);
    const expires = Number(await p.read("userExpires", [id]));
    assert.equal(indexed.guestExpires, expires, `guest expiry of pass ${id}`);
    assert.equal(indexed.guest ?? ZERO_ADDRESS, lower(await p.read("userOf", [id])), `guest of pass ${id}`);
  }
  assert.equal(index.passes.map.size, live, "no pass indexed beyond the chain's");
  const doors = Number(await p.read("doorCount", []));
  assert.equal(index.doors.map.size, doors, "doors");
  for (let id = 1; id <= doors; id++) {
    const d = await p.read("door", [id]);
    const i = index.doors.get(id);
    assert.deepEqual(
      i && { venueId: i.venueId, allResources: i.allResources, active: i.active, lockKey: i.lockKey },
      { venueId: d.venueId, allResources: d.allResources, active: d.active, lockKey: lower(d.lockKey) },
      `door ${id}`,
    );
  }
  const venues = Number(await p.read("venueCount", []));
  assert.equal(index.venues.map.size, venues, "venues");
  for (let id = 1; id <= venues; id++) {
    const v = await p.read("venue", [id]);
    const i = index.venues.get(id);
    assert.deepEqual(i && { operator: i.operator, name: i.name }, { operator: lower(v.operator), name: v.name });
    for (const r of relayers)
      assert.equal(index.isRelayerTrusted(id, r), await p.read("isRelayerTrusted", [id, r]), `trust of ${r}`);
  }
  assert.equal(index.resources.map.size, Number(await p.read("resourceCount", [])), "resources");
}

/** The value of a counter or gauge in a Prometheus text exposition. */
export function metricValue(text: string, name: string): number {
  const line = text.split("\n").find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
  return line ? Number(line.split(" ").at(-1)) : 0;
}
