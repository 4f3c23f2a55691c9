// One conformance suite for every lock driver, each against a fake enforcing the vendor's rules
// (test/agent/fakes): a pulse releases the door once and the device locks again by itself; the
// state reads as a Home Assistant lock state; an unreachable or hung device is "lock_unreachable"
// within the budget — never a crash, never a wait past the budget.
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import net from "node:net";
import { LOCK_STATES } from "../../protocol/doorMqtt.ts";
import { DriverError, withinBudget, type LockDriver } from "../../agent/src/drivers/driver.ts";
import { SimulatorDriver } from "../../agent/src/drivers/simulator.ts";
import { ShellyDriver } from "../../agent/src/drivers/shelly.ts";
import { NukiDriver } from "../../agent/src/drivers/nuki.ts";
import { CommandDriver } from "../../agent/src/drivers/command.ts";
import { startFakeShelly } from "./fakes/fakeShelly.ts";
import { startFakeNukiBridge } from "./fakes/fakeNukiBridge.ts";
import { makeFakeGpio } from "./fakes/fakeGpio.ts";

type Subject = {
  driver: LockDriver;
  /** Pulses the device saw, in seconds (0 when the device times it itself without a duration). */
  pulses(): number[];
  /** The device stops answering (accepts connections, never replies). */
  hang(): void;
  /** A driver for the same kind of device at an address where nothing listens. */
  unreachable(): LockDriver;
  cleanup(): Promise<void>;
};

async function deadPort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

const subjects: Record<string, () => Promise<Subject>> = {
  simulator() {
    const driver = new SimulatorDriver();
    return Promise.resolve({
      driver,
      pulses: () => driver.pulses.map((p) => p.seconds),
      hang: () => (driver.options.hang = true),
      unreachable: () => new SimulatorDriver({ hang: true }),
      cleanup: () => Promise.resolve(driver.close()),
    });
  },
  async shelly() {
    const fake = await startFakeShelly({ password: "s3cret-relay" });
    const port = await deadPort();
    return {
      driver: new ShellyDriver({ url: fake.url, password: "s3cret-relay" }),
      pulses: () => fake.pulses,
      hang: () => (fake.hang = true),
      unreachable: () => new ShellyDriver({ url: `http://127.0.0.1:${port}`, password: "x" }),
      cleanup: () => fake.close(),
    };
  },
  async nuki() {
    const fake = await startFakeNukiBridge({ token: "abc123", nukiId: 42 });
    const port = await deadPort();
    return {
      driver: new NukiDriver({ url: fake.url, nukiId: 42, token: "abc123" }),
      pulses: () => fake.actions.filter((a) => a === 3).map(() => 0),
      hang: () => (fake.hang = true),
      unreachable: () => new NukiDriver({ url: `http://127.0.0.1:${port}`, nukiId: 42, token: "abc123" }),
      cleanup: () => fake.close(),
    };
  },
  command() {
    const gpio = makeFakeGpio();
    const open = [gpio.gpioset, "--mode=time", "--sec={seconds}", "--background", "gpiochip0", "17=1"];
    const hangScript = ["/bin/sleep", "30"];
    let hung = false;
    const driver = new CommandDriver({ door: 1, open, status: [gpio.gpioget, "gpiochip0", "17"] });
    const hanging = new CommandDriver({ door: 1, open: hangScript, status: hangScript });
    return Promise.resolve({
      driver: {
        kind: "command",
        pulse: (s, signal) => (hung ? hanging : driver).pulse(s, signal),
        read: (signal) => (hung ? hanging : driver).read(signal),
      },
      pulses: () => gpio.calls().map((c) => Number(/--sec=(\d+)/.exec(c)?.[1] ?? NaN)),
      hang: () => (hung = true),
      unreachable: () => new CommandDriver({ door: 1, open: ["/nonexistent/gpioset", "x"] }),
      cleanup: () => Promise.resolve(gpio.remove()),
    });
  },
};

for (const [name, make] of Object.entries(subjects)) {
  describe(`lock driver conformance: ${name}`, () => {
    let s: Subject;
    after(async () => s?.cleanup());

    it("pulses once, reads back a lock state, and locks again by itself", async () => {
      s = await make();
      const before = await withinBudget(2000, (sig) => s.driver.read(sig));
      assert.ok(LOCK_STATES.includes(before.state), `state ${before.state}`);
      await withinBudget(3000, (sig) => s.driver.pulse(1, sig));
      assert.equal(s.pulses().length, 1, "the device saw exactly one pulse");
      if (name !== "nuki") assert.equal(s.pulses()[0], 1, "the pulse lasts what was asked");
      const during = await withinBudget(2000, (sig) => s.driver.read(sig));
      assert.ok(["unlocked", "open"].includes(during.state), `during the pulse: ${during.state}`);
      await new Promise((r) => setTimeout(r, 1300));
      const later = await withinBudget(2000, (sig) => s.driver.read(sig));
      assert.equal(later.state, "locked", "the device locked again by itself");
    });

    it("an unreachable device is lock_unreachable within the budget", async () => {
      const started = Date.now();
      await assert.rejects(
        withinBudget(800, (sig) => s.unreachable().pulse(1, sig)),
        (e: unknown) => e instanceof DriverError && e.code === "lock_unreachable",
      );
      assert.ok(Date.now() - started < 1500, `${Date.now() - started} ms`);
    });

    it("a hung device is lock_unreachable within the budget, and nothing crashes", async () => {
      s.hang();
      const started = Date.now();
      await assert.rejects(
        withinBudget(700, (sig) => s.driver.pulse(1, sig)),
        (e: unknown) => e instanceof DriverError && e.code === "lock_unreachable",
      );
      const took = Date.now() - started;
      assert.ok(took >= 650 && took < 1500, `${took} ms`);
    });
  });
}
