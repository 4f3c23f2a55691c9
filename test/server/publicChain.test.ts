// An operator's path to a public chain, end to end, against a local node posing as Base Sepolia
// (chain id 84532, reached as the `baseSepolia` network with its RPC URL and deployer key from the
// environment): Hardhat Ignition deploys and resumes, the multisig accepts the admin role, the
// deployments file is written from Ignition's journal, a venue trusts a fresh relayer key, and a
// relayer in production configuration opens the door for the holder of a pass and for nobody else.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { createPublicClient, createWalletClient, defineChain, http } from "viem";
import { generatePrivateKey, privateKeyToAccount, privateKeyToAddress } from "viem/accounts";
import { readArtifact } from "../../scripts/lib/artifacts.ts";
import { freePort, killGroup, ROOT, startHardhatNode, type HardhatNode } from "../helpers/localChain.ts";
import { exitOf, run, waitHttp } from "../helpers/processes.ts";
import { HOUR, protocolOn, seedVenue, tempFile } from "./fixture.ts";
import { fetchChallenge, requestUnlock, signUnlockRequest } from "../../scripts/lib/doorClient.ts";
import { startDemoDoors, type DemoDoors } from "../../scripts/lib/demoDoors.ts";
import { venueRegistryAbi } from "../../protocol/abis.ts";
import { readDeployments, type Deployments } from "../../protocol/deployments.ts";

const CHAIN_ID = 84532;

