// Builds and starts a relayer: checks the chain and the deployments file, syncs the event index,
// opens the audit log, and listens. Used by main.ts, the tests and the benchmark.
import type { AddressInfo } from "node:net";
import { createServer, type Server } from "node:http";
import { readFileSync } from "node:fs";
import { passepartoutAbi } from "../protocol/abis.ts";
import { readDeployments, type Deployments } from "../protocol/deployments.ts";
import { abiHash } from "./http/routes/network.ts";
import { createRequestListener } from "./http/app.ts";
import { openAudit } from "./audit/openAudit.ts";
import { openDoorLogStore } from "./audit/openDoorLogStore.ts";
import type { DoorLogStore } from "./audit/doorLogStore.ts";
import { DoorLogReceiver } from "./locks/doorLogReceiver.ts";
import { createChainClient, createChainReader, createHeadReader } from "./index/chain.ts";
import { ChainIndex } from "./index/chainIndex.ts";
import { IndexStore } from "./index/indexStore.ts";
import { LogPager } from "./index/logPager.ts";
import { createRpcCaller, realSleep, withRetry, type Backoff } from "./index/rpc.ts";
import { PersistentChallengeMemory } from "./index/usedChallenges.ts";
import { systemClock, type Clock } from "./clock.ts";
import type { RelayerConfig } from "./config.ts";
import type { RelayerContext } from "./context.ts";
import { createDoorHasher, type Hex } from "./door/doorCrypto.ts";
import { ConfigError } from "./errors.ts";
import type { LockAdapter } from "./locks/lockAdapter.ts";
import { createBrokerLockAdapter } from "./locks/mqttLockAdapter.ts";
import { DoorStatusBoard } from "./locks/doorStatusBoard.ts";
import { createLogger, type Logger } from "./logger.ts";
import { createMetrics, type RelayerMetrics } from "./metrics.ts";
import { NonceStore } from "./http/siwe.ts";
import { SessionCodec } from "./http/session.ts";
import { ContractSignatureChecker } from "./door/contractSignatures.ts";
import type { AuditStore } from "./audit/auditLog.ts";
import { createSponsor, type Sponsor } from "./sponsor/sponsor.ts";
import { openSponsorStore, type SponsorStore } from "./sponsor/sponsorStore.ts";
import { ReceiptsService } from "./receipts/receiptsService.ts";
import type { PublicClient } from "viem";
import { openDoorPassStore, type SharedDoorPassStore } from "./door/doorPassStore.ts";
import { createDoorPassIssuer } from "./door/issueDoorPass.ts";
import { StatusListPublisher } from "./door/statusListPublisher.ts";

export type RelayerOptions = {
  clock?: Clock;
  lock?: LockAdapter;
  logger?: Logger;
  deployments?: Deployments;
  /** Skip Node's default process metrics (several relayers in one process). */
  defaultMetrics?: boolean;
  /** Waits between sync RPC retries and their jitter (tests make them instant and seeded). */
  sleep?: Backoff["sleep"];
  random?: Backoff["random"];
  /** Called once the port is open, before the index is restored and caught up. */
  onListening?: (url: string) => void;
};

export type RunningRelayer = {
  url: string;
  port: number;
  ctx: RelayerContext;
  close(): Promise<void>;
};

