// The agent's configuration file (JSON), checked whole at start: a bad file stops the agent with
// one line naming the field. Secrets (lock keys, broker password, driver passwords) may be given as
// `…File` paths instead, kept out of the config (systemd's LoadCredential, chmod 600 files).
import { readFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { isTopicId } from "../../protocol/doorMqtt.ts";
import { MIN_CLOCK } from "./offline/minClock.ts";

const hex32 = z.string().regex(/^0x[0-9a-fA-F]{64}$/, "must be 0x and 64 hex digits");
const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, "must be an address");
const optionalString = z.string().min(1).optional();

const driverSchema = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("simulator"),
    latencyMs: z.number().int().min(0).max(60_000).optional(),
  }),
  z.object({
    type: z.literal("shelly"),
    url: z.url(),
    switchId: z.number().int().min(0).max(15).default(0),
    username: z.string().default("admin"),
    /** Input wired to a door contact (reed switch), if any. */
    contactInputId: z.number().int().min(0).max(15).optional(),
    password: optionalString,
    passwordFile: optionalString,
  }),
  z.object({
    type: z.literal("nuki"),
    url: z.url(),
    nukiId: z.number().int().min(0),
    deviceType: z.number().int().min(0).max(10).default(0),
    action: z.number().int().min(1).max(7).default(3),
    token: optionalString,
    tokenFile: optionalString,
  }),
  z.object({
    type: z.literal("command"),
    /** Executable and arguments; `{seconds}` and `{door}` are replaced. No shell. */
    open: z.array(z.string().min(1)).min(1),
    /** Optional: prints one of locked/unlocked/open/jammed (and optionally " contact=open|closed"). */
    status: z.array(z.string().min(1)).min(1).optional(),
  }),
]);

const doorSchema = z.object({
  id: z.number().int().min(0).max(0xffffffff),
  pulseSeconds: z.number().int().min(1).max(60).default(5),
  driver: driverSchema,
  lockKey: hex32.optional(),
  lockKeyFile: optionalString,
  /** What the door screen shows as its title (else "Door #id"). */
  name: z.string().min(1).max(60).optional(),
});

/** The door screen on the LAN (agent/src/screen/doorScreen.ts); off when absent. */
const screenSchema = z.object({
  port: z.number().int().min(0).max(65535),
  host: z.string().min(1).default("0.0.0.0"),
  /** The dApp's public URL, which the QR codes open. */
  dappUrl: z.url({ protocol: /^https?$/ }),
  /** A new code every … seconds; under the relayer's challenge age limit (60 s) with room to scan. */
  rotateSeconds: z.number().int().min(2).max(30).default(10),
});

/** Offline doors (docs/door-agent.md, "When the internet is down"): absent, scanned codes are not read. */
const offlineSchema = z.object({
  /** Seconds the broker connection must have been down before scanned codes open doors. */
  afterS: z.number().int().min(0).max(3600).default(30),
  /** 30-second slots of tolerance between the phone's clock and the agent's, either side. */
  skewSlots: z.number().int().min(0).max(4).default(1),
  /** Folder of the cached trusted relayer set and the newest status list (kept across restarts). */
  stateDir: z.string().min(1),
  /** Oldest trusted relayer set used offline, seconds since it was read from the chain. */
  trustMaxAgeS: z
    .number()
    .int()
    .min(3600)
    .max(30 * 86_400)
    .default(7 * 86_400),
  trustRefreshS: z.number().int().min(10).max(86_400).default(600),
  /** First block searched for the venue's RelayerTrustSet events (the deployment's block). */
  trustFromBlock: z.number().int().min(0).default(0),
  /** Blocks per eth_getLogs of that search (halved when the provider refuses a range). */
  trustChunkBlocks: z.number().int().min(1).max(1_000_000).default(5000),
  /** Unix seconds before which the clock is taken as unset (default: this release's date). */
  minClock: z.number().int().min(0).default(MIN_CLOCK),
  /** One line-oriented input per scanner, at one door each. */
  scanners: z
    .array(
      z.object({
        door: z.number().int().min(0).max(0xffffffff),
        path: z.string().min(1),
        /** "lines": a serial scanner or FIFO (text); "evdev": a keyboard-mode scanner's /dev/input/eventN. */
        format: z.enum(["lines", "evdev"]).default("lines"),
      }),
    )
    .max(256)
    .default([]),
});

export const agentConfigSchema = z
  .object({
    agentId: z.string().refine(isTopicId, "letters, digits, - and _ only (1–64)"),
    venue: z.number().int().min(0).max(0xffffffff),
    chain: z.object({
      rpcUrl: z.url(),
      chainId: z.number().int().positive(),
      contract: address,
      trustCacheMs: z.number().int().min(0).default(5000),
    }),
    broker: z.object({
      url: z.string().regex(/^(mqtts?|wss?):\/\//, "must be mqtt://, mqtts://, ws:// or wss://"),
      username: optionalString,
      caFile: optionalString,
      password: optionalString,
      passwordFile: optionalString,
    }),
    doors: z.array(doorSchema).min(1).max(256),
    /** The agent's own lock key, for every door without lockKey/lockKeyFile; made on first start. */
    lockKeyFile: optionalString,
    screen: screenSchema.optional(),
    challengeTtlS: z.number().int().min(10).max(3600).default(120),
    driverBudgetMs: z.number().int().min(100).max(30_000).default(3000),
    statusIntervalMs: z.number().int().min(0).default(60_000),
    logLevel: z.enum(["debug", "info", "warn", "error"]).default("info"),
    /** The door log (agent/src/doorLog.ts): a SQLite file, relative to the config file's folder;
     * `door-log-<agentId>.sqlite` by default (agents sharing a folder never share a log). */
    doorLog: z
      .object({
        file: z.string().min(1).optional(),
        /** Records acknowledged by a relayer are deleted after this many days. */
        keepAckedDays: z.number().int().min(0).max(3650).default(30),
        uploadBatch: z.number().int().min(1).max(100).default(100),
        ackTimeoutMs: z.number().int().min(100).max(120_000).default(5000),
      })
      .prefault({}),
    offline: offlineSchema.optional(),
  })
  .refine((c) => (c.offline?.scanners ?? []).every((s) => c.doors.some((d) => d.id === s.door)), {
    path: ["offline", "scanners"],
    message: "every scanner's door must be one of doors",
  });

export type AgentConfig = z.infer<typeof agentConfigSchema>;
export type DriverConfig = z.infer<typeof driverSchema>;

/** Reads and checks a config file; throws an Error with one line naming the problem. */
export function loadAgentConfig(file: string): AgentConfig & { dir: string } {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new Error(`cannot read the config file ${file}: ${(err as Error).message}`);
  }
  const parsed = agentConfigSchema.safeParse(json);
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    throw new Error(`invalid agent configuration: ${i.path.join(".") || "(root)"}: ${i.message}`);
  }
  return { ...parsed.data, dir: path.dirname(path.resolve(file)) };
}

/** A secret given inline or as `…File` (relative to the config file's folder), without its final newline. */
export function readSecret(o: object, name: string, dir: string): string | undefined {
  const r = o as Record<string, unknown>;
  const inline = r[name];
  const fileName = r[`${name}File`];
  if (inline !== undefined && fileName !== undefined) throw new Error(`give ${name} or ${name}File, not both`);
  if (typeof inline === "string") return inline;
  if (typeof fileName !== "string") return undefined;
  return readFileSync(path.resolve(dir, fileName), "utf8").replace(/\r?\n$/, "");
}
