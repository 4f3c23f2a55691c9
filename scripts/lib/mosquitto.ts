// A throwaway Mosquitto for tests and the door benchmark: a CA and a server certificate made with
// openssl (subjectAltName IP:127.0.0.1), a password file (mosquitto_passwd), the ACL rules of
// server/broker/acl.ts as its acl_file, TLS on a loopback port. As root, `user root` keeps it
// from dropping to the mosquitto user (TOOLCHAIN.md). stop() kills it and removes its folder;
// restart() stops and starts it on the same port (a broker restart).
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { mosquittoAclFile, type AclUser } from "../../server/broker/acl.ts";

export const MOSQUITTO = "/usr/sbin/mosquitto";

export type Mosquitto = {
  url: string;
  port: number;
  ca: string;
  pid(): number | undefined;
  restart(): Promise<void>;
  stop(): Promise<void>;
};

/** A throwaway CA and a server certificate for 127.0.0.1, in `dir`. */
export function makeTestCertificates(dir: string): { ca: string; key: string; cert: string } {
  const f = (n: string) => path.join(dir, n);
  const ssl = (...args: string[]) => execFileSync("openssl", args, { stdio: "pipe" });
  ssl(
    "req",
    "-x509",
    "-newkey",
    "ec",
    "-pkeyopt",
    "ec_paramgen_curve:prime256v1",
    "-nodes",
    "-keyout",
    f("ca.key"),
    "-out",
    f("ca.pem"),
    "-days",
    "2",
    "-subj",
    "/CN=passepartout-test-ca",
  );
  ssl(
    "req",
    "-newkey",
    "ec",
    "-pkeyopt",
    "ec_paramgen_curve:prime256v1",
    "-nodes",
    "-keyout",
    f("server.key"),
    "-out",
    f("server.csr"),
    "-subj",
    "/CN=127.0.0.1",
  );
  writeFileSync(f("san.cnf"), "subjectAltName=IP:127.0.0.1\n");
  ssl(
    "x509",
    "-req",
    "-in",
    f("server.csr"),
    "-CA",
    f("ca.pem"),
    "-CAkey",
    f("ca.key"),
    "-CAcreateserial",
    "-out",
    f("server.pem"),
    "-days",
    "2",
    "-extfile",
    f("san.cnf"),
  );
  return { ca: f("ca.pem"), key: f("server.key"), cert: f("server.pem") };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

async function waitPort(port: number, child: ChildProcess, logFile: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`mosquitto exited: ${readFileSync(logFile, "utf8").slice(-500)}`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, "127.0.0.1", () => {
        s.destroy();
        resolve(true);
      });
      s.on("error", () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error("mosquitto did not open its port");
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function startMosquitto(o: {
  users: Map<string, string>;
  acl: AclUser[];
  maxConnections?: number;
}): Promise<Mosquitto> {
  const dir = mkdtempSync(path.join(tmpdir(), "pp-mosquitto-"));
  try {
    const certs = makeTestCertificates(dir);
    const passwd = path.join(dir, "passwd");
    writeFileSync(passwd, "");
    for (const [user, password] of o.users)
      execFileSync("mosquitto_passwd", ["-b", passwd, user, password], { stdio: "pipe" });
    writeFileSync(path.join(dir, "acl"), mosquittoAclFile(o.acl));
    const port = await freePort();
    const conf = path.join(dir, "mosquitto.conf");
    writeFileSync(
      conf,
      [
        ...(process.getuid?.() === 0 ? ["user root"] : []),
        "per_listener_settings false",
        "persistence false",
        `listener ${port} 127.0.0.1`,
        `cafile ${certs.ca}`,
        `certfile ${certs.cert}`,
        `keyfile ${certs.key}`,
        "allow_anonymous false",
        `password_file ${passwd}`,
        `acl_file ${path.join(dir, "acl")}`,
        "max_inflight_messages 100",
        "max_queued_messages 10000",
        "log_dest stderr",
        "log_type error",
        "log_type warning",
        "",
      ].join("\n"),
    );
    const logFile = path.join(dir, "log");
    let child: ChildProcess | null = null;
    const launch = async () => {
      writeFileSync(logFile, "");
      const c = spawn(MOSQUITTO, ["-c", conf], { detached: true, stdio: ["ignore", "ignore", "pipe"] });
      c.stderr.on("data", (d: Buffer) => writeFileSync(logFile, d, { flag: "a" }));
      child = c;
      await waitPort(port, c, logFile);
    };
    const kill = async () => {
      const c = child;
      child = null;
      if (!c || c.exitCode !== null) return;
      const exited = new Promise((r) => c.once("exit", r));
      try {
        process.kill(-c.pid!, "SIGKILL");
      } catch {
        // already gone
      }
      await exited;
    };
    await launch();
    return {
      url: `mqtts://127.0.0.1:${port}`,
      port,
      ca: readFileSync(certs.ca, "utf8"),
      pid: () => child?.pid,
      async restart() {
        await kill();
        await launch();
      },
      async stop() {
        await kill();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}
