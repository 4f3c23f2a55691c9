// The relayer's configuration: environment variables with defaults for the embedded demo,
// validated once at start-up. Every other module receives a typed `RelayerConfig`.
import { randomBytes } from "node:crypto";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { privateKeyToAddress } from "viem/accounts";
import { DEMO_RELAYER_PRIVATE_KEY } from "./demoKeys.ts";
import { DEPLOYMENTS_DIR } from "../protocol/deployments.ts";
import { ConfigError } from "./errors.ts";

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

const privateKey = z
  .string()
  .regex(/^0x[0-9a-fA-F]{64}$/, "must be a 0x-prefixed 32-byte hex private key")
  .transform((s) => s as `0x${string}`);
const bool = z.enum(["true", "false", "1", "0"]).transform((s) => s === "true" || s === "1");
const port = z.coerce.number().int().min(0).max(65535);
const positiveInt = z.coerce.number().int().positive();
const origins = z
  .string()
  .transform((s) => s.split(",").map((o) => o.trim()).filter(Boolean))
  .pipe(z.array(z.url().refine((u) => URL.canParse(u) && new URL(u).origin === u.replace(/\/$/, ""), "must be a bare origin")).min(1));

const envSchema = z.object({
  HOST: z.string().default("127.0.0.1"),
  PORT: port.default(8787),
  RPC_URL: z.url().default("http://127.0.0.1:8545"),
  CHAIN_ID: positiveInt.default(31337),
  DEPLOYMENTS_DIR: z.string().default(DEPLOYMENTS_DIR),
  RELAYER_PRIVATE_KEY: privateKey.default(DEMO_RELAYER_PRIVATE_KEY),
  // The HTTP lock adapter speaks http and https (node:http / node:https, same timeouts).
  LOCK_URL: z.url({ protocol: /^https?$/, error: "must be an http:// or https:// URL" }).default("http://127.0.0.1:8600"),
  LOCK_TIMEOUT_MS: positiveInt.default(2000),
  DAPP_ORIGIN: origins.default(["http://localhost:5173"]),
  SIWE_DOMAIN: z.string().optional(), // comma-separated; default: the hosts of DAPP_ORIGIN
  SIWE_URI_ORIGIN: z.string().optional(), // comma-separated origins; default: DAPP_ORIGIN
  SIWE_NONCE_TTL_S: positiveInt.default(300),
  SIWE_SIGNINS_PER_IP: positiveInt.default(100),
  SESSION_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
  SESSION_TTL_S: positiveInt.default(86_400),
  COOKIE_SECURE: bool.default(false),
  AUDIT_DB: z.string().default(path.join(REPO_ROOT, "data", "audit.sqlite")),
  AUDIT_RETENTION_DAYS: positiveInt.default(90),
  CHALLENGE_MAX_AGE_S: positiveInt.default(60),
  CLOCK_SKEW_S: z.coerce.number().int().min(0).default(30),
  OPEN_COMMAND_TTL_S: positiveInt.default(5),
  MAX_DEADLINE_AHEAD_S: positiveInt.default(600),
  INDEX_POLL_MS: positiveInt.default(250),
  // 0: every decision reflects a poll that started after the request arrived (shared by concurrent
  // requests). A positive bound lets the index answer from a view up to that old.
  INDEX_MAX_STALENESS_MS: z.coerce.number().int().min(0).default(0),
  INDEX_REORG_DEPTH: positiveInt.default(128),
  RPC_TIMEOUT_MS: positiveInt.default(2000),
  // A door says no within a second: the chain part of one decision (index freshness wait, direct
  // reads, contract-wallet check) gets this long, then the answer is chain_unavailable.
  DECISION_CHAIN_BUDGET_MS: positiveInt.default(750),
  // ERC-1271 checks run a signer's own code: capped in gas and time, on their own bounded lane.
  ERC1271_GAS_LIMIT: positiveInt.default(500_000),
  ERC1271_TIMEOUT_MS: positiveInt.default(400),
  ERC1271_CONCURRENCY: positiveInt.default(2),
  ERC1271_QUEUE: z.coerce.number().int().min(0).default(16),
  ERC1271_NEGATIVE_TTL_S: positiveInt.default(300),
  RATE_LIMIT_IP_PER_MIN: positiveInt.default(1200),
  RATE_LIMIT_ADDRESS_PER_MIN: positiveInt.default(60),
  BODY_LIMIT_BYTES: positiveInt.max(1_000_000).default(16_384),
  TRUST_PROXY: bool.default(false),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
});

