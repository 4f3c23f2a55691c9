// The door protocol end to end, printed step by step (npm run walkthrough):
// a demo member books the current hour → unlocks the church door of etc Saint-Germain → the lock
// simulator opens (read from the lock's own signed log) → the operator cancels the booking (venue
// closed, full refund) → the same member's next unlock is denied.
// Starts the demo stack on free ports (fresh chain) and stops it at the end.
import { createPublicClient, createWalletClient, erc20Abi, formatUnits, http, parseEventLogs } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { hardhat } from "viem/chains";
import { passepartoutAbi } from "../protocol/abis.ts";
import { demoLockAddress } from "../server/demoKeys.ts";
import { verifyDoorLog } from "./lib/demoDoors.ts";
import type { DoorDecisionEvent } from "../protocol/doorMqtt.ts";
import { fetchChallenge, requestUnlock, signUnlockRequest } from "./lib/doorClient.ts";
import { demoAccount, startDemo } from "./demo.ts";

const HOUR = 3600;
const ANY_UNIT = 65535;
const say = (line: string) => console.log(line);

async function main() {
  say("starting the demo stack (fresh chain, relayer, MQTT broker, door agents)…");
  const demo = await startDemo({ webPort: 0, log: (l) => say(`  ${l}`) });
  try {
    const { address } = demo.deployments.contracts.Passepartout;
    const pp = { address, abi: passepartoutAbi } as const;
    const chain = { ...hardhat, rpcUrls: { default: { http: [demo.rpcUrl] } } };
    const client = createPublicClient({ chain, transport: http(demo.rpcUrl) });
    const wallet = (index: number) =>
      createWalletClient({
        chain,
        transport: http(demo.rpcUrl),
        account: privateKeyToAccount(demoAccount(index).privateKey),
      });
    const member = demoAccount(10);
    const operator = wallet(3); // operator of etc Saint-Germain
    const resourceId = 5; // "Poste partagé" at etc Saint-Germain, priced in TestCAD (6 decimals)
    const cad = { address: demo.deployments.contracts.TestCAD.address, abi: erc20Abi };
    const cadBalance = () => client.readContract({ ...cad, functionName: "balanceOf", args: [member.address] });
    const door = 4; // "Porte de l'église": admits every booking of the venue

    // 1. Book the hour that is running now (walk-in).
    const block = await client.getBlock();
    const start = ((Number(block.timestamp) / HOUR) | 0) * HOUR;
    const price = await client.readContract({
      ...pp,
      functionName: "quote",
      args: [resourceId, BigInt(start), BigInt(start + HOUR)],
    });
    const { policyId, transferable } = await client.readContract({
      ...pp,
      functionName: "resource",
      args: [resourceId],
    });
    await client.waitForTransactionReceipt({
      hash: await wallet(10).writeContract({ ...cad, functionName: "approve", args: [address, price] }),
    });
    const bookTx = await wallet(10).writeContract({
      ...pp,
      functionName: "book",
      args: [resourceId, BigInt(start), BigInt(start + HOUR), ANY_UNIT, price, member.address, policyId, transferable],
    });
    const receipt = await client.waitForTransactionReceipt({ hash: bookTx });
    const [booked] = parseEventLogs({ abi: pp.abi, logs: receipt.logs, eventName: "Booked" });
    const passId = booked.args.passId;
    say(
      `\n1. member ${member.address} booked pass #${passId}: ${new Date(start * 1000).toISOString()} → +1 h for ${formatUnits(price, 6)} tCAD (block ${receipt.blockNumber})`,
    );

    // 2. Unlock: challenge from the lock (through the relayer), EIP-712 request signed by the member.
    const unlock = async () => {
      const challenge = await fetchChallenge(demo.relayerUrl, door);
      const request = await signUnlockRequest({
        account: member.privateKey,
        chainId: 31337,
        contract: address,
        door,
        challenge,
        passId,
        deadline: Math.floor(Date.now() / 1000) + 60,
      });
      return (await requestUnlock(demo.relayerUrl, request)).answer;
    };
    const first = await unlock();
    say(
      `2. unlock request for door #${door}: ${first.granted ? "GRANTED" : "DENIED"} (${first.reason}); lock delivery: ${first.lock?.status ?? "none"}`,
    );

    // 3. The door opened: read it from the door log (every decision, signed by the lock key).
    const log = (await (await fetch(`${demo.doorLogUrl}/log?door=${door}`)).json()) as DoorDecisionEvent[];
    const verified = await verifyDoorLog(log, new Map([[door, demoLockAddress(door)]]), 31337, address);
    const opened = log.filter((e) => e.result === "opened");
    say(
      `3. lock log of door #${door}: ${log.map((e) => `${e.result} (${e.reason})`).join(", ") || "empty"} — log signatures ${verified.ok ? "valid" : "INVALID"}`,
    );

    // 4. The operator cancels (venue closed): full refund, the pass burns.
    const before = await cadBalance();
    const cancelTx = await operator.writeContract({ ...pp, functionName: "cancel", args: [passId] });
    const cancelReceipt = await client.waitForTransactionReceipt({ hash: cancelTx });
    const refunded = (await cadBalance()) - before;
    say(
      `4. operator cancelled pass #${passId} in block ${cancelReceipt.blockNumber}: ${formatUnits(refunded, 6)} tCAD refunded to the member`,
    );

    // 5. The next unlock is denied as soon as the cancellation is in a block.
    const second = await unlock();
    say(`5. unlock request again: ${second.granted ? "GRANTED" : "DENIED"} (${second.reason})`);

    const ok = first.granted && opened.length === 1 && verified.ok && !second.granted && refunded === price;
    say(
      `\n${ok ? "walk-through complete: the door opened once for the pass, and stayed shut after the cancellation" : "walk-through FAILED: see above"}`,
    );
    process.exitCode = ok ? 0 : 1;
  } finally {
    await demo.stop();
  }
}

main().catch((err) => {
  console.error(`walk-through failed: ${(err as Error).message.split("\n")[0]}`);
  process.exitCode = 1;
});
