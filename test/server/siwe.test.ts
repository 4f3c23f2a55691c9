// Sign-In with Ethereum, in process (no chain): EIP-4361 strictness, the checks bound to the
// relayer's policy, and the nonce store's resistance to junk sign-ins.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createSiweMessage } from "viem/siwe";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { clientIp } from "../../server/http/policy.ts";
import { NonceStore, verifySiwe, type SiwePolicy } from "../../server/http/siwe.ts";
import type { ChainReader } from "../../server/index/chain.ts";
import { MESSAGES } from "../../web/src/i18n/messages.ts";
import express from "express";
import type { AddressInfo } from "node:net";
import { authRouter } from "../../server/http/routes/auth.ts";
import { SessionCodec } from "../../server/http/session.ts";
import { RelayerError, errorBody } from "../../server/errors.ts";
import type { RelayerContext } from "../../server/context.ts";

const SECRET = "a-shared-session-secret-of-32-characters!";
const NOW = 1_900_000_000;
const policy: SiwePolicy = {
  domains: ["localhost:5173"],
  uriOrigins: ["http://localhost:5173"],
  chainId: 31337,
  nonceTtlS: 300,
  clockSkewS: 30,
};
/** A chain where no address holds code (every signer is an EOA). */
const noContracts = {
  hasCode: () => Promise.resolve(false),
  isValidSignature: () => Promise.resolve(false),
} as unknown as ChainReader;
const member = privateKeyToAccount(generatePrivateKey());
const other = privateKeyToAccount(generatePrivateKey());

function store(limits?: { perRequester: number }) {
  return new NonceStore(300, () => NOW, SECRET, limits);
}

function message(nonce: string, over: Partial<Parameters<typeof createSiweMessage>[0]> = {}): string {
  return createSiweMessage({
    address: member.address,
    domain: "localhost:5173",
    uri: "http://localhost:5173",
    chainId: 31337,
    nonce,
    version: "1",
    statement: "Sign in to Passepartout to see your passes and open doors.",
    issuedAt: new Date(NOW * 1000),
    expirationTime: new Date((NOW + 3600) * 1000),
    ...over,
  });
}

async function signIn(nonces: NonceStore, text: string, signature?: `0x${string}`, requester = "203.0.113.7") {
  return verifySiwe(
    text,
    signature ?? (await member.signMessage({ message: text })),
    policy,
    nonces,
    noContracts,
    NOW,
    requester,
  );
}

async function rejects(p: Promise<unknown>, pattern: RegExp) {
  await assert.rejects(p, (err: Error & { code?: string }) => {
    assert.equal(err.code, "siwe_invalid");
    assert.match(err.message, pattern);
    return true;
  });
}

describe("SIWE verification", () => {
  it("accepts the dApp's message in every language and returns the signer", async () => {
    for (const statement of MESSAGES["wallet.statement"]) {
      const who = await signIn(store(), message(store().issue(), { statement }));
      assert.equal(who.address, member.address.toLowerCase());
      assert.equal(who.chainId, 31337);
      assert.equal(who.expiresAt, NOW + 3600);
    }
  });

  it("rejects an address that is not EIP-55 checksummed", async () => {
    const text = message(store().issue()).replace(member.address, member.address.toLowerCase());
    await rejects(signIn(store(), text), /EIP-55/);
  });

  it("rejects a line after the last field", async () => {
    const nonces = store();
    for (const tail of ["\nRequest ID: 1\nExtra: smuggled", "\nIgnore: everything", "\n"]) {
      await rejects(signIn(nonces, message(nonces.issue()) + tail), /EIP-4361/);
    }
  });

  it("rejects a wrong domain, URI origin, chain, an expired, a not-yet-valid and a stale message", async () => {
    const nonces = store();
    await rejects(signIn(nonces, message(nonces.issue(), { domain: "evil.example" })), /wrong domain/);
    await rejects(signIn(nonces, message(nonces.issue(), { uri: "https://evil.example/login" })), /wrong uri/);
    await rejects(signIn(nonces, message(nonces.issue(), { chainId: 1 })), /wrong chain/);
    await rejects(signIn(nonces, message(nonces.issue(), { expirationTime: new Date((NOW - 1) * 1000) })), /expired/);
    await rejects(signIn(nonces, message(nonces.issue(), { notBefore: new Date((NOW + 60) * 1000) })), /not yet valid/);
    await rejects(signIn(nonces, message(nonces.issue(), { issuedAt: new Date((NOW - 3600) * 1000) })), /too old/);
    await rejects(signIn(nonces, message(nonces.issue(), { issuedAt: new Date((NOW + 3600) * 1000) })), /future/);
  });

  it("rejects a nonce it did not issue, a used one and an expired one", async () => {
    const nonces = store();
    await rejects(signIn(nonces, message("abcdefgh12345678")), /nonce/);
    await rejects(
      signIn(nonces, message(new NonceStore(300, () => NOW, "another-secret-another-secret-another!").issue())),
      /nonce/,
    );
    const text = message(nonces.issue());
    await signIn(nonces, text);
    await rejects(signIn(nonces, text), /nonce/);
    const old = new NonceStore(300, () => NOW - 400, SECRET).issue();
    await rejects(signIn(nonces, message(old, { issuedAt: new Date((NOW - 100) * 1000) })), /nonce/);
  });

  it("rejects a bad signature: another key's, a tampered message's and junk", async () => {
    const nonces = store();
    const text = message(nonces.issue());
    await rejects(signIn(nonces, text, await other.signMessage({ message: text })), /bad signature/);
    await rejects(
      signIn(nonces, text, await member.signMessage({ message: text.replace("Chain ID: 31337", "Chain ID: 31338") })),
      /bad signature/,
    );
    await rejects(signIn(nonces, text, `0x${"11".repeat(65)}`), /bad signature/);
    await rejects(signIn(nonces, text, "0x00"), /bad signature/);
  });
});

