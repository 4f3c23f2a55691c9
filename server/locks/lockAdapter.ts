// How the relayer talks to locks. A real lock bridge implements the same two calls (see
// docs/relayer.md): fetch a fresh challenge for a door, and deliver an open command.
import http from "node:http";
import https from "node:https";
import type { Challenge, OpenCommand } from "../../protocol/eip712.ts";
import type { LockSimulator } from "./lockSimulator.ts";

export type DeliveryResult =
  { status: "opened" } | { status: "refused"; reason: string } | { status: "unreachable"; reason: string };

export interface LockAdapter {
  /** A fresh challenge issued by the door's lock, or null when the adapter serves no such door. */
  getChallenge(doorId: number): Promise<Challenge | null>;
  /** Pushes a signed open command to the door's lock. Never throws. */
  deliver(command: OpenCommand): Promise<DeliveryResult>;
}

/** Adapter for a lock simulator in the same process (tests). */
export class InProcessLockAdapter implements LockAdapter {
  private readonly sim: LockSimulator;
  constructor(sim: LockSimulator) {
    this.sim = sim;
  }
  getChallenge(doorId: number): Promise<Challenge | null> {
    return Promise.resolve(this.sim.issueChallenge(doorId));
  }
  async deliver(command: OpenCommand): Promise<DeliveryResult> {
    const r = await this.sim.submit(command.door, command);
    return r.result === "opened" ? { status: "opened" } : { status: "refused", reason: r.reason };
  }
}

export type LockTls = {
  /** Certificate authorities to trust for an https lock URL instead of Node's (tests; in
   * production a private CA goes in NODE_EXTRA_CA_CERTS). */
  ca?: string | Buffer;
};

/**
 * Adapter for locks reached over HTTP or HTTPS (the lock simulator process, or a bridge speaking
 * the same API): `GET {base}/doors/{id}/challenge` and `POST {base}/doors/{id}/open`. Keep-alive
 * connections through node:http / node:https (lighter than fetch on the hot path), the same
 * timeout for both.
 */
