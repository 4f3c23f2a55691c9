// The DoorPass issuer alone (server/door/issueDoorPass.ts), with a fake index and store: the window
// rules, and the device-key binding by a contract wallet (ERC-1271) — accepted when the wallet says
// so, refused when it does not, shed when its lane is busy, fail closed when the chain is unreadable.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { hashTypedData } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { protocolDomain } from "../../protocol/eip712.ts";
import { deviceKeyTypes } from "../../protocol/doorPass.ts";
import { createDoorPassIssuer } from "../../server/door/issueDoorPass.ts";
import type { ContractCheck } from "../../server/door/contractSignatures.ts";
import type { IndexedDoor, IndexedPass } from "../../server/index/model.ts";
import { RelayerError } from "../../server/errors.ts";
import { newDevice } from "../agent/offlineFixture.ts";
import type { Hex } from "../../protocol/types.ts";

const CONTRACT: Hex = "0x5fbdb2315678afecb367f032d93f642f64180aa3";
const RELAYER = `0x${"5a".repeat(32)}` as const;
const wallet: Hex = "0x1111111111111111111111111111111111111111";
const owner = privateKeyToAccount(`0x${"42".repeat(32)}`);
const NOW = 1_800_000_000;

function issuerWith(check: (who: Hex, digest: Hex) => Promise<ContractCheck>, holder: Hex = wallet) {
  const pass = {
    id: 5n,
    holder,
    resourceId: 2,
    start: NOW - 600,
    end: NOW + 30 * 3600,
    guest: null,
    guestExpires: 0,
  } as unknown as IndexedPass;
  const door: IndexedDoor = { id: 9, venueId: 3, allResources: true, active: true, lockKey: wallet };
  let serial = 0;
  return createDoorPassIssuer({
    chainId: 31337,
    contract: CONTRACT,
    relayerPrivateKey: RELAYER,
    relayerAddress: privateKeyToAccount(RELAYER).address,
    index: {
      passes: { get: (id) => (id === 5n ? pass : undefined) },
      resources: { get: () => ({ id: 2, venueId: 3, graceSeconds: 900, followsOpeningHours: false }) },
      doors: { values: () => [door] },
      doorAdmits: () => true,
    },
    store: {
      issue: () => Promise.resolve(serial++),
      revoke: () => Promise.resolve([]),
      close: () => Promise.resolve(),
    },
    clock: () => NOW,
    maxHours: () => 4,
    openHours: () => Promise.reject(new Error("a resource that does not follow the hours reads none")),
    contractSignatures: { check: (who, digest) => check(who, digest) },
  });
}

const code = (p: Promise<unknown>) =>
  p.then(
    () => "issued",
    (e: unknown) => (e instanceof RelayerError ? e.code : String(e)),
  );

describe("issuing a DoorPass", () => {
  it("binds a contract wallet's device key by ERC-1271, over the DeviceKey digest", async () => {
    const device = await newDevice();
    const signature = await owner.signTypedData({
      domain: protocolDomain(31337, CONTRACT),
      types: deviceKeyTypes,
      primaryType: "DeviceKey",
      message: { member: wallet, deviceKey: device.publicKey },
    });
    const expected = hashTypedData({
      domain: protocolDomain(31337, CONTRACT),
      types: deviceKeyTypes,
      primaryType: "DeviceKey",
      message: { member: wallet, deviceKey: device.publicKey },
    });
    const asked: Hex[] = [];
    const issuer = issuerWith((who, digest) => {
      asked.push(who, digest);
      return Promise.resolve("valid");
    });
    const a = await issuer.issue(wallet, { passId: 5n, deviceKey: device.publicKey, deviceKeySignature: signature });
    assert.deepEqual(asked, [wallet, expected]);
    assert.deepEqual([a.pass.validFrom, a.pass.validUntil, a.pass.doors], [NOW, NOW + 4 * 3600, [9]]);
    const req = { passId: 5n, deviceKey: device.publicKey, deviceKeySignature: signature };
    assert.equal(await code(issuerWith(() => Promise.resolve("invalid")).issue(wallet, req)), "device_binding_invalid");
    assert.equal(await code(issuerWith(() => Promise.resolve("no_code")).issue(wallet, req)), "device_binding_invalid");
    assert.equal(await code(issuerWith(() => Promise.resolve("busy")).issue(wallet, req)), "rate_limited");
    assert.equal(
      await code(issuerWith(() => Promise.reject(new Error("RPC down"))).issue(wallet, req)),
      "chain_unavailable",
    );
  });

  it("never asks the contract-wallet lane for an EOA whose signature recovers", async () => {
    const device = await newDevice();
    const signature = await owner.signTypedData({
      domain: protocolDomain(31337, CONTRACT),
      types: deviceKeyTypes,
      primaryType: "DeviceKey",
      message: { member: owner.address.toLowerCase() as Hex, deviceKey: device.publicKey },
    });
    let asked = 0;
    const issuer = issuerWith(() => {
      asked++;
      return Promise.resolve("invalid");
    }, owner.address.toLowerCase() as Hex);
    await issuer.issue(owner.address, { passId: 5n, deviceKey: device.publicKey, deviceKeySignature: signature });
    assert.equal(asked, 0);
  });
});
