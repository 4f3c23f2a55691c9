// Prometheus metrics (one registry per relayer instance, so tests can run several).
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { ChainIndex } from "./index/chainIndex.ts";

export type RelayerMetrics = {
  registry: Registry;
  decisions: Counter<"result" | "reason">;
  decisionSeconds: Histogram<"result">;
  phaseSeconds: Histogram<"phase">;
  lockDeliveries: Counter<"status">;
  reorgs: Counter;
  /** Logs an RPC answered for other addresses than the protocol's: dropped by the sync. */
  foreignLogs: Counter;
  /** Sync RPC calls retried after a 429, 5xx, cut-off answer or timeout. */
  rpcRetries: Counter<"method">;
  /** eth_getLogs pages refused for their size (or at the logs-per-answer limit) and read again halved. */
  rangeRefusals: Counter;
  /** Door agents' log records stored, and uploaded batches refused by status (fork, invalid, gap). */
  doorLogRecords: Counter;
  doorLogRefusals: Counter<"status">;
  /** Adds the gauges read from the event index (lag, last sync, polls, tip). */
  watchIndex(index: ChainIndex): void;
};

export function createMetrics(withDefaults = true): RelayerMetrics {
  const registry = new Registry();
  if (withDefaults) collectDefaultMetrics({ register: registry });
  const decisions = new Counter({
    name: "relayer_decisions_total",
    help: "Door decisions by result and reason",
    labelNames: ["result", "reason"],
    registers: [registry],
  });
  const decisionSeconds = new Histogram({
    name: "relayer_decision_seconds",
    help: "Time from request to answer for door decisions",
    labelNames: ["result"],
    buckets: [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const phaseSeconds = new Histogram({
    name: "relayer_decision_phase_seconds",
    help: "Time spent in each phase of a door decision (index freshness wait, audit commit, lock delivery)",
    labelNames: ["phase"],
    buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1],
    registers: [registry],
  });
  const lockDeliveries = new Counter({
    name: "relayer_lock_deliveries_total",
    help: "Open commands pushed to locks by outcome",
    labelNames: ["status"],
    registers: [registry],
  });
  const reorgs = new Counter({
    name: "relayer_index_reorgs_total",
    help: "Reorgs handled by the event index",
    registers: [registry],
  });
  const foreignLogs = new Counter({
    name: "relayer_index_foreign_logs_total",
    help: "Logs from other addresses than the protocol's in RPC answers, ignored by the index",
    registers: [registry],
  });
  const rpcRetries = new Counter({
    name: "relayer_index_rpc_retries_total",
    help: "Index sync RPC calls retried after 429, 5xx, a cut-off answer or a timeout",
    labelNames: ["method"],
    registers: [registry],
  });
  const rangeRefusals = new Counter({
    name: "relayer_index_range_refusals_total",
    help: "eth_getLogs pages refused by the provider for their size (or at the logs limit), read again halved",
    registers: [registry],
  });
  const doorLogRecords = new Counter({
    name: "relayer_door_log_records_total",
    help: "Door agents' log records checked and stored",
    registers: [registry],
  });
  const doorLogRefusals = new Counter({
    name: "relayer_door_log_refusals_total",
    help: "Door log uploads refused: fork (another history at a sequence), invalid (hash, door or signature), gap",
    labelNames: ["status"],
    registers: [registry],
  });
  const watchIndex = (index: ChainIndex) => indexGauges(registry, index);
  return {
    registry,
    decisions,
    decisionSeconds,
    phaseSeconds,
    lockDeliveries,
    reorgs,
    foreignLogs,
    rpcRetries,
    rangeRefusals,
    doorLogRecords,
    doorLogRefusals,
    watchIndex,
  };
}

function indexGauges(registry: Registry, index: ChainIndex): void {
  new Gauge({
    name: "relayer_index_lag_blocks",
    help: "Blocks between the chain head and the index tip",
    registers: [registry],
    collect() {
      const lag = index.lagBlocks();
      this.set(Number.isFinite(lag) ? lag : -1);
    },
  });
  new Gauge({
    name: "relayer_index_last_sync_age_seconds",
    help: "Seconds since the index last reached the head",
    registers: [registry],
    collect() {
      this.set(index.lastOkAt ? (Date.now() - index.lastOkAt) / 1000 : -1);
    },
  });
  new Gauge({
    name: "relayer_index_polls",
    help: "Index polls started since start (shared by all waiting decisions)",
    registers: [registry],
    collect() {
      this.set(index.polls);
    },
  });
  new Gauge({
    name: "relayer_index_tip_block",
    help: "Last block applied by the index",
    registers: [registry],
    collect() {
      this.set(index.tip);
    },
  });
}
