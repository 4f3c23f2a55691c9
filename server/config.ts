// The relayer's configuration: one zod schema over the environment, with defaults for the embedded
// demo, validated once at start-up. Each field is declared once, with the variable it is read from;
// `RelayerConfig` is the schema's output type. docs/relayer.md's table is checked against it.
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { privateKeyToAddress } from "viem/accounts";
import { DEMO_RELAYER_PRIVATE_KEY, DEMO_SPONSOR_PRIVATE_KEY, isWellKnownDemoAddress } from "./demoKeys.ts";
import { DEPLOYMENTS_DIR } from "../protocol/deployments.ts";
import { ConfigError } from "./errors.ts";
import { isProxyTrustEntry, type ProxyTrust } from "./http/policy.ts";

/** The embedded demo chain, where the demo defaults (public keys, random secrets) are allowed. */
export const LOCAL_CHAIN_ID = 31337;

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

const privateKey = z
  .string()
  .regex(/^0x[0-9a-fA-F]{64}$/, "must be a 0x-prefixed 32-byte hex private key")
  .transform((s) => s as `0x${string}`);
const bool = z
  .enum(["true", "false", "1", "0"], "must be true, false, 1 or 0")
  .transform((s) => s === "true" || s === "1");
const integer = (message: string) => z.coerce.number(message).int(message);
const port = integer("must be a port number, 0 to 65535")
  .min(0, "must be a port number, 0 to 65535")
  .max(65535, "must be a port number, 0 to 65535");
const positiveInt = integer("must be a positive integer").positive("must be a positive integer");
const nonNegativeInt = integer("must be an integer, 0 or more").min(0, "must be an integer, 0 or more");
const withoutTrailingSlash = (s: string) => s.replace(/\/$/, "");
const list = z.string().transform((v) =>
  v
    .split(",")
    .map((x) => withoutTrailingSlash(x.trim()))
    .filter(Boolean),
);
const origins = z
  .string()
  .transform((s) =>
    s
      .split(",")
      .map((o) => o.trim())
      .filter(Boolean),
  )
  .pipe(
    z
      .array(
        z
          .url("must be comma-separated origins such as http://localhost:5173")
          .refine(
            (u) => URL.canParse(u) && new URL(u).origin === u.replace(/\/$/, ""),
            "must be a bare origin, without a path",
          ),
      )
      .min(1, "must name at least one origin"),
  )
  .transform((os) => os.map(withoutTrailingSlash));

/** The environment variable each field is read from. */
const envNames = new WeakMap<z.ZodType, string>();
function env<T extends z.ZodType>(name: string, schema: T): T {
  envNames.set(schema, name);
  return schema;
}

