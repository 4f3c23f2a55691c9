// Builds and starts a relayer: checks the chain and the deployments file, syncs the event index,
// opens the audit log, and listens. Used by main.ts, the tests and the benchmark.
import type { AddressInfo } from "node:net";
import { createServer, type Server } from "node:http";
import { passepartoutAbi } from "../protocol/abis.ts";
import { readDeployments, type Deployments } from "../protocol/deployments.ts";
import { abiHash } from "./http/routes/network.ts";
import { createRequestListener } from "./http/app.ts";
import { openAudit } from "./audit/openAudit.ts";
import { createChainClient, createChainReader, createHeadReader } from "./index/chain.ts";
import { ChainIndex } from "./index/chainIndex.ts";
import { systemClock, type Clock } from "./clock.ts";
import type { RelayerConfig } from "./config.ts";
import type { RelayerContext } from "./context.ts";
import { createDoorHasher, type Hex } from "./door/doorCrypto.ts";
import { ConfigError } from "./errors.ts";
import { HttpLockAdapter, type LockAdapter } from "./locks/lockAdapter.ts";
import { createLogger, type Logger } from "./logger.ts";
import { createMetrics } from "./metrics.ts";
import { NonceStore } from "./http/siwe.ts";
import { SessionCodec } from "./http/session.ts";
import { ChallengeMemory } from "./door/verifyUnlockRequest.ts";
import { ContractSignatureChecker } from "./door/contractSignatures.ts";

export type RelayerOptions = {
  clock?: Clock;
  lock?: LockAdapter;
  logger?: Logger;
  deployments?: Deployments;
  /** Skip Node's default process metrics (several relayers in one process). */
  defaultMetrics?: boolean;
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

export async function startRelayer(config: RelayerConfig, opts: RelayerOptions = {}): Promise<RunningRelayer> {
  const logger = opts.logger ?? createLogger(config.logLevel);
  const clock = opts.clock ?? systemClock;
  const { deployments, contract, client, reader } = await checkChain(config, opts.deployments);

  const index = new ChainIndex({
    client,
    contract,
    deployBlock: deployments.deployBlock,
    reorgDepth: config.indexReorgDepth,
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
  const metrics = createMetrics(index, opts.defaultMetrics ?? true);
  await index.poll(); // initial catch-up before serving
  index.start(config.indexPollMs);

  const audit = await openAudit(config.auditDb);
  const pruned = await audit.applyRetention(config.auditRetentionDays, clock());
  if (pruned) logger.info({ pruned }, "audit retention applied");
  const retention = setInterval(
    () => void audit.applyRetention(config.auditRetentionDays, clock()).catch(() => undefined),
    3_600_000,
  );
  retention.unref();

  const challenges = new ChallengeMemory();
  const pruneChallenges = setInterval(() => challenges.prune(clock()), 10_000);
  pruneChallenges.unref();

  const ctx: RelayerContext = {
    config,
    deployments,
    contract,
    clock,
    logger,
    index,
    reader,
    hasher: createDoorHasher(config.chainId, contract),
    audit,
    metrics,
    lock: opts.lock ?? new HttpLockAdapter(config.lockUrl, config.lockTimeoutMs),
    challenges,
    contractSignatures: new ContractSignatureChecker(reader, {
      concurrency: config.erc1271Concurrency,
      queue: config.erc1271Queue,
      negativeTtlMs: config.erc1271NegativeTtlS * 1000,
    }),
    nonces: new NonceStore(config.siweNonceTtlS, clock, config.sessionSecret, {
      perRequester: config.siweSigninsPerIp,
    }),
    sessions: new SessionCodec(config.sessionSecret),
  };
  const server: Server = createServer(createRequestListener(ctx));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.port, config.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  server.keepAliveTimeout = 65_000;
  const port = (server.address() as AddressInfo).port;
  const url = `http://${config.host.includes(":") ? `[${config.host}]` : config.host}:${port}`;
  logger.info(
    { url, chainId: config.chainId, contract, relayer: config.relayerAddress, tip: index.tip },
    "relayer listening",
  );
  return {
    url,
    port,
    ctx,
    async close() {
      index.stop();
      clearInterval(retention);
      clearInterval(pruneChallenges);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await audit.close();
    },
  };
}
