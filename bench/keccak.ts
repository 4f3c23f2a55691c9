// `node bench/keccak.ts`: CPU of one door decision's crypto (challenge digest + lock-key recovery,
// unlock digest + member recovery, open-command digest + relayer signature) with the unrolled
// keccak of server/door/keccak.ts and with viem's. Decides whether the generated file earns its place
// (issue #8: it stays if it saves at least 5 % of a whole decision's CPU; bench/relayer.ts gives that).
import { randomBytes } from "node:crypto";
import { keccak256 } from "viem";
import { generatePrivateKey } from "viem/accounts";
import { createDoorHasher, recoverSigner, signDigest, type DoorHasher, type Hex } from "../server/door/doorCrypto.ts";
import { keccak256 as unrolled } from "../server/door/keccak.ts";

const contract: Hex = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
const hex = (n: number): Hex => `0x${randomBytes(n).toString("hex")}`;

function decisions(h: DoorHasher): (() => void)[] {
  const [lockKey, memberKey, relayerKey] = [generatePrivateKey(), generatePrivateKey(), generatePrivateKey()];
  return Array.from({ length: 100 }, (_, i) => {
    const challenge = { door: 7, nonce: hex(16), time: 1_800_000_000 + i };
    const lockSig = signDigest(h.challengeDigest(challenge), lockKey);
    const request = { door: 7, challenge: hex(32), passId: BigInt(i + 1), deadline: 1_800_000_600 };
    const memberSig = signDigest(h.unlockDigest(request), memberKey);
    return () => {
      if (!recoverSigner(h.challengeDigest(challenge), lockSig)) throw new Error("lock signature");
      if (!recoverSigner(h.unlockDigest(request), memberSig)) throw new Error("member signature");
      signDigest(h.openCommandDigest({ door: 7, challenge: request.challenge, expires: 1_800_000_005 }), relayerKey);
    };
  });
}

/** Mean CPU (user + system) per decision, µs. */
function cpuPerDecision(hash: (b: Uint8Array) => Uint8Array, n = 20_000): number {
  const runs = decisions(createDoorHasher(31337, contract, hash));
  for (let i = 0; i < 5_000; i++) runs[i % runs.length]();
  const t0 = process.cpuUsage();
  for (let i = 0; i < n; i++) runs[i % runs.length]();
  const d = process.cpuUsage(t0);
  return (d.user + d.system) / n;
}

const viem = (b: Uint8Array) => keccak256(b, "bytes");
const rounds = Array.from({ length: 5 }, () => [cpuPerDecision(unrolled), cpuPerDecision(viem)]);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const [u, v] = [median(rounds.map((r) => r[0])), median(rounds.map((r) => r[1]))];
process.stdout.write(
  `decision crypto, median of 5 × 20,000: unrolled keccak ${u.toFixed(1)} µs, viem keccak ${v.toFixed(1)} µs, saved ${(v - u).toFixed(1)} µs\n`,
);