export type RelayerConfig = {
  host: string;
  port: number;
  rpcUrl: string;
  chainId: number;
  deploymentsDir: string;
  relayerPrivateKey: `0x${string}`;
  relayerAddress: `0x${string}`;
  lockUrl: string;
  lockTimeoutMs: number;
  dappOrigins: string[];
  siweDomains: string[];
  siweUriOrigins: string[];
  siweNonceTtlS: number;
  siweSigninsPerIp: number;
  sessionSecret: string;
  sessionTtlS: number;
  cookieSecure: boolean;
  auditDb: string;
  auditRetentionDays: number;
  challengeMaxAgeS: number;
  clockSkewS: number;
  openCommandTtlS: number;
  maxDeadlineAheadS: number;
  indexPollMs: number;
  indexMaxStalenessMs: number;
  indexReorgDepth: number;
  rpcTimeoutMs: number;
  decisionChainBudgetMs: number;
  erc1271GasLimit: number;
  erc1271TimeoutMs: number;
  erc1271Concurrency: number;
  erc1271Queue: number;
  erc1271NegativeTtlS: number;
  rateLimitIpPerMin: number;
  rateLimitAddressPerMin: number;
  bodyLimitBytes: number;
  trustProxy: boolean;
  logLevel: string;
};

/** Parses the environment; throws a ConfigError whose message is one line naming the bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): RelayerConfig {
  const picked: Record<string, string> = {};
  for (const key of Object.keys(envSchema.shape)) {
    const v = env[key];
    if (v !== undefined && v !== "") picked[key] = v;
  }
  const parsed = envSchema.safeParse(picked);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(`invalid configuration: ${issue.path.join(".") || "env"}: ${issue.message}`);
  }
  const e = parsed.data;
  // An open command must be dead when the relayer stops waiting for the lock, or a slow lock could
  // open the door after the member was told it would not. It expires at the end of second
  // `now + ttl` (the lock accepts while its clock ≤ expires), and the wait lasts at least
  // LOCK_TIMEOUT_MS from the decision second, so ttl ≤ ⌊LOCK_TIMEOUT_MS / 1000⌋ − 1.
  const lockWaitTtlS = Math.floor(e.LOCK_TIMEOUT_MS / 1000) - 1;
  if (lockWaitTtlS < 1) throw new ConfigError("invalid configuration: LOCK_TIMEOUT_MS: must be at least 2000 (an open command lives whole seconds and must expire before the relayer stops waiting for the lock)");
  const list = (v: string) => v.split(",").map((x) => x.trim().replace(/\/$/, "")).filter(Boolean);
  return {
    host: e.HOST,
    port: e.PORT,
    rpcUrl: e.RPC_URL,
    chainId: e.CHAIN_ID,
    deploymentsDir: e.DEPLOYMENTS_DIR,
    relayerPrivateKey: e.RELAYER_PRIVATE_KEY,
    relayerAddress: privateKeyToAddress(e.RELAYER_PRIVATE_KEY),
    lockUrl: e.LOCK_URL.replace(/\/$/, ""),
    lockTimeoutMs: e.LOCK_TIMEOUT_MS,
    dappOrigins: e.DAPP_ORIGIN.map((o) => o.replace(/\/$/, "")),
    siweDomains: e.SIWE_DOMAIN ? list(e.SIWE_DOMAIN) : e.DAPP_ORIGIN.map((o) => new URL(o).host),
    siweUriOrigins: e.SIWE_URI_ORIGIN ? list(e.SIWE_URI_ORIGIN) : e.DAPP_ORIGIN.map((o) => new URL(o).origin),
    siweNonceTtlS: e.SIWE_NONCE_TTL_S,
    siweSigninsPerIp: e.SIWE_SIGNINS_PER_IP,
    sessionSecret: e.SESSION_SECRET ?? randomBytes(32).toString("hex"),
    sessionTtlS: e.SESSION_TTL_S,
    cookieSecure: e.COOKIE_SECURE,
    auditDb: e.AUDIT_DB,
    auditRetentionDays: e.AUDIT_RETENTION_DAYS,
    challengeMaxAgeS: e.CHALLENGE_MAX_AGE_S,
    clockSkewS: e.CLOCK_SKEW_S,
    openCommandTtlS: Math.min(e.OPEN_COMMAND_TTL_S, lockWaitTtlS),
    maxDeadlineAheadS: e.MAX_DEADLINE_AHEAD_S,
    indexPollMs: e.INDEX_POLL_MS,
    indexMaxStalenessMs: e.INDEX_MAX_STALENESS_MS,
    indexReorgDepth: e.INDEX_REORG_DEPTH,
    rpcTimeoutMs: e.RPC_TIMEOUT_MS,
    decisionChainBudgetMs: e.DECISION_CHAIN_BUDGET_MS,
    erc1271GasLimit: e.ERC1271_GAS_LIMIT,
    erc1271TimeoutMs: e.ERC1271_TIMEOUT_MS,
    erc1271Concurrency: e.ERC1271_CONCURRENCY,
    erc1271Queue: e.ERC1271_QUEUE,
    erc1271NegativeTtlS: e.ERC1271_NEGATIVE_TTL_S,
    rateLimitIpPerMin: e.RATE_LIMIT_IP_PER_MIN,
    rateLimitAddressPerMin: e.RATE_LIMIT_ADDRESS_PER_MIN,
    bodyLimitBytes: e.BODY_LIMIT_BYTES,
    trustProxy: e.TRUST_PROXY,
    logLevel: e.LOG_LEVEL,
  };
}