describe("deploying to a public chain with Ignition, then a relayer in production configuration", () => {
  let node: HardhatNode;
  const children: ChildProcess[] = [];
  const deploymentId = `e2e-${randomBytes(4).toString("hex")}`;
  const ignitionDir = path.join(ROOT, "ignition", "deployments", deploymentId);
  const deploymentsDir = path.dirname(tempFile("x"));
  let deployments: Deployments;
  const multisig = () => node.accounts[5];
  let stablecoin: `0x${string}`; // the network's CAD stablecoin (a TestCAD here): allow-listing reads its decimals

  /** `hardhat ignition deploy` of the hand-over module (it uses the protocol's) to `baseSepolia`. */
  function ignitionDeploy() {
    const params = tempFile("parameters.json");
    writeFileSync(params, JSON.stringify({ HandOver: { stablecoin, admin: multisig().address } }));
    return exitOf(
      run(
        "node_modules/hardhat/dist/src/cli.js",
        {
          BASE_SEPOLIA_RPC_URL: node.rpcUrl,
          DEPLOYER_PRIVATE_KEY: node.accounts[0].privateKey,
          HARDHAT_IGNITION_CONFIRM_DEPLOYMENT: "true",
          HARDHAT_DISABLE_TELEMETRY_PROMPT: "true",
        },
        // The default build profile reuses the test run's compilation (same compiler settings).
        [
          "ignition",
          "deploy",
          "ignition/modules/HandOver.ts",
          "--network",
          "baseSepolia",
          "--build-profile",
          "default",
        ].concat(["--parameters", params, "--deployment-id", deploymentId]),
      ),
    );
  }

  before(async () => {
    node = await startHardhatNode({ chainId: CHAIN_ID });
    const chain = defineChain({
      id: CHAIN_ID,
      name: "base-sepolia-sim",
      nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
      rpcUrls: { default: { http: [node.rpcUrl] } },
    });
    const issuer = createWalletClient({
      account: privateKeyToAccount(node.accounts[6].privateKey),
      chain,
      transport: http(node.rpcUrl),
    });
    const { abi, bytecode } = readArtifact("TestCAD");
    const hash = await issuer.deployContract({ abi, bytecode });
    const receipt = await createPublicClient({ transport: http(node.rpcUrl) }).waitForTransactionReceipt({ hash });
    stablecoin = receipt.contractAddress!;
  });
  let doors: DemoDoors | undefined;
  after(async () => {
    for (const c of children) await killGroup(c);
    await doors?.stop();
    await node?.stop();
    rmSync(ignitionDir, { recursive: true, force: true });
  });

  it("deploys with Ignition; running the same command again resumes and sends nothing", async () => {
    const first = await ignitionDeploy();
    assert.equal(first.code, 0, first.stderr.slice(-2000));
    const block = await node.rpc<string>("eth_blockNumber");
    const again = await ignitionDeploy();
    assert.equal(again.code, 0, again.stderr.slice(-2000));
    assert.equal(await node.rpc<string>("eth_blockNumber"), block, "the journal says everything is done");
  });

  it("writes deployments/84532.json from Ignition's journal", async () => {
    const r = await exitOf(run("scripts/ignitionDeployments.ts", {}, [deploymentId, "--out", deploymentsDir]));
    assert.equal(r.code, 0, r.stderr);
    deployments = readDeployments(CHAIN_ID, deploymentsDir);
    const journal = readFileSync(path.join(ignitionDir, "journal.jsonl"), "utf8");
    assert.ok(journal.includes(deployments.contracts.Passepartout.address));
    assert.ok(deployments.deployBlock >= 1);
  });

  it("hands the admin role to the multisig, which accepts it", async () => {
    const p = protocolOn({ ...node, deployments });
    const registry = createPublicClient({ transport: http(node.rpcUrl) });
    const allowed = await registry.readContract({
      address: deployments.contracts.Passepartout.address,
      abi: venueRegistryAbi,
      functionName: "isCurrencyAllowed",
      args: [stablecoin],
    });
    assert.equal(allowed, true, "the stablecoin is allowed");
    const rates = await registry.readContract({
      address: deployments.contracts.Passepartout.address,
      abi: venueRegistryAbi,
      functionName: "taxRates",
    });
    assert.deepEqual(rates, [5000, 9975], "GST 5 %, QST 9.975 %");
    assert.equal((await p.read("admin", [])).toLowerCase(), node.accounts[0].address.toLowerCase());
    await p.write(multisig(), { functionName: "acceptAdmin", args: [] });
    assert.equal((await p.read("admin", [])).toLowerCase(), multisig().address.toLowerCase());
  });

  it("a relayer with production configuration opens the door for the holder, not for a stranger", async () => {
    const p = protocolOn({ ...node, deployments });
    const relayerKey = generatePrivateKey();
    const venue = await seedVenue(p, privateKeyToAddress(relayerKey));
    const member = node.accounts[2];
    const slot0 = Math.floor((await p.chainNow()) / HOUR) * HOUR;
    const { passId } = await p.book(member, venue.office, slot0, slot0 + 2 * HOUR);

    const common = {
      RPC_URL: node.rpcUrl,
      CHAIN_ID: String(CHAIN_ID),
      DEPLOYMENTS_DIR: deploymentsDir,
      LOG_LEVEL: "warn",
    };
    // Off the local chain the broker must be mqtts:// with a password: a TLS broker, its own CA.
    doors = await startDemoDoors({
      rpcUrl: node.rpcUrl,
      chainId: CHAIN_ID,
      runDir: path.dirname(tempFile("x")),
      deployments,
      log: () => undefined,
      children,
      tls: true,
    });
    const port = await freePort();
    const relayer = run("server/main.ts", {
      ...common,
      PORT: String(port),
      RELAYER_PRIVATE_KEY: relayerKey,
      SESSION_SECRET: randomBytes(32).toString("hex"),
      DAPP_ORIGIN: "https://book.example",
      METRICS_TOKEN: randomBytes(16).toString("hex"),
      BROKER_URL: doors.brokerUrl,
      BROKER_PASSWORD: doors.relayerPassword,
      BROKER_CA_FILE: doors.caFile!,
      AUDIT_DB: tempFile("audit.sqlite"),
    });
    children.push(relayer);
    const base = `http://127.0.0.1:${port}`;
    await waitHttp(`${base}/readyz`, relayer);
    assert.equal((await fetch(`${base}/metrics`)).status, 401, "/metrics is closed without its token");

    const attempt = async (key: `0x${string}`) =>
      requestUnlock(
        base,
        await signUnlockRequest({
          account: key,
          chainId: CHAIN_ID,
          contract: deployments.contracts.Passepartout.address,
          door: venue.street,
          challenge: await fetchChallenge(base, venue.street),
          passId,
          deadline: Math.floor(Date.now() / 1000) + 120,
        }),
      );
    const holder = await attempt(member.privateKey);
    assert.equal(holder.answer.reason, "granted");
    assert.equal(holder.answer.lock?.status, "opened");
    const stranger = await attempt(node.accounts[3].privateKey);
    assert.equal(stranger.answer.granted, false);
    assert.equal(stranger.answer.reason, "not_holder_or_guest");
  });
});
