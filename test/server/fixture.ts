// Shared set-up for the relayer's integration tests: a real hardhat node with the real contracts,
// a small venue (street door 1 admits everything, room door 2 admits only the meeting room),
// an in-process lock simulator, and a relayer whose clock the test controls.
import { readFileSync } from "node:fs";
import path from "node:path";
import {
  createPublicClient,
  createWalletClient,
  decodeEventLog,
  encodeFunctionData,
  http,
  isHex,
  parseEventLogs,
  type ContractFunctionArgs,
  type ContractFunctionName,
  type ContractFunctionReturnType,
  type Log,
} from "viem";
import { z } from "zod";
import { privateKeyToAccount, generatePrivateKey } from "viem/accounts";
import { startLocalChain, rpcCall, ROOT, type LocalChain, type Account } from "../helpers/localChain.ts";
import { tempDir } from "../helpers/tempDirs.ts";
import { loadConfig } from "../../server/config.ts";
import { startRelayer, type RunningRelayer } from "../../server/relayer.ts";
import { LockSimulator } from "../../server/locks/lockSimulator.ts";
import { InProcessLockAdapter, type LockAdapter } from "../../server/locks/lockAdapter.ts";
import { createChainClient, createChainReader } from "../../server/index/chain.ts";
import { demoLockKey, demoLockAddress, DEMO_RELAYER_PRIVATE_KEY } from "../../server/demoKeys.ts";
import type { Challenge } from "../../protocol/eip712.ts";
import { mockErc1271WalletAbi, passepartoutAbi, testCadAbi } from "../../protocol/abis.ts";
import type { Hex, PassepartoutAbi, PassepartoutCall } from "../../protocol/types.ts";
import { createDoorHasher, toHex } from "../../server/door/doorCrypto.ts";
import { fetchChallenge, requestUnlock, signUnlockRequest, type UnlockAnswer } from "../../scripts/lib/doorClient.ts";

export const HOUR = 3600;
export const ANY_UNIT = 65535;
export const ZERO_ADDRESS = "0x0000000000000000000000000000000000000000" as const;

export type Clock = { now: number; fn: () => number };

export function makeClock(start: number): Clock {
  const c: Clock = { now: start, fn: () => c.now };
  return c;
}

type ViewName = ContractFunctionName<PassepartoutAbi, "view" | "pure">;

export type Protocol = {
  chain: LocalChain;
  address: Hex;
  abi: PassepartoutAbi;
  write(from: Account, call: PassepartoutCall, value?: bigint): Promise<{ blockNumber: bigint; logs: Log[] }>;
  read<const F extends ViewName>(
    functionName: F,
    args: ContractFunctionArgs<PassepartoutAbi, "view" | "pure", F>,
  ): Promise<ContractFunctionReturnType<PassepartoutAbi, "view" | "pure", F>>;
  book(
    holder: Account,
    resourceId: number,
    start: number,
    end: number,
    recipient?: Hex,
  ): Promise<{ passId: bigint; blockNumber: bigint }>;
  chainNow(): Promise<number>;
  deployWallet(owner: Account): Promise<Hex>;
  /** Mints `amount` TestCAD to `who` and approves the protocol for it (the test token mints to anyone). */
  fundWithCad(who: Account, amount: bigint): Promise<void>;
};

/** The part of a Hardhat artifact `deployWallet` reads. */
const walletArtifact = z.object({ bytecode: z.custom<Hex>((v) => isHex(v)) });

