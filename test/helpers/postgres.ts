// A throwaway PostgreSQL cluster for tests: initdb in a temporary folder, started on a free
// loopback port, stopped (and its folder removed) by stop(). PostgreSQL refuses to run as root, so
// as root the cluster belongs to the `postgres` user (see TOOLCHAIN.md); otherwise to the caller.
import { execFileSync } from "node:child_process";
import { chmodSync, existsSync, readdirSync, rmSync } from "node:fs";
import { tempDir } from "./tempDirs.ts";
import path from "node:path";
import { freePort } from "./localChain.ts";

export type PgCluster = { url: string; stop(): void };

function pgBin(name: string): string {
  const base = "/usr/lib/postgresql";
  const versions = existsSync(base) ? readdirSync(base).sort((a, b) => Number(b) - Number(a)) : [];
  for (const v of versions) {
    const bin = path.join(base, v, "bin", name);
    if (existsSync(bin)) return bin;
  }
  throw new Error(`PostgreSQL's ${name} not found under ${base}: apt-get install postgresql`);
}

export async function startPostgres(): Promise<PgCluster> {
  const root = process.getuid?.() === 0;
  const dir = tempDir("pp-pg-");
  chmodSync(dir, 0o777);
  const data = path.join(dir, "data");
  const port = await freePort();
  const run = (bin: string, args: string[]) =>
    execFileSync(root ? "runuser" : bin, root ? ["-u", "postgres", "--", bin, ...args] : args, { stdio: "pipe" });
  run(pgBin("initdb"), ["-D", data, "-A", "trust", "-U", "pp", "--no-sync"]);
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=on`;
  run(pgBin("pg_ctl"), ["-D", data, "-o", options, "-l", path.join(dir, "log"), "-w", "start"]);
  return {
    url: `postgres://pp@127.0.0.1:${port}/postgres`,
    stop() {
      try {
        run(pgBin("pg_ctl"), ["-D", data, "-m", "immediate", "-w", "stop"]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