/** Each field, the variable it is read from and its default, before the checks across fields. */
export const configFields = z.object({
  host: env("HOST", z.string().default("127.0.0.1")),
  port: env("PORT", port.default(8787)),
  rpcUrl: env("RPC_URL", z.url("must be a URL").default("http://127.0.0.1:8545")),
  chainId: env("CHAIN_ID", positiveInt.default(LOCAL_CHAIN_ID)),
  deploymentsDir: env("DEPLOYMENTS_DIR", z.string().default(DEPLOYMENTS_DIR)),
  relayerPrivateKey: env("RELAYER_PRIVATE_KEY", privateKey.default(DEMO_RELAYER_PRIVATE_KEY)),
  // Locks are reached through the network's MQTT broker (server/locks/mqttLockAdapter.ts): the
  // venue's door agent connects out to it. mqtts:// in production (a private CA in BROKER_CA_FILE).
  brokerUrl: env(
    "BROKER_URL",
    z
      .url({ protocol: /^mqtts?$/, error: "must be an mqtt:// or mqtts:// URL" })
      .transform(withoutTrailingSlash)
      .default("mqtt://127.0.0.1:1883"),
  ),
  brokerUsername: env("BROKER_USERNAME", z.string().min(1).default("relayer")),
  brokerPassword: env("BROKER_PASSWORD", z.string().min(1).optional()),
  brokerCaFile: env("BROKER_CA_FILE", z.string().min(1).optional()),
  // This relayer's answers arrive on pp/v1/relayer/<id>/res: unique per running relayer.
  relayerInstanceId: env(
    "RELAYER_INSTANCE_ID",
    z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,64}$/, "must be 1 to 64 letters, digits, - or _")
      .default(() => `relayer-${randomBytes(18).toString("hex")}`),
  ),
  lockTimeoutMs: env("LOCK_TIMEOUT_MS", positiveInt.default(2000)),
  dappOrigins: env("DAPP_ORIGIN", origins.default(["http://localhost:5173"])),
  siweDomains: env("SIWE_DOMAIN", list.optional()), // comma-separated; default: the hosts of DAPP_ORIGIN
  siweUriOrigins: env("SIWE_URI_ORIGIN", list.optional()), // comma-separated origins; default: DAPP_ORIGIN
  siweNonceTtlS: env("SIWE_NONCE_TTL_S", positiveInt.default(300)),
  siweSigninsPerIp: env("SIWE_SIGNINS_PER_IP", positiveInt.default(100)),
  siweSigninsPerAddress: env("SIWE_SIGNINS_PER_ADDRESS", positiveInt.default(10)),
  // Random per start by default: sessions then do not survive a restart nor cross relayers.
  sessionSecret: env(
    "SESSION_SECRET",
    z
      .string()
      .min(32, "must be at least 32 characters")
      .default(() => randomBytes(32).toString("hex")),
  ),
  sessionTtlS: env("SESSION_TTL_S", positiveInt.default(86_400)),
  // When set, GET /metrics answers only `Authorization: Bearer <token>`; required off the local chain.
  metricsToken: env("METRICS_TOKEN", z.string().min(16, "must be at least 16 characters").optional()),
  cookieSecure: env("COOKIE_SECURE", bool.default(false)),
  auditDb: env("AUDIT_DB", z.string().default(path.join(REPO_ROOT, "data", "audit.sqlite"))),
  auditRetentionDays: env("AUDIT_RETENTION_DAYS", positiveInt.default(90)),
  // Longest a decision's record may wait for the audit store (a lock held by another process):
  // past it the record is not written and the answer is 503 audit_unavailable.
  auditTimeoutMs: env("AUDIT_TIMEOUT_MS", positiveInt.default(5000)),
  challengeMaxAgeS: env("CHALLENGE_MAX_AGE_S", positiveInt.default(60)),
  clockSkewS: env("CLOCK_SKEW_S", nonNegativeInt.default(30)),
  openCommandTtlS: env("OPEN_COMMAND_TTL_S", positiveInt.default(5)),
  maxDeadlineAheadS: env("MAX_DEADLINE_AHEAD_S", positiveInt.default(600)),
  indexPollMs: env("INDEX_POLL_MS", positiveInt.default(250)),
  // 0: every decision reflects a poll that started after the request arrived (shared by concurrent
  // requests). A positive bound lets the index answer from a view up to that old.
  indexMaxStalenessMs: env("INDEX_MAX_STALENESS_MS", nonNegativeInt.default(0)),
  indexReorgDepth: env("INDEX_REORG_DEPTH", positiveInt.default(128)),
  // The index file (SQLite): the projection, its reorg journal and checkpoint, the used challenges.
  indexDb: env(
    "INDEX_DB",
    z
      .string()
      .min(1, "must be a file path")
      .default(path.join(REPO_ROOT, "data", "index.sqlite")),
  ),
  // Provider limits of the sync's eth_getLogs: a page never spans more blocks, and an answer with
  // this many logs or more is taken as refused (or silently capped) and read again in halves.
  indexMaxBlockRange: env("INDEX_MAX_BLOCK_RANGE", positiveInt.default(2000)),
  indexMaxLogsPerResponse: env("INDEX_MAX_LOGS_PER_RESPONSE", positiveInt.min(2, "must be at least 2").default(10_000)),
  // Retries of the sync's RPC calls answered 429, 5xx, cut off or timed out (exponential backoff
  // from INDEX_RPC_BACKOFF_MS, full jitter, capped at 30 s per wait).
  indexRpcRetries: env("INDEX_RPC_RETRIES", nonNegativeInt.default(8)),
  indexRpcBackoffMs: env("INDEX_RPC_BACKOFF_MS", positiveInt.default(250)),
  rpcTimeoutMs: env("RPC_TIMEOUT_MS", positiveInt.default(2000)),
  // A door says no within a second: the chain part of one decision (index freshness wait, direct
  // reads, contract-wallet check) gets this long, then the answer is chain_unavailable.
  decisionChainBudgetMs: env("DECISION_CHAIN_BUDGET_MS", positiveInt.default(750)),
  // ERC-1271 checks run a signer's own code: capped in gas and time, on their own bounded lane.
  erc1271GasLimit: env("ERC1271_GAS_LIMIT", positiveInt.default(500_000)),
  erc1271TimeoutMs: env("ERC1271_TIMEOUT_MS", positiveInt.default(400)),
  erc1271Concurrency: env("ERC1271_CONCURRENCY", positiveInt.default(2)),
  erc1271Queue: env("ERC1271_QUEUE", nonNegativeInt.default(16)),
  erc1271NegativeTtlS: env("ERC1271_NEGATIVE_TTL_S", positiveInt.default(300)),
  rateLimitIpPerMin: env("RATE_LIMIT_IP_PER_MIN", positiveInt.default(1200)),
  rateLimitAddressPerMin: env("RATE_LIMIT_ADDRESS_PER_MIN", positiveInt.default(60)),
  bodyLimitBytes: env("BODY_LIMIT_BYTES", positiveInt.max(1_000_000, "must be at most 1000000").default(16_384)),
  // Whose X-Forwarded-For is believed: false (none), true (every peer), or the proxies' addresses:
  // a comma-separated list of IPs, CIDR ranges and `loopback` (docs/relayer.md, "Behind a proxy").
  trustProxy: env(
    "TRUST_PROXY",
    z
      .string()
      .default("false")
      .transform((s, ctx): ProxyTrust => {
        if (["true", "1"].includes(s)) return true;
        if (["false", "0"].includes(s)) return false;
        const entries = s
          .split(",")
          .map((e) => e.trim())
          .filter(Boolean);
        const bad = entries.find((e) => !isProxyTrustEntry(e));
        if (bad !== undefined || entries.length === 0) {
          ctx.addIssue({
            code: "custom",
            message: `must be true, false, or a comma-separated list of proxy addresses, CIDR ranges and loopback${bad === undefined ? "" : ` (not one: ${bad})`}`,
          });
          return z.NEVER;
        }
        return entries;
      }),
  ),
  logLevel: env(
    "LOG_LEVEL",
    z
      .enum(
        ["fatal", "error", "warn", "info", "debug", "trace", "silent"],
        "must be one of fatal, error, warn, info, debug, trace, silent",
      )
      .default("info"),
  ),
  // Gasless calls (server/sponsor, docs/gasless.md). The sponsor's key: on the local chain the demo
  // key by default; elsewhere unset means no sponsor. Fees in the smallest unit of SPONSOR_CURRENCY
  // (default the deployments' TestCAD); 0 means the network sponsors that call.
  sponsorPrivateKey: env("SPONSOR_PRIVATE_KEY", privateKey.optional()),
  sponsorCurrency: env(
    "SPONSOR_CURRENCY",
    z
      .string()
      .regex(/^0x[0-9a-fA-F]{40}$/, "must be a token address")
      .transform((s) => s as `0x${string}`)
      .optional(),
  ),
  sponsorBookFee: env("SPONSOR_BOOK_FEE", nonNegativeInt.default(250_000)),
  sponsorCancelFee: env("SPONSOR_CANCEL_FEE", nonNegativeInt.default(250_000)),
  sponsorMaxCallGas: env("SPONSOR_MAX_CALL_GAS", positiveInt.default(400_000)),
  sponsorRatePerHour: env("SPONSOR_RATE_PER_MEMBER_PER_HOUR", positiveInt.default(20)),
  sponsorGasBudget: env("SPONSOR_GAS_BUDGET_PER_DAY", positiveInt.default(50_000_000)),
  // One member's fair share of the day's budget, in basis points (500: 5 %, about a dozen bookings).
  sponsorMemberShareBps: env(
    "SPONSOR_MEMBER_SHARE_BPS",
    positiveInt.max(10_000, "must be at most 10000 (100 %)").default(500),
  ),
  // Free calls (lending; everything when the fees are 0) per pass and per member per day.
  sponsorFreeCallsPerPass: env("SPONSOR_FREE_CALLS_PER_PASS_PER_DAY", positiveInt.default(10)),
  sponsorFreeCallsPerMember: env("SPONSOR_FREE_CALLS_PER_MEMBER_PER_DAY", positiveInt.default(30)),
  // The sponsor's store (lease, budget, limits): a SQLite file, or postgres://… for a fleet on
  // several hosts; default: sponsor.sqlite beside a file AUDIT_DB, or AUDIT_DB's PostgreSQL.
  sponsorDb: env("SPONSOR_DB", z.string().min(1, "must be a file path or a postgres:// URL").optional()),
  // Offline door passes (docs/door-protocol.md §7): the longest a DoorPass lives where the venue's
  // operator has not set it on chain (setDoorPassMaxHours; 1–24 h: a pass cancelled during an
  // outage can open until its DoorPass ends), where serials and revocations live (shared by a
  // fleet), and how long a venue's status list waits to gather revocations before it is republished.
  doorPassMaxHours: env("DOOR_PASS_MAX_HOURS", positiveInt.max(24, "must be 1 to 24 (hours)").default(24)),
  doorPassDb: env("DOOR_PASS_DB", z.string().min(1, "must be a file path or a postgres:// URL").optional()),
  statusListDebounceMs: env("STATUS_LIST_DEBOUNCE_MS", nonNegativeInt.max(200, "must be at most 200 (ms)").default(50)),
  statusListRepublishS: env(
    "STATUS_LIST_REPUBLISH_S",
    positiveInt.max(3600, "must be 1 to 3600 (seconds): a restarted broker is without lists until then").default(300),
  ),
});