describe("SIWE nonces under junk sign-ins", () => {
  it("a sign-in with a bad signature leaves its nonce usable by the member", async () => {
    const nonces = store();
    const text = message(nonces.issue());
    await rejects(signIn(nonces, text, await other.signMessage({ message: text })), /bad signature/);
    const who = await signIn(nonces, text);
    assert.equal(who.address, member.address.toLowerCase());
  });

  it("100,001 junk sign-ins within one nonce lifetime do not block a member's sign-in", async () => {
    // Before: each junk sign-in used up its nonce, and the store refused every nonce once it held
    // 100,000, so this many junk sign-ins blocked sign-in for every member for five minutes.
    const nonces = store();
    const junk = `0x${"22".repeat(64)}1b` as const;
    let rejected = 0;
    for (let i = 0; i < 100_001; i++) {
      await signIn(nonces, message(nonces.issue()), junk, `198.51.100.${i % 250}`).catch(() => rejected++);
    }
    assert.equal(rejected, 100_001);
    const who = await signIn(nonces, message(nonces.issue()));
    assert.equal(who.address, member.address.toLowerCase());
  });

  it("bounds used nonces per requester: one requester at its share does not block another", async () => {
    const nonces = store({ perRequester: 3 });
    for (let i = 0; i < 3; i++) await signIn(nonces, message(nonces.issue()), undefined, "198.51.100.1");
    await assert.rejects(
      signIn(nonces, message(nonces.issue()), undefined, "198.51.100.1"),
      (err: Error & { code?: string }) => {
        assert.equal(err.code, "rate_limited");
        return true;
      },
    );
    const who = await signIn(nonces, message(nonces.issue()), undefined, "203.0.113.9");
    assert.equal(who.address, member.address.toLowerCase());
  });
});

describe("POST /api/siwe/verify", () => {
  it("keys the used-nonce share on the client IP (X-Forwarded-For behind TRUST_PROXY)", async () => {
    const nonces = store({ perRequester: 2 });
    const config = {
      bodyLimitBytes: 16_384,
      cookieSecure: false,
      sessionTtlS: 3600,
      chainId: 31337,
      siweDomains: policy.domains,
      siweUriOrigins: policy.uriOrigins,
      siweNonceTtlS: 300,
      clockSkewS: 30,
    };
    const ctx = {
      config,
      clock: () => NOW,
      nonces,
      reader: noContracts,
      sessions: new SessionCodec(SECRET),
    } as unknown as RelayerContext;
    const app = express();
    app.use(authRouter(ctx, (req) => clientIp(req, true)));
    app.use(
      (err: RelayerError, _req: express.Request, res: express.Response, _next: express.NextFunction) =>
        void res.status(err.status).json(errorBody(err)),
    );
    const server = app.listen(0, "127.0.0.1");
    await new Promise((resolve) => server.once("listening", resolve));
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const post = async (ip: string) => {
        const { nonce } = (await (await fetch(`${base}/api/siwe/nonce`)).json()) as { nonce: string };
        const text = message(nonce);
        const body = JSON.stringify({ message: text, signature: await member.signMessage({ message: text }) });
        return fetch(`${base}/api/siwe/verify`, {
          method: "POST",
          headers: { "content-type": "application/json", "x-forwarded-for": ip },
          body,
        });
      };
      assert.deepEqual([(await post("198.51.100.1")).status, (await post("198.51.100.1")).status], [200, 200]);
      const third = await post("198.51.100.1");
      assert.equal(third.status, 429);
      assert.equal(((await third.json()) as { error: { code: string } }).error.code, "rate_limited");
      assert.equal((await post("203.0.113.50")).status, 200, "another client is not affected");
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});