/** Reads the deployments and checks the chain; throws a ConfigError with one clear line. */
export async function checkChain(config: RelayerConfig, deployments?: Deployments) {
  let d: Deployments;
  try {
    d = deployments ?? readDeployments(config.chainId, config.deploymentsDir);
  } catch (err) {
    throw new ConfigError((err as Error).message);
  }
  // The relayer decodes events and calls with the generated ABI (protocol/abis.ts); a deployments
  // file written by another build of the contracts would be read wrongly, so refuse it.
  if (abiHash(d.contracts.Passepartout.abi) !== abiHash(passepartoutAbi)) {
    throw new ConfigError(
      `the deployments file's Passepartout ABI differs from this relayer's (protocol/abis.ts): redeploy, or run the relayer built for that deployment`,
    );
  }
  const contract = d.contracts.Passepartout.address.toLowerCase() as Hex;
  const client = createChainClient(config.rpcUrl, config.rpcTimeoutMs);
  let chainId: number;
  try {
    chainId = await client.getChainId();
  } catch {
    throw new ConfigError(`chain unreachable at RPC_URL=${config.rpcUrl}`);
  }
  if (chainId !== config.chainId)
    throw new ConfigError(`RPC_URL=${config.rpcUrl} serves chain ${chainId}, expected CHAIN_ID=${config.chainId}`);
  const code = await client.getCode({ address: contract }).catch(() => undefined);
  if (!code || code === "0x")
    throw new ConfigError(`no contract at ${contract} on chain ${chainId} (stale deployments file? redeploy)`);
  // Contract-wallet checks: capped gas, and a client of their own with a shorter timeout.
  const reader = createChainReader(client, contract, {
    gas: BigInt(config.erc1271GasLimit),
    client: createChainClient(config.rpcUrl, config.erc1271TimeoutMs),
  });
  try {
    await reader.doorCount();
  } catch {
    throw new ConfigError(`contract at ${contract} does not answer doorCount(): not a Passepartout deployment`);
  }
  return { deployments: d, contract, client, reader };
}

type Checked = Awaited<ReturnType<typeof checkChain>>;

export async function startRelayer(config: RelayerConfig, opts: RelayerOptions = {}): Promise<RunningRelayer> {
  const logger = opts.logger ?? createLogger(config.logLevel);
  const clock = opts.clock ?? systemClock;
  const metrics = createMetrics(opts.defaultMetrics ?? true);
  // The audit log's writer thread starts on the other core while the chain is checked.
  const auditOpening = openAudit(config.auditDb, { timeoutMs: config.auditTimeoutMs });
  auditOpening.catch(() => undefined); // its failure is reported where it is awaited, below
  let checked: Checked;
  try {
    checked = await checkChain(config, opts.deployments);
  } catch (err) {
    await auditOpening.then((a) => a.close()).catch(() => undefined);
    throw err;
  }
  const { index, store } = openIndex(config, checked, metrics, logger, opts);
  metrics.watchIndex(index);
  const audit = await auditOpening.catch((err: unknown) => {
    store.close();
    throw err;
  });
  const doorLog = await openDoorLogStore(config.auditDb).catch(async (err: unknown) => {
    store.close();
    await audit.close();
    throw err;
  });
  // The sponsor's lease, budget and limits, shared with the relayers using the same key.
  const sponsorStore = config.sponsorPrivateKey
    ? await openSponsorStore(config.sponsorDb).catch(async (err: unknown) => {
        store.close();
        await audit.close();
        await doorLog.close();
        throw err;
      })
    : null;
  const doorPassStore = await openDoorPassStore(config.doorPassDb).catch(async (err: unknown) => {
    store.close();
    await audit.close();
    await sponsorStore?.close();
    throw err;
  });
  const timers = await startHousekeeping(config, clock, logger, audit, doorLog, store);
  const ctx = createContext(
    config,
    checked,
    { clock, logger, index, audit, doorLog, metrics, challenges: timers.challenges },
    opts,
    sponsorStore,
  );
  // Door agents upload their logs over the broker the lock adapter uses (none with an injected adapter).
  const logReceiver = opts.lock ? null : startDoorLogReceiver(ctx);
  ctx.doorPasses = createDoorPasses(config, ctx, doorPassStore);

  // The port opens before the index is restored and caught up: meanwhile doors are answered from
  // direct contract reads (the index says `catchingUp`), reads and /readyz answer 503.
  const server: Server = createServer(createRequestListener(ctx));
  const closeAll = async () => {
    index.stop();
    timers.stop();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    ctx.doorPasses?.statusLists.close();
    await ctx.doorPasses?.statusLists.idle();
    await ctx.lock.close?.();
    await logReceiver?.close();
    await doorPassStore.close();
    await audit.close();
    await doorLog.close();
    await sponsorStore?.close();
    await index.idle(); // let a running poll commit, then close the file
    try {
      index.saveSnapshot(); // the next start loads the projection at once
    } catch (err) {
      logger.warn({ err: (err as Error).message }, "index snapshot not written: the next start reads the rows");
    }
    timers.challenges.flush();
    store.close();
  };
  let url: string;
  try {
    url = await listen(server, config);
  } catch (err) {
    await closeAll();
    throw err;
  }
  logger.info(
    // The index is not ready yet: doors are answered from the contract until "index ready".
    { url, chainId: config.chainId, contract: checked.contract, relayer: config.relayerAddress, index: "restoring" },
    "relayer listening",
  );
  opts.onListening?.(url);
  try {
    await catchUp(index, config, logger, opts);
  } catch (err) {
    await closeAll();
    throw err;
  }
  index.start(config.indexPollMs);
  return { url, port: (server.address() as AddressInfo).port, ctx, close: closeAll };
}

