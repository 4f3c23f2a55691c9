// A QR scanner in USB keyboard (HID) mode (agent/src/offline/evdevKeyboard.ts, scannerInput.ts with
// format "evdev"): the device file yields Linux input_event structs (timeval, u16 type, u16 code,
// i32 value; 24 bytes on 64-bit, 16 on 32-bit); key presses on a US layout, shifted, then Enter,
// become the typed line. Fed here as a scanner types a real door code, split at odd places, with
// the EV_MSC / EV_SYN events a keyboard sends around each key.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { closeSync, openSync, writeSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import { createAgentLogger } from "../../agent/src/log.ts";
import { EvdevKeyboard } from "../../agent/src/offline/evdevKeyboard.ts";
import { ScannerInput } from "../../agent/src/offline/scannerInput.ts";
import { decodeDoorCode } from "../../protocol/doorPass.ts";
import { tempDir } from "../helpers/tempDirs.ts";
import { makeCode, newDevice, samplePass } from "./offlineFixture.ts";

// include/uapi/linux/input-event-codes.h
const EV_SYN = 0;
const EV_KEY = 1;
const EV_MSC = 4;
const KEY_LEFTSHIFT = 42;
const KEY_RIGHTSHIFT = 54;
const KEY_CAPSLOCK = 58;
const KEY_ENTER = 28;
const KEY_LEFTCTRL = 29;
const codes: Record<string, number> = { "-": 12, "=": 13, " ": 57 };
"1234567890".split("").forEach((c, i) => (codes[c] = 2 + i));
"qwertyuiop".split("").forEach((c, i) => (codes[c] = 16 + i));
"asdfghjkl".split("").forEach((c, i) => (codes[c] = 30 + i));
"zxcvbnm".split("").forEach((c, i) => (codes[c] = 44 + i));

function event(size: number, type: number, code: number, value: number, usec = 0): Buffer {
  const b = Buffer.alloc(size);
  if (size === 24) {
    b.writeBigInt64LE(1_800_000_000n, 0);
    b.writeBigInt64LE(BigInt(usec), 8);
  } else {
    b.writeInt32LE(1_800_000_000, 0);
    b.writeInt32LE(usec, 4);
  }
  b.writeUInt16LE(type, size - 8);
  b.writeUInt16LE(code, size - 6);
  b.writeInt32LE(value, size - 4);
  return b;
}

/** The events a keyboard-mode scanner sends to type `text` and Enter (right shift for capitals, as some do). */
function typed(text: string, size = 24): Buffer {
  const out: Buffer[] = [];
  const key = (code: number, value: number) => {
    out.push(event(size, EV_MSC, 4, 0x70000 + code), event(size, EV_KEY, code, value), event(size, EV_SYN, 0, 0));
  };
  for (const [i, c] of [...text].entries()) {
    const lower = c.toLowerCase();
    const shifted = c === "_" || c !== lower;
    const code = c === "_" ? codes["-"] : codes[lower];
    assert.ok(code !== undefined, `no key for ${c}`);
    const shift = i % 2 ? KEY_RIGHTSHIFT : KEY_LEFTSHIFT;
    if (shifted) key(shift, 1);
    key(code, 1);
    key(code, 0);
    if (shifted) key(shift, 0);
  }
  key(KEY_ENTER, 1);
  key(KEY_ENTER, 0);
  return Buffer.concat(out);
}

/** `buf` cut into pieces of 1 to 37 bytes (reads do not end on event boundaries). */
function pieces(buf: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let at = 0, n = 1; at < buf.length; at += n, n = (n * 7) % 37 || 1) out.push(buf.subarray(at, at + n));
  return out;
}

describe("a keyboard-mode QR scanner's input events", () => {
  it("types back every character of a door code, on 64-bit and 32-bit layouts, across split reads", async () => {
    const device = await newDevice();
    const { text } = await makeCode(samplePass(device), device, 1_800_000_305);
    assert.match(text, /^PP1[A-Za-z0-9_-]+$/);
    for (const size of [24, 16]) {
      const kb = new EvdevKeyboard(size);
      const out = pieces(typed(text, size))
        .map((p) => kb.push(p))
        .join("");
      assert.equal(out, `${text}\n`, `${size}-byte events`);
    }
    const all = "PP1abcXYZ0189-_";
    assert.equal(new EvdevKeyboard(24).push(typed(all)), `${all}\n`);
  });

  it("ignores releases and autorepeat, follows caps lock, and marks an unknown key", () => {
    const kb = new EvdevKeyboard(24);
    const ev = (code: number, value: number) => event(24, EV_KEY, code, value);
    assert.equal(kb.push(Buffer.concat([ev(codes.a, 1), ev(codes.a, 2), ev(codes.a, 2), ev(codes.a, 0)])), "a");
    assert.equal(
      kb.push(Buffer.concat([ev(KEY_CAPSLOCK, 1), ev(KEY_CAPSLOCK, 0), ev(codes.b, 1), ev(codes[1], 1)])),
      "B1",
    );
    assert.equal(
      kb.push(Buffer.concat([ev(KEY_LEFTSHIFT, 1), ev(codes.c, 1), ev(KEY_LEFTSHIFT, 0)])),
      "c",
      "caps + shift",
    );
    assert.equal(kb.push(Buffer.concat([ev(KEY_CAPSLOCK, 1), ev(KEY_LEFTCTRL, 1), ev(codes.d, 1)])), "\ufffdd");
  });

  it("reads a code from the device file into the door's line reader; a line with an unknown key is no code", async () => {
    const device = await newDevice();
    const { text } = await makeCode(samplePass(device), device, 1_800_000_305);
    const fifo = path.join(tempDir("pp-evdev-"), "event0");
    execFileSync("mkfifo", [fifo]);
    const lines: string[] = [];
    const scanner = new ScannerInput({
      path: fifo,
      format: "evdev",
      eventSize: 24,
      onLine: (l) => Promise.resolve(lines.push(l)),
      logger: createAgentLogger("error", () => undefined),
    });
    try {
      const fd = openSync(fifo, "w");
      // "PP1", an unknown key (left Ctrl), Enter: the last six events of typed() are Enter's.
      const pp1 = typed("PP1");
      const enter = pp1.length - 6 * 24;
      const junk = Buffer.concat([pp1.subarray(0, enter), event(24, EV_KEY, KEY_LEFTCTRL, 1), pp1.subarray(enter)]);
      for (const p of pieces(Buffer.concat([junk, typed(text)]))) writeSync(fd, p);
      closeSync(fd);
      for (let i = 0; lines.length < 2; i++) {
        assert.ok(i < 200, `two lines read (got ${lines.length})`);
        await new Promise((r) => setTimeout(r, 25));
      }
      await scanner.idle();
      assert.equal(lines.at(-1), text, "the code, as the phone shows it");
      assert.equal(decodeDoorCode(lines.at(-1)!).pass.serial, 7);
      assert.equal(lines[0], "PP1\ufffd", "the unknown key marks its line (refused as malformed_code)");
    } finally {
      scanner.close();
    }
  });
});
