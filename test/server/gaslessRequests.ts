// Signed gasless requests for the sponsor's tests: a fresh member with 0 ETH and CAD, a desk paid
// in CAD, and a member's signed bookSponsored request (permit included) through the forwarder.
import { encodeFunctionData, type PublicClient } from "viem";
import { generatePrivateKey, privateKeyToAccount, type PrivateKeyAccount } from "viem/accounts";
import { passepartoutAbi, passepartoutForwarderAbi, testCadAbi } from "../../protocol/abis.ts";
import { signForwardRequest, signPermit, type TypedDataSigner } from "../../protocol/gasless.ts";
import type { Hex } from "../../protocol/types.ts";
import { HOUR, type Harness } from "./fixture.ts";

export const SPONSOR_FEE = 250_000n; // the default SPONSOR_BOOK_FEE: 0.25 CAD
export const CAD = (n: number) => BigInt(Math.round(n * 1e6));

export function gaslessKit(h: Harness, pub: PublicClient) {
  const cad = h.chain.deployments.contracts.TestCAD.address;
  const forwarder = h.chain.deployments.contracts.PassepartoutForwarder.address;
  const sign =
    (m: PrivateKeyAccount): TypedDataSigner =>
    (typedData) =>
      m.signTypedData(typedData);

  /** A desk of the harness's venue, priced in CAD, with `units` units. */
  async function cadDesk(units: number): Promise<number> {
    await h.p.write(h.venue.operator, {
      functionName: "createResource",
      args: [
        h.venue.venueId,
        {
          name: "Bureau CAD",
          metadataURI: "",
          kind: 1,
          units,
          currency: cad,
          pricePerHour: CAD(5),
          pricePerDay: CAD(25),
          pricePerMonth: CAD(300),
          minHours: 1,
          maxHours: 48,
          horizonHours: 24 * 30,
          graceSeconds: 900,
          policyId: 0,
          transferable: true,
          followsOpeningHours: false,
        },
      ],
    });
    return Number(await h.p.read("resourceCount", []));
  }

  /** A fresh account (of `key`, else a random one) with 0 ETH and 1,000 CAD. */
  async function newMember(key: Hex = generatePrivateKey()): Promise<PrivateKeyAccount> {
    const account = privateKeyToAccount(key);
    const data = encodeFunctionData({ abi: testCadAbi, functionName: "mint", args: [account.address, CAD(1000)] });
    const hash = await h.chain.rpc<Hex>("eth_sendTransaction", [{ from: h.chain.accounts[0].address, to: cad, data }]);
    await pub.waitForTransactionReceipt({ hash, pollingInterval: 20 });
    return account;
  }

  /** The member's forward request carrying `data` to the protocol, signed (its forwarder nonce unless `nonce`). */
  async function forward(m: PrivateKeyAccount, data: Hex, o: { deadline: number; nonce?: bigint }) {
    const nonce =
      o.nonce ??
      (await pub.readContract({
        address: forwarder,
        abi: passepartoutForwarderAbi,
        functionName: "nonces",
        args: [m.address],
      }));
    return signForwardRequest(sign(m), {
      chainId: 31337,
      forwarder,
      from: m.address,
      to: h.p.address,
      data,
      nonce,
      deadline: o.deadline,
    });
  }

  /**
   * The member's signed gasless booking of one hour of `desk` starting at `start` (permit included,
   * for the price and `maxFee` unless `permitValue`), valid until `deadline` (a day after the start).
   */
  async function bookingRequest(
    m: PrivateKeyAccount,
    desk: number,
    start: number,
    o: { policyId?: number; maxFee?: bigint; permitValue?: bigint; deadline?: number } = {},
  ) {
    const s = BigInt(start);
    const maxFee = o.maxFee ?? SPONSOR_FEE;
    const price = await h.p.read("quote", [desk, s, s + BigInt(HOUR)]);
    const deadline = o.deadline ?? start + 24 * HOUR;
    const tokenNonce = await pub.readContract({
      address: cad,
      abi: testCadAbi,
      functionName: "nonces",
      args: [m.address],
    });
    const permit = await signPermit(sign(m), {
      chainId: 31337,
      token: cad,
      tokenName: "Test CAD",
      owner: m.address,
      spender: h.p.address,
      value: o.permitValue ?? price + maxFee,
      nonce: tokenNonce,
      deadline: BigInt(deadline),
    });
    const data = encodeFunctionData({
      abi: passepartoutAbi,
      functionName: "bookSponsored",
      args: [
        desk,
        s,
        s + BigInt(HOUR),
        65535,
        price,
        m.address,
        o.policyId ?? 0,
        true,
        "0x0000000000000000000000000000000000000000", // any sponsor may relay it
        maxFee,
        BigInt(deadline),
        permit.v,
        permit.r,
        permit.s,
      ],
    });
    return { request: await forward(m, data, { deadline }), price };
  }

  return { cad, forwarder, sign, cadDesk, newMember, forward, bookingRequest };
}