/** The event index over its own RPC lane: provider limits, retries with backoff, foreign logs dropped. */
function openIndex(
  config: RelayerConfig,
  { deployments, contract, client }: Checked,
  metrics: RelayerMetrics,
  logger: Logger,
  opts: RelayerOptions,
): { index: ChainIndex; store: IndexStore } {
  const backoff: Backoff = {
    retries: config.indexRpcRetries,
    baseMs: config.indexRpcBackoffMs,
    maxMs: 30_000,
    sleep: opts.sleep,
    random: opts.random,
    onRetry: (r) => {
      metrics.rpcRetries.inc({ method: r.method });
      logger.debug(r, "index RPC call retried");
    },
  };
  const call = withRetry(createRpcCaller(config.rpcUrl, config.rpcTimeoutMs), backoff);
  const pager = new LogPager({
    call,
    addresses: [contract],
    maxBlockRange: config.indexMaxBlockRange,
    maxLogsPerResponse: config.indexMaxLogsPerResponse,
    onForeignLogs: (n) => metrics.foreignLogs.inc(n),
    onRangeRefused: (r) => {
      metrics.rangeRefusals.inc();
      logger.debug(r, "eth_getLogs page refused: halving the range");
    },
  });
  const store = new IndexStore(
    config.indexDb,
    { chainId: config.chainId, contract, deployBlock: deployments.deployBlock },
    (reason) => logger.warn({ file: config.indexDb, reason }, "index file unusable: rebuilding from the deploy block"),
  );
  const index = new ChainIndex({
    client,
    contract,
    deployBlock: deployments.deployBlock,
    reorgDepth: config.indexReorgDepth,
    store,
    source: {
      readLogs: (from, maxTo) => pager.read(from, maxTo),
      blockHash: async (n) =>
        (await call<{ hash?: Hex } | null>("eth_getBlockByNumber", [`0x${n.toString(16)}`, false]))?.hash ?? null,
    },
    onProgress: (p) => logger.info(p, p.final ? "index caught up" : "index sync progress"),
    latestBlock: createHeadReader(config.rpcUrl, config.rpcTimeoutMs),
    onReorg: (r) => {
      logger.warn(r, "chain reorg: index rolled back");
      metrics.reorgs.inc();
    },
    onError: (err) => {
      const message = (err as Error).message;
      if (message.startsWith("cannot apply log")) logger.error({ err: message }, "index skipped a log");
      else logger.debug({ err: message }, "index poll failed");
    },
  });
  return { index, store };
}

