// The embedded MQTT broker of the demo and the tests: aedes 1.2 (MQTT 3.1.1) in this process, on
// loopback, optionally with TLS, users and the same ACL rules as the production Mosquitto
// (acl.ts). Production runs Mosquitto (docs/door-agent.md, scripts/brokerAcl.ts).
import { createServer as createTcpServer, type Server, type AddressInfo, type Socket } from "node:net";
import { createServer as createTlsServer } from "node:tls";
import { timingSafeEqual, createHash } from "node:crypto";
import { Aedes, type Client } from "aedes";
import { AclChecker, type AclUser } from "./acl.ts";

export type EmbeddedBroker = { url: string; port: number; broker: Aedes; close(): Promise<void> };

export type EmbeddedBrokerOptions = {
  host?: string;
  port?: number;
  /** PEM key and certificate: listen with TLS (mqtts://). */
  tls?: { key: string | Buffer; cert: string | Buffer };
  /** username → password; when given, every client must authenticate. */
  users?: Map<string, string>;
  /** Topic rules per username (acl.ts); when given, everything else is refused. */
  acl?: AclUser[];
};

const digest = (s: string) => createHash("sha256").update(s).digest();
const userOf = new WeakMap<Client, string>();

export async function startEmbeddedBroker(o: EmbeddedBrokerOptions = {}): Promise<EmbeddedBroker> {
  const acl = o.acl ? new AclChecker(o.acl) : null;
  const broker = await Aedes.createBroker({
    authenticate: (client, username, password, done) => {
      if (!o.users) return done(null, true);
      const expected = username === undefined ? undefined : o.users.get(username);
      const ok =
        expected !== undefined &&
        password !== undefined &&
        timingSafeEqual(digest(expected), digest(password.toString("utf8")));
      if (!ok) {
        const err = Object.assign(new Error("bad username or password"), { returnCode: 4 as const });
        return done(err, false);
      }
      userOf.set(client, username!);
      done(null, true);
    },
    authorizePublish: (client, packet, done) => {
      if (packet.topic.startsWith("$SYS/")) return done(new Error("$SYS is reserved"));
      if (!acl || !client) return done(null);
      done(
        acl.canPublish(userOf.get(client), packet.topic) ? null : new Error(`not allowed to publish ${packet.topic}`),
      );
    },
    authorizeSubscribe: (client, sub, done) => {
      if (!acl) return done(null, sub);
      // Refused subscriptions get SUBACK 0x80 and receive nothing (Mosquitto: accepted, nothing delivered).
      done(null, acl.canSubscribe(userOf.get(client), sub.topic) ? sub : null);
    },
  });
  const server: Server = o.tls ? createTlsServer(o.tls, broker.handle) : createTcpServer(broker.handle);
  const sockets = new Set<Socket>();
  server.on(o.tls ? "secureConnection" : "connection", (s: Socket) => {
    sockets.add(s);
    s.once("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(o.port ?? 0, o.host ?? "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `${o.tls ? "mqtts" : "mqtt"}://${o.host ?? "127.0.0.1"}:${port}`,
    port,
    broker,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      for (const s of sockets) s.destroy();
      await closed;
    },
  };
}
