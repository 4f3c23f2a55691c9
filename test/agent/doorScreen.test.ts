// The door screen the agent serves on the LAN (agent/src/screen/doorScreen.ts), over real HTTP with a
// real DoorAgent (no broker needed: decisions come from open commands handed to `receive`).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { recoverAddress, hashTypedData } from "viem";
import { privateKeyToAddress } from "viem/accounts";
import { encode } from "uqr";
import { startDoorScreen, type DoorScreen } from "../../agent/src/screen/doorScreen.ts";
import { decisionText, pickLang } from "../../agent/src/screen/screenPage.ts";
import type { DoorAgent } from "../../agent/src/doorAgent.ts";
import { createAgentLogger } from "../../agent/src/log.ts";
import { decodeDoorCode, doorRoute } from "../../protocol/doorCode.ts";
import { topics } from "../../protocol/doorMqtt.ts";
import { challengeTypes, protocolDomain, type Challenge } from "../../protocol/eip712.ts";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { loadAgentConfig } from "../../agent/src/config.ts";
import { tempDir } from "../helpers/tempDirs.ts";
import { CHAIN_ID, CONTRACT, lockKey, openCommand, simulators, startAgent } from "./brokerHarness.ts";

const DAPP = "https://app.example.org/";
const ROTATE_S = 10;

type State = {
  door: number;
  link: string;
  svg: string;
  decision: { seq: number; result: string; reason: string } | null;
};

/** The challenge a door link carries. */
function challengeOf(link: string): Challenge {
  const r = doorRoute(link, DAPP);
  assert.ok(r?.code, `a door link with a code: ${link}`);
  return decodeDoorCode(r.door, r.code);
}

const lockSigner = (c: Challenge) =>
  recoverAddress({
    hash: hashTypedData({
      domain: protocolDomain(CHAIN_ID, CONTRACT),
      types: challengeTypes,
      primaryType: "Challenge",
      message: { door: c.door, nonce: c.nonce, time: BigInt(c.time) },
    }),
    signature: c.signature,
  });

/** The QR matrix an SVG of the screen draws (its path: one `M x y h w v1 h-w z` per dark run). */
function svgMatrix(svg: string): boolean[][] {
  const n = Number(/viewBox="0 0 (\d+) \d+"/.exec(svg)![1]);
  const m = Array.from({ length: n }, () => Array<boolean>(n).fill(false));
  for (const [, x, y, w] of svg.matchAll(/M(\d+) (\d+)h(\d+)v1h-\d+z/g))
    for (let i = 0; i < Number(w); i++) m[Number(y)][Number(x) + i] = true;
  return m;
}

/** Reads Server-Sent Events' data lines as JSON, one at a time. */
function events(res: Response) {
  const reader = res.body!.getReader();
  let buf = "";
  const next = async (): Promise<State> => {
    for (;;) {
      const i = buf.indexOf("\n\n");
      if (i >= 0) {
        const block = buf.slice(0, i);
        buf = buf.slice(i + 2);
        const data = block.split("\n").find((l) => l.startsWith("data: "));
        if (data) return JSON.parse(data.slice(6)) as State;
        continue;
      }
      const { value, done } = await reader.read();
      if (done) throw new Error("the event stream ended");
      buf += new TextDecoder().decode(value);
    }
  };
  return { next, close: () => reader.cancel() };
}