/** Audit retention (now, then hourly) and the used-challenge memory (pruned every 10 s). */
async function startHousekeeping(
  config: RelayerConfig,
  clock: Clock,
  logger: Logger,
  audit: AuditStore,
  doorLog: DoorLogStore,
  store: IndexStore,
): Promise<{ challenges: PersistentChallengeMemory; stop(): void }> {
  // The agents' uploaded logs are location history too: the same retention as the audit trail.
  const retain = async () => {
    const [pruned, doorLogPruned] = await Promise.all([
      audit.applyRetention(config.auditRetentionDays, clock()),
      doorLog.applyRetention(config.auditRetentionDays, clock()),
    ]);
    if (pruned || doorLogPruned) logger.info({ pruned, doorLogPruned }, "audit retention applied");
  };
  await retain();
  const retention = setInterval(() => void retain().catch(() => undefined), 3_600_000);
  retention.unref();
  const challenges = new PersistentChallengeMemory(store, clock(), (err) =>
    logger.error({ err: (err as Error).message }, "used challenges not written to the index file"),
  );
  const pruneChallenges = setInterval(() => challenges.prune(clock()), 10_000);
  pruneChallenges.unref();
  return {
    challenges,
    stop() {
      clearInterval(retention);
      clearInterval(pruneChallenges);
    },
  };
}

/** Every service the routes use, built once. */
function createContext(
  config: RelayerConfig,
  { deployments, contract, client, reader }: Checked,
  parts: Pick<RelayerContext, "clock" | "logger" | "index" | "audit" | "doorLog" | "metrics" | "challenges">,
  opts: RelayerOptions,
  sponsorStore: SponsorStore | null,
): RelayerContext {
  const doorStatus = new DoorStatusBoard({ clock: parts.clock });
  return {
    ...parts,
    config,
    deployments,
    contract,
    reader,
    hasher: createDoorHasher(config.chainId, contract),
    // One broker connection carries the lock requests and the doors' live status; with a lock given
    // (the relayer's own tests) nothing is heard and every door reads "unknown".
    lock:
      opts.lock ??
      createBrokerLockAdapter(config, {
        index: parts.index,
        reader,
        contract,
        logger: parts.logger,
        statuses: doorStatus,
      }),
    doorStatus,
    contractSignatures: new ContractSignatureChecker(reader, {
      concurrency: config.erc1271Concurrency,
      queue: config.erc1271Queue,
      negativeTtlMs: config.erc1271NegativeTtlS * 1000,
    }),
    nonces: new NonceStore(config.siweNonceTtlS, parts.clock, config.sessionSecret, {
      perRequester: config.siweSigninsPerIp,
      perAddress: config.siweSigninsPerAddress,
    }),
    sessions: new SessionCodec(config.sessionSecret),
    sponsor: sponsorStore && createSponsorOf(config, deployments, client, parts.clock, parts.logger, sponsorStore),
    receipts: new ReceiptsService(parts.index, client),
    doorPasses: null,
  };
}

/** Receives the door agents' log uploads: doors resolved as the lock adapter does (index, else chain). */
function startDoorLogReceiver(ctx: RelayerContext): DoorLogReceiver {
  const { config, metrics } = ctx;
  const receiver = new DoorLogReceiver({
    url: config.brokerUrl,
    username: config.brokerUsername,
    password: config.brokerPassword,
    ca: config.brokerCaFile ? readFileSync(config.brokerCaFile) : undefined,
    instanceId: config.relayerInstanceId,
    logger: ctx.logger,
    store: ctx.doorLog,
    chainId: config.chainId,
    contract: ctx.contract,
    now: ctx.clock,
    async door(id) {
      const door = ctx.index.doors.get(id) ?? (await ctx.reader.door(id));
      return door ? { venueId: door.venueId, lockKey: door.lockKey } : null;
    },
    onOutcome(status, stored) {
      if (status === "ok") metrics.doorLogRecords.inc(stored);
      else metrics.doorLogRefusals.inc({ status });
    },
  });
  receiver.connect();
  return receiver;
}

