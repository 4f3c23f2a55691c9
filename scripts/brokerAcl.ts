// Writes Mosquitto's acl_file from the chain's door registry (server/broker/acl.ts):
//   RPC_URL=… CHAIN_ID=… [DEPLOYMENTS_DIR=…] node scripts/brokerAcl.ts > /etc/mosquitto/passepartout.acl
// then `systemctl reload mosquitto` (Mosquitto rereads its ACL on SIGHUP). Run it again when a venue
// adds a door (docs/door-agent.md). Users: `relayer` and `venue-<id>`; their passwords are set with
// mosquitto_passwd, never by this script.
import { readDeployments, DEPLOYMENTS_DIR } from "../protocol/deployments.ts";
import { brokerAcl, mosquittoAclFile } from "../server/broker/acl.ts";
import { createChainClient, createChainReader } from "../server/index/chain.ts";

const rpcUrl = process.env.RPC_URL ?? "http://127.0.0.1:8545";
const chainId = Number(process.env.CHAIN_ID ?? 31337);
function die(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}
let contract: `0x${string}`;
try {
  contract = readDeployments(chainId, process.env.DEPLOYMENTS_DIR ?? DEPLOYMENTS_DIR).contracts.Passepartout.address;
} catch (err) {
  die((err as Error).message);
}
const reader = createChainReader(createChainClient(rpcUrl, 5000), contract);
const doors: { id: number; venueId: number }[] = [];
try {
  const count = await reader.doorCount();
  for (let id = 1; id <= count; id++) {
    const d = await reader.door(id);
    if (d?.active) doors.push({ id, venueId: d.venueId });
  }
} catch {
  die(`chain unreachable at RPC_URL=${rpcUrl}, or no Passepartout at ${contract}`);
}
process.stdout.write(mosquittoAclFile(brokerAcl(doors)));
process.stderr.write(`${doors.length} active doors, ${new Set(doors.map((d) => d.venueId)).size} venues\n`);
