// Everything a route needs, built once by createRelayer().
import type { Clock } from "./clock.ts";
import type { RelayerConfig } from "./config.ts";
import type { Logger } from "./logger.ts";
import type { ChainIndex } from "./chainIndex.ts";
import type { ChainReader } from "./chain.ts";
import type { DoorHasher, Hex } from "./doorCrypto.ts";
import type { AuditLog } from "./auditLog.ts";
import type { RelayerMetrics } from "./metrics.ts";
import type { LockAdapter } from "./lockAdapter.ts";
import type { ChallengeMemory } from "./verifyUnlockRequest.ts";
import type { ContractSignatureChecker } from "./contractSignatures.ts";
import type { NonceStore } from "./siwe.ts";
import type { SessionCodec } from "./session.ts";
import type { Deployments } from "../protocol/deployments.ts";

export type RelayerContext = {
  config: RelayerConfig;
  /** The deployments file the relayer started with (served by GET /api/network). */
  deployments: Deployments;
  contract: Hex;
  clock: Clock;
  logger: Logger;
  index: ChainIndex;
  reader: ChainReader;
  hasher: DoorHasher;
  audit: AuditLog;
  metrics: RelayerMetrics;
  lock: LockAdapter;
  challenges: ChallengeMemory;
  contractSignatures: ContractSignatureChecker;
  nonces: NonceStore;
  sessions: SessionCodec;
};