/** Offline DoorPasses: the issuer, and the status lists republished as the index sees revocations. */
function createDoorPasses(config: RelayerConfig, ctx: RelayerContext, store: SharedDoorPassStore) {
  const keys = {
    chainId: config.chainId,
    contract: ctx.contract,
    relayerPrivateKey: config.relayerPrivateKey,
    relayerAddress: config.relayerAddress.toLowerCase() as Hex,
    store,
    clock: ctx.clock,
  };
  const lock = ctx.lock;
  const statusLists = new StatusListPublisher({
    ...keys,
    // Without a broker (a test's in-process lock) there is no agent to tell.
    publish: lock.publishRetained ? (t, p) => lock.publishRetained!(t, p) : () => Promise.resolve(),
    debounceMs: config.statusListDebounceMs,
    republishS: config.statusListRepublishS,
    logger: ctx.logger,
  });
  ctx.index.passes.observe((_, before, after) => statusLists.passChanged(before, after));
  // Every venue's list at start and every STATUS_LIST_REPUBLISH_S: a broker restarted without
  // persistence has them again within one interval.
  if (lock.publishRetained) statusLists.start();
  const issuer = createDoorPassIssuer({
    ...keys,
    index: ctx.index,
    contractSignatures: ctx.contractSignatures,
    // The operator's on-chain maximum (DoorPassMaxHoursSet), else the relayer's default.
    maxHours: (venue) => ctx.index.venues.get(venue)?.doorPassMaxHours ?? config.doorPassMaxHours,
    openHours: (resourceId, start, count) => ctx.reader.openHours(resourceId, start, count),
  });
  return { issuer, statusLists };
}

/** The relayer's sponsor of gasless calls, or null when it has none (no key, no forwarder deployed). */
function createSponsorOf(
  c: RelayerConfig,
  d: Deployments,
  client: PublicClient,
  clock: Clock,
  logger: Logger,
  store: SponsorStore,
): Sponsor | null {
  const forwarder = d.contracts.PassepartoutForwarder?.address;
  if (!c.sponsorPrivateKey || !forwarder) return null;
  return createSponsor({
    client,
    rpcUrl: c.rpcUrl,
    privateKey: c.sponsorPrivateKey,
    passepartout: d.contracts.Passepartout.address,
    forwarder,
    currency: c.sponsorCurrency ?? d.contracts.TestCAD?.address ?? null,
    fees: { book: BigInt(c.sponsorBookFee), cancel: BigInt(c.sponsorCancelFee) },
    maxCallGas: BigInt(c.sponsorMaxCallGas),
    ratePerHour: c.sponsorRatePerHour,
    gasBudget: BigInt(c.sponsorGasBudget),
    memberShareBps: c.sponsorMemberShareBps,
    budgetWindowS: 86_400,
    freeCallsPerPass: c.sponsorFreeCallsPerPass,
    freeCallsPerMember: c.sponsorFreeCallsPerMember,
    store,
    clock,
    logger,
  });
}

/** Opens the port; the relayer's URL. */
async function listen(server: Server, config: RelayerConfig): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.port, config.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  server.keepAliveTimeout = 65_000;
  const port = (server.address() as AddressInfo).port;
  return `http://${config.host.includes(":") ? `[${config.host}]` : config.host}:${port}`;
}

/** Restores the index and catches up with the chain; every sync step is committed, so a failed
 * poll is resumed from its checkpoint by the next. */
async function catchUp(index: ChainIndex, config: RelayerConfig, logger: Logger, opts: RelayerOptions): Promise<void> {
  const sleep = opts.sleep ?? realSleep;
  const random = opts.random ?? Math.random;
  const restoreStart = performance.now();
  await index.restore();
  const restoredTip = index.tip;
  for (let attempt = 0; ; attempt++) {
    try {
      await index.poll();
      break;
    } catch (err) {
      if (attempt >= config.indexRpcRetries) throw err;
      logger.warn({ err: (err as Error).message, tip: index.tip }, "index catch-up interrupted: resuming");
      await sleep(Math.floor(random() * Math.min(30_000, config.indexRpcBackoffMs * 2 ** attempt)));
    }
  }
  logger.info(
    { restoredTip, tip: index.tip, seconds: Math.round(performance.now() - restoreStart) / 1000 },
    "index ready",
  );
}