/** The configuration schema: the fields above, checked together, plus what derives from them. */
export const configSchema = configFields
  .superRefine((c, ctx) => {
    // An open command must be dead when the relayer stops waiting for the lock, or a slow lock
    // could open the door after the member was told it would not: see `openCommandTtlS` below.
    if (Math.floor(c.lockTimeoutMs / 1000) - 1 < 1) {
      ctx.addIssue({
        code: "custom",
        path: ["lockTimeoutMs"],
        message:
          "must be at least 2000 (an open command lives whole seconds and must expire before the relayer stops waiting for the lock)",
      });
    }
  })
  .transform((c) => ({
    ...c,
    relayerAddress: privateKeyToAddress(c.relayerPrivateKey),
    siweDomains: c.siweDomains ?? c.dappOrigins.map((o) => new URL(o).host),
    siweUriOrigins: c.siweUriOrigins ?? c.dappOrigins.map((o) => new URL(o).origin),
    // It expires at the end of second `now + ttl` (the lock accepts while its clock ≤ expires), and
    // the wait lasts at least LOCK_TIMEOUT_MS from the decision second: ttl ≤ ⌊LOCK_TIMEOUT_MS / 1000⌋ − 1.
    openCommandTtlS: Math.min(c.openCommandTtlS, Math.floor(c.lockTimeoutMs / 1000) - 1),
    sponsorPrivateKey: c.sponsorPrivateKey ?? (c.chainId === LOCAL_CHAIN_ID ? DEMO_SPONSOR_PRIVATE_KEY : undefined),
    sponsorDb:
      c.sponsorDb ??
      (/^postgres(ql)?:\/\//.test(c.auditDb) || c.auditDb === ":memory:"
        ? c.auditDb
        : path.join(path.dirname(c.auditDb), "sponsor.sqlite")),
    doorPassDb:
      c.doorPassDb ??
      (/^postgres(ql)?:\/\//.test(c.auditDb) || c.auditDb === ":memory:"
        ? c.auditDb
        : path.join(path.dirname(c.auditDb), "door-passes.sqlite")),
  }));

