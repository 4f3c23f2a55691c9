// Wires the offline path from the agent's configuration: the trusted relayer set (loaded from disk,
// refreshed from the chain at start and every `trustRefreshS` while the chain answers, reading only
// the blocks since the last refresh), the venue's status list (from disk, then from the broker), the
// guard, and one scanner per configured input.
// Call before `agent.start()`: the agent subscribes to the status list topic when it connects.
import { mkdirSync } from "node:fs";
import path from "node:path";
import type { AgentConfig } from "../config.ts";
import type { Clock } from "../clock.ts";
import type { AgentDoor, DoorAgent } from "../doorAgent.ts";
import type { Hex } from "../lockCrypto.ts";
import type { AgentLogger } from "../log.ts";
import { offlineCrypto } from "./offlineCrypto.ts";
import { OfflineDoors } from "./offlineDoors.ts";
import { OfflineGuard } from "./offlineGuard.ts";
import { ScannerInput } from "./scannerInput.ts";
import { StatusLists } from "./statusLists.ts";
import { TrustedRelayers } from "./trustedRelayers.ts";

export async function startOffline(o: {
  config: AgentConfig & { dir: string };
  offline: NonNullable<AgentConfig["offline"]>;
  doors: AgentDoor[];
  agent: DoorAgent;
  clock: Clock;
  logger: AgentLogger;
}): Promise<{ stop(): void }> {
  const { config, offline, logger, clock } = o;
  const dir = path.resolve(config.dir, offline.stateDir);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const contract = config.chain.contract as Hex;
  const crypto = offlineCrypto(config.chain.chainId, contract);
  const trust = new TrustedRelayers({
    file: path.join(dir, "trusted-relayers.json"),
    venue: config.venue,
    chainId: config.chain.chainId,
    contract,
    key: o.doors[0].key,
    maxAgeS: offline.trustMaxAgeS,
    clock,
  });
  logger.info({ file: "trusted-relayers.json", outcome: await trust.load() }, "trusted relayer set from disk");
  const refresh = async () => {
    try {
      const scan = await trust.refresh({
        rpcUrl: config.chain.rpcUrl,
        fromBlock: offline.trustFromBlock,
        chunkBlocks: offline.trustChunkBlocks,
        onRangeRefused: (r) => logger.info(r, "the RPC provider refused a block range: asking for less"),
      });
      logger.debug({ fetchedAt: trust.fetchedAt, block: scan.block }, "trusted relayer set read from the chain");
    } catch (err) {
      logger.warn({ err: (err as Error).message, fetchedAt: trust.fetchedAt }, "trusted relayer set not refreshed");
    }
  };
  await refresh();
  const refresher = setInterval(() => void refresh(), offline.trustRefreshS * 1000);
  refresher.unref();
  const lists = new StatusLists({ venue: config.venue, crypto, trust, file: path.join(dir, "status-list.json") });
  logger.info({ file: "status-list.json", outcome: await lists.load() }, "status list from disk");
  const guard = new OfflineGuard({
    venue: config.venue,
    chainId: config.chain.chainId,
    contract,
    crypto,
    trust,
    lists,
    clock,
    skewSlots: offline.skewSlots,
    minClock: offline.minClock,
  });
  const doors = new OfflineDoors({
    agent: o.agent,
    doors: o.doors,
    guard,
    lists,
    clock,
    logger,
    offlineAfterS: offline.afterS,
    driverBudgetMs: config.driverBudgetMs,
  });
  const scanners = offline.scanners.map(
    (s) =>
      new ScannerInput({
        path: path.resolve(config.dir, s.path),
        format: s.format,
        onLine: (line) => doors.scan(s.door, line),
        logger,
      }),
  );
  return {
    stop() {
      clearInterval(refresher);
      for (const s of scanners) s.close();
      doors.close();
    },
  };
}
