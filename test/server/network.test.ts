// A third-party client built from GET /api/network and /openapi.json alone: the network description
// matches the real deployments file and the chain, a client that signs with the served EIP-712
// domain and types is granted, the documented limits and signature encodings hold, the pass id of
// a booking is learnt from its Booked event (= `book`'s return value), and every route's real
// answers conform to the OpenAPI schemas.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { tempDir } from "../helpers/tempDirs.ts";
import path from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import {
  createPublicClient,
  createWalletClient,
  hashTypedData,
  http,
  keccak256,
  parseEventLogs,
  stringToBytes,
  type Hex,
} from "viem";
import { privateKeyToAccount, sign } from "viem/accounts";
import { createSiweMessage } from "viem/siwe";
import { startLocalChain, type LocalChain } from "../helpers/localChain.ts";
import {
  ANY_UNIT,
  HOUR,
  lockSimulatorFor,
  makeClock,
  protocolOn,
  seedVenue,
  tempFile,
  type Clock,
  type Protocol,
} from "./fixture.ts";
import { loadConfig } from "../../server/config.ts";
import { startRelayer, type RunningRelayer } from "../../server/relayer.ts";
import { InProcessLockAdapter } from "../../server/locks/lockAdapter.ts";
import { createApp } from "../../server/http/app.ts";
import { DEMO_RELAYER_PRIVATE_KEY } from "../../server/demoKeys.ts";
import type { networkDescription } from "../../server/http/routes/network.ts";
import type { Deployments } from "../../protocol/deployments.ts";
import type { Challenge } from "../../protocol/eip712.ts";
import type { UnlockAnswer } from "../../scripts/lib/doorClient.ts";
import { json } from "./json.ts";

/** The parts of openapi.json these tests walk. */
type OpenApiResponse = { $ref?: string; content?: Record<string, { schema?: { $ref?: string } }> };
type OpenApiDoc = { paths: Record<string, Record<string, { responses: Record<string, OpenApiResponse> }>> };
/** Follows a local `#/components/...` reference inside the document. */
const resolveRef = (doc: OpenApiDoc, r: OpenApiResponse): OpenApiResponse => {
  if (!r.$ref) return r;
  let node: unknown = doc;
  for (const k of r.$ref.split("/").slice(1)) node = (node as Record<string, unknown>)[k];
  return node as OpenApiResponse;
};
type NetworkAnswer = ReturnType<typeof networkDescription>;
/** An Express layer, as far as the route walk needs it (express does not export the type). */
type Layer = { route?: { path: string | string[]; methods: Record<string, boolean> }; handle?: { stack?: Layer[] } };

const ORIGIN = "http://localhost:5173";
const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

