// A fake Shelly Gen2+ relay enforcing the vendor's documented rules, for the driver tests:
// - https://shelly-api-docs.shelly.cloud/gen2/General/RPCProtocol — JSON-RPC 2.0 frames over
//   `POST /rpc`: `id` and `method` required, `src` names the caller; answers `{id, src, result}` or
//   `{id, src, error: {code, message}}`.
// - https://shelly-api-docs.shelly.cloud/gen2/General/Authentication — with a password set, every
//   HTTP request is protected by digest authentication (RFC 7616, SHA-256, user "admin",
//   ha1 = SHA256(admin:realm:password)): no or wrong credentials → 401 with a
//   `WWW-Authenticate: Digest qop="auth", realm=…, nonce=…, algorithm=SHA-256` challenge.
// - https://shelly-api-docs.shelly.cloud/gen2/ComponentsAndServices/Switch — `Switch.Set {id, on,
//   toggle_after}` (`id` and `on` required; `toggle_after` an optional flip-back timer in seconds)
//   answers `{was_on}`; `Switch.GetStatus {id}` answers `{id, output, timer_started_at?, timer_duration?}`.
// The device flips the output back by itself when the timer ends (this fake, too).
import { createHash, randomBytes } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";

const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");

export type FakeShelly = {
  url: string;
  /** Every accepted Switch.Set {on: true}: its toggle_after, in order. */
  pulses: number[];
  output(): boolean;
  unauthorized: number;
  /** Accept requests but never answer them (a hung device). */
  hang: boolean;
  close(): Promise<void>;
};

export async function startFakeShelly(
  o: { password?: string; switches?: number; contactInput?: boolean } = {},
): Promise<FakeShelly> {
  const realm = `shellyplus1-${randomBytes(6).toString("hex")}`;
  const nonces = new Set<string>();
  const outputs = new Array<boolean>(o.switches ?? 1).fill(false);
  const timers = new Map<number, NodeJS.Timeout>();
  const fake: FakeShelly = {
    url: "",
    pulses: [],
    output: () => outputs[0],
    unauthorized: 0,
    hang: false,
    async close() {
      for (const t of timers.values()) clearTimeout(t);
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
  const authorized = (header: string | undefined): boolean => {
    if (o.password === undefined) return true;
    if (!header?.startsWith("Digest ")) return false;
    const f = (name: string) => new RegExp(`${name}="?([^",]+)"?`).exec(header)?.[1];
    const [username, nonce, uri, nc, cnonce, response, qop, algorithm] = [
      "username",
      "nonce",
      "uri",
      "nc",
      "cnonce",
      "response",
      "qop",
      "algorithm",
    ].map(f);
    if (username !== "admin" || !nonce || !nonces.has(nonce) || qop !== "auth" || algorithm !== "SHA-256") return false;
    if (f("realm") !== realm || uri !== "/rpc" || !nc || !cnonce) return false;
    const ha1 = sha256(`admin:${realm}:${o.password}`);
    const ha2 = sha256(`POST:${uri}`);
    return response === sha256(`${ha1}:${nonce}:${nc}:${cnonce}:auth:${ha2}`);
  };
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      if (fake.hang) return; // never answers
      if (req.method !== "POST" || req.url !== "/rpc") {
        res.writeHead(404).end();
        return;
      }
      if (!authorized(req.headers.authorization)) {
        fake.unauthorized++;
        const nonce = String(Math.floor(Math.random() * 2 ** 31));
        nonces.add(nonce);
        res.writeHead(401, {
          "www-authenticate": `Digest qop="auth", realm="${realm}", nonce="${nonce}", algorithm=SHA-256`,
        });
        res.end();
        return;
      }
      let frame: { id?: unknown; method?: unknown; params?: Record<string, unknown> };
      try {
        frame = JSON.parse(body) as typeof frame;
      } catch {
        res.writeHead(400).end();
        return;
      }
      const reply = (payload: object) => {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ id: frame.id, src: realm, ...payload }));
      };
      const error = (code: number, message: string) => reply({ error: { code, message } });
      if (frame.id === undefined || typeof frame.method !== "string") return error(-32600, "invalid request");
      const p = frame.params ?? {};
      const id = p.id;
      if (frame.method === "Switch.Set") {
        if (typeof id !== "number" || id < 0 || id >= outputs.length)
          return error(-105, "Argument 'id', value not found");
        if (typeof p.on !== "boolean") return error(-103, "Missing required argument 'on'!");
        if (p.toggle_after !== undefined && (typeof p.toggle_after !== "number" || p.toggle_after <= 0))
          return error(-103, "Invalid argument 'toggle_after'");
        const wasOn = outputs[id];
        outputs[id] = p.on;
        clearTimeout(timers.get(id));
        if (p.on) fake.pulses.push(Number(p.toggle_after ?? 0));
        if (typeof p.toggle_after === "number")
          timers.set(
            id,
            setTimeout(() => (outputs[id] = !outputs[id]), p.toggle_after * 1000),
          );
        return reply({ result: { was_on: wasOn } });
      }
      if (frame.method === "Switch.GetStatus") {
        if (typeof id !== "number" || id < 0 || id >= outputs.length)
          return error(-105, "Argument 'id', value not found");
        return reply({ result: { id, source: "http", output: outputs[id] } });
      }
      if (frame.method === "Input.GetStatus" && o.contactInput) return reply({ result: { id, state: true } });
      return error(404, `No handler for ${frame.method}`);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return fake;
}
