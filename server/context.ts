// Everything a route needs, built once at the relayer's start-up (server/relayer.ts): routers use
// these services, they never build one.
import type { Clock } from "./clock.ts";
import type { RelayerConfig } from "./config.ts";
import type { Logger } from "./logger.ts";
import type { ChainIndex } from "./index/chainIndex.ts";
import type { ChainReader } from "./index/chain.ts";
import type { DoorHasher, Hex } from "./door/doorCrypto.ts";
import type { AuditStore } from "./audit/auditLog.ts";
import type { DoorLogStore } from "./audit/doorLogStore.ts";
import type { RelayerMetrics } from "./metrics.ts";
import type { LockAdapter } from "./locks/lockAdapter.ts";
import type { ChallengeMemory } from "./door/verifyUnlockRequest.ts";
import type { ContractSignatureChecker } from "./door/contractSignatures.ts";
import type { NonceStore } from "./http/siwe.ts";
import type { SessionCodec } from "./http/session.ts";
import type { Deployments } from "../protocol/deployments.ts";
import type { Sponsor } from "./sponsor/sponsor.ts";
import type { ReceiptsService } from "./receipts/receiptsService.ts";
import type { DoorStatusBoard } from "./locks/doorStatusBoard.ts";
import type { DoorPassIssuer } from "./door/issueDoorPass.ts";
import type { StatusListPublisher } from "./door/statusListPublisher.ts";

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
  audit: AuditStore;
  /** Door agents' uploaded logs, beside the audit trail (same AUDIT_DB). */
  doorLog: DoorLogStore;
  metrics: RelayerMetrics;
  lock: LockAdapter;
  /** The doors' live status heard on the broker (empty, "unknown", with an in-process lock). */
  doorStatus: DoorStatusBoard;
  challenges: ChallengeMemory;
  contractSignatures: ContractSignatureChecker;
  nonces: NonceStore;
  sessions: SessionCodec;
  /** Gasless calls: null when this relayer sponsors none (no key, or no forwarder deployed). */
  sponsor: Sponsor | null;
  /** Receipts and credit notes derived from the index's ledger. */
  receipts: ReceiptsService;
  /** Offline DoorPasses and the venues' revocation lists (null: a test built the context without them). */
  doorPasses: { issuer: DoorPassIssuer; statusLists: StatusListPublisher } | null;
};