export function protocolOn(chain: LocalChain): Protocol {
  const address = chain.deployments.contracts.Passepartout.address;
  const abi = passepartoutAbi;
  const transport = http(chain.rpcUrl, { retryCount: 0 });
  const pub = createPublicClient({ transport });
  const chainDef = {
    id: chain.deployments.chainId,
    name: "hardhat",
    nativeCurrency: { name: "ETH", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [chain.rpcUrl] } },
  } as const;
  const write: Protocol["write"] = async (from, call, value) => {
    const wallet = createWalletClient({ account: privateKeyToAccount(from.privateKey), chain: chainDef, transport });
    const hash = await wallet.sendTransaction({ to: address, data: encodeFunctionData({ abi, ...call }), value });
    const receipt = await pub.waitForTransactionReceipt({ hash, pollingInterval: 20 });
    if (receipt.status !== "success") throw new Error(`${call.functionName} reverted`);
    return receipt;
  };
  const read: Protocol["read"] = (functionName, args) =>
    pub.readContract<PassepartoutAbi, typeof functionName, typeof args>({ address, abi, functionName, args });
  return {
    chain,
    address,
    abi,
    write,
    read,
    async book(holder, resourceId, start, end, recipient) {
      const price = await read("quote", [resourceId, BigInt(start), BigInt(end)]);
      const { policyId, transferable } = await read("resource", [resourceId]);
      const receipt = await write(
        holder,
        {
          functionName: "book",
          args: [
            resourceId,
            BigInt(start),
            BigInt(end),
            ANY_UNIT,
            price,
            recipient ?? holder.address,
            policyId,
            transferable,
          ],
        },
        price,
      );
      const booked = parseEventLogs({ abi, logs: receipt.logs, eventName: "Booked" });
      return { passId: booked[0].args.passId, blockNumber: receipt.blockNumber };
    },
    async chainNow() {
      const b = await pub.getBlock({ blockTag: "latest" });
      return Number(b.timestamp);
    },
    async deployWallet(owner) {
      const { bytecode } = walletArtifact.parse(
        JSON.parse(
          readFileSync(
            path.join(ROOT, "artifacts/contracts/mocks/MockERC1271Wallet.sol/MockERC1271Wallet.json"),
            "utf8",
          ),
        ),
      );
      const wallet = createWalletClient({ account: privateKeyToAccount(owner.privateKey), chain: chainDef, transport });
      const hash = await wallet.deployContract({ abi: mockErc1271WalletAbi, bytecode, args: [owner.address] });
      const receipt = await pub.waitForTransactionReceipt({ hash, pollingInterval: 20 });
      return receipt.contractAddress!;
    },
    async fundWithCad(who, amount) {
      const wallet = createWalletClient({ account: privateKeyToAccount(who.privateKey), chain: chainDef, transport });
      const token = chain.deployments.contracts.TestCAD.address;
      for (const [functionName, args] of [
        ["mint", [who.address, amount]],
        ["approve", [address, amount]],
      ] as const) {
        const hash = await wallet.writeContract({ address: token, abi: testCadAbi, functionName, args });
        await pub.waitForTransactionReceipt({ hash, pollingInterval: 20 });
      }
    },
  };
}

/** Venue 1 (operator account 1): resources 1 (office) and 2 (meeting room), doors 1 (street) and 2 (room 2 only). */
export async function seedVenue(p: Protocol, relayerAddress: Hex) {
  const operator = p.chain.accounts[1];
  await p.write(operator, { functionName: "createVenue", args: ["Le Lab", "", [operator.address], [10_000]] });
  const venueId = Number(await p.read("venueCount", []));
  const params = (name: string) => ({
    name,
    metadataURI: "",
    kind: 1,
    units: 3,
    currency: ZERO_ADDRESS,
    pricePerHour: 10n ** 15n,
    pricePerDay: 2n * 10n ** 16n,
    pricePerMonth: 3n * 10n ** 17n,
    minHours: 1,
    maxHours: 48,
    horizonHours: 24 * 30,
    graceSeconds: 900,
    policyId: 0,
    transferable: true,
    followsOpeningHours: false,
  });
  await p.write(operator, { functionName: "createResource", args: [venueId, params("Bureau")] });
  const office = Number(await p.read("resourceCount", []));
  await p.write(operator, { functionName: "createResource", args: [venueId, params("Salle")] });
  const room = Number(await p.read("resourceCount", []));
  const street = Number(await p.read("doorCount", [])) + 1;
  await p.write(operator, { functionName: "createDoor", args: [venueId, true, demoLockAddress(street)] });
  const roomDoor = street + 1;
  await p.write(operator, { functionName: "createDoor", args: [venueId, false, demoLockAddress(roomDoor)] });
  await p.write(operator, { functionName: "setDoorResource", args: [roomDoor, room, true] });
  await p.write(operator, { functionName: "setRelayerTrusted", args: [venueId, relayerAddress, true] });
  return { venueId, office, room, street, roomDoor, operator };
}

export type Harness = {
  chain: LocalChain;
  p: Protocol;
  clock: Clock;
  sim: LockSimulator;
  relayer: RunningRelayer;
  venue: Awaited<ReturnType<typeof seedVenue>>;
  auditDb: string;
  indexDb: string;
  stop(): Promise<void>;
};