describe("the door screen", () => {
  let agent: DoorAgent;
  let screen: DoorScreen;
  let nowMs = 1_000_000;

  before(async () => {
    agent = startAgent({ url: "mqtt://127.0.0.1:1", async restart() {}, async stop() {} }, 1, simulators(1, 2));
    screen = await startDoorScreen({
      port: 0,
      host: "127.0.0.1",
      dappUrl: DAPP,
      rotateSeconds: ROTATE_S,
      doors: [{ id: 1, name: "Entrée — rue Principale" }, { id: 2 }],
      agent,
      logger: createAgentLogger("error", () => undefined),
      nowMs: () => nowMs,
    });
  });
  after(async () => {
    await screen?.close();
    await agent?.stop();
  });

  const get = (path: string, headers: Record<string, string> = {}) => fetch(`${screen.url}${path}`, { headers });
  const state = async (door = 1) => (await (await get(`/door/${door}/state`)).json()) as State;

  it("serves a self-contained page in the browser's language whose QR code is the dApp link of a fresh lock-signed challenge", async () => {
    const res = await get("/door/1", { "accept-language": "fr-CA,fr;q=0.9,en;q=0.8" });
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type")!, /^text\/html/);
    assert.match(res.headers.get("content-security-policy")!, /default-src 'none'/);
    const html = await res.text();
    assert.match(html, /<html lang="fr">/);
    assert.match(html, /Entrée — rue Principale/);
    assert.match(html, /Scannez avec votre téléphone pour ouvrir/);
    assert.doesNotMatch(html, /\b(src|href)="(https?:)?\/\//, "nothing loaded from elsewhere");
    const link = /data-link="([^"]+)"/.exec(html)![1].replace(/&#38;/g, "&");
    assert.ok(link.startsWith(`${DAPP}#/door/1?c=`), link);
    const svg = /<svg[^]*?<\/svg>/.exec(html)![0];
    assert.deepEqual(svgMatrix(svg), encode(link, { ecc: "M", border: 4 }).data, "the SVG draws the link's QR code");
    const c = challengeOf(link);
    assert.equal(c.door, 1);
    assert.equal(await lockSigner(c), privateKeyToAddress(lockKey(1)));
  });

  it("follows ?lang= and Accept-Language, French by default, and names a door without a name by its number", async () => {
    const en = await (await get("/door/2?lang=en", { "accept-language": "fr" })).text();
    assert.match(en, /<html lang="en">/);
    assert.match(en, /Door #2/);
    assert.match(en, /href="\?lang=fr"/);
    assert.equal(pickLang(null, "en-US,en;q=0.9,fr;q=0.8"), "en");
    assert.equal(pickLang(null, "de-DE,fr;q=0.5,en;q=0.7"), "en");
    assert.equal(pickLang(null, "de-DE"), "fr");
    assert.equal(pickLang("xx", "en;q=0"), "fr");
    assert.equal(decisionText("fr", { result: "opened", reason: "opened" }), "Ouvert — entrez");
    assert.equal(decisionText("en", { result: "opened", reason: "opened" }), "Open — come in");
    assert.equal(
      decisionText("en", { result: "refused", reason: "lock_unreachable" }),
      "The lock did not answer — try again",
    );
  });

  it("answers 404 for a door the agent does not serve and anything else, 405 for other methods", async () => {
    for (const path of ["/door/3", "/door/0", "/door/abc", "/", "/door/1/other", "/door/99999999999"]) {
      const res = await get(path, { "accept-language": "en" });
      assert.equal(res.status, 404, path);
      assert.match(await res.text(), /Unknown door/);
    }
    const post = await fetch(`${screen.url}/door/1`, { method: "POST", body: "x" });
    assert.equal(post.status, 405);
  });

  it("keeps one code per rotation, however often it is asked, and a new one after", async () => {
    nowMs += ROTATE_S * 1000;
    const a = await state();
    const [b, c] = await Promise.all([state(), state()]);
    assert.equal(b.link, a.link);
    assert.equal(c.link, a.link);
    nowMs += ROTATE_S * 1000 - 1;
    assert.equal((await state()).link, a.link);
    nowMs += 1;
    const next = await state();
    assert.notEqual(next.link, a.link);
    assert.notDeepEqual(challengeOf(next.link).nonce, challengeOf(a.link).nonce);
  });

  it(
    "pushes the agent's decision to the screen: opened, then a fresh code; a replay shows the refusal",
    { timeout: 10_000 },
    async () => {
      const res = await get("/door/1/events");
      assert.match(res.headers.get("content-type")!, /^text\/event-stream/);
      const { next, close } = events(res);
      const first = await next();
      assert.equal(first.decision, null);
      const c = challengeOf(first.link);
      const cmd = openCommand(c, { ttl: 5 });
      const payload = Buffer.from(
        JSON.stringify({
          v: 1,
          type: "open",
          id: cmd.challenge.slice(2),
          replyTo: "pp/v1/relayer/r1/res",
          command: cmd,
        }),
      );
      await agent.receive(topics.command(1, 1), payload);
      const opened = await next();
      assert.equal(opened.decision?.result, "opened");
      assert.notEqual(opened.link, first.link, "the spent code is replaced at once");
      await agent.receive(topics.command(1, 1), payload);
      const replay = await next();
      assert.equal(replay.decision?.result, "refused");
      assert.equal(replay.decision?.reason, "challenge_used");
      assert.ok(replay.decision.seq > opened.decision.seq);
      await close();
      // Polling sees the same news while it is fresh, and nothing once it is old.
      assert.equal((await state()).decision?.reason, "challenge_used");
      nowMs += 6001;
      assert.equal((await state()).decision, null);
    },
  );

  it("is configured by agent.json's screen (off when absent), and a bad screen setting stops the agent with one line naming it", () => {
    const dir = tempDir("pp-screen-config-");
    const base = {
      agentId: "lelab-pi",
      venue: 1,
      chain: { rpcUrl: "http://127.0.0.1:8545", chainId: 31337, contract: CONTRACT },
      broker: { url: "mqtt://127.0.0.1:1883" },
      doors: [{ id: 1, lockKey: lockKey(1), driver: { type: "simulator" }, name: "Entrée" }],
    };
    const load = (config: object) => {
      const file = path.join(dir, "agent.json");
      writeFileSync(file, JSON.stringify(config));
      return loadAgentConfig(file);
    };
    assert.equal(load(base).screen, undefined);
    const on = load({ ...base, screen: { port: 8080, dappUrl: DAPP } });
    assert.deepEqual(on.screen, { port: 8080, host: "0.0.0.0", dappUrl: DAPP, rotateSeconds: 10 });
    assert.equal(on.doors[0].name, "Entrée");
    for (const [screen, field] of [
      [{ port: 8080 }, "screen.dappUrl"],
      [{ port: 8080, dappUrl: "ftp://app.example.org/" }, "screen.dappUrl"],
      [{ port: 70000, dappUrl: DAPP }, "screen.port"],
      [{ port: 8080, dappUrl: DAPP, rotateSeconds: 60 }, "screen.rotateSeconds"],
      [{ port: 8080, dappUrl: DAPP, rotateSeconds: 1 }, "screen.rotateSeconds"],
    ] as const)
      assert.throws(() => load({ ...base, screen }), new RegExp(`^Error: invalid agent configuration: ${field}: `));
  });
});
