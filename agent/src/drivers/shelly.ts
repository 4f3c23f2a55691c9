// Shelly Gen2+ relay (Plus 1, Pro 1, Plus Uni…) over its local RPC: `POST /rpc` with
// `Switch.Set {id, on: true, toggle_after}`. The DEVICE times the pulse and switches off by itself,
// so a crashed agent or a lost network never leaves a strike released. HTTP digest authentication
// (RFC 7616, SHA-256, user "admin") when the device has a password: the first request gets 401 and
// a challenge, the second carries the answer (shelly-api-docs.shelly.cloud/gen2/General/Authentication).
// Optional door contact: a Shelly input wired to a reed switch (`Input.GetStatus`).
import { createHash, randomBytes } from "node:crypto";
import { DriverError, type DriverReading, type LockDriver } from "./driver.ts";
import { httpRequest, type HttpAnswer } from "./http.ts";

const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");

export type ShellyOptions = {
  url: string;
  switchId?: number;
  username?: string;
  password?: string;
  /** Input id wired to a door contact (closed when its state is true), if any. */
  contactInputId?: number;
};

/** The Authorization header answering a digest challenge (RFC 7616, SHA-256, qop=auth). */
export function digestAuthorization(
  challenge: string,
  o: { username: string; password: string; method: string; uri: string; cnonce?: string; nc?: number },
): string | null {
  const field = (name: string) => new RegExp(`${name}="?([^",]+)"?`, "i").exec(challenge)?.[1];
  const realm = field("realm");
  const nonce = field("nonce");
  if (!/^Digest /i.test(challenge) || !realm || !nonce) return null;
  const nc = (o.nc ?? 1).toString(16).padStart(8, "0");
  const cnonce = o.cnonce ?? randomBytes(8).toString("hex");
  const ha1 = sha256(`${o.username}:${realm}:${o.password}`);
  const ha2 = sha256(`${o.method}:${o.uri}`);
  const response = sha256(`${ha1}:${nonce}:${nc}:${cnonce}:auth:${ha2}`);
  return (
    `Digest username="${o.username}", realm="${realm}", nonce="${nonce}", uri="${o.uri}", ` +
    `algorithm=SHA-256, qop=auth, nc=${nc}, cnonce="${cnonce}", response="${response}"`
  );
}

export class ShellyDriver implements LockDriver {
  readonly kind = "shelly";
  private readonly o: Required<Omit<ShellyOptions, "password" | "contactInputId">> & ShellyOptions;
  private readonly rpcUrl: URL;
  private seq = 0;

  constructor(o: ShellyOptions) {
    this.o = { switchId: 0, username: "admin", ...o };
    this.rpcUrl = new URL("/rpc", o.url);
  }

  async pulse(seconds: number, signal: AbortSignal): Promise<void> {
    await this.rpc("Switch.Set", { id: this.o.switchId, on: true, toggle_after: seconds }, signal);
  }

  async read(signal: AbortSignal): Promise<DriverReading> {
    const s = (await this.rpc("Switch.GetStatus", { id: this.o.switchId }, signal)) as { output?: unknown };
    if (typeof s?.output !== "boolean") throw new DriverError("lock_unreachable", "Switch.GetStatus without output");
    let contact: DriverReading["contact"] = null;
    if (this.o.contactInputId !== undefined) {
      const i = (await this.rpc("Input.GetStatus", { id: this.o.contactInputId }, signal)) as { state?: unknown };
      contact = i?.state === true ? "closed" : i?.state === false ? "open" : null;
    }
    // Relay energised = strike released (wire it so: fail-secure strike on NO, maglock on NC).
    return { state: s.output ? "unlocked" : "locked", contact, battery: null };
  }

  private async rpc(method: string, params: Record<string, unknown>, signal: AbortSignal): Promise<unknown> {
    const body = JSON.stringify({ id: ++this.seq, src: "passepartout-agent", method, params });
    let res: HttpAnswer;
    try {
      res = await httpRequest(this.rpcUrl, { method: "POST", body, signal });
      if (res.status === 401) {
        const challenge = String(res.headers["www-authenticate"] ?? "");
        if (this.o.password === undefined) throw new DriverError("lock_unreachable", "the Shelly asks for a password");
        const auth = digestAuthorization(challenge, {
          username: this.o.username,
          password: this.o.password,
          method: "POST",
          uri: "/rpc",
        });
        if (!auth) throw new DriverError("lock_unreachable", "the Shelly's authentication challenge is unreadable");
        res = await httpRequest(this.rpcUrl, { method: "POST", body, signal, headers: { authorization: auth } });
      }
    } catch (err) {
      if (err instanceof DriverError) throw err;
      throw new DriverError("lock_unreachable", `Shelly ${method}: ${(err as Error).message}`);
    }
    if (res.status === 401) throw new DriverError("lock_unreachable", "the Shelly refused the password");
    let answer: { result?: unknown; error?: { code?: number; message?: string } };
    try {
      answer = JSON.parse(res.body) as typeof answer;
    } catch {
      throw new DriverError("lock_unreachable", `Shelly ${method}: HTTP ${res.status}, unreadable answer`);
    }
    if (res.status !== 200 || answer.error || answer.result === undefined)
      throw new DriverError(
        "lock_unreachable",
        `Shelly ${method}: ${answer.error?.message ?? `HTTP ${res.status}`} (${answer.error?.code ?? "no code"})`,
      );
    return answer.result;
  }
}
