// The door screen, served by the agent on the venue's LAN (node:http, no framework): a tablet or an
// e-ink panel beside each door opens `http://<agent>:<port>/door/<id>` and shows a QR code of the
// dApp's door link with a fresh lock-signed challenge (protocol/doorCode.ts), a new one every
// `rotateSeconds`, and "Open — come in" when the agent opens that door.
//
//   GET /door/<id>         the page (FR/EN)           GET /door/<id>/events  Server-Sent Events
//   GET /door/<id>/state   the same updates as JSON, for browsers without EventSource (polling)
//
// A code is issued only when a screen asks and the shown one is older than a rotation, or was just
// used to open the door: a visitor reloading the page cannot make the agent sign more than one
// challenge per door and rotation. Challenges expire at the agent as every challenge does
// (challengeTtlS) and open the door once.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { doorLink } from "../../../protocol/doorCode.ts";
import type { DoorDecision } from "../doorAgent.ts";
import type { Challenge } from "../lockCrypto.ts";
import type { AgentLogger } from "../log.ts";
import { qrSvg } from "./qrSvg.ts";
import { notFoundPage, pickLang, screenPage } from "./screenPage.ts";

export type DoorScreenOptions = {
  port: number;
  host: string;
  /** The dApp's public URL: the QR code opens `<dappUrl>/#/door/<id>?c=…`. */
  dappUrl: string;
  rotateSeconds: number;
  /** The doors served here, with the name their screen shows (else "Door #id"). */
  doors: { id: number; name?: string }[];
  /** The agent: fresh challenges and its decisions (DoorAgent.challenge / onDecision). */
  agent: {
    challenge(door: number): Promise<Challenge | null>;
    onDecision(listener: (d: DoorDecision) => void): () => void;
  };
  logger: AgentLogger;
  /** How long a screen shows a decision before the code again (default 6 s). */
  showDecisionMs?: number;
  /** Milliseconds, for the codes' age (tests inject it). */
  nowMs?: () => number;
};

export type DoorScreen = { url: string; close(): Promise<void> };

type Code = { link: string; svg: string; at: number };
type Decision = { seq: number; result: string; reason: string; at: number };
type Feed = {
  code: Code | null;
  /** A code being issued: concurrent requests share it. */
  pending: Promise<Code> | null;
  decision: Decision | null;
  subscribers: Set<http.ServerResponse>;
  timer: NodeJS.Timeout | undefined;
};

const HEARTBEAT_MS = 15_000;

