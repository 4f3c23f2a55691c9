// Calendar feed tokens (server/receipts/feedToken.ts) and their revocation through the shared audit
// trail (feedRevocation.ts): forged, truncated, expired and foreign-secret tokens are refused with
// their code; a revocation recorded through one connection to the trail (one relayer) is seen
// through another (another relayer), on SQLite and on PostgreSQL, and outlives every token it revokes.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { FeedTokenCodec, FeedTokenError } from "../../server/receipts/feedToken.ts";
import { issuedAfter, latestRevocation, recordRevocation } from "../../server/receipts/feedRevocation.ts";
import { openAudit } from "../../server/audit/openAudit.ts";
import type { AuditStore } from "../../server/audit/auditLog.ts";
import { startPostgres, type PgCluster } from "../helpers/postgres.ts";
import { tempFile } from "./fixture.ts";
import type { Hex } from "../../protocol/types.ts";

const MEMBER: Hex = "0x70997970c51812dc3a010c7d01b50e0d17dc79c8";
const OTHER: Hex = "0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc";
const claims = { address: MEMBER, chainId: 31337, iat: 1_000, exp: 2_000 };
const code = (f: () => unknown) => {
  try {
    f();
  } catch (err) {
    assert.ok(err instanceof FeedTokenError);
    return err.code;
  }
  assert.fail("accepted");
};

describe("calendar feed tokens", () => {
  const codec = new FeedTokenCodec("secret-of-the-fleet");

  it("reads back what it issued, until it expires", () => {
    const token = codec.issue(claims);
    assert.deepEqual(codec.read(token, 1_999), claims);
    assert.equal(
      code(() => codec.read(token, 2_000)),
      "feed_token_expired",
    );
  });

  it("refuses a token of another secret, a changed payload, a truncated MAC and junk", () => {
    const token = codec.issue(claims);
    assert.equal(
      code(() => new FeedTokenCodec("another-secret").read(token, 1_500)),
      "feed_token_invalid",
    );
    const [, mac] = token.split(".");
    const forged = Buffer.from(JSON.stringify([OTHER, 31337, 1_000, 2_000])).toString("base64url");
    assert.equal(
      code(() => codec.read(`${forged}.${mac}`, 1_500)),
      "feed_token_invalid",
    );
    assert.equal(
      code(() => codec.read(token.slice(0, -1), 1_500)),
      "feed_token_invalid",
    );
    for (const junk of ["", ".", "a.b.c", token + ".x", "x".repeat(500)])
      assert.equal(
        code(() => codec.read(junk, 1_500)),
        "feed_token_invalid",
        junk,
      );
  });

  it("is not a session cookie: the session codec's MAC with the same secret does not verify", async () => {
    const { SessionCodec } = await import("../../server/http/session.ts");
    const cookie = new SessionCodec("secret-of-the-fleet").issue(MEMBER, 31337, 2_000);
    assert.equal(
      code(() => codec.read(cookie, 1_500)),
      "feed_token_invalid",
    );
  });

  it("holds only when issued after the latest revocation", () => {
    assert.equal(issuedAfter(1_000, null), true);
    assert.equal(issuedAfter(1_000, 999), true);
    assert.equal(issuedAfter(1_000, 1_000), false);
    assert.equal(issuedAfter(1_000, 1_500), false);
  });
});

for (const kind of ["sqlite", "postgres"] as const) {
  describe(`calendar feed revocation shared through a ${kind} audit trail`, () => {
    let pg: PgCluster | undefined;
    let one: AuditStore;
    let two: AuditStore;
    before(async () => {
      let spec: string;
      if (kind === "postgres") {
        pg = await startPostgres();
        spec = pg.url;
      } else spec = tempFile("feed-audit.sqlite");
      one = await openAudit(spec); // relayer 1's connection
      two = await openAudit(spec); // relayer 2's
    });
    after(async () => {
      await one?.close();
      await two?.close();
      pg?.stop();
    });

    it("a revocation recorded by one relayer is seen by the other, for that member only", async () => {
      assert.equal(await latestRevocation(two, MEMBER), null);
      await recordRevocation(one, MEMBER, 5_000, 12);
      assert.equal(await latestRevocation(two, MEMBER), 5_000);
      assert.equal(await latestRevocation(two, OTHER), null, "another member's links are untouched");
      await recordRevocation(two, MEMBER, 6_000, 13);
      assert.equal(await latestRevocation(one, MEMBER), 6_000, "the latest revocation counts");
    });

    it("is not hidden by many other records of the member", async () => {
      for (let i = 0; i < 30; i++)
        await one.record({
          time: 7_000 + i,
          door: 1,
          venue: 1,
          signer: MEMBER,
          pass: "1",
          decision: "granted",
          reason: "granted",
          block: 1,
          challenge: null,
          requestId: `door-${kind}-${i}`,
        });
      assert.equal(await latestRevocation(two, MEMBER), 6_000);
    });
    it("keeps a revocation for the retention window, which bounds every token's life", async () => {
      // Tokens live at most AUDIT_RETENTION_DAYS: a record pruned after that revoked only expired tokens.
      const days = 90;
      await recordRevocation(one, OTHER, 100_000, 14);
      await one.applyRetention(days, 100_000 + days * 86_400 - 1);
      assert.equal(await latestRevocation(two, OTHER), 100_000, "still there while a revoked token could be live");
    });
  });
}