export class HttpLockAdapter implements LockAdapter {
  private readonly base: URL;
  private readonly timeoutMs: number;
  private readonly transport: typeof http | typeof https;
  private readonly agent: http.Agent;
  private queue: { command: OpenCommand; at: number; resolve: (r: DeliveryResult) => void }[] = [];
  private scheduled = false;
  constructor(baseUrl: string, timeoutMs = 2000, tls: LockTls = {}) {
    this.base = new URL(baseUrl.replace(/\/$/, ""));
    this.timeoutMs = timeoutMs;
    if (this.base.protocol === "https:") {
      this.transport = https;
      this.agent = new https.Agent({ keepAlive: true, maxSockets: 64, ...(tls.ca ? { ca: tls.ca } : {}) });
    } else if (this.base.protocol === "http:") {
      this.transport = http;
      this.agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
    } else {
      throw new Error(`lock URL must be http or https, got ${this.base.protocol}`);
    }
  }
  async getChallenge(doorId: number): Promise<Challenge | null> {
    const res = await this.request("GET", `/doors/${doorId}/challenge`);
    if (res.status === 404) return null;
    if (res.status !== 200) throw new Error(`lock answered ${res.status}`);
    return JSON.parse(res.body) as Challenge;
  }
  /**
   * Commands delivered in the same event-loop turn travel together in one `POST /open-batch`
   * (a lone command uses `POST /doors/:id/open`): fewer round trips under load.
   */
  deliver(command: OpenCommand): Promise<DeliveryResult> {
    return new Promise((resolve) => {
      this.queue.push({ command, at: performance.now(), resolve });
      this.schedule();
    });
  }
  /**
   * At most MAX_IN_FLIGHT requests to the lock at once: commands that arrive meanwhile wait for
   * one to finish and go together (group delivery, as the audit log group-commits). Fewer, larger
   * requests cost less CPU on both sides under load; a lone command still leaves at once.
   */
  private static readonly MAX_IN_FLIGHT = 2;
  private inFlight = 0;
  private schedule(): void {
    if (this.scheduled || this.queue.length === 0 || this.inFlight >= HttpLockAdapter.MAX_IN_FLIGHT) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      if (this.inFlight >= HttpLockAdapter.MAX_IN_FLIGHT || this.queue.length === 0) return;
      this.inFlight++;
      void this.flush().finally(() => {
        this.inFlight--;
        this.schedule();
      });
      this.schedule();
    });
  }
  private async flush(): Promise<void> {
    const batch = this.queue.splice(0, 256);
    if (batch.length === 1) {
      batch[0].resolve(await this.deliverOne(batch[0].command, batch[0].at));
      return;
    }
    let results: DeliveryResult[];
    try {
      const res = await this.request("POST", "/open-batch", JSON.stringify(batch.map((b) => b.command)));
      let body: unknown;
      try {
        body = JSON.parse(res.body);
      } catch {
        body = undefined;
      }
      // The lock got the commands but its answer is unusable: as a failure after sending.
      if (!Array.isArray(body) || body.length !== batch.length)
        throw Object.assign(new Error("bad batch answer"), { sent: true });
      const answers = body as ({ result?: string; reason?: string } | null)[];
      results = answers.map((r) =>
        r?.result === "opened" ? { status: "opened" } : { status: "refused", reason: String(r?.reason ?? "unknown") },
      );
    } catch (err) {
      const r = await this.unreachable(err, Math.max(...batch.map((b) => b.at)));
      results = batch.map(() => r);
    }
    batch.forEach((b, i) => b.resolve(results[i]));
  }
  private async deliverOne(command: OpenCommand, at: number): Promise<DeliveryResult> {
    let res: { status: number; body: string };
    try {
      res = await this.request("POST", `/doors/${command.door}/open`, JSON.stringify(command));
    } catch (err) {
      return this.unreachable(err, at);
    }
    try {
      const body = JSON.parse(res.body) as { result?: string; reason?: string };
      if (body.result === "opened") return { status: "opened" };
      return { status: "refused", reason: String(body.reason ?? `http_${res.status}`) };
    } catch {
      return { status: "refused", reason: `http_${res.status}` };
    }
  }
  /**
   * "Unreachable" must mean the door will not open with this command. Open commands expire before
   * the relayer's wait (timeoutMs from delivery) ends (server/config.ts), and a timeout comes at
   * the end of that wait. When the request was sent and then failed, the lock may hold the
   * command: answer only once the wait is over, when the command has expired.
   */
  private async unreachable(err: unknown, at: number): Promise<DeliveryResult> {
    const e = err as Error & { sent?: boolean };
    if (e.message === "timeout") return { status: "unreachable", reason: "timeout" };
    const left = at + this.timeoutMs - performance.now();
    if (e.sent && left > 0) await new Promise((r) => setTimeout(r, left));
    return { status: "unreachable", reason: e.sent ? "no_answer" : "connection_failed" };
  }
  private request(method: string, pathname: string, body?: string): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const req = this.transport.request(
        {
          host: this.base.hostname.replace(/^\[(.*)\]$/, "$1"),
          port: this.base.port || (this.transport === https ? 443 : 80),
          path: `${this.base.pathname.replace(/\/$/, "")}${pathname}`,
          method,
          agent: this.agent,
          timeout: this.timeoutMs,
          headers: body ? { "content-type": "application/json", "content-length": Buffer.byteLength(body) } : {},
        },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on("data", (c: Buffer) => {
            size += c.length;
            if (size > 65_536) req.destroy(new Error("lock answer too large"));
            else chunks.push(c);
          });
          res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
          res.on("error", (err: Error & { sent?: boolean }) => {
            err.sent = true;
            reject(err);
          });
        },
      );
      let sent = false;
      req.on("finish", () => (sent = true));
      req.on("timeout", () => req.destroy(new Error("timeout")));
      req.on("error", (err: Error & { sent?: boolean }) => {
        err.sent = sent;
        reject(err);
      });
      req.end(body);
    });
  }
}