export async function startDoorScreen(o: DoorScreenOptions): Promise<DoorScreen> {
  const nowMs = o.nowMs ?? Date.now;
  const showMs = o.showDecisionMs ?? 6000;
  const rotateMs = o.rotateSeconds * 1000;
  const names = new Map(o.doors.map((d) => [d.id, d.name]));
  const feeds = new Map<number, Feed>(
    o.doors.map((d) => [d.id, { code: null, pending: null, decision: null, subscribers: new Set(), timer: undefined }]),
  );
  let seq = 0;

  /** The code to show now: the current one while younger than a rotation, else a fresh one. */
  function code(door: number, fresh = false): Promise<Code> {
    const f = feeds.get(door)!;
    if (!fresh && f.code && nowMs() - f.code.at < rotateMs) return Promise.resolve(f.code);
    f.pending ??= o.agent
      .challenge(door)
      .then((c) => {
        if (!c) throw new Error(`door ${door} is not served by the agent`);
        const link = doorLink(o.dappUrl, door, c);
        f.code = { link, svg: qrSvg(link), at: nowMs() };
        return f.code;
      })
      .finally(() => (f.pending = null));
    return f.pending;
  }

  function state(door: number, c: Code) {
    const d = feeds.get(door)!.decision;
    // A decision is news for a moment: a screen (re)connecting later shows the code, not old words.
    const decision = d && nowMs() - d.at < showMs ? { seq: d.seq, result: d.result, reason: d.reason } : null;
    return { door, link: c.link, svg: c.svg, decision };
  }

  function broadcast(door: number, c: Code): void {
    const data = `data: ${JSON.stringify(state(door, c))}\n\n`;
    for (const res of feeds.get(door)!.subscribers) res.write(data);
  }

  async function push(door: number, fresh: boolean): Promise<void> {
    try {
      broadcast(door, await code(door, fresh));
    } catch (err) {
      o.logger.warn({ door, err: (err as Error).message }, "door screen: no code issued");
    }
  }

  const unsubscribe = o.agent.onDecision((d) => {
    const f = feeds.get(d.door);
    if (!f) return;
    f.decision = { seq: ++seq, result: d.result, reason: d.reason, at: nowMs() };
    // An opening spent the code on show (or another one of this door): the next visitor gets a new one.
    void push(d.door, d.result === "opened");
  });

  function subscribe(door: number, req: http.IncomingMessage, res: http.ServerResponse, first: Code): void {
    const f = feeds.get(door)!;
    res.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-store",
      connection: "keep-alive",
      "x-accel-buffering": "no",
    });
    res.write(`retry: 2000\ndata: ${JSON.stringify(state(door, first))}\n\n`);
    f.subscribers.add(res);
    f.timer ??= setInterval(() => void push(door, true), rotateMs);
    const beat = setInterval(() => res.write(": keep-alive\n\n"), HEARTBEAT_MS);
    req.once("close", () => {
      clearInterval(beat);
      f.subscribers.delete(res);
      if (f.subscribers.size === 0) {
        clearInterval(f.timer);
        f.timer = undefined;
      }
    });
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const u = new URL(req.url ?? "/", "http://screen");
    const lang = pickLang(u.searchParams.get("lang"), req.headers["accept-language"]);
    const html = (status: number, body: string) => {
      res.writeHead(status, {
        "content-type": "text/html; charset=utf-8",
        "cache-control": "no-store",
        // Nothing but this page's own inline style and script, and updates from this agent.
        "content-security-policy":
          "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; connect-src 'self'; base-uri 'none'; form-action 'none'",
        "x-content-type-options": "nosniff",
        "content-language": lang,
      });
      res.end(req.method === "HEAD" ? undefined : body);
    };
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { allow: "GET, HEAD", "content-type": "text/plain" }).end("GET only\n");
      return;
    }
    const m = /^\/door\/([1-9][0-9]{0,9})(\/events|\/state)?\/?$/.exec(u.pathname);
    const door = m ? Number(m[1]) : NaN;
    if (!m || !feeds.has(door)) return html(404, notFoundPage(lang));
    let c: Code;
    try {
      c = await code(door);
    } catch (err) {
      o.logger.error({ door, err: (err as Error).message }, "door screen: no code issued");
      res.writeHead(503, { "content-type": "text/plain", "retry-after": "5" }).end("no code now\n");
      return;
    }
    if (m[2] === "/events") return subscribe(door, req, res, c);
    if (m[2] === "/state") {
      res.writeHead(200, { "content-type": "application/json", "cache-control": "no-store" });
      res.end(JSON.stringify(state(door, c)));
      return;
    }
    html(
      200,
      screenPage({
        lang,
        door,
        name: names.get(door),
        svg: c.svg,
        link: c.link,
        rotateSeconds: o.rotateSeconds,
        showDecisionMs: showMs,
      }),
    );
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((err: Error) => {
      o.logger.error({ err: err.message }, "door screen: request failed");
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  server.requestTimeout = 10_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(o.port, o.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = o.host === "0.0.0.0" || o.host === "::" ? "127.0.0.1" : o.host;
  o.logger.info({ port, host: o.host, doors: [...feeds.keys()] }, "door screen listening");
  return {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${port}`,
    async close() {
      unsubscribe();
      for (const f of feeds.values()) {
        clearInterval(f.timer);
        for (const res of f.subscribers) res.end();
      }
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