export function lockSimulatorFor(
  chain: LocalChain,
  doors: number[],
  clock: () => number,
  rpcUrl = chain.rpcUrl,
): LockSimulator {
  const reader = createChainReader(createChainClient(rpcUrl, 2000), chain.deployments.contracts.Passepartout.address);
  return new LockSimulator({
    chainId: 31337,
    contract: chain.deployments.contracts.Passepartout.address,
    doorKeys: new Map(doors.map((d) => [d, demoLockKey(d)])),
    trust: {
      async doorVenue(doorId) {
        const d = await reader.door(doorId);
        if (!d) throw new Error("no such door");
        return d.venueId;
      },
      isRelayerTrusted: (venueId, relayer) => reader.isRelayerTrusted(venueId, relayer),
    },
    clock,
    trustCacheMs: 0,
  });
}

export function tempFile(name: string): string {
  return path.join(tempDir("pp-relayer-"), name);
}

/** Tests book "the current hour" from the chain's time: start the chain 30 s after the next full hour,
 * so a test run never sees the hour change under it (its first booking would become BookingInPast). */
async function startChainAfterHour(chain: LocalChain, now: number): Promise<void> {
  await rpcCall(chain.rpcUrl, "evm_setNextBlockTimestamp", [Math.ceil(now / HOUR) * HOUR + 30]);
  await rpcCall(chain.rpcUrl, "evm_mine");
}

export async function startHarness(
  env: Record<string, string> = {},
  /** `lock: "broker"`: the relayer's own broker adapter (BROKER_URL in `env`), as in production. */
  opts: { rpcUrl?: (chain: LocalChain) => Promise<string> | string; lock?: LockAdapter | "broker" } = {},
): Promise<Harness> {
  const chain = await startLocalChain();
  try {
    const p = protocolOn(chain);
    await startChainAfterHour(chain, await p.chainNow());
    const venue = await seedVenue(p, privateKeyToAccount(DEMO_RELAYER_PRIVATE_KEY).address);
    const clock = makeClock(await p.chainNow());
    const sim = lockSimulatorFor(chain, [venue.street, venue.roomDoor], clock.fn);
    const auditDb = tempFile("audit.sqlite");
    const indexDb = tempFile("index.sqlite");
    const rpcUrl = opts.rpcUrl ? await opts.rpcUrl(chain) : chain.rpcUrl;
    const config = loadConfig({
      PORT: "0",
      RPC_URL: rpcUrl,
      AUDIT_DB: auditDb,
      INDEX_DB: indexDb,
      LOG_LEVEL: "silent",
      INDEX_POLL_MS: "100",
      RPC_TIMEOUT_MS: "1500",
      RATE_LIMIT_IP_PER_MIN: "1000000",
      RATE_LIMIT_ADDRESS_PER_MIN: "1000000",
      DAPP_ORIGIN: "http://localhost:5173",
      ...env,
    });
    const relayer = await startRelayer(config, {
      clock: clock.fn,
      lock: opts.lock === "broker" ? undefined : (opts.lock ?? new InProcessLockAdapter(sim)),
      deployments: chain.deployments,
      defaultMetrics: false,
    });
    return {
      chain,
      p,
      clock,
      sim,
      relayer,
      venue,
      auditDb,
      indexDb,
      async stop() {
        await relayer.close();
        await chain.stop();
      },
    };
  } catch (err) {
    await chain.stop();
    throw err;
  }
}

export type UnlockInput = {
  key: Hex;
  passId: bigint | string;
  door: number;
  challenge?: Challenge;
  deadline?: number;
  chainId?: number;
  contract?: Hex;
  signer?: Hex;
  signatureOverride?: Hex;
};

/** Fetches a challenge through the relayer, signs the unlock request, posts it (scripts/lib/doorClient.ts). */
export async function unlock(
  h: Harness,
  u: UnlockInput,
): Promise<{ status: number; body: UnlockAnswer; challenge: Challenge; challengeId: Hex }> {
  const challenge = u.challenge ?? (await fetchChallenge(h.relayer.url, u.door));
  const contract = u.contract ?? h.p.address;
  const chainId = u.chainId ?? 31337;
  const request = await signUnlockRequest({
    account: u.key,
    chainId,
    contract,
    door: u.door,
    challenge,
    passId: u.passId,
    deadline: u.deadline ?? h.clock.now + 60,
    signer: u.signer,
  });
  if (u.signatureOverride) request.signature = u.signatureOverride;
  const { status, answer } = await requestUnlock(h.relayer.url, request);
  return {
    status,
    body: answer,
    challenge,
    challengeId: toHex(createDoorHasher(31337, h.p.address).challengeDigest(challenge)),
  };
}

export { generatePrivateKey, decodeEventLog };