describe("network description and OpenAPI", () => {
  let chain: LocalChain;
  let p: Protocol;
  let clock: Clock;
  let relayer: RunningRelayer;
  let venue: Awaited<ReturnType<typeof seedVenue>>;
  let file: string;
  let base: string;
  let passId: bigint;
  let doc: OpenApiDoc;
  const member = () => chain.accounts[2];

  before(async () => {
    chain = await startLocalChain();
    p = protocolOn(chain);
    venue = await seedVenue(p, privateKeyToAccount(DEMO_RELAYER_PRIVATE_KEY).address);
    // The relayer reads the real deployments file, as in production.
    const dir = tempDir("pp-deployments-");
    file = path.join(dir, "31337.json");
    writeFileSync(file, JSON.stringify(chain.deployments, null, 2));
    clock = makeClock(await p.chainNow());
    const sim = lockSimulatorFor(chain, [venue.street, venue.roomDoor], clock.fn);
    const config = loadConfig({
      PORT: "0",
      RPC_URL: chain.rpcUrl,
      DEPLOYMENTS_DIR: dir,
      AUDIT_DB: tempFile("audit.sqlite"),
      INDEX_DB: tempFile("index.sqlite"),
      LOG_LEVEL: "silent",
      INDEX_POLL_MS: "100",
      DAPP_ORIGIN: ORIGIN,
      RATE_LIMIT_IP_PER_MIN: "1000000",
      RATE_LIMIT_ADDRESS_PER_MIN: "1000000",
    });
    relayer = await startRelayer(config, {
      clock: clock.fn,
      lock: new InProcessLockAdapter(sim),
      defaultMetrics: false,
    });
    base = relayer.url;
    doc = await json<OpenApiDoc>(await fetch(`${base}/openapi.json`));
  });
  after(async () => {
    await relayer?.close();
    await chain?.stop();
  });

  const getJson = async <T = unknown>(route: string, init?: RequestInit) => {
    const res = await fetch(`${base}${route}`, init);
    return { status: res.status, body: await json<T>(res), res };
  };

  // ---- OpenAPI conformance helpers ----
  const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });
  let added = false;
  /** The answer conforms to the documented response schema of (route template, method, status). */
  function conforms(template: string, method: string, status: number, body: unknown) {
    if (!added) {
      ajv.addSchema(doc, "openapi");
      added = true;
    }
    const op = doc.paths[template]?.[method];
    assert.ok(op, `${method.toUpperCase()} ${template} is documented`);
    let response = op.responses[String(status)];
    assert.ok(response, `${method.toUpperCase()} ${template} documents status ${status}`);
    response = resolveRef(doc, response);
    const schema = response.content?.["application/json"]?.schema;
    assert.ok(schema, `${method.toUpperCase()} ${template} ${status} has a JSON schema`);
    const pointer = schema.$ref
      ? `openapi${schema.$ref}`
      : `openapi#/paths/${template.replaceAll("~", "~0").replaceAll("/", "~1")}/${method}/responses/${status}/content/application~1json/schema`;
    const validate = ajv.getSchema(pointer);
    assert.ok(validate, pointer);
    assert.ok(
      validate(body),
      `${method.toUpperCase()} ${template} ${status}: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(body).slice(0, 400)}`,
    );
  }

  // ---- a client that knows only /api/network ----
  async function networkClientUnlock(over: { deadline?: number; signature?: (sig: Hex) => Hex } = {}) {
    const n = (await getJson<NetworkAnswer>("/api/network")).body;
    const challenge = (await getJson<Challenge>(`/api/doors/${venue.street}/challenge`)).body;
    const challengeId = hashTypedData({
      domain: n.eip712.domain,
      types: { Challenge: n.eip712.types.Challenge },
      primaryType: "Challenge",
      message: { door: challenge.door, nonce: challenge.nonce, time: BigInt(challenge.time) },
    });
    const deadline = over.deadline ?? clock.now + 60;
    const digest = hashTypedData({
      domain: n.eip712.domain,
      types: { UnlockRequest: n.eip712.types.UnlockRequest },
      primaryType: "UnlockRequest",
      message: { door: venue.street, challenge: challengeId, passId, deadline: BigInt(deadline) },
    });
    let signature = await sign({ hash: digest, privateKey: member().privateKey, to: "hex" });
    if (over.signature) signature = over.signature(signature);
    const body = {
      chainId: n.chainId,
      contract: n.eip712.domain.verifyingContract,
      door: venue.street,
      challenge,
      passId: passId.toString(),
      deadline,
      signer: member().address,
      signature,
    };
    const res = await getJson<UnlockAnswer>("/api/unlock", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    return { ...res, challengeId, n };
  }

  describe("GET /api/network", () => {
    it("describes the real deployments file and the chain: chain id, deploy block, addresses, ABI hashes", async () => {
      const { status, body, res } = await getJson<NetworkAnswer>("/api/network");
      assert.equal(status, 200);
      conforms("/api/network", "get", 200, body);
      assert.equal(res.headers.get("cache-control"), "no-cache");
      const onDisk = JSON.parse(readFileSync(file, "utf8")) as Deployments;
      assert.equal(body.chainId, Number(await chain.rpc<string>("eth_chainId")));
      assert.equal(body.chainId, onDisk.chainId);
      assert.equal(body.deployBlock, onDisk.deployBlock);
      assert.deepEqual(Object.keys(body.contracts).sort(), Object.keys(onDisk.contracts).sort());
      for (const [name, c] of Object.entries(onDisk.contracts)) {
        assert.equal(body.contracts[name].address, c.address, name);
        assert.equal(body.contracts[name].abiHash, keccak256(stringToBytes(JSON.stringify(c.abi))), name);
        const code = await chain.rpc<string>("eth_getCode", [c.address, "latest"]);
        assert.ok(code.length > 2, `${name} has code on chain`);
      }
      assert.equal(body.relayer, privateKeyToAccount(DEMO_RELAYER_PRIVATE_KEY).address);
      assert.equal(body.limits.deadlineMaxSeconds, 600);
      assert.equal(body.slotSeconds, 3600);
    });

    it("serves the EIP-712 domain the contract reports (ERC-5267 eip712Domain)", async () => {
      const { body } = await getJson<NetworkAnswer>("/api/network");
      const [, name, version, chainId, verifyingContract] = await p.read("eip712Domain", []);
      assert.deepEqual(body.eip712.domain, { name, version, chainId: Number(chainId), verifyingContract });
      assert.deepEqual(Object.keys(body.eip712.types).sort(), ["Challenge", "OpenCommand", "UnlockRequest"]);
    });

    it("serves one ABI by name, and the whole deployments file", async () => {
      const onDisk = JSON.parse(readFileSync(file, "utf8")) as Deployments;
      const abi = await getJson<{ abi: unknown[]; abiHash: string }>("/api/network/abi/Passepartout");
      assert.equal(abi.status, 200);
      conforms("/api/network/abi/{name}", "get", 200, abi.body);
      assert.deepEqual(abi.body.abi, onDisk.contracts.Passepartout.abi);
      assert.equal(abi.body.abiHash, keccak256(stringToBytes(JSON.stringify(abi.body.abi))));
      assert.equal(
        abi.body.abiHash,
        (await getJson<NetworkAnswer>("/api/network")).body.contracts.Passepartout.abiHash,
      );
      const all = await getJson("/api/network/deployments");
      conforms("/api/network/deployments", "get", 200, all.body);
      assert.deepEqual(all.body, onDisk);
      for (const [route, status] of [
        ["/api/network/abi/Nope", 404],
        ["/api/network/abi/constructor", 404],
        ["/api/network/abi/__proto__", 400],
        ["/api/network/abi/..%2F31337", 400],
      ] as const) {
        const r = await getJson(route);
        assert.equal(r.status, status, route);
        conforms("/api/network/abi/{name}", "get", status, r.body);
      }
    });
  });

  describe("a client written from /api/network", () => {
    before(async () => {
      const slot0 = Math.floor((await p.chainNow()) / HOUR) * HOUR;
      clock.now = slot0 + 600;
      // The pass id: `book`'s return value (simulated) is the passId of the Booked event (topic 1)
      // and the tokenId of the ERC-721 Transfer from 0x0 in the receipt.
      const price = await p.read("quote", [venue.office, BigInt(slot0), BigInt(slot0 + 2 * HOUR)]);
      const { policyId, transferable } = await p.read("resource", [venue.office]);
      const args = [
        venue.office,
        BigInt(slot0),
        BigInt(slot0 + 2 * HOUR),
        ANY_UNIT,
        price,
        member().address,
        policyId,
        transferable,
      ] as const;
      const transport = http(chain.rpcUrl, { retryCount: 0 });
      const pub = createPublicClient({ transport });
      const account = privateKeyToAccount(member().privateKey);
      const { result } = await pub.simulateContract({
        address: p.address,
        abi: p.abi,
        functionName: "book",
        args,
        value: price,
        account,
      });
      const wallet = createWalletClient({
        account,
        transport,
        chain: {
          id: 31337,
          name: "hardhat",
          nativeCurrency: { name: "ETH", symbol: "ETH", decimals: 18 },
          rpcUrls: { default: { http: [chain.rpcUrl] } },
        },
      });
      const hash = await wallet.writeContract({
        address: p.address,
        abi: p.abi,
        functionName: "book",
        args,
        value: price,
      });
      const receipt = await pub.waitForTransactionReceipt({ hash, pollingInterval: 20 });
      const [booked] = parseEventLogs({ abi: p.abi, logs: receipt.logs, eventName: "Booked" });
      const [minted] = parseEventLogs({ abi: p.abi, logs: receipt.logs, eventName: "Transfer" });
      passId = booked.args.passId;
      assert.equal(result, passId);
      assert.equal(BigInt(booked.topics[1]), passId);
      assert.equal(minted.args.tokenId, passId);
    });

    it("is granted with the served domain and types (challenge id under the same domain)", async () => {
      const r = await networkClientUnlock();
      assert.equal(r.status, 200);
      conforms("/api/unlock", "post", 200, r.body);
      assert.equal(r.body.reason, "granted");
      assert.equal(r.body.openCommand!.challenge, r.challengeId);
      assert.equal(r.body.openCommand!.relayer, r.n.relayer);
      assert.equal(r.body.lock!.status, "opened");
    });

    it("accepts a deadline of exactly now + deadlineMaxSeconds, not one second more", async () => {
      const max = (await getJson<NetworkAnswer>("/api/network")).body.limits.deadlineMaxSeconds;
      assert.equal((await networkClientUnlock({ deadline: clock.now + max })).body.reason, "granted");
      const far = await networkClientUnlock({ deadline: clock.now + max + 1 });
      assert.equal(far.status, 400);
      conforms("/api/unlock", "post", 400, far.body);
      assert.equal(far.body.reason, "malformed_request");
      assert.equal((await networkClientUnlock({ deadline: clock.now - 1 })).body.reason, "deadline_expired");
    });

    it("accepts 65-byte signatures with v 27/28 or 0/1; refuses EIP-2098 compact and high-s ones from an EOA", async () => {
      const v01 = (sig: Hex) =>
        `${sig.slice(0, 130)}${(parseInt(sig.slice(130), 16) - 27).toString(16).padStart(2, "0")}` as Hex;
      const compact = (sig: Hex) => {
        const yParity = parseInt(sig.slice(130), 16) - 27;
        const s = BigInt(`0x${sig.slice(66, 130)}`) | (BigInt(yParity) << 255n);
        return `${sig.slice(0, 66)}${s.toString(16).padStart(64, "0")}` as Hex;
      };
      const highS = (sig: Hex) => {
        const s = SECP256K1_N - BigInt(`0x${sig.slice(66, 130)}`);
        const v = parseInt(sig.slice(130), 16) === 27 ? "1c" : "1b";
        return `${sig.slice(0, 66)}${s.toString(16).padStart(64, "0")}${v}` as Hex;
      };
      assert.equal((await networkClientUnlock()).body.reason, "granted");
      assert.equal((await networkClientUnlock({ signature: v01 })).body.reason, "granted");
      assert.equal(
        (await networkClientUnlock({ signature: (s) => s.toUpperCase().replace("0X", "0x") as Hex })).body.reason,
        "granted",
      );
      assert.equal((await networkClientUnlock({ signature: compact })).body.reason, "bad_signature");
      assert.equal((await networkClientUnlock({ signature: highS })).body.reason, "bad_signature");
    });
  });

  describe("OpenAPI", () => {
    /** Every route the express app serves, as OpenAPI templates. */
    function servedRoutes(): string[] {
      const app = createApp(relayer.ctx) as unknown as { router: { stack: Layer[] } };
      const out: string[] = [];
      const walk = (stack: Layer[]) => {
        for (const layer of stack) {
          if (layer.route) {
            const paths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
            for (const pth of paths)
              for (const m of Object.keys(layer.route.methods))
                out.push(`${m} ${String(pth).replace(/:(\w+)/g, "{$1}")}`);
          } else if (layer.handle?.stack) walk(layer.handle.stack);
        }
      };
      walk(app.router.stack);
      return out;
    }

    it("documents every route the relayer serves, each response with a schema", () => {
      const served = servedRoutes();
      assert.ok(served.length >= 18, served.join(", "));
      for (const r of served) {
        const [method, template] = r.split(" ");
        assert.ok(doc.paths[template]?.[method], `${r} is in openapi.json`);
      }
      for (const [template, ops] of Object.entries(doc.paths)) {
        assert.ok(
          served.some((r) => r.endsWith(` ${template}`)),
          `${template} is served`,
        );
        for (const [method, op] of Object.entries(ops))
          for (const [status, response] of Object.entries(op.responses)) {
            const resolved = resolveRef(doc, response);
            assert.ok(resolved.content, `${method} ${template} ${status} has content`);
          }
      }
      // Every 429 and 503 is the error shape.
      for (const [template, ops] of Object.entries(doc.paths))
        for (const [method, op] of Object.entries(ops))
          for (const status of ["429", "503"]) {
            const r = op.responses[status];
            if (!r) continue;
            const resolved = resolveRef(doc, r);
            assert.equal(
              resolved.content?.["application/json"].schema?.$ref,
              "#/components/schemas/Error",
              `${method} ${template} ${status}`,
            );
          }
    });

    it("real answers of every route conform to their documented schemas", async () => {
      const check = async <T = unknown>(template: string, route: string, init?: RequestInit & { method?: string }) => {
        const r = await getJson<T>(route, init);
        conforms(template, (init?.method ?? "get").toLowerCase(), r.status, r.body);
        return r;
      };
      assert.equal((await check("/api/venues", "/api/venues")).status, 200);
      assert.equal(
        (
          await check(
            "/api/resources/{id}/availability",
            `/api/resources/${venue.office}/availability?from=${clock.now}&to=${clock.now + 86_400}`,
          )
        ).status,
        200,
      );
      assert.equal(
        (
          await check(
            "/api/resources/{id}/availability",
            `/api/resources/999/availability?from=${clock.now}&to=${clock.now + 86_400}`,
          )
        ).status,
        404,
      );
      assert.equal(
        (await check("/api/resources/{id}/availability", `/api/resources/1/availability?from=x`)).status,
        400,
      );
      assert.equal((await check("/api/doors/{doorId}/challenge", `/api/doors/${venue.street}/challenge`)).status, 200);
      assert.equal((await check("/api/doors/{doorId}/challenge", "/api/doors/77/challenge")).status, 404);
      assert.equal((await check("/api/doors/{doorId}/challenge", "/api/doors/x/challenge")).status, 400);
      assert.equal(
        (
          await check("/api/unlock", "/api/unlock", {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: "{",
          })
        ).status,
        400,
      );
      assert.equal((await check("/api/me", "/api/me")).status, 401);
      assert.equal((await check("/healthz", "/healthz")).status, 200);
      assert.equal((await check("/readyz", "/readyz")).status, 200);
      const { nonce } = (await check<{ nonce: string }>("/api/siwe/nonce", "/api/siwe/nonce")).body;
      assert.equal(
        (
          await check("/api/siwe/verify", "/api/siwe/verify", {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: "{}",
          })
        ).status,
        400,
      );

      // The checker bites: the old two-shape 503 (a decision body) does not conform.
      assert.throws(
        () =>
          conforms("/api/unlock", "post", 503, {
            requestId: "r",
            granted: false,
            reason: "chain_unavailable",
            auditId: 1,
          }),
        /must NOT have additional properties|must have required property/,
      );
      assert.throws(() => conforms("/api/venues", "get", 200, [{ id: "1" }]));

      // Signed in as the venue's operator (who also books a pass).
      const op = venue.operator;
      const account = privateKeyToAccount(op.privateKey);
      const message = createSiweMessage({
        address: account.address,
        domain: "localhost:5173",
        uri: ORIGIN,
        chainId: 31337,
        nonce,
        version: "1",
        issuedAt: new Date(clock.now * 1000),
      });
      const verify = await check("/api/siwe/verify", "/api/siwe/verify", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ message, signature: await account.signMessage({ message }) }),
      });
      assert.equal(verify.status, 200);
      const cookie = verify.res.headers
        .getSetCookie()
        .find((c) => c.startsWith("pp_session="))!
        .split(";")[0];
      const slot0 = Math.floor(clock.now / HOUR) * HOUR;
      await p.book(op, venue.room, slot0 + HOUR, slot0 + 2 * HOUR);
      const headers = { cookie };
      assert.equal((await check("/api/me", "/api/me", { headers })).status, 200);
      const passes = await check<{ passes: unknown[] }>("/api/passes", "/api/passes", { headers });
      assert.equal(passes.body.passes.length, 1);
      assert.equal((await check("/api/passes", `/api/passes?holder=${member().address}`, { headers })).status, 403);
      const bookings = await check<{ bookings: unknown[] }>(
        "/api/venues/{id}/bookings",
        `/api/venues/${venue.venueId}/bookings`,
        { headers },
      );
      assert.ok(bookings.body.bookings.length >= 2);
      assert.equal(
        (await check("/api/venues/{id}/revenue", `/api/venues/${venue.venueId}/revenue`, { headers })).status,
        200,
      );
      assert.equal((await check("/api/venues/{id}/revenue", "/api/venues/99/revenue", { headers })).status, 404);
      const audit = await check<{ records: unknown[] }>("/api/audit", `/api/audit?venue=${venue.venueId}`, { headers });
      assert.ok(audit.body.records.length > 0);
      // The operator's doors: no broker here, so every door is "unknown"; a pulse finds no lock.
      const doors = await check<{ doors: { connection: string }[] }>(
        "/api/venues/{id}/doors/status",
        `/api/venues/${venue.venueId}/doors/status`,
        { headers },
      );
      assert.ok(doors.body.doors.length >= 2);
      assert.equal(
        (await check("/api/venues/{id}/doors/status", "/api/venues/99/doors/status", { headers })).status,
        404,
      );
      const pulse = await check("/api/doors/{doorId}/pulse", `/api/doors/${venue.street}/pulse`, {
        method: "POST",
        headers: { ...headers, origin: ORIGIN },
      });
      assert.equal(pulse.status, 200);
      assert.equal(
        (
          await check("/api/doors/{doorId}/pulse", "/api/doors/77/pulse", {
            method: "POST",
            headers: { ...headers, origin: ORIGIN },
          })
        ).status,
        404,
      );
      assert.equal((await check("/api/siwe/logout", "/api/siwe/logout", { method: "POST", headers })).status, 200);
    });
  });
});
