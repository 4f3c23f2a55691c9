// A relay on the Pi's own GPIO (or any local device with a command-line tool): runs a configured
// executable, no shell. E.g. with Debian's `gpiod` (libgpiod 1.6, manpages.debian.org gpioset(1)):
//   open:   ["gpioset", "--mode=time", "--sec={seconds}", "--background", "gpiochip0", "17=1"]
//   status: ["gpioget", "gpiochip0", "17"]
// gpioset sets the line, detaches (--background) and holds it for the pulse; when it exits — at the
// end of the pulse, or killed — the kernel releases the line: the relay drops, the door locks, even
// if the agent died meanwhile. Exit status 0 = done; 3 = jammed; anything else, or no exit within
// the budget (the process is killed) = lock unreachable.
// Status command: prints "1" / "0" (gpioget: relay on = unlocked / off = locked) or one of
// "locked", "unlocked", "open", "jammed", optionally followed by " contact=open|closed" and " battery=<0-100>".
import { spawn } from "node:child_process";
import { DriverError, type DriverReading, type LockDriver } from "./driver.ts";

export type CommandOptions = { open: string[]; status?: string[]; door: number };

export const JAMMED_EXIT_CODE = 3;

function run(argv: string[], signal: AbortSignal): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0], argv.slice(1), { signal, stdio: ["ignore", "pipe", "ignore"], killSignal: "SIGKILL" });
    let stdout = "";
    child.stdout.on("data", (c: Buffer) => {
      if (stdout.length < 4096) stdout += c.toString("utf8");
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout }));
  });
}

export class CommandDriver implements LockDriver {
  readonly kind = "command";
  private readonly o: CommandOptions;
  constructor(o: CommandOptions) {
    this.o = o;
  }

  private argv(template: string[], seconds: number): string[] {
    return template.map((a) => a.replaceAll("{seconds}", String(seconds)).replaceAll("{door}", String(this.o.door)));
  }

  async pulse(seconds: number, signal: AbortSignal): Promise<void> {
    let r;
    try {
      r = await run(this.argv(this.o.open, seconds), signal);
    } catch (err) {
      throw new DriverError("lock_unreachable", `${this.o.open[0]}: ${(err as Error).message}`);
    }
    if (r.code === JAMMED_EXIT_CODE) throw new DriverError("jammed", `${this.o.open[0]} reported the lock jammed`);
    if (r.code !== 0) throw new DriverError("lock_unreachable", `${this.o.open[0]} exited with ${r.code}`);
  }

  async read(signal: AbortSignal): Promise<DriverReading> {
    if (!this.o.status) return { state: "unknown", contact: null, battery: null };
    let r;
    try {
      r = await run(this.argv(this.o.status, 0), signal);
    } catch (err) {
      throw new DriverError("lock_unreachable", `${this.o.status[0]}: ${(err as Error).message}`);
    }
    if (r.code !== 0) throw new DriverError("lock_unreachable", `${this.o.status[0]} exited with ${r.code}`);
    const words = r.stdout.trim().split(/\s+/);
    const state =
      words[0] === "1"
        ? "unlocked"
        : words[0] === "0"
          ? "locked"
          : ["locked", "unlocked", "open", "jammed"].includes(words[0])
            ? words[0]
            : "unknown";
    const contact = /contact=(open|closed)/.exec(r.stdout)?.[1] ?? null;
    const battery = /battery=(\d{1,3})/.exec(r.stdout)?.[1];
    return {
      state: state as DriverReading["state"],
      contact: contact as DriverReading["contact"],
      battery: battery === undefined ? null : Math.min(100, Number(battery)),
    };
  }
}