export type RelayerConfig = z.infer<typeof configSchema>;

/** Environment variable of each configuration field, in declaration order. */
export const CONFIG_ENV: Readonly<Record<keyof typeof configFields.shape, string>> = Object.fromEntries(
  Object.entries(configFields.shape).map(([key, schema]) => [key, envNames.get(schema)]),
) as Record<keyof typeof configFields.shape, string>;

/**
 * Off the local chain, what must be given rather than defaulted, and what must not be a demo value.
 * Each refusal is one line naming the variable; the message never echoes a secret.
 */
function productionRefusal(c: RelayerConfig, given: (name: string) => boolean): string | null {
  const on = `on chain ${c.chainId}`;
  if (!given("RELAYER_PRIVATE_KEY"))
    return `RELAYER_PRIVATE_KEY: must be set ${on} (the default is the public demo key)`;
  if (isWellKnownDemoAddress(c.relayerAddress))
    return `RELAYER_PRIVATE_KEY: is a well-known demo key (Hardhat's test mnemonic), anyone can sign with it: use a key of your own ${on}`;
  if (!given("SESSION_SECRET"))
    return `SESSION_SECRET: must be set ${on}, the same on every relayer (a random one per start breaks sessions across relayers and restarts)`;
  if (!given("DAPP_ORIGIN"))
    return `DAPP_ORIGIN: must be set ${on} to the origin the dApp is served from (the default is the local dev server)`;
  if (!c.metricsToken) return `METRICS_TOKEN: must be set ${on} (/metrics would be open to anyone)`;
  if (!c.brokerUrl.startsWith("mqtts://"))
    return `BROKER_URL: must be an mqtts:// URL ${on} (open commands would cross the internet in clear)`;
  if (!c.brokerPassword) return `BROKER_PASSWORD: must be set ${on} (the broker refuses anonymous clients)`;
  if (c.sponsorPrivateKey && isWellKnownDemoAddress(privateKeyToAddress(c.sponsorPrivateKey)))
    return `SPONSOR_PRIVATE_KEY: is a well-known demo key, anyone could spend the sponsor's ETH: use a key of your own ${on}`;
  return null;
}

