// Each driver's vendor-specific rules, against its fake.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DriverError, withinBudget } from "../../agent/src/drivers/driver.ts";
import { ShellyDriver, digestAuthorization } from "../../agent/src/drivers/shelly.ts";
import { NukiDriver } from "../../agent/src/drivers/nuki.ts";
import { CommandDriver } from "../../agent/src/drivers/command.ts";
import { startFakeShelly } from "./fakes/fakeShelly.ts";
import { startFakeNukiBridge } from "./fakes/fakeNukiBridge.ts";
import { makeFakeGpio } from "./fakes/fakeGpio.ts";

const isCode = (code: string) => (e: unknown) => e instanceof DriverError && e.code === code;

describe("Shelly driver", () => {
  it("answers the digest challenge with SHA-256 and the device times the pulse (toggle_after)", async () => {
    const fake = await startFakeShelly({ password: "pw" });
    try {
      await withinBudget(2000, (s) => new ShellyDriver({ url: fake.url, password: "pw" }).pulse(4, s));
      assert.deepEqual(fake.pulses, [4]);
      assert.equal(fake.output(), true);
      assert.equal(fake.unauthorized, 1, "one 401 challenge, then accepted");
    } finally {
      await fake.close();
    }
  });
  it("a wrong password or none is lock_unreachable and the relay never switches", async () => {
    const fake = await startFakeShelly({ password: "pw" });
    try {
      await assert.rejects(
        withinBudget(2000, (s) => new ShellyDriver({ url: fake.url, password: "no" }).pulse(4, s)),
        isCode("lock_unreachable"),
      );
      await assert.rejects(
        withinBudget(2000, (s) => new ShellyDriver({ url: fake.url }).pulse(4, s)),
        isCode("lock_unreachable"),
      );
      assert.deepEqual(fake.pulses, []);
    } finally {
      await fake.close();
    }
  });
  it("builds the RFC 7616 response Shelly documents", () => {
    const h = digestAuthorization('Digest qop="auth", realm="shellyplus1-abc", nonce="60dc59c6", algorithm=SHA-256', {
      username: "admin",
      password: "pw",
      method: "POST",
      uri: "/rpc",
      cnonce: "313273957",
      nc: 1,
    });
    assert.match(
      h!,
      /username="admin", realm="shellyplus1-abc", nonce="60dc59c6", uri="\/rpc", algorithm=SHA-256, qop=auth, nc=00000001, cnonce="313273957", response="[0-9a-f]{64}"/,
    );
    assert.equal(
      digestAuthorization("Basic realm=x", { username: "a", password: "b", method: "POST", uri: "/rpc" }),
      null,
    );
  });
});

describe("Nuki bridge driver", () => {
  it("spaces calls ≥ 0.5 s, one at a time, with a fresh rnr each: two doors on one bridge both open, no 503", async () => {
    const fake = await startFakeNukiBridge({ token: "tok", nukiId: 7, actionMs: 150 });
    try {
      const a = new NukiDriver({ url: fake.url, nukiId: 7, token: "tok" });
      const b = new NukiDriver({ url: fake.url, nukiId: 7, token: "tok" });
      await Promise.all([withinBudget(3000, (s) => a.pulse(1, s)), withinBudget(3000, (s) => b.pulse(1, s))]);
      assert.deepEqual(fake.actions, [3, 3]);
      assert.equal(fake.counts.busy, 0);
      assert.equal(fake.counts.unauthorized, 0);
    } finally {
      await fake.close();
    }
  });
  it("retries a 503 (the bridge busy with another client) within the budget", async () => {
    const fake = await startFakeNukiBridge({ token: "tok", nukiId: 7 });
    try {
      await fetch(`${fake.url}/info`); // someone else's call: the next one within 0.5 s gets 503
      await withinBudget(2500, (s) => new NukiDriver({ url: fake.url, nukiId: 7, token: "tok" }).pulse(1, s));
      assert.equal(fake.counts.busy >= 1, true, "the bridge answered 503 first");
      assert.deepEqual(fake.actions, [3]);
    } finally {
      await fake.close();
    }
  });
  it("retries success:false (the lock out of reach of the bridge), and gives up at the budget", async () => {
    const fake = await startFakeNukiBridge({ token: "tok", nukiId: 7 });
    try {
      fake.failNext = 1;
      await withinBudget(2500, (s) => new NukiDriver({ url: fake.url, nukiId: 7, token: "tok" }).pulse(1, s));
      assert.deepEqual(fake.actions, [3]);
      fake.failNext = 100;
      await assert.rejects(
        withinBudget(1200, (s) => new NukiDriver({ url: fake.url, nukiId: 7, token: "tok" }).pulse(1, s)),
        isCode("lock_unreachable"),
      );
    } finally {
      await fake.close();
    }
  });
  it("a wrong token or an unknown lock is lock_unreachable at once; a stale clock's hashes are refused", async () => {
    const fake = await startFakeNukiBridge({ token: "tok", nukiId: 7 });
    try {
      await assert.rejects(
        withinBudget(2000, (s) => new NukiDriver({ url: fake.url, nukiId: 7, token: "bad" }).pulse(1, s)),
        isCode("lock_unreachable"),
      );
      await assert.rejects(
        withinBudget(2000, (s) => new NukiDriver({ url: fake.url, nukiId: 8, token: "tok" }).pulse(1, s)),
        isCode("lock_unreachable"),
      );
      const stale = new NukiDriver({ url: fake.url, nukiId: 7, token: "tok", now: () => Date.now() - 120_000 });
      await assert.rejects(
        withinBudget(2000, (s) => stale.pulse(1, s)),
        isCode("lock_unreachable"),
      );
      assert.deepEqual(fake.actions, []);
      const r = await withinBudget(2000, (s) => new NukiDriver({ url: fake.url, nukiId: 7, token: "tok" }).read(s));
      assert.deepEqual(r, { state: "locked", contact: "closed", battery: 87 });
    } finally {
      await fake.close();
    }
  });
});

describe("command driver", () => {
  it("gpioset holds the line for the pulse in the background, then it drops by itself", async () => {
    const gpio = makeFakeGpio();
    try {
      const d = new CommandDriver({
        door: 3,
        open: [gpio.gpioset, "--mode=time", "--sec={seconds}", "--background", "gpiochip0", "17=1"],
      });
      await withinBudget(1500, (s) => d.pulse(1, s));
      assert.equal(gpio.line(), "1");
      await new Promise((r) => setTimeout(r, 1400));
      assert.equal(gpio.line(), "0");
    } finally {
      gpio.remove();
    }
  });
  it("a failing command is lock_unreachable, exit status 3 is jammed", async () => {
    const gpio = makeFakeGpio();
    try {
      const bad = new CommandDriver({ door: 3, open: [gpio.gpioset, "--sec={seconds}", "gpiochip0", "17=1"] });
      await assert.rejects(
        withinBudget(1500, (s) => bad.pulse(1, s)),
        isCode("lock_unreachable"),
      );
      const jam = new CommandDriver({ door: 3, open: ["/bin/sh", "-c", "exit 3"] });
      await assert.rejects(
        withinBudget(1500, (s) => jam.pulse(1, s)),
        isCode("jammed"),
      );
    } finally {
      gpio.remove();
    }
  });
});