/**
 * Reads `NAME` or, for container secrets, the file named by `NAME_FILE` (its content, without the
 * final newline). Both set is refused: which one wins would be a guess.
 */
function readVariable(environment: Record<string, string | undefined>, name: string): string | undefined {
  const direct = environment[name];
  const file = environment[`${name}_FILE`];
  const hasDirect = direct !== undefined && direct !== ""; // empty means unset: the default applies
  if (file === undefined || file === "") return hasDirect ? direct : undefined;
  if (hasDirect) throw new ConfigError(`invalid configuration: ${name} and ${name}_FILE are both set: give one`);
  try {
    return readFileSync(file, "utf8").replace(/\r?\n$/, "");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? "unreadable";
    throw new ConfigError(`invalid configuration: ${name}_FILE: cannot read ${file} (${code})`);
  }
}

/** Parses the environment; throws a ConfigError whose message is one line naming the bad variable. */
export function loadConfig(environment: Record<string, string | undefined> = process.env): RelayerConfig {
  const picked: Record<string, string> = {};
  for (const [key, name] of Object.entries(CONFIG_ENV)) {
    const v = readVariable(environment, name);
    if (v !== undefined && v !== "") picked[key] = v;
  }
  const parsed = configSchema.safeParse(picked);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue.path[0] as keyof typeof CONFIG_ENV | undefined;
    const name = (field && CONFIG_ENV[field]) ?? "env";
    throw new ConfigError(`invalid configuration: ${name}: ${issue.message.split("\n")[0]}`);
  }
  if (parsed.data.chainId !== LOCAL_CHAIN_ID) {
    const givenNames = new Set(Object.keys(picked).map((k) => CONFIG_ENV[k as keyof typeof CONFIG_ENV]));
    const refusal = productionRefusal(parsed.data, (n) => givenNames.has(n));
    if (refusal) throw new ConfigError(`refusing to start: ${refusal}`);
  }
  return parsed.data;
}
